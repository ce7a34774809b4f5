import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importGraph, findCycles, layeringProblems, longFiles, MAX_LINES } from '../../scripts/check-structure';

const lib = path.join(__dirname, '../../lib');

describe('the structure of lib/, read from its imports', () => {
  const graph = importGraph(lib);

  it('reads the imports of every file', () => {
    expect(graph.size).toBeGreaterThan(80);
    expect(graph.get('layers/unroll.ts')).toEqual(expect.arrayContaining(['kernels/gemm.ts', 'cells/cell.ts']));
    expect(graph.get('cells/cell.ts')).not.toContain('layers/unroll.ts');
  });

  it('has no import cycles', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it('follows the layering: kernels → cells → layers → models → data → training → tasks → diagnostics → cli', () => {
    expect(layeringProblems(graph)).toEqual([]);
  });

  it(`keeps every file within ${MAX_LINES} lines`, () => {
    expect(longFiles(lib)).toEqual([]);
  });

  it('finds a cycle, an import from a higher layer, a command using diagnostics internals, and a long file', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'structure-'));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write('kernels/a.ts', "import { b } from './b';\nexport const a = 1;\n");
    write('kernels/b.ts', "import { a } from './a';\nexport const b = 2;\n");
    write('cells/c.ts', "import type { T } from '../training/t';\nexport const c = 3;\n");
    write('training/t.ts', 'export type T = number;\n');
    write('diagnostics/helper.ts', 'export const h = 4;\n');
    write('cli/cmd.ts', "import { h } from '../diagnostics/helper';\n" + '\n'.repeat(MAX_LINES + 1));
    const g = importGraph(root);
    expect(findCycles(g)).toEqual([['kernels/a.ts', 'kernels/b.ts', 'kernels/a.ts']]);
    expect(layeringProblems(g)).toEqual([
      'cells/c.ts → training/t.ts: cells may not import training, which is not below it',
      expect.stringContaining('cli/cmd.ts → diagnostics/helper.ts: a command may use diagnostics only through its entry points'),
    ]);
    expect(longFiles(root)).toEqual([`cli/cmd.ts: ${MAX_LINES + 2} lines (at most ${MAX_LINES})`]);
    fs.rmSync(root, { recursive: true });
  });
});
