import { Rng } from '../../lib/kernels/random';
import { toFlat } from '../../lib/kernels/tensor';
import { IGNORE_INDEX } from '../../lib/layers/losses';
import { Objective } from '../../lib/models/objectives';
import { sliceObjective, sliceBatch, objectiveTerms } from '../../lib/models/objective-slices';
import { randn } from '../helpers';

describe('objectives split by batch rows', () => {
  const T = 3, B = 4;

  it('cuts each objective along its own batch axis', () => {
    const rng = new Rng(1);
    const probe: Objective = { type: 'probe', G: randn([T, B, 2], rng), Gh: randn([2, B, 2], rng), Gc: null };
    const p = sliceObjective(probe, 1, 3, T, B) as Extract<Objective, { type: 'probe' }>;
    expect(p.G.shape).toEqual([T, 2, 2]);
    expect(p.G.get(2, 0, 1)).toBe(probe.G.get(2, 1, 1));
    expect(p.Gh.get(1, 1, 0)).toBe(probe.Gh.get(1, 2, 0));
    const last: Objective = { type: 'mse_last', target: randn([B, 2], rng) };
    expect(toFlat((sliceObjective(last, 2, 4, T, B) as Extract<Objective, { type: 'mse_last' }>).target)).toEqual(toFlat(last.target).slice(4, 8));
    // ce_all's targets are row-major over [T,B]: rows 1, 2 of every step
    const all: Objective = { type: 'ce_all', targets: Array.from({ length: T * B }, (_, k) => k) };
    expect((sliceObjective(all, 1, 3, T, B) as Extract<Objective, { type: 'ce_all' }>).targets).toEqual([1, 2, 5, 6, 9, 10]);
    const weighted: Objective = { type: 'ce_last', targets: [0, 1, 2, 1], classWeights: [1, 2, 3] };
    expect(sliceObjective(weighted, 1, 3, T, B)).toEqual({ type: 'ce_last', targets: [1, 2], classWeights: [1, 2, 3] });
    const batch = sliceBatch({ x: randn([T, B, 5], rng), lengths: [3, 1, 2, 3] }, 1, 3);
    expect([batch.x.shape, batch.lengths, batch.h0]).toEqual([[T, 2, 5], [1, 2], null]);
  });

  it('counts the terms a mean is over: valid steps, ignored targets and class weights', () => {
    const targets = Array.from({ length: T * B }, () => 0);
    targets[0] = IGNORE_INDEX;
    expect(objectiveTerms({ type: 'ce_all', targets }, T, B, [3, 1, 2, 3])).toBe(9 - 1); // 9 valid steps, one ignored
    expect(objectiveTerms({ type: 'ce_last', targets: [0, 1, 2, IGNORE_INDEX], classWeights: [1, 2, 3] }, T, B, null)).toBe(6);
    expect(objectiveTerms({ type: 'mse_all', target: randn([T, B, 2], new Rng(2)) }, T, B, [3, 1, 2, 3])).toBe(18);
  });
});
