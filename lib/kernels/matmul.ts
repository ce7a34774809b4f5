/**
 * Matrix products on strided views: the one kernel every cell is built from.
 *
 *   out += a·b        a: [M,K]   b: [K,N]   out: [M,N]
 *
 * "op(A)" is a view, not a flag: pass `w.transpose(1, 0)` for wᵀ. A transposed view swaps the strides and
 * copies nothing, so the four products of a recurrent step, x·W_ihᵀ, daᵀ·x, da·W_ih, …, are this one
 * function. Any offset and strides are accepted, so one time step of a sequence (`xs.pick(t)`) or one
 * direction's column block of a bidirectional output is passed as it is.
 */
import { Mat, ShapeError, shapeString } from './tensor';

/** A transposed view of a 2-D tensor: [M,N] → [N,M], no copy. */
export function transposed(m: Mat): Mat {
  return m.transpose(1, 0);
}

/**
 * out += a·b  (C += op(A)·op(B)), out: [M,N]  a: [M,K]  b: [K,N], each with any strides.
 * Adds into `out`, never overwrites it: clear it first for a plain product. `out` must not share memory with `a` or `b`.
 * @example matmulAdd(out, x, transposed(W))   // [B,H] += [B,I]·[I,H], with W: [H,I]
 */
export function matmulAdd(out: Mat, a: Mat, b: Mat): void {
  checkMatmulShapes(out, a, b, 'matmulAdd');
  const [M, K] = a.shape;
  const N = b.shape[1];
  const A = a.data, Bd = b.data, C = out.data;
  const as0 = a.stride[0], as1 = a.stride[1];
  const bs0 = b.stride[0], bs1 = b.stride[1];
  const cs0 = out.stride[0], cs1 = out.stride[1];
  for (let i = 0; i < M; i++) {
    const aRow = a.offset + i * as0;
    const cRow = out.offset + i * cs0;
    for (let k = 0; k < K; k++) {
      const aik = A[aRow + k * as1]; // no shortcut for aik = 0: 0·Inf must still give NaN
      const bRow = b.offset + k * bs0;
      for (let j = 0; j < N; j++) C[cRow + j * cs1] += aik * Bd[bRow + j * bs1];
    }
  }
}

/**
 * Backward of out += a·b, given dout = ∂L/∂out [M,N]. Adds into `da` and `db`; never overwrites.
 *   da += dout·bᵀ   [M,K] += [M,N]·[N,K]
 *   db += aᵀ·dout   [K,N] += [K,M]·[M,N]
 */
export function matmulAddBackward(da: Mat, db: Mat, dout: Mat, a: Mat, b: Mat): void {
  matmulAdd(da, dout, transposed(b)); // [M,K] += [M,N]·[N,K]
  matmulAdd(db, transposed(a), dout); // [K,N] += [K,M]·[M,N]
}

function checkMatmulShapes(out: Mat, a: Mat, b: Mat, op: string): void {
  if (a.dimension !== 2 || b.dimension !== 2 || out.dimension !== 2) {
    throw new ShapeError(`${op}: expected 2-D operands, got out ${shapeString(out.shape)}, a ${shapeString(a.shape)}, b ${shapeString(b.shape)}`);
  }
  const [M, K] = a.shape;
  const [K2, N] = b.shape;
  if (K2 !== K) throw new ShapeError(`${op} b: expected [${K},*] to match a ${shapeString(a.shape)}, got ${shapeString(b.shape)}`);
  if (out.shape[0] !== M || out.shape[1] !== N) {
    throw new ShapeError(`${op} out: expected [${M},${N}], got ${shapeString(out.shape)}`);
  }
}
