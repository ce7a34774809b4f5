import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { ValueError } from '../../lib/kernels/tensor';
import { DATASETS, DatasetEntry, datasetEntry } from '../../lib/data/datasets';
import { cacheDir, dataRoots, datasetPath, fileProblem, findDataset, sha256 } from '../../lib/data/locate';
import { mirrorUrl } from '../../lib/data/download';
import { tmpDir } from '../synthetic';

/** A registry of two made-up data sets, one file and a folder of two, with the checksums of their bytes. */
const ONE = Buffer.from('when,value\n1,10\n2,12\n');
const A = Buffer.from('alpha\n'), B = Buffer.from('beta\n');
const file = (name: string, bytes: Buffer) => ({ name, bytes: bytes.length, sha256: sha256(bytes), url: `https://example.org/${name}` });
const REGISTRY: DatasetEntry[] = [
  { name: 'one', title: 'one file', folder: null, files: [file('one.csv', ONE)], source: 's', licence: 'l', licenceNote: 'n', citation: 'c' },
  { name: 'two', title: 'a folder', folder: 'two', files: [file('two/a.txt', A), file('two/b.txt', B)], source: 's', licence: 'l', licenceNote: 'n', citation: 'c' },
];

function folderWith(files: Record<string, Buffer>): string {
  const dir = tmpDir('data-');
  for (const [name, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), bytes);
  }
  return dir;
}

describe('where a data set is found', () => {
  it('the cache is $XDG_CACHE_HOME/unrolled, else ~/.cache/unrolled', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe(path.resolve('/x/cache/unrolled'));
    expect(cacheDir({ HOME: '/home/u' })).toBe(path.resolve('/home/u/.cache/unrolled'));
    expect(cacheDir({ XDG_CACHE_HOME: '', HOME: '/home/u' })).toBe(path.resolve('/home/u/.cache/unrolled'));
  });

  it('looks in UNROLLED_DATA first, then in the cache; a folder data set is found as its folder', () => {
    const data = folderWith({ 'one.csv': ONE });
    const cache = folderWith({ 'unrolled/one.csv': ONE, 'unrolled/two/a.txt': A, 'unrolled/two/b.txt': B });
    const env = { UNROLLED_DATA: data, XDG_CACHE_HOME: cache };
    expect(dataRoots(env).map((r) => r.place)).toEqual(['UNROLLED_DATA', 'cache']);
    expect(datasetPath('one', { env, registry: REGISTRY })).toBe(path.join(data, 'one.csv'));
    expect(datasetPath('two', { env, registry: REGISTRY })).toBe(path.join(cache, 'unrolled', 'two'));
    expect(findDataset(REGISTRY[1], env)?.root.place).toBe('cache');
    expect(datasetPath('one', { env: { XDG_CACHE_HOME: cache }, registry: REGISTRY })).toBe(path.join(cache, 'unrolled', 'one.csv'));
  });

  it('when it is nowhere: one line that says how to get it', () => {
    const env = { UNROLLED_DATA: tmpDir('data-'), XDG_CACHE_HOME: tmpDir('cache-') };
    const message = `the two data set is not downloaded: it is not in UNROLLED_DATA (${env.UNROLLED_DATA}) nor in the cache (${path.join(env.XDG_CACHE_HOME, 'unrolled')}); `
      + 'run `npx unrolled data download two`, or set UNROLLED_DATA to a folder that holds two/, or give --data-dir DIR';
    expect(() => datasetPath('two', { env, registry: REGISTRY, option: '--data-dir DIR' })).toThrow(new ValueError(message));
    expect(message).not.toContain('\n');
    expect(() => datasetPath('three', { env, registry: REGISTRY })).toThrow('no data set called "three"; the registry has one, two');
    expect(() => dataRoots({ UNROLLED_DATA: path.join(env.UNROLLED_DATA, 'nope') })).toThrow(`UNROLLED_DATA=${path.join(env.UNROLLED_DATA, 'nope')}: no such directory`);
  });

  it('a copy with a changed or missing file is an error that names it, not silently skipped', () => {
    const changed = folderWith({ 'one.csv': Buffer.from('when,value\n1,10\n2,13\n') });
    expect(() => datasetPath('one', { env: { UNROLLED_DATA: changed, XDG_CACHE_HOME: tmpDir('c-') }, registry: REGISTRY })).toThrow(
      `the one data set in UNROLLED_DATA (${changed}) is incomplete or changed: ${path.join(changed, 'one.csv')} is not the registry's file: sha256 ${sha256(Buffer.from('when,value\n1,10\n2,13\n'))}; expected ${sha256(ONE)}; run \`npx unrolled data download one\` to fetch it again, or \`npx unrolled data verify\``,
    );
    const half = folderWith({ 'two/a.txt': A });
    expect(() => datasetPath('two', { env: { UNROLLED_DATA: half, XDG_CACHE_HOME: tmpDir('c-') }, registry: REGISTRY })).toThrow(`${path.join(half, 'two', 'b.txt')} is missing`);
    const short = folderWith({ 'one.csv': ONE.subarray(0, 10) });
    expect(() => datasetPath('one', { env: { UNROLLED_DATA: short, XDG_CACHE_HOME: tmpDir('c-') }, registry: REGISTRY })).toThrow(`is not the registry's file: 10 bytes; expected ${ONE.length}`);
  });

  it('a gzip file is also accepted by its content, whatever its header says', () => {
    const content = Buffer.from('1,2,3,0\n4,5,6,1\n');
    const ours = zlib.gzipSync(content);
    const theirs = Buffer.from(ours);
    theirs.writeUInt32LE(1675058549, 4); // another mtime in the gzip header: other bytes, same content
    const f = { name: 'rows.csv.gz', bytes: ours.length, sha256: sha256(ours), url: null, gunzipped: { bytes: content.length, sha256: sha256(content) } };
    expect(sha256(theirs)).not.toBe(f.sha256);
    expect(fileProblem(f, ours)).toBeNull();
    expect(fileProblem(f, theirs)).toBeNull();
    expect(fileProblem(f, zlib.gzipSync(Buffer.from('1,2,3,0\n')))).toMatch(/^its decompressed content has 8 bytes, sha256 [0-9a-f]{64}; expected 16 bytes/);
    expect(fileProblem(f, Buffer.from('plain'))).toBe(`5 bytes that are not gzip; expected ${ours.length} bytes of gzip`);
  });
});

