import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkEquationTags } from '../../scripts/check-equation-tags';

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
});
