import { multiply, add, transpose } from 'mathjs';
import { Mat, zeros, ShapeError } from '../../lib/kernels/tensor';
import { matmulAdd, matmulAddBackward, transposed } from '../../lib/kernels/matmul';
import { Rng } from '../../lib/kernels/random';
import { randn, toRows, maxAbsDiff } from '../helpers';

const rng = new Rng(11);

/** [M,K] as an owned tensor, or as the transposed view of an owned [K,M] one. */
function operand(rows: number, cols: number, isTransposed: boolean): Mat {
  return isTransposed ? transposed(randn([cols, rows], rng)) : randn([rows, cols], rng);
}

describe('matmulAdd: out += a·b on strided views, against mathjs', () => {
  const shapes: [number, number, number][] = [
    [3, 4, 5], [5, 4, 3], [1, 7, 6], [6, 7, 1], [4, 1, 4], [1, 1, 1], [9, 2, 11], [2, 13, 3],
  ];
  const cases = shapes.flatMap(([M, K, N]) =>
    [false, true].flatMap((ta) => [false, true].map((tb) => [M, K, N, ta, tb] as [number, number, number, boolean, boolean])));

  it.each(cases)('M=%i K=%i N=%i, a transposed: %s, b transposed: %s', (M, K, N, ta, tb) => {
    const a = operand(M, K, ta), b = operand(K, N, tb);
    const out = randn([M, N], rng);
    const expected = add(toRows(out), multiply(toRows(a), toRows(b))) as number[][];
    matmulAdd(out, a, b);
    expect(maxAbsDiff(toRows(out), expected)).toBeLessThan(1e-12);
  });

  it('matches mathjs on 50 random shapes and transpositions', () => {
    for (let n = 0; n < 50; n++) {
      const M = 1 + rng.int(9), K = 1 + rng.int(9), N = 1 + rng.int(9);
      const a = operand(M, K, rng.int(2) === 1), b = operand(K, N, rng.int(2) === 1);
      const out = randn([M, N], rng);
      const expected = add(toRows(out), multiply(toRows(a), toRows(b))) as number[][];
      matmulAdd(out, a, b);
      expect(maxAbsDiff(toRows(out), expected)).toBeLessThan(1e-12);
    }
  });

  it('reads and writes views with offsets (a time step of a sequence, a column block of an output)', () => {
    const xs = randn([4, 3, 5], rng); // [T,B,D]
    const W = randn([6, 5], rng); //    [H,D]
    const outs = zeros([4, 3, 12]); //  [T,B,2H]
    const block = outs.lo(0, 0, 6).hi(4, 3, 6).pick(2); // step 2, second column block
    matmulAdd(block, xs.pick(2), transposed(W));
    const expected = multiply(toRows(xs.pick(2)), transpose(toRows(W))) as number[][];
    expect(maxAbsDiff(toRows(block), expected)).toBeLessThan(1e-12);
    // nothing outside the block was touched
    expect(maxAbsDiff(toRows(outs.pick(2).hi(3, 6)), toRows(zeros([3, 6])))).toBe(0);
    for (const t of [0, 1, 3]) expect(maxAbsDiff(toRows(outs.pick(t)), toRows(zeros([3, 12])))).toBe(0);
  });

  it('adds rather than overwrites', () => {
    const a = randn([2, 3], rng), b = randn([3, 4], rng);
    const once = zeros([2, 4]), twice = zeros([2, 4]);
    matmulAdd(once, a, b);
    matmulAdd(twice, a, b);
    matmulAdd(twice, a, b);
    expect(maxAbsDiff(toRows(twice), (multiply(toRows(once), 2) as number[][]))).toBeLessThan(1e-12);
  });

  it('names the operand and both shapes on a mismatch', () => {
    expect(() => matmulAdd(zeros([2, 4]), zeros([2, 3]), zeros([5, 4]))).toThrow(new ShapeError('matmulAdd b: expected [3,*] to match a [2,3], got [5,4]'));
    expect(() => matmulAdd(zeros([3, 4]), zeros([2, 3]), zeros([3, 4]))).toThrow('matmulAdd out: expected [2,4], got [3,4]');
    expect(() => matmulAdd(zeros([2, 4]), zeros([2, 3, 1]), zeros([3, 4]))).toThrow(ShapeError);
  });
});

describe('matmulAddBackward', () => {
  it('adds dout·bᵀ into da and aᵀ·dout into db, against mathjs', () => {
    const a = randn([3, 5], rng), b = transposed(randn([4, 5], rng)), dout = randn([3, 4], rng);
    const da = randn([3, 5], rng), db = randn([5, 4], rng);
    const expectDa = add(toRows(da), multiply(toRows(dout), transpose(toRows(b)))) as number[][];
    const expectDb = add(toRows(db), multiply(transpose(toRows(a)), toRows(dout))) as number[][];
    matmulAddBackward(da, db, dout, a, b);
    expect(maxAbsDiff(toRows(da), expectDa)).toBeLessThan(1e-12);
    expect(maxAbsDiff(toRows(db), expectDb)).toBeLessThan(1e-12);
  });
});

describe('matmulAdd and non-finite values', () => {
  it('0·Inf gives NaN, as IEEE arithmetic says', () => {
    const a = zeros([1, 2]), b = zeros([2, 1]), out = zeros([1, 1]);
    b.set(0, 0, Infinity);
    matmulAdd(out, a, b);
    expect(out.get(0, 0)).toBeNaN();
  });
});
