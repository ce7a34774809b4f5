/**
 * The fast matrix product: out += a·b with the same contract as `matmulAdd` (any strides, so either
 * operand may be a transposed view), about four times faster. `matmulAdd` in matmul.ts is its readable
 * twin and the oracle its spec holds it equal to.
 *
 * How it is fast, in plain scalar TypeScript:
 *  1. Packing. a is copied into panels of 4 rows and b into panels of 4 columns, each laid out k-major
 *     (panel[4k + r]). Whatever the operands' strides (transposed or not), the inner loop then reads two
 *     short contiguous runs: one kernel serves all four transpose combinations.
 *  2. Register tiling. The inner loop keeps a 4×4 block of out in 16 local variables and, per k, does 16
 *     multiply-adds for 8 loads, instead of 1 multiply-add per load and store.
 *  3. Blocking over k (KC at a time), so a panel pair stays in the L1 cache.
 * Packing buffers come from a `GemmWorkspace` that the caller keeps and reuses, so a call allocates
 * nothing once the workspace has grown to the largest shape. An operand used again and again (a weight
 * inside the time loop) is packed once with `packB` and multiplied with `gemmPacked`.
 */
import { Mat, ShapeError, shapeString } from './tensor';

const MR = 4; // rows of a register tile
const NR = 4; // columns of a register tile
const KC = 256; // depth of a k block

/** Reusable packing space. Grows to the largest product it has served, then never allocates again. */
export class GemmWorkspace {
  packedA = new Float64Array(0);
  packedB = new Float64Array(0);

  ensure(aSize: number, bSize: number): void {
    if (this.packedA.length < aSize) this.packedA = new Float64Array(aSize);
    if (this.packedB.length < bSize) this.packedB = new Float64Array(bSize);
  }
}

/** b [K,N] packed once into 4-column panels, k-block by k-block, for products that reuse it (a weight in a time loop). */
export interface PackedB {
  data: Float64Array;
  K: number;
  N: number;
}

/**
 * Packs b for `gemmPacked`. Call it once, outside the loop that reuses b. It packs into `reuse` when that
 * is given and large enough (a buffer kept from an earlier call of the same shape), else it allocates.
 */
export function packB(b: Mat, reuse: PackedB | null = null): PackedB {
  if (b.dimension !== 2) throw new ShapeError(`packB: expected a 2-D operand, got ${shapeString(b.shape)}`);
  const [K, N] = b.shape;
  const panelSpan = Math.ceil(N / NR) * NR; // columns, padded to whole panels
  const size = Math.max(1, panelSpan * K);
  const data = reuse && reuse.data.length >= size ? reuse.data : new Float64Array(size);
  for (let k0 = 0; k0 < K; k0 += KC) packPanels(data, k0 * panelSpan, b, k0, Math.min(KC, K - k0), N, true);
  return { data, K, N };
}

/** out += a·b   out: [M,N]  a: [M,K]  b: [K,N], any strides. Adds, never overwrites. */
export function gemm(out: Mat, a: Mat, b: Mat, ws: GemmWorkspace): void {
  checkShapes(out, a, b.shape, 'gemm');
  const [K, N] = b.shape;
  const panelSpan = Math.ceil(N / NR) * NR;
  ws.ensure(0, panelSpan * K);
  for (let k0 = 0; k0 < K; k0 += KC) packPanels(ws.packedB, k0 * panelSpan, b, k0, Math.min(KC, K - k0), N, true);
  gemmPacked(out, a, { data: ws.packedB, K, N }, ws);
}

/** out += a·b with b packed beforehand by `packB` (a stays any view and is packed here, into `ws`). */
export function gemmPacked(out: Mat, a: Mat, b: PackedB, ws: GemmWorkspace): void {
  checkShapes(out, a, [b.K, b.N], 'gemmPacked');
  const [M, K] = a.shape;
  const N = b.N;
  if (M === 0 || N === 0 || K === 0) return;
  const Mp = Math.ceil(M / MR), Np = Math.ceil(N / NR);
  const panelSpan = Np * NR;
  ws.ensure(Mp * MR * KC, 0);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    packPanels(ws.packedA, 0, a, k0, kc, M, false);
    const bBlock = k0 * panelSpan;
    for (let ip = 0; ip < Mp; ip++) {
      for (let jp = 0; jp < Np; jp++) microKernel(out, ws.packedA, ip * MR * kc, b.data, bBlock + jp * NR * kc, kc, ip * MR, jp * NR, M, N);
    }
  }
}

