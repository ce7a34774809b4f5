import { multiply, transpose, add } from 'mathjs';
import { zeros, fromNested, toNested, clone, flattenRows, ShapeError, ValueError } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { Linear } from '../../lib/layers/linear';
import { mseLoss, softmaxCrossEntropy, IGNORE_INDEX } from '../../lib/layers/losses';
import { checkGradients } from '../../lib/diagnostics/gradcheck';
import { randn, toRows, maxAbsDiff } from '../helpers';

const rng = new Rng(31);

describe('Linear', () => {
  it('computes x·Wᵀ + b, against mathjs', () => {
    const lin = new Linear(4, 3, { seed: 1 });
    const x = randn([5, 4], rng);
    const { y } = lin.forward(x);
    const bRows = Array.from({ length: 5 }, () => toNested(lin.params.bias!) as number[]);
    const expected = add(multiply(toRows(x), transpose(toRows(lin.params.weight))), bRows) as number[][];
    expect(maxAbsDiff(toRows(y), expected)).toBeLessThan(1e-14);
  });

  it.each([true, false])('gradients match central differences (bias %s)', (bias) => {
    const lin = new Linear(4, 3, { seed: 2, bias });
    const x = randn([5, 4], rng), R = randn([5, 3], rng);
    const loss = (): number => {
      const { y } = lin.forward(x);
      return y.data.reduce((s, v, k) => s + v * R.data[k], 0);
    };
    const { cache } = lin.forward(x);
    const dx = lin.backward(cache, R);
    const tensors = [{ name: 'weight', value: lin.params.weight, analytic: clone(lin.grads.weight) }, { name: 'x', value: x, analytic: dx }];
    if (bias) tensors.push({ name: 'bias', value: lin.params.bias!, analytic: clone(lin.grads.bias!) });
    for (const r of checkGradients(loss, tensors)) expect(r.maxRelError).toBeLessThan(1e-6);
  });

  it('rejects an input of the wrong width', () => {
    expect(() => new Linear(4, 3).forward(zeros([2, 5]))).toThrow(new ShapeError('Linear.forward x: expected [N,4], got [2,5]'));
    expect(() => new Linear(0, 3)).toThrow('Linear inFeatures: expected an integer >= 1, got 0');
  });

  it('flattenRows views [T,B,F] as [T·B,F] without copying, as the many-to-many head reads it', () => {
    const seq = randn([3, 2, 4], rng);
    const flat = flattenRows(seq);
    expect(flat.shape).toEqual([6, 4]);
    expect(flat.data).toBe(seq.data);
    expect(flat.get(5, 3)).toBe(seq.get(2, 1, 3));
  });
});

