import { add, multiply, ones } from 'mathjs';
import { zeros, fromNested, toNested, ShapeError } from '../../lib/kernels/tensor';
import { addRowVector, addRowVectorBackward, setRowsToBias } from '../../lib/kernels/bias';
import { transposed } from '../../lib/kernels/matmul';
import { Rng } from '../../lib/kernels/random';
import { randn, toRows, maxAbsDiff } from '../helpers';

const rng = new Rng(12);

describe('row-vector bias', () => {
  it.each([[3, 5], [1, 4], [6, 1]])('addRowVector on [%i,%i] matches mathjs (m + 1·vᵀ)', (B, N) => {
    const m = randn([B, N], rng), v = randn([N], rng);
    const vRow = [toNested(v) as number[]];
    const expected = add(toRows(m), multiply(ones(B, 1), vRow).valueOf() as number[][]) as number[][];
    addRowVector(m, v);
    expect(maxAbsDiff(toRows(m), expected)).toBeLessThan(1e-14);
  });

  it('addRowVectorBackward adds the column sums (1ᵀ·dm), also on a transposed view', () => {
    const dm = transposed(randn([4, 3], rng)); // [3,4] view
    const dv = randn([4], rng);
    const columnSums = (multiply([[1, 1, 1]], toRows(dm)) as number[][])[0];
    const expected = add(toNested(dv) as number[], columnSums) as number[];
    addRowVectorBackward(dv, dm);
    expect(maxAbsDiff(toNested(dv) as number[], expected)).toBeLessThan(1e-14);
  });

  it('setRowsToBias writes b1 + b2 into every row, and 0 for absent biases', () => {
    const m = randn([2, 3], rng);
    setRowsToBias(m, fromNested([1, 2, 3], null, 'b1'), fromNested([10, 20, 30], null, 'b2'));
    expect(toNested(m)).toEqual([[11, 22, 33], [11, 22, 33]]);
    setRowsToBias(m, null, null);
    expect(toNested(m)).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('rejects a vector of the wrong length with both shapes', () => {
    expect(() => addRowVector(zeros([2, 3]), zeros([4]))).toThrow(new ShapeError('addRowVector v: expected [3], got [4]'));
    expect(() => addRowVectorBackward(zeros([2]), zeros([5, 3]))).toThrow('addRowVectorBackward v: expected [3], got [2]');
  });
});
