import { exp, tanh as mTanh, max as mMax } from 'mathjs';
import { zeros, fromNested, ShapeError } from '../../lib/kernels/tensor';
import {
  sigmoid, tanh, relu, sigmoidGradFromOutput, tanhGradFromOutput, reluGradFromOutput, activateInPlace, activationBackward, Activation,
} from '../../lib/kernels/activations';
import { transposed } from '../../lib/kernels/matmul';
import { Rng } from '../../lib/kernels/random';
import { randn, toRows, maxAbsDiff } from '../helpers';

const rng = new Rng(13);
const oracle: Record<Activation, (a: number) => number> = {
  sigmoid: (a) => 1 / (1 + (exp(-a) as number)),
  tanh: (a) => mTanh(a) as number,
  relu: (a) => mMax(a, 0) as number,
};
const ours: Record<Activation, (a: number) => number> = { sigmoid, tanh, relu };
const grads: Record<Activation, (y: number) => number> = { sigmoid: sigmoidGradFromOutput, tanh: tanhGradFromOutput, relu: reluGradFromOutput };
const kinds: Activation[] = ['sigmoid', 'tanh', 'relu'];

describe('activations', () => {
  it.each(kinds)('%s matches mathjs on moderate inputs', (f) => {
    for (let k = 0; k < 200; k++) {
      const a = 8 * rng.normal();
      expect(Math.abs(ours[f](a) - oracle[f](a))).toBeLessThanOrEqual(1e-15);
    }
  });

  it('sigmoid is stable for large |a|: no NaN, no overflow, the right limits', () => {
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(-745)).toBeGreaterThanOrEqual(0);
    expect(sigmoid(-30)).toBeCloseTo(Math.exp(-30), 25); // keeps relative precision in the tail
    expect(Math.abs(sigmoid(-30) / Math.exp(-30) - 1)).toBeLessThan(1e-12);
    expect(Number.isFinite(sigmoid(-1e308))).toBe(true);
    expect(tanh(1e308)).toBe(1);
    expect(tanh(-1e308)).toBe(-1);
  });

  it.each(kinds)("%s': the derivative from the output equals a central difference", (f) => {
    for (let k = 0; k < 100; k++) {
      let a = 3 * rng.normal();
      if (f === 'relu' && Math.abs(a) < 1e-3) a += 0.1; // away from the kink
      const numeric = (ours[f](a + 1e-6) - ours[f](a - 1e-6)) / 2e-6;
      expect(Math.abs(grads[f](ours[f](a)) - numeric)).toBeLessThan(1e-8);
    }
  });

  it("relu' is 0 at exactly 0, as PyTorch", () => {
    expect(reluGradFromOutput(relu(0))).toBe(0);
  });

  it.each(kinds)('activateInPlace(%s) applies f to every entry of a transposed view', (f) => {
    const base = randn([4, 3], rng);
    const view = transposed(base); // [3,4]
    const expected = toRows(view).map((row) => row.map(oracle[f]));
    activateInPlace(view, f);
    expect(maxAbsDiff(toRows(view), expected)).toBeLessThanOrEqual(1e-15);
  });

  it.each(kinds)('activationBackward(%s) writes dy ⊙ f\'(y)', (f) => {
    const y = zeros([2, 3]);
    const a = randn([2, 3], rng);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) y.set(i, j, ours[f](a.get(i, j)));
    const dy = randn([2, 3], rng), da = randn([2, 3], rng);
    activationBackward(da, dy, y, f);
    const expected = toRows(dy).map((row, i) => row.map((v, j) => v * grads[f](y.get(i, j))));
    expect(toRows(da)).toEqual(expected);
  });

  it('rejects mismatched shapes', () => {
    expect(() => activationBackward(zeros([2, 3]), zeros([3, 2]), zeros([2, 3]), 'tanh')).toThrow(new ShapeError('activationBackward dy: expected [2,3], got [3,2]'));
    expect(() => activateInPlace(fromNested([1, 2], null, 'v'), 'tanh')).toThrow(ShapeError);
  });
});

describe('non-finite values are never hidden', () => {
  it('relu, sigmoid and tanh of NaN are NaN', () => {
    expect(relu(NaN)).toBeNaN();
    expect(sigmoid(NaN)).toBeNaN();
    expect(tanh(NaN)).toBeNaN();
  });
});
