import * as nodeFiles from '../../lib/platform/files';
import * as browserFiles from '../../lib/platform/files.browser';
import * as nodeParallel from '../../lib/training/parallel';
import * as browserParallel from '../../lib/training/parallel.browser';
import { bundle, nodeBuiltinsIn } from '../../scripts/browser-bundle';

// The twins stand in for their Node modules: the same exports, of the same types (checked when this compiles).
const filesTwin: typeof nodeFiles = { ...browserFiles };
void filesTwin;

describe('the browser bundle', () => {
  jest.setTimeout(60_000);

  test('lib/browser.ts bundles with no Node built-in, taking the twins of files.ts and parallel.ts', async () => {
    const { code, meta } = await bundle({ entry: 'lib/browser.ts', format: 'esm' });
    expect(nodeBuiltinsIn(meta)).toEqual([]);
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toEqual(expect.arrayContaining(['lib/platform/files.browser.ts', 'lib/training/parallel.browser.ts', 'lib/textbook/trace.ts', 'lib/training/trainer.ts']));
    expect(inputs).not.toContain('lib/platform/files.ts');
    expect(inputs).not.toContain('lib/training/parallel.ts');
    expect(code).not.toMatch(/require\(["'](fs|path|worker_threads)["']\)|from ["'](node:)?(fs|path|worker_threads)["']/);
  });

  test('a module that needs Node is refused, naming the importer and the built-in', async () => {
    await expect(bundle({ entry: 'lib/data/csv.ts', format: 'esm' })).rejects.toThrow(/lib\/data\/csv\.ts → fs/);
  });

  test('the twins have the exports of their Node modules', () => {
    expect(Object.keys(browserFiles).filter((k) => k !== 'NoFileSystemError').sort()).toEqual(Object.keys(nodeFiles).sort());
    expect(Object.keys(browserParallel).sort()).toEqual(Object.keys(nodeParallel).sort());
  });

  test('in the browser, a file or a second thread is refused in one line', () => {
    expect(() => browserFiles.readText('weights.json')).toThrow('readText "weights.json": there are no files in the browser');
    expect(() => browserFiles.writeFileAtomic('ck.json', '{}')).toThrow(browserFiles.NoFileSystemError);
    expect(browserFiles.readFirstExisting(['a.ts'])).toBeNull();
    expect(() => new browserParallel.ParallelTrainer(2)).toThrow("workers: 2 threads need Node's worker_threads; in the browser, train with workers: 1");
  });
});
