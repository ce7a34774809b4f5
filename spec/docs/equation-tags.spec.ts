import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkEquationTags, checkCodeTables, codeTableRows } from '../../scripts/check-equation-tags';

describe('equation tags tie docs/ to lib/', () => {
  it('every tag appears on both sides', () => {
    const r = checkEquationTags(path.join(__dirname, '../..'));
    expect(r.docsOnly).toEqual([]);
    expect(r.codeOnly).toEqual([]);
    for (const tag of ['RNN-1', "RNN-1'", 'LSTM-4', "LSTM-4'", 'GRU-4', "GRU-4'", 'BPTT-1', 'BPTT-2', 'BPTT-3']) expect(r.both).toContain(tag);
  });

  it('reports a tag found on one side only (and only counts tags in code comments)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tags-'));
    fs.mkdirSync(path.join(root, 'lib'));
    fs.mkdirSync(path.join(root, 'docs'));
    fs.writeFileSync(path.join(root, 'lib', 'a.ts'), "/** (X-1) in a doc comment does not count */\nconst a = 1; // (X-2)\nconst s = '(X-3)';\n");
    fs.writeFileSync(path.join(root, 'docs', 'a.md'), '(X-1) and (X-2)\n');
    expect(checkEquationTags(root)).toEqual({ both: ['X-2'], docsOnly: ['X-1'], codeOnly: [] });
    fs.rmSync(root, { recursive: true });
  });

  it('every Code table row names functions that carry its tags', () => {
    const root = path.join(__dirname, '../..');
    expect(codeTableRows(root).length).toBeGreaterThan(15);
    expect(checkCodeTables(root)).toEqual([]);
  });

  it('reports a Code table row whose function does not carry its tag, or does not exist', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tables-'));
    fs.mkdirSync(path.join(root, 'lib'));
    fs.mkdirSync(path.join(root, 'docs'));
    fs.writeFileSync(path.join(root, 'lib', 'a.ts'), [
      'export function up(x: number): number {',
      '  return x + 1; // (X-1)',
      '}',
      'export function down(x: number): number {',
      '  return x - 1; // (X-2)',
      '}',
      'export class K {',
      '  run(): number {',
      '    return 3; // (X-3)',
      '  }',
      '}',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(root, 'docs', 'a.md'), [
      '## Code', '', '| tag | file → function |', '|---|---|',
      '| (X-1) … (X-2) | `lib/a.ts` → `up` (and the aside `down`) |',
      '| (X-3) | `K.run` |',
      '| (X-2) | `missing` |', '',
    ].join('\n'));
    expect(checkCodeTables(root)).toEqual([
      'docs/a.md:5: (X-2) is on no line of up',
      'docs/a.md:7: `missing` is not a function of lib/a.ts',
      'docs/a.md:7: (X-2) is on no line of missing',
    ]);
    fs.rmSync(root, { recursive: true });
  });
});
