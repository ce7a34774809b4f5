/**
 * The file system, as the library below the command line uses it: reading a checkpoint, a state dict or
 * a source file, and writing a file atomically. This is the one module of those layers that needs Node;
 * a browser build takes its twin, files.browser.ts, instead (docs/browser.md), so that everything else
 * (the engine, the textbook engine, training, diagnostics, the trace) runs in a page unchanged.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The text of a UTF-8 file (Node's error, which names the file, if it cannot be read). */
export function readText(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/** The bytes of a file. */
export function readBytes(file: string): Uint8Array {
  return fs.readFileSync(file);
}

/** The text of the first of `files` that exists, or null when none does. */
export function readFirstExisting(files: readonly string[]): string | null {
  const file = files.find((f) => fs.existsSync(f));
  return file === undefined ? null : fs.readFileSync(file, 'utf8');
}

/**
 * Writes a file so that it is either the old file or the whole new one, never a part: the text (or bytes) goes to a
 * temporary file beside the target, is flushed to disk (fsync), and only then renamed over the target.
 * If anything fails, the temporary file is removed and the error is thrown; the target is untouched.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'w');
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    for (let at = 0; at < bytes.length;) at += fs.writeSync(fd, bytes, at, Math.min(1 << 20, bytes.length - at));
    fs.fsyncSync(fd); // on disk before it takes the target's name
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dirFd = fs.openSync(dir, 'r'); // make the rename itself durable where the platform allows
    fs.fsyncSync(dirFd);
    fs.closeSync(dirFd);
  } catch {
    // Some platforms cannot fsync a directory; the rename has still happened.
  }
}