describe('losses', () => {
  it('mseLoss is the mean of squared differences with dy = 2(y − t)/N', () => {
    const y = fromNested([[1, 2], [3, 4]], null, 'y'), t = fromNested([[0, 2], [5, 4]], null, 't');
    const { loss, dy } = mseLoss(y, t);
    expect(loss).toBe((1 + 0 + 4 + 0) / 4);
    expect(toNested(dy)).toEqual([[0.5, 0], [-1, 0]]);
    expect(() => mseLoss(y, zeros([2, 3]))).toThrow('mseLoss target: expected [2,2], got [2,3]');
  });

  it('softmaxCrossEntropy matches −log softmax and its gradient matches central differences', () => {
    const z = randn([4, 5], rng);
    const targets = [0, 4, 2, 2];
    const { loss, dlogits } = softmaxCrossEntropy(z, targets);
    let expected = 0;
    for (let n = 0; n < 4; n++) {
      let s = 0;
      for (let k = 0; k < 5; k++) s += Math.exp(z.get(n, k));
      expected -= Math.log(Math.exp(z.get(n, targets[n])) / s) / 4;
    }
    expect(loss).toBeCloseTo(expected, 14);
    const [row] = checkGradients(() => softmaxCrossEntropy(z, targets).loss, [{ name: 'logits', value: z, analytic: dlogits }]);
    expect(row.maxRelError).toBeLessThan(1e-6);
  });

  it('softmaxCrossEntropy stays finite for logits of ±1000 (log-sum-exp)', () => {
    const z = fromNested([[1000, -1000, 0], [-1000, 1000, 999]], null, 'z');
    const { loss, dlogits } = softmaxCrossEntropy(z, [1, 2]);
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeCloseTo((2000 + (1 + Math.log1p(Math.exp(-1)))) / 2, 10);
    expect(dlogits.data.every(Number.isFinite)).toBe(true);
  });

  it('leaves out rows whose target is IGNORE_INDEX: no loss, zero gradient, mean over the rest', () => {
    const z = randn([3, 4], rng);
    const kept = softmaxCrossEntropy(fromNested([toNested(z.pick(0)) as number[], toNested(z.pick(2)) as number[]], null, 'z'), [1, 3]);
    const { loss, dlogits } = softmaxCrossEntropy(z, [1, IGNORE_INDEX, 3]);
    expect(loss).toBeCloseTo(kept.loss, 15);
    expect(toNested(dlogits.pick(1))).toEqual([0, 0, 0, 0]);
    expect(toNested(dlogits.pick(2))).toEqual(toNested(kept.dlogits.pick(1)));
    expect(() => softmaxCrossEntropy(z, [IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX])).toThrow('every one of the 3 rows is ignored');
  });

  it('class weights (CE-2): a weight of 2 counts a row twice, all weights 1 is (CE-1), and the gradient checks', () => {
    const z = randn([3, 4], rng);
    const weights = [1, 2, 1, 0.25];
    const { loss, dlogits } = softmaxCrossEntropy(z, [1, 0, 3], weights);
    // Row 0 (class 1, weight 2) written out twice; row 2 (class 3, weight 1/4) scaled by hand below.
    const rows = [0, 0, 1].map((n) => toNested(z.pick(n)) as number[]);
    const twice = softmaxCrossEntropy(fromNested(rows, null, 'z'), [1, 1, 0]);
    const last = softmaxCrossEntropy(fromNested([toNested(z.pick(2)) as number[]], null, 'z'), [3]);
    expect(loss).toBeCloseTo((3 * twice.loss + 0.25 * last.loss) / 3.25, 14);
    expect(softmaxCrossEntropy(z, [1, 0, 3], [1, 1, 1, 1]).loss).toBe(softmaxCrossEntropy(z, [1, 0, 3]).loss);
    const [row] = checkGradients(() => softmaxCrossEntropy(z, [1, 0, 3], weights).loss, [{ name: 'logits', value: z, analytic: dlogits }]);
    expect(row.maxRelError).toBeLessThan(1e-6);
    expect(() => softmaxCrossEntropy(z, [1, 0, 3], [1, 2])).toThrow(new ShapeError('softmaxCrossEntropy classWeights: expected 4 weights (one per class), got 2'));
    expect(() => softmaxCrossEntropy(z, [1, 0, 3], [1, 0, 1, 1])).toThrow('softmaxCrossEntropy classWeights[1]: expected a finite number > 0, got 0');
  });

  it('rejects non-integer, out-of-range or miscounted class targets', () => {
    const z = zeros([2, 3]);
    expect(() => softmaxCrossEntropy(z, [0, 3])).toThrow(new ValueError('softmaxCrossEntropy targets[1]: expected an integer class index in [0, 2], got 3'));
    expect(() => softmaxCrossEntropy(z, [0.5, 1])).toThrow('softmaxCrossEntropy targets[0]: expected an integer class index in [0, 2], got 0.5');
    expect(() => softmaxCrossEntropy(z, [-1, 1])).toThrow('got -1');
    expect(() => softmaxCrossEntropy(z, [0])).toThrow('softmaxCrossEntropy targets: expected 2 class indices (one per row of logits [2,3]), got 1');
  });
});
