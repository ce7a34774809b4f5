/**
 * Writes a file so that it is either the old file or the whole new one, never a part: the text (or bytes) goes to a
 * temporary file beside the target, is flushed to disk (fsync), and only then renamed over the target.
 * If anything fails, the temporary file is removed and the error is thrown; the target is untouched.
 */
import * as fs from 'fs';
import * as path from 'path';

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
