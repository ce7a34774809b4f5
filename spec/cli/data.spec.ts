import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../../lib/kernels/tensor';
import { DatasetEntry } from '../../lib/data/datasets';
import { sha256 } from '../../lib/data/locate';
import { runData } from '../../lib/cli/data';
import { runClassify } from '../../lib/cli/classify';
import { runTrain } from '../../lib/cli/train';
import { tmpDir, withoutData } from '../synthetic';
import { Mirror } from '../mirror';

function capture(isTTY = false) {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY }, text: () => text };
}

const ONE = Buffer.from('when,value\n1,10\n2,12\n'), A = Buffer.from('alpha\n'), B = Buffer.from('beta\n');
const file = (name: string, bytes: Buffer) => ({ name, bytes: bytes.length, sha256: sha256(bytes), url: `https://example.invalid/${name}` });
const entry = (name: string, folder: string | null, files: ReturnType<typeof file>[], licence: string): DatasetEntry =>
  ({ name, title: `the ${name} set`, folder, files, source: 's', licence, licenceNote: 'n', citation: 'c' });
const REGISTRY = [entry('one', null, [file('one.csv', ONE)], 'MIT'), entry('two', 'two', [file('two/a.txt', A), file('two/b.txt', B)], 'CC BY 4.0'), entry('three', null, [file('three.txt', A)], 'none stated')];

