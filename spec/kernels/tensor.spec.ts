import { norm } from 'mathjs';
import {
  zeros, fromNested, toNested, toFlat, assertShape, assertFinite, clone, copyInto, fill, isOwned, norm2, ShapeError, ValueError,
} from '../../lib/kernels/tensor';
import { add2d, copy2d, zero2d, norm2d } from '../../lib/kernels/elementwise';
import { transposed } from '../../lib/kernels/matmul';
import { Rng } from '../../lib/kernels/random';
import { randn, toRows } from '../helpers';

const rng = new Rng(14);

describe('tensor helpers', () => {
  it('round-trips nested arrays and checks them against an expected shape', () => {
    const nested = [[[1, 2], [3, 4], [5, 6]]];
    const m = fromNested(nested, [1, 3, 2], 'x');
    expect(m.shape).toEqual([1, 3, 2]);
    expect(toNested(m)).toEqual(nested);
    expect(() => fromNested(nested, [1, 2, 3], 'inputs.x')).toThrow(new ShapeError('inputs.x: expected [1,2,3], got [1,3,2]'));
    expect(() => fromNested([[1, 2], [3]], null, 'w')).toThrow(ShapeError);
    expect(() => fromNested([[1, 'a']], null, 'w')).toThrow(new ValueError('w[0][1]: expected a number, got "a"'));
  });

  it('assertShape names the operand, expected and got', () => {
    expect(() => assertShape(zeros([2, 4]), [2, 3], 'rnnCellForward x')).toThrow('rnnCellForward x: expected [2,3], got [2,4]');
    expect(() => assertShape(zeros([2, 3]), [2, 3], 'x')).not.toThrow();
  });

  it('assertFinite names the first non-finite entry', () => {
    const m = zeros([2, 2]);
    m.set(1, 0, NaN);
    expect(() => assertFinite(m, 'h0')).toThrow('h0: expected finite values, got NaN at row-major index 2 of [2,2]');
  });

  it('copies, clones and fills views without touching the rest of the buffer', () => {
    const base = randn([3, 4], rng);
    const view = transposed(base);
    expect(isOwned(base)).toBe(true);
    expect(isOwned(view)).toBe(false);
    const c = clone(view);
    expect(isOwned(c)).toBe(true);
    expect(toNested(c)).toEqual(toNested(view));
    const target = zeros([4, 3]);
    copyInto(target, view);
    expect(toNested(target)).toEqual(toNested(view));
    const block = base.hi(2, 4);
    fill(block, 7);
    expect(toFlat(base).slice(0, 8)).toEqual(new Float64Array(8).fill(7));
    expect(toFlat(base)[8]).not.toBe(7);
  });

  it('norm2 matches the Frobenius norm of mathjs, and does not overflow early', () => {
    const m = randn([5, 3], rng);
    expect(Math.abs(norm2(m) - (norm(toRows(m), 'fro') as number))).toBeLessThan(1e-13);
    expect(norm2(fromNested([3e200, 4e200], null, 'v'))).toBeCloseTo(5e200, -190);
  });
});

describe('elementwise 2-D helpers on views', () => {
  it('add2d, copy2d, zero2d and norm2d agree with plain arithmetic', () => {
    const a = transposed(randn([3, 2], rng)), b = randn([2, 3], rng), out = zeros([2, 3]);
    add2d(out, a, b);
    expect(toRows(out)).toEqual(toRows(a).map((row, i) => row.map((v, j) => v + b.get(i, j))));
    copy2d(out, a);
    expect(toRows(out)).toEqual(toRows(a));
    expect(Math.abs(norm2d(a) - (norm(toRows(a), 'fro') as number))).toBeLessThan(1e-14);
    zero2d(out);
    expect(toFlat(out)).toEqual(new Float64Array(6));
    expect(() => add2d(out, zeros([3, 2]), b)).toThrow('add2d a: expected [2,3], got [3,2]');
  });
});
