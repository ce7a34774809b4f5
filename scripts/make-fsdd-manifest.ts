/**
 * Writes lib/data/fsdd-manifest.json, the registry's list of the Free Spoken Digit Dataset's 2,500
 * recordings (name, bytes, sha256), from a folder that holds them, and checks them against the digest
 * the data set's notes give: sha256 over every recording in name order, each as its name, a NUL byte,
 * then its bytes.
 * Usage: tsx scripts/make-fsdd-manifest.ts FOLDER
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const FSDD_LIST_SHA256 = '2c15e65b1e83f68c82c0d18ae20c9c455e18d3e9483b0f2b639be2dd9159aaec';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: tsx scripts/make-fsdd-manifest.ts FOLDER (the fsdd folder of a data root)');
  process.exit(2);
}
const names = fs.readdirSync(dir).filter((f) => /^\d_[a-z]+_\d+\.wav$/.test(f)).sort();
const all = crypto.createHash('sha256');
const files = names.map((name) => {
  const bytes = fs.readFileSync(path.join(dir, name));
  all.update(`${name}\0`).update(bytes);
  return [name, bytes.length, crypto.createHash('sha256').update(bytes).digest('hex')] as [string, number, string];
});
const digest = all.digest('hex');
console.log(`${files.length} recordings, ${files.reduce((a, f) => a + f[1], 0)} bytes; digest ${digest} (${digest === FSDD_LIST_SHA256 ? 'as the data set\'s notes give it' : 'NOT the expected one'})`);
const out = path.join(__dirname, '..', 'lib', 'data', 'fsdd-manifest.json');
fs.writeFileSync(out, JSON.stringify({ commit: '26eb9aaf76e81b692f806f9140c2d2777410d7a1', folder: 'recordings', files }) + '\n');
console.log(`wrote ${path.relative(process.cwd(), out)}`);