function checkShapes(out: Mat, a: Mat, bShape: readonly number[], op: string): void {
  if (a.dimension !== 2 || bShape.length !== 2 || out.dimension !== 2) {
    throw new ShapeError(`${op}: expected 2-D operands, got out ${shapeString(out.shape)}, a ${shapeString(a.shape)}, b ${shapeString(bShape)}`);
  }
  const [M, K] = a.shape;
  const N = bShape[1];
  if (bShape[0] !== K) throw new ShapeError(`${op} b: expected [${K},*] to match a ${shapeString(a.shape)}, got ${shapeString(bShape)}`);
  if (out.shape[0] !== M || out.shape[1] !== N) throw new ShapeError(`${op} out: expected [${M},${N}], got ${shapeString(out.shape)}`);
}

/**
 * Copies rows k0 … k0+kc−1 of the operand into panels of 4, from dst[at] on: for b (byColumns) panel p
 * holds columns 4p … 4p+3, for a it holds rows 4p … 4p+3; each panel is k-major (dst[base + 4k + r]); the
 * edge panel is padded with zeros.
 */
function packPanels(dst: Float64Array, at: number, m: Mat, k0: number, kc: number, extent: number, byColumns: boolean): void {
  const data = m.data, off = m.offset;
  // For b: element (k, j) is at off + k·s0 + j·s1. For a: element (i, k) is at off + i·s0 + k·s1.
  const sK = byColumns ? m.stride[0] : m.stride[1];
  const sX = byColumns ? m.stride[1] : m.stride[0];
  const panels = Math.ceil(extent / 4);
  for (let p = 0; p < panels; p++) {
    const base = at + p * 4 * kc;
    for (let r = 0; r < 4; r++) {
      const x = p * 4 + r;
      if (x < extent) {
        let src = off + x * sX + k0 * sK;
        for (let k = 0; k < kc; k++, src += sK) dst[base + 4 * k + r] = data[src];
      } else {
        for (let k = 0; k < kc; k++) dst[base + 4 * k + r] = 0;
      }
    }
  }
}

/** out[i0 … i0+3, j0 … j0+3] += (packed a panel)·(packed b panel) over kc, clipped at the matrix edges. */
function microKernel(out: Mat, A: Float64Array, pa: number, B: Float64Array, pb: number, kc: number, i0: number, j0: number, M: number, N: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < kc; k++) {
    const a0 = A[pa], a1 = A[pa + 1], a2 = A[pa + 2], a3 = A[pa + 3];
    const b0 = B[pb], b1 = B[pb + 1], b2 = B[pb + 2], b3 = B[pb + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    pa += 4;
    pb += 4;
  }
  const C = out.data, s0 = out.stride[0], s1 = out.stride[1];
  const rows = Math.min(4, M - i0), cols = Math.min(4, N - j0);
  if (rows === 4 && cols === 4) {
    let at = out.offset + i0 * s0 + j0 * s1;
    C[at] += c00; C[at + s1] += c01; C[at + 2 * s1] += c02; C[at + 3 * s1] += c03; at += s0;
    C[at] += c10; C[at + s1] += c11; C[at + 2 * s1] += c12; C[at + 3 * s1] += c13; at += s0;
    C[at] += c20; C[at + s1] += c21; C[at + 2 * s1] += c22; C[at + 3 * s1] += c23; at += s0;
    C[at] += c30; C[at + s1] += c31; C[at + 2 * s1] += c32; C[at + 3 * s1] += c33;
    return;
  }
  // An edge tile: write the rows and columns that exist (no temporary array: this may run inside a time loop).
  const at = out.offset + i0 * s0 + j0 * s1;
  addEdgeRow(C, at, s1, cols, c00, c01, c02, c03);
  if (rows > 1) addEdgeRow(C, at + s0, s1, cols, c10, c11, c12, c13);
  if (rows > 2) addEdgeRow(C, at + 2 * s0, s1, cols, c20, c21, c22, c23);
  if (rows > 3) addEdgeRow(C, at + 3 * s0, s1, cols, c30, c31, c32, c33);
}

function addEdgeRow(C: Float64Array, at: number, s1: number, cols: number, v0: number, v1: number, v2: number, v3: number): void {
  C[at] += v0;
  if (cols > 1) C[at + s1] += v1;
  if (cols > 2) C[at + 2 * s1] += v2;
  if (cols > 3) C[at + 3 * s1] += v3;
}
