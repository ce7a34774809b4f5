/**
 * Serves a data folder (the registry's layout, as UNROLLED_DATA holds it) over HTTP on 127.0.0.1, so that
 * another machine or a fresh cache can download from it:
 *
 *   npx tsx scripts/serve-data.ts FOLDER [--port N]          prints the URL, then serves until stopped
 *   UNROLLED_DATA_MIRROR=http://127.0.0.1:N npx unrolled data download --all
 *
 * Static files only: GET of a path under FOLDER, 404 for anything else, nothing outside FOLDER.
 */
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';

const [folder, ...rest] = process.argv.slice(2);
if (!folder || !fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
  process.stderr.write(`serve-data: give a data folder, e.g. npx tsx scripts/serve-data.ts "$UNROLLED_DATA"${folder ? ` (${JSON.stringify(folder)} is not a directory)` : ''}\n`);
  process.exit(2);
}
const portAt = rest.indexOf('--port');
const port = portAt >= 0 ? Number(rest[portAt + 1]) : 0;
const root = path.resolve(folder);

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
  const inside = file.startsWith(root + path.sep);
  if (req.method !== 'GET' || !inside || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, 'Not Found');
    res.end();
    return;
  }
  res.writeHead(200, { 'content-length': fs.statSync(file).size, 'content-type': 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
