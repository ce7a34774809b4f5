/**
 * The browser's twin of files.ts: a page has no file system, so reading or writing a file says so in one
 * line instead of failing somewhere inside Node's `fs`. A browser build (scripts/build-browser.ts) takes
 * this module wherever the library imports files.ts; a spec holds the two to the same exports.
 * A page keeps weights in memory (stateDict / loadStateDict) and gives the trace its sources itself.
 */

/** What a page asked of a file system it does not have. */
export class NoFileSystemError extends Error {
  constructor(what: string, file: string) {
    super(`${what} ${JSON.stringify(file)}: there are no files in the browser; keep the data in memory (stateDict / loadStateDict for weights)`);
    this.name = 'NoFileSystemError';
  }
}

export function readText(file: string): string {
  throw new NoFileSystemError('readText', file);
}

export function readBytes(file: string): Uint8Array {
  throw new NoFileSystemError('readBytes', file);
}

/** No file exists in the browser: always null. */
export function readFirstExisting(files: readonly string[]): string | null {
  void files;
  return null;
}

export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  void content;
  throw new NoFileSystemError('writeFileAtomic', file);
}
