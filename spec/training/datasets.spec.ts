import { Rng } from '../../lib/kernels/random';
import { toFlat } from '../../lib/kernels/tensor';
import { AddingProblem } from '../../lib/tasks/adding';
import { subset, randomSplit } from '../../lib/training/datasets';

describe('dataset views', () => {
  const d = new AddingProblem(20, 4, new Rng(1));

  it('a subset reads the samples it names', () => {
    const s = subset(d, [5, 2, 19]);
    expect(s.size).toBe(3);
    expect(toFlat(s.batch([1, 2]).batch.x)).toEqual(toFlat(d.batch([2, 19]).batch.x));
    expect(() => subset(d, [20])).toThrow('subset: sample index 20 is outside [0, 20)');
  });

  it('a seeded split is disjoint, complete and repeatable', () => {
    const a = randomSplit(d, 0.25, 7), b = randomSplit(d, 0.25, 7);
    expect([a.train.size, a.validation.size]).toEqual([15, 5]);
    const key = (ds: typeof a.train) => [...toFlat(ds.batch([...Array(ds.size).keys()]).batch.x)].join();
    expect(key(a.validation)).toBe(key(b.validation));
    const targets = (ds: typeof a.train) => {
      const o = ds.batch([...Array(ds.size).keys()]).objective;
      return o.type === 'mse_last' ? [...toFlat(o.target)] : [];
    };
    expect([...targets(a.train), ...targets(a.validation)].sort()).toEqual([...d.targetValues()].sort());
    expect(() => randomSplit(d, 1, 1)).toThrow('randomSplit valFraction: expected a number in (0, 1), got 1');
  });
});
