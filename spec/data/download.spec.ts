import * as fs from 'fs';
import * as path from 'path';
import { DatasetEntry } from '../../lib/data/datasets';
import { datasetPath, sha256 } from '../../lib/data/locate';
import { DownloadError, downloadDataset } from '../../lib/data/download';
import { tutorialPairs } from '../../lib/data/pairs';
import { madeUpPairs, makeZip, tmpDir } from '../synthetic';
import { Mirror } from '../mirror';

const TEXT = Buffer.from('one line of text that the spec wrote\n'.repeat(400)); // 14,800 bytes: several chunks
const A = Buffer.from('alpha\n'), B = Buffer.from('beta\n');
const entry = (name: string, files: { name: string; bytes: Buffer }[], folder: string | null = null): DatasetEntry => ({
  name, title: name, folder, source: 's', licence: 'l', licenceNote: 'n', citation: 'c',
  files: files.map((f) => ({ name: f.name, bytes: f.bytes.length, sha256: sha256(f.bytes), url: `https://example.invalid/${f.name}` })),
});

/** Every file under `dir`, hidden ones too (a partial download would show up here). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('downloading a data set (offline, from a mirror on 127.0.0.1)', () => {
  const mirror = new Mirror();
  beforeAll(() => mirror.start());
  afterAll(() => mirror.stop());
  const env = () => ({ UNROLLED_DATA_MIRROR: mirror.base, XDG_CACHE_HOME: tmpDir('cache-') });

  it('a good download: every file checked and in the cache under its registry name, with progress reported', async () => {
    mirror.put('text.txt', TEXT);
    mirror.put('set/a.txt', A);
    mirror.put('set/b.txt', B);
    const e = env(), progress: [string, number, number | null][] = [];
    const single = entry('single', [{ name: 'text.txt', bytes: TEXT }]);
    const set = entry('set', [{ name: 'set/a.txt', bytes: A }, { name: 'set/b.txt', bytes: B }], 'set');
    const got = await downloadDataset(single, { env: e, events: { progress: (f, r, t) => progress.push([f, r, t]) } });
    expect(got).toEqual([{ name: 'text.txt', status: 'downloaded', path: path.join(e.XDG_CACHE_HOME, 'unrolled', 'text.txt'), url: `${mirror.base}/text.txt` }]);
    expect(fs.readFileSync(got[0].path).equals(TEXT)).toBe(true);
    expect(progress[progress.length - 1]).toEqual(['text.txt', TEXT.length, TEXT.length]);
    await downloadDataset(set, { env: e });
    expect(filesUnder(path.join(e.XDG_CACHE_HOME, 'unrolled'))).toEqual([path.join('set', 'a.txt'), path.join('set', 'b.txt'), 'text.txt']);
    expect(datasetPath('set', { env: e, registry: [single, set] })).toBe(path.join(e.XDG_CACHE_HOME, 'unrolled', 'set'));
  });

  it('a wrong checksum: an error, and nothing in the cache', async () => {
    mirror.put('changed.txt', Buffer.from('these are not the bytes the registry has\n'));
    const e = env();
    const p = downloadDataset(entry('changed', [{ name: 'changed.txt', bytes: TEXT }]), { env: e });
    await expect(p).rejects.toThrow(DownloadError);
    await expect(p).rejects.toThrow(`changed.txt from ${mirror.base}/changed.txt: not the registry's file (41 bytes; expected ${TEXT.length}); nothing was kept`);
    expect(filesUnder(e.XDG_CACHE_HOME)).toEqual([]);
  });

  it('a 404: an error naming the URL, and nothing in the cache', async () => {
    const e = env();
    await expect(downloadDataset(entry('gone', [{ name: 'gone.txt', bytes: TEXT }]), { env: e }))
      .rejects.toThrow(`gone.txt: HTTP 404 Not Found from ${mirror.base}/gone.txt; nothing was kept`);
    expect(filesUnder(e.XDG_CACHE_HOME)).toEqual([]);
  });

  it('a connection cut half-way: an error, and nothing partial left behind', async () => {
    mirror.put('cut/text.txt', TEXT); // served from /cut/text.txt, which drops the connection half-way
    const e = { ...env(), UNROLLED_DATA_MIRROR: `${mirror.base}/cut` };
    await expect(downloadDataset(entry('cut', [{ name: 'text.txt', bytes: TEXT }]), { env: e }))
      .rejects.toThrow(new RegExp(`^text.txt: the connection to ${mirror.base}/cut/text.txt (closed|failed) after \\d+ `));
    expect(filesUnder(e.XDG_CACHE_HOME)).toEqual([]);
  });

  it('a second download of a file that is there does nothing: no request, the file untouched', async () => {
    mirror.put('again.txt', TEXT);
    const e = env(), d = entry('again', [{ name: 'again.txt', bytes: TEXT }]);
    const [first] = await downloadDataset(d, { env: e });
    const stat = fs.statSync(first.path), before = mirror.requests.length;
    const [second] = await downloadDataset(d, { env: e });
    expect(second).toEqual({ name: 'again.txt', status: 'present', path: first.path, url: null });
    expect(mirror.requests.length).toBe(before);
    expect(fs.statSync(first.path).mtimeMs).toBe(stat.mtimeMs);
  });

  it('a set of which one file failed keeps the good ones, and a later download fetches only what is missing', async () => {
    mirror.put('half/a.txt', A);
    const e = env(), d = entry('half', [{ name: 'half/a.txt', bytes: A }, { name: 'half/b.txt', bytes: B }], 'half');
    await expect(downloadDataset(d, { env: e })).rejects.toThrow('half/b.txt: HTTP 404');
    expect(() => datasetPath('half', { env: e, registry: [d] })).toThrow(/half\/b.txt is missing/);
    mirror.put('half/b.txt', B);
    const before = mirror.requests.length;
    expect((await downloadDataset(d, { env: e })).map((f) => f.status)).toEqual(['present', 'downloaded']);
    expect(mirror.requests.slice(before)).toEqual(['/half/b.txt']);
  });

  it('a cache that cannot be written: an error that says so, after the check', async () => {
    mirror.put('blocked.txt', A);
    const e = env();
    fs.writeFileSync(path.join(e.XDG_CACHE_HOME, 'unrolled'), 'a file where the cache folder should be');
    await expect(downloadDataset(entry('blocked', [{ name: 'blocked.txt', bytes: A }]), { env: e }))
      .rejects.toThrow(`blocked.txt: checked, but it cannot be written into the cache ${path.join(e.XDG_CACHE_HOME, 'unrolled')}`);
  });

  it('follows a redirect', async () => {
    mirror.put('moved.txt', TEXT);
    const e = env();
    const d = entry('moved', [{ name: 'moved.txt', bytes: TEXT }]);
    d.files[0].url = `${mirror.base}/moved/moved.txt`;
    const [f] = await downloadDataset(d, { env: { XDG_CACHE_HOME: e.XDG_CACHE_HOME } }); // from its own URL, not a mirror
    expect(fs.readFileSync(f.path).equals(TEXT)).toBe(true);
    expect(mirror.requests.slice(-2)).toEqual(['/moved/moved.txt', '/moved.txt']);
  });

  it('a file cut from an archive: the member checked, then the cut, then kept', async () => {
    // eng-fra.txt-like lines, half of which the tutorial's filter keeps.
    const full = [...madeUpPairs(30), 'Tom is tired.\tTom est fatigué.', 'I\'m 19.\tJ\'ai 19 ans.'].join('\n') + '\n';
    const wanted = Buffer.from(tutorialPairs(full));
    expect(wanted.length).toBeGreaterThan(0);
    expect(wanted.length).toBeLessThan(full.length);
    mirror.put('tutorial/data.zip', makeZip({ 'data/readme.txt': Buffer.from('about\n'), 'data/eng-fra.txt': Buffer.from(full) }));
    const member = Buffer.from(full);
    const d: DatasetEntry = {
      ...entry('pairs', []),
      files: [{
        name: 'pairs-short.txt', bytes: wanted.length, sha256: sha256(wanted), url: null,
        cut: { url: `${mirror.base}/tutorial/data.zip`, member: 'data/eng-fra.txt', bytes: member.length, sha256: sha256(member), how: 'the tutorial filter', select: tutorialPairs },
      }],
    };
    const cache = tmpDir('cache-');
    const [f] = await downloadDataset(d, { env: { XDG_CACHE_HOME: cache } });
    expect(fs.readFileSync(f.path).equals(wanted)).toBe(true);
    expect(f.url).toBe(`${mirror.base}/tutorial/data.zip`);

    // An archive whose member is not the registry's: refused before any cut, nothing kept.
    mirror.put('tutorial/other.zip', makeZip({ 'data/eng-fra.txt': Buffer.from(full.replace('tired', 'TIRED')) }));
    const other = tmpDir('cache-');
    const bad = { ...d, files: [{ ...d.files[0], cut: { ...d.files[0].cut!, url: `${mirror.base}/tutorial/other.zip` } }] };
    await expect(downloadDataset(bad, { env: { XDG_CACHE_HOME: other } })).rejects.toThrow(`pairs-short.txt: data/eng-fra.txt in ${mirror.base}/tutorial/other.zip is not the file it is cut from`);
    expect(filesUnder(other)).toEqual([]);
  });
});
