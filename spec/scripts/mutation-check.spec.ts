import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MUTATIONS, checkMutations } from '../../scripts/mutation-check';

describe('the mutation check', () => {
  it('has mutations that all still apply to the source: each original line occurs exactly once', () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(5);
    expect(checkMutations(path.join(__dirname, '../..'))).toEqual([]);
    for (const m of MUTATIONS) expect(m.broken).not.toBe(m.original);
  });

  it('reports a mutation whose line is gone or no longer unique', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mutants-'));
    fs.writeFileSync(path.join(root, 'a.ts'), 'x += 1;\ny += 1;\ny += 1;\n');
    const problems = checkMutations(root, [
      { name: 'one', file: 'a.ts', original: 'x += 1;', broken: 'x += 2;' },
      { name: 'two', file: 'a.ts', original: 'y += 1;', broken: 'y += 2;' },
      { name: 'three', file: 'a.ts', original: 'z += 1;', broken: 'z += 2;' },
    ]);
    expect(problems).toEqual([
      'two: "y += 1;" occurs 2 times in a.ts, expected once',
      'three: "z += 1;" occurs 0 times in a.ts, expected once',
    ]);
    fs.rmSync(root, { recursive: true });
  });
});
