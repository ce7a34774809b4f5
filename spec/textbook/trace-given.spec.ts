import * as fs from 'fs';
import * as path from 'path';
import { recordTrace } from '../../lib/textbook/trace';

const read = (base: string) => fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'textbook', `${base}.ts`), 'utf8');

describe('a trace of given numbers, with given sources (what the Unroll page asks for)', () => {
  test('given x, y and weights replace the seeded draws, and change what follows', () => {
    const seeded = recordTrace({ cell: 'lstm', steps: 3, hidden: 2, seed: 5 });
    const params = seeded.params.map((p) => p.values.map((v) => v * 0.5));
    const x = [1, -1, 0.25], y = [[0, 1], [1, 0], [0.5, 0.5]];
    const given = recordTrace({ cell: 'lstm', steps: 3, hidden: 2, seed: 5, given: { x, y, params } });
    expect(given.x).toEqual(x);
    expect(given.y).toEqual(y);
    expect(given.params.map((p) => p.values)).toEqual(params);
    expect(given.loss).not.toBe(seeded.loss);
    // Only x given: y and the weights are the seed's.
    const onlyX = recordTrace({ cell: 'lstm', steps: 3, hidden: 2, seed: 5, given: { x } });
    expect(onlyX.y).toEqual(seeded.y);
    expect(onlyX.params).toEqual(seeded.params);
    // The same numbers given as drawn: the same trace, bit for bit.
    const same = recordTrace({ cell: 'lstm', steps: 3, hidden: 2, seed: 99, given: { x: seeded.x, y: seeded.y, params: seeded.params.map((p) => p.values) } });
    expect(same.entries.map((e) => e.values)).toEqual(seeded.entries.map((e) => e.values));
  });

  test('a given value of the wrong size or not finite is refused, naming it', () => {
    const o = { cell: 'gru' as const, steps: 2, hidden: 2, seed: 1 };
    expect(() => recordTrace({ ...o, given: { x: [1] } })).toThrow('recordTrace given.x: expected 2 numbers, got 1');
    expect(() => recordTrace({ ...o, given: { y: [[1, 2]] } })).toThrow('recordTrace given.y: expected 2 rows (one per step), got 1');
    expect(() => recordTrace({ ...o, given: { x: [1, NaN] } })).toThrow('recordTrace given.x[1]: expected a finite number, got NaN');
    expect(() => recordTrace({ ...o, given: { params: [[1]] } })).toThrow('recordTrace given.params: expected 4 tensors');
    expect(() => recordTrace({ ...o, given: { params: [[1], [1], [1], [1]] } })).toThrow('recordTrace given.weight_ih_l0: expected 6 numbers, got 1');
  });

  test('sources given as text give the same lines and equations as the files; none given, none found', () => {
    const fromFiles = recordTrace({ cell: 'gru', steps: 2, hidden: 1, seed: 3 });
    const sources = Object.fromEntries(['rnn', 'lstm', 'gru', 'bptt'].map((b) => [b, read(b)]));
    const fromText = recordTrace({ cell: 'gru', steps: 2, hidden: 1, seed: 3, sources });
    expect(fromText.entries).toEqual(fromFiles.entries);
    const without = recordTrace({ cell: 'gru', steps: 2, hidden: 1, seed: 3, sources: {} });
    expect(without.entries.every((e) => e.source === null && e.equation === null)).toBe(true);
    expect(without.entries.map((e) => e.values)).toEqual(fromFiles.entries.map((e) => e.values));
  });
});
