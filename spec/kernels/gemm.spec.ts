import { zeros, toFlat, ShapeError, Mat } from '../../lib/kernels/tensor';
import { matmulAdd, transposed } from '../../lib/kernels/matmul';
import { gemm, GemmWorkspace } from '../../lib/kernels/gemm';
import { Rng } from '../../lib/kernels/random';
import { randn } from '../helpers';

const rng = new Rng(81);
const ws = new GemmWorkspace();
const operand = (rows: number, cols: number, isTransposed: boolean): Mat => (isTransposed ? transposed(randn([cols, rows], rng)) : randn([rows, cols], rng));

/** The fast product and its reference twin, on the same inputs: equal up to summation order. */
function expectTwins(out: Mat, a: Mat, b: Mat): void {
  const ref = zeros(out.shape);
  for (let i = 0; i < out.shape[0]; i++) for (let j = 0; j < out.shape[1]; j++) ref.set(i, j, out.get(i, j));
  matmulAdd(ref, a, b);
  gemm(out, a, b, ws);
  const x = toFlat(out), y = toFlat(ref);
  let scale = 1;
  for (const v of y) scale = Math.max(scale, Math.abs(v));
  for (let k = 0; k < x.length; k++) expect(Math.abs(x[k] - y[k])).toBeLessThanOrEqual(1e-14 * scale * Math.max(1, a.shape[1] / 16));
}

describe('gemm, the fast product, against its reference twin matmulAdd', () => {
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [4, 4, 4], [5, 1, 9], [1, 300, 2], [33, 70, 17], [8, 257, 12], [2, 600, 3]];
  const cases = shapes.flatMap(([M, K, N]) => [false, true].flatMap((ta) => [false, true].map((tb) => [M, K, N, ta, tb] as const)));

  it.each(cases)('M=%i K=%i N=%i, a transposed %s, b transposed %s (edges and k blocks included)', (M, K, N, ta, tb) => {
    expectTwins(randn([M, N], rng), operand(M, K, ta), operand(K, N, tb));
  });

  it('matches on 40 random shapes and layouts', () => {
    for (let n = 0; n < 40; n++) {
      const M = 1 + rng.int(40), K = 1 + rng.int(300), N = 1 + rng.int(40);
      expectTwins(randn([M, N], rng), operand(M, K, rng.int(2) === 1), operand(K, N, rng.int(2) === 1));
    }
  });

  it('writes into a strided view of the output and nothing else', () => {
    const big = zeros([5, 4, 12]);
    const block = big.lo(0, 0, 6).hi(5, 4, 6).pick(3); // [4,6], row stride 12
    expectTwins(block, operand(4, 9, true), operand(9, 6, false));
    const others = toFlat(big).filter((_, k) => !(Math.floor(k / 48) === 3 && k % 12 >= 6));
    expect(others.every((v) => v === 0)).toBe(true);
  });

  it('reuses its workspace: no allocation once grown', () => {
    const w = new GemmWorkspace();
    gemm(zeros([8, 8]), randn([8, 300], rng), randn([300, 8], rng), w);
    const a = w.packedA, b = w.packedB;
    gemm(zeros([8, 8]), randn([8, 100], rng), randn([100, 8], rng), w);
    expect(w.packedA).toBe(a);
    expect(w.packedB).toBe(b);
  });

  it('propagates NaN and names shapes on a mismatch', () => {
    const b = zeros([2, 1]);
    b.set(1, 0, NaN);
    const out = zeros([1, 1]);
    gemm(out, zeros([1, 2]), b, ws);
    expect(out.get(0, 0)).toBeNaN();
    expect(() => gemm(zeros([2, 4]), zeros([2, 3]), zeros([5, 4]), ws)).toThrow(new ShapeError('gemm b: expected [3,*] to match a [2,3], got [5,4]'));
  });
});
