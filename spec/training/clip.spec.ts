import { zeros, toFlat, ValueError } from '../../lib/kernels/tensor';
import { NamedParameter } from '../../lib/kernels/parameter';
import { clipGradNorm, clipGradValue, gradNorm } from '../../lib/training/clip';
import { parameterStats } from '../../lib/training/stats';

function grads(values: number[][]): NamedParameter[] {
  return values.map((v, k) => {
    const grad = zeros([v.length]);
    grad.data.set(v);
    return { name: `p${k}`, value: zeros([v.length]), grad };
  });
}

describe('gradient clipping', () => {
  it('by global 2-norm: all tensors as one vector; reports before, after, and whether it clipped', () => {
    const ps = grads([[3, 0], [0, 4]]); // global norm 5
    const r = clipGradNorm(ps, 1);
    expect(r.normBefore).toBe(5);
    expect(r.clipped).toBe(true);
    expect(r.coef).toBeCloseTo(1 / (5 + 1e-6), 15);
    expect(r.normAfter).toBeCloseTo(5 / (5 + 1e-6), 15);
    expect(toFlat(ps[0].grad)[0]).toBeCloseTo(3 / (5 + 1e-6), 15);
  });

  it('leaves gradients under the bound bit for bit unchanged', () => {
    const ps = grads([[0.3, -0.1], [0.2]]);
    const before = ps.map((p) => toFlat(p.grad));
    const r = clipGradNorm(ps, 10);
    expect(r.clipped).toBe(false);
    expect(r.coef).toBe(1);
    ps.forEach((p, k) => expect(toFlat(p.grad)).toEqual(before[k]));
  });

  it('by ∞-norm: the largest |g|', () => {
    const ps = grads([[1, -6], [2]]);
    expect(gradNorm(ps, 'inf')).toBe(6);
    expect(clipGradNorm(ps, 3, 'inf').normAfter).toBeCloseTo(3 * 6 / (6 + 1e-6), 14);
  });

  it('by value: clamps each element; an element equal to the bound is not clipped', () => {
    const ps = grads([[0.5, -2, 1]]);
    const r = clipGradValue(ps, 1);
    expect(toFlat(ps[0].grad)).toEqual(Float64Array.of(0.5, -1, 1));
    expect(r.clipped).toBe(true);
    expect(clipGradValue(grads([[1, -1]]), 1).clipped).toBe(false);
  });

  it('rejects a bound that is not a positive finite number', () => {
    expect(() => clipGradNorm(grads([[1]]), 0)).toThrow(new ValueError('clipGradNorm maxNorm: expected a finite number > 0, got 0'));
    expect(() => clipGradValue(grads([[1]]), -1)).toThrow('clipGradValue clipValue: expected a finite number > 0, got -1');
  });

  it('reports the 2-norm after clipping as gradNorm of the clipped gradients, bit for bit', () => {
    const ps = grads([Array.from({ length: 257 }, (_, k) => Math.sin(k) * 3), [1e-3, -7, 2.5]]);
    const r = clipGradNorm(ps, 0.75);
    expect(r.clipped).toBe(true);
    expect(r.normAfter).toBe(gradNorm(ps));
    expect(r.normAfter).not.toBe(r.normBefore);
  });
});

describe('the per-tensor statistics', () => {
  it('give the same global norm as gradNorm, bit for bit', () => {
    const ps = grads([[0.1, -3e-3, 7], [1e-8, 2], [5]]);
    expect(parameterStats(ps).globalNorm).toBe(gradNorm(ps));
  });

  it('sum each norm in index order: the norms equal separate plain sums bit for bit', () => {
    const n = 1001;
    const grad = zeros([n]), value = zeros([n]);
    for (let k = 0; k < n; k++) {
      grad.data[k] = Math.cos(k * 0.37) * 10 ** ((k % 7) - 3);
      value.data[k] = Math.sin(k * 1.3) * 10 ** ((k % 5) - 2);
    }
    let g = 0, w = 0;
    for (let k = 0; k < n; k++) g += grad.data[k] * grad.data[k];
    for (let k = 0; k < n; k++) w += value.data[k] * value.data[k];
    const [t] = parameterStats([{ name: 'W', value, grad }]).tensors;
    expect(t.gradNorm).toBe(Math.sqrt(g));
    expect(t.weightNorm).toBe(Math.sqrt(w));
    expect(t.ratio).toBe(Math.sqrt(g) / Math.sqrt(w));
  });

  it('refuse a gradient whose size is not its weights\'', () => {
    expect(() => parameterStats([{ name: 'W_hh', value: zeros([3]), grad: zeros([2]) }]))
      .toThrow(new ValueError('parameterStats W_hh: expected a gradient of 3 values like its weights, got 2'));
  });
});