describe('unrolled data', () => {
  const mirror = new Mirror();
  beforeAll(() => mirror.start());
  afterAll(() => mirror.stop());

  it('download fetches from a mirror with progress on stderr; list, path and verify then find the files', async () => {
    mirror.put('one.csv', ONE);
    mirror.put('two/a.txt', A);
    mirror.put('two/b.txt', B);
    const env = { UNROLLED_DATA_MIRROR: mirror.base, XDG_CACHE_HOME: tmpDir('cache-') };
    const cache = path.join(env.XDG_CACHE_HOME, 'unrolled');
    const out = capture(), err = capture();
    expect(await runData(['download', 'one', 'two'], out.out, err.out, env, REGISTRY)).toBe(0);
    expect(out.text()).toBe(`one: 1 file(s) downloaded and checked: ${path.join(cache, 'one.csv')}\ntwo: 2 file(s) downloaded and checked: ${path.join(cache, 'two')}\n`);
    expect(err.text().split('\n')).toEqual([
      `downloading one.csv from ${mirror.base}/one.csv`, `one.csv: downloaded, ${ONE.length} bytes, sha256 checked`,
      `downloading two/a.txt from ${mirror.base}/two/a.txt`, 'two/a.txt: downloaded, 6 bytes, sha256 checked',
      `downloading two/b.txt from ${mirror.base}/two/b.txt`, 'two/b.txt: downloaded, 5 bytes, sha256 checked', '',
    ]);

    const list = capture();
    expect(await runData(['list'], list.out, capture().out, env, REGISTRY)).toBe(0);
    expect(list.text().split('\n')).toEqual([
      'name                size  licence      where',
      `one                 21 B  MIT          cache: ${path.join(cache, 'one.csv')}`,
      `two (2 files)       11 B  CC BY 4.0    cache: ${path.join(cache, 'two')}`,
      'three                6 B  none stated  not downloaded', '',
    ]);
    const json = capture();
    await runData(['list', 'three', '--json'], json.out, capture().out, env, REGISTRY);
    expect(JSON.parse(json.text())).toEqual({
      name: 'three', files: 1, bytes: 6, licence: 'none stated', where: 'not downloaded', title: 'the three set', source: 's', licenceNote: 'n', citation: 'c',
      fileList: [{ name: 'three.txt', bytes: 6, sha256: sha256(A), url: 'https://example.invalid/three.txt' }],
    });

    const where = capture();
    expect(await runData(['path', 'two'], where.out, capture().out, env, REGISTRY)).toBe(0);
    expect(where.text()).toBe(`${path.join(cache, 'two')}\n`);

    const ok = capture();
    expect(await runData(['verify'], ok.out, capture().out, env, REGISTRY)).toBe(0);
    expect(ok.text()).toBe(`one: ok (1 file(s), sha256 checked) in cache (${cache})\ntwo: ok (2 file(s), sha256 checked) in cache (${cache})\nthree: not downloaded\n`);

    // A file changed after the download: verify says which, and fails; the commands refuse the copy.
    fs.writeFileSync(path.join(cache, 'two', 'b.txt'), 'BETA\n');
    const bad = capture();
    expect(await runData(['verify', 'two'], bad.out, capture().out, env, REGISTRY)).toBe(1);
    expect(bad.text()).toBe(`two: BAD in cache (${cache})\n  ${path.join(cache, 'two', 'b.txt')} is not the registry's file: sha256 ${sha256(Buffer.from('BETA\n'))}; expected ${sha256(B)}\n`);
    await expect(runData(['path', 'two'], capture().out, capture().out, env, REGISTRY)).rejects.toThrow('the two data set in cache');
    // Downloading it again replaces the changed file only.
    const again = capture();
    expect(await runData(['download', '--all'], again.out, capture().out, { ...env }, REGISTRY)).toBe(1); // three is not on the mirror
    expect(again.text()).toContain('one: already in the cache');
    expect(again.text()).toContain('two: 1 file(s) downloaded and checked');
    expect(fs.readFileSync(path.join(cache, 'two', 'b.txt')).equals(B)).toBe(true);
  });

  it('a failed download says which data set and why on stderr, ends with status 1, and the others still come', async () => {
    mirror.put('three.txt', A);
    const env = { UNROLLED_DATA_MIRROR: mirror.base, XDG_CACHE_HOME: tmpDir('cache-') };
    const registry = [entry('missing', null, [file('missing.txt', A)], 'l'), REGISTRY[2]];
    const out = capture(), err = capture();
    expect(await runData(['download', 'missing', 'three'], out.out, err.out, env, registry)).toBe(1);
    expect(err.text()).toContain(`unrolled data download: missing: missing.txt: HTTP 404 Not Found from ${mirror.base}/missing.txt; nothing was kept\n`);
    expect(out.text()).toBe(`three: 1 file(s) downloaded and checked: ${path.join(env.XDG_CACHE_HOME, 'unrolled', 'three.txt')}\n`);
  });

  it('UNROLLED_DATA is looked at before the cache', async () => {
    const data = tmpDir('data-');
    fs.writeFileSync(path.join(data, 'one.csv'), ONE);
    const out = capture();
    await runData(['path', 'one'], out.out, capture().out, { UNROLLED_DATA: data, XDG_CACHE_HOME: tmpDir('cache-') }, REGISTRY);
    expect(out.text()).toBe(`${path.join(data, 'one.csv')}\n`);
  });

  it('one-line errors for a bad request', async () => {
    const env = { XDG_CACHE_HOME: tmpDir('cache-') };
    const run = (args: string[]) => runData(args, capture().out, capture().out, env, REGISTRY);
    await expect(run(['fetch'])).rejects.toThrow(new ValueError('data: unknown action "fetch"; expected list, download, verify or path'));
    await expect(run(['download'])).rejects.toThrow('data download: say which data set(s), or --all; the registry has one, two, three');
    await expect(run(['download', 'one', '--all'])).rejects.toThrow('data download: give data set names or --all, not both');
    await expect(run(['list', 'four'])).rejects.toThrow('no data set called "four"; the registry has one, two, three');
    await expect(run(['path'])).rejects.toThrow('data path: expected one data set name, got 0');
    await expect(run(['path', 'one'])).rejects.toThrow(/^the one data set is not downloaded: .*run `npx unrolled data download one`/);
    const help = capture();
    expect(await runData([], help.out, capture().out, env, REGISTRY)).toBe(0);
    expect(help.text()).toContain('UNROLLED_DATA_MIRROR=URL');
  });
});

describe('commands with a data default, when the data set is not there', () => {
  const hint = (name: string, holds: string, option: string) =>
    new RegExp(`^the ${name} data set is not downloaded: .*; run \`npx unrolled data download ${name}\`, or set UNROLLED_DATA to a folder that holds ${holds}, or give ${option}$`);

  it.each([
    ['classify', () => runClassify(['--epochs', '1'], capture().out), hint('names', 'names/', '--data-dir DIR')],
    ['train --task char-lm', () => runTrain(['--task', 'char-lm', '--steps', '1'], capture().out), hint('tinyshakespeare', 'tinyshakespeare.txt', '--data FILE')],
    ['train --task names-lm', () => runTrain(['--task', 'names-lm', '--epochs', '1'], capture().out), hint('names', 'names/', '--data-dir DIR')],
    ['train --task translate', () => runTrain(['--task', 'translate', '--epochs', '1'], capture().out), hint('eng-fra', 'eng-fra-short.txt', '--data FILE')],
  ])('%s says how to get it, in one line', (_name, run, message) => {
    expect(() => withoutData(run)).toThrow(message);
  });
});
