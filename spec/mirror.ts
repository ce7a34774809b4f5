import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { tmpDir } from './synthetic';

/**
 * A static server on 127.0.0.1 (a free port) over a temporary folder, as a mirror is. Two paths misbehave
 * on purpose: /cut/… announces the whole length and closes the connection after half of it, and
 * /moved/… redirects to the same file under /. Every request is counted.
 */
export class Mirror {
  readonly dir = tmpDir('mirror-');
  readonly requests: string[] = [];
  private server!: http.Server;
  base = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const url = decodeURIComponent(req.url ?? '/');
      this.requests.push(url);
      if (url.startsWith('/moved/')) {
        res.writeHead(302, { location: url.slice('/moved'.length) });
        res.end();
        return;
      }
      const cut = url.startsWith('/cut/');
      const file = path.join(this.dir, ...url.slice(cut ? 5 : 1).split('/'));
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404, 'Not Found');
        res.end('no such file');
        return;
      }
      const bytes = fs.readFileSync(file);
      res.writeHead(200, { 'content-length': bytes.length });
      if (!cut) {
        res.end(bytes);
        return;
      }
      res.write(bytes.subarray(0, bytes.length >> 1), () => res.socket?.destroy()); // half, then the connection drops
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  put(name: string, bytes: Buffer): void {
    fs.mkdirSync(path.dirname(path.join(this.dir, name)), { recursive: true });
    fs.writeFileSync(path.join(this.dir, name), bytes);
  }
}