describe('the registry', () => {
  it('names the data sets the commands read, each file with its size, sha256 and a public source', () => {
    expect(DATASETS.map((d) => d.name)).toEqual(['airline', 'shampoo', 'sunspots', 'daily-min-temps', 'aapl', 'tinyshakespeare', 'names', 'eng-fra', 'digits', 'fsdd', 'm3']);
    expect(datasetEntry('names').files).toHaveLength(18);
    const fsdd = datasetEntry('fsdd').files;
    expect(fsdd).toHaveLength(2500); // five speakers × ten digits × fifty recordings
    expect(fsdd.reduce((a, f) => a + f.bytes, 0)).toBe(17995950);
    expect(new Set(fsdd.map((f) => f.name.replace(/^fsdd\/\d_([a-z]+)_\d+\.wav$/, '$1')))).toEqual(new Set(['george', 'jackson', 'lucas', 'nicolas', 'yweweler']));
    expect(fsdd[0].url).toBe('https://raw.githubusercontent.com/Jakobovski/free-spoken-digit-dataset/26eb9aaf76e81b692f806f9140c2d2777410d7a1/recordings/0_george_0.wav');
    const names = DATASETS.flatMap((d) => d.files.map((f) => f.name));
    expect(new Set(names).size).toBe(names.length); // one layout: no two files share a name
    for (const d of DATASETS) {
      for (const k of ['title', 'source', 'licence', 'licenceNote', 'citation'] as const) expect(d[k].length).toBeGreaterThan(2);
      for (const f of d.files) {
        expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(Number.isInteger(f.bytes) && f.bytes > 0).toBe(true);
        expect(f.url ?? f.cut?.url).toMatch(/^https:\/\//);
        if (d.folder) expect(f.name.startsWith(`${d.folder}/`)).toBe(true);
      }
    }
    const cut = datasetEntry('eng-fra').files[0].cut;
    expect(cut && [cut.member, cut.sha256.length]).toEqual(['data/eng-fra.txt', 64]);
  });

  it('a mirror serves every file under its registry name', () => {
    expect(mirrorUrl('http://127.0.0.1:8000/data/', 'names/Arabic.txt')).toBe('http://127.0.0.1:8000/data/names/Arabic.txt');
    expect(mirrorUrl('http://h', 'a b/c#d.txt')).toBe('http://h/a%20b/c%23d.txt');
  });
});
