/**
 * Elementwise helpers on 2-D views [M,N] with any strides, written as plain loops so they can run inside
 * a time loop without allocating (no closures, no temporary views).
 */
import { Mat, ShapeError, shapeString } from './tensor';

/** out = a + b, elementwise.   out, a, b: [M,N]. `out` may be `a` or `b`. */
export function add2d(out: Mat, a: Mat, b: Mat): void {
  check2d(out, a, 'add2d a');
  check2d(out, b, 'add2d b');
  const [M, N] = out.shape;
  const O = out.data, A = a.data, Bd = b.data;
  const o1 = out.stride[1], a1 = a.stride[1], b1 = b.stride[1];
  for (let i = 0; i < M; i++) {
    const oRow = out.offset + i * out.stride[0], aRow = a.offset + i * a.stride[0], bRow = b.offset + i * b.stride[0];
    for (let j = 0; j < N; j++) O[oRow + j * o1] = A[aRow + j * a1] + Bd[bRow + j * b1];
  }
}

/** out = a ⊙ b (accumulate: out += a ⊙ b), elementwise.   out, a, b: [M,N]. `out` may be `a` (not with accumulate). */
export function mul2d(out: Mat, a: Mat, b: Mat, accumulate = false): void {
  check2d(out, a, 'mul2d a');
  check2d(out, b, 'mul2d b');
  const [M, N] = out.shape;
  const O = out.data, A = a.data, Bd = b.data;
  const o1 = out.stride[1], a1 = a.stride[1], b1 = b.stride[1];
  for (let i = 0; i < M; i++) {
    const oRow = out.offset + i * out.stride[0], aRow = a.offset + i * a.stride[0], bRow = b.offset + i * b.stride[0];
    if (accumulate) for (let j = 0; j < N; j++) O[oRow + j * o1] += A[aRow + j * a1] * Bd[bRow + j * b1];
    else for (let j = 0; j < N; j++) O[oRow + j * o1] = A[aRow + j * a1] * Bd[bRow + j * b1];
  }
}

/** out = src, elementwise.   out, src: [M,N]. */
export function copy2d(out: Mat, src: Mat): void {
  check2d(out, src, 'copy2d src');
  const [M, N] = out.shape;
  const O = out.data, S = src.data, o1 = out.stride[1], s1 = src.stride[1];
  for (let i = 0; i < M; i++) {
    const oRow = out.offset + i * out.stride[0], sRow = src.offset + i * src.stride[0];
    for (let j = 0; j < N; j++) O[oRow + j * o1] = S[sRow + j * s1];
  }
}

/** m = 0.   m: [M,N]. */
export function zero2d(m: Mat): void {
  if (m.dimension !== 2) throw new ShapeError(`zero2d m: expected a 2-D tensor, got ${shapeString(m.shape)}`);
  const [M, N] = m.shape;
  const data = m.data, s1 = m.stride[1];
  for (let i = 0; i < M; i++) {
    const row = m.offset + i * m.stride[0];
    for (let j = 0; j < N; j++) data[row + j * s1] = 0;
  }
}

/** ‖m‖₂ = √(Σ m²) over all elements of a [M,N] view. Overflows to Infinity only for entries beyond ~1e154. */
export function norm2d(m: Mat): number {
  if (m.dimension !== 2) throw new ShapeError(`norm2d m: expected a 2-D tensor, got ${shapeString(m.shape)}`);
  const [M, N] = m.shape;
  const data = m.data, s1 = m.stride[1];
  let sum = 0;
  for (let i = 0; i < M; i++) {
    const row = m.offset + i * m.stride[0];
    for (let j = 0; j < N; j++) {
      const v = data[row + j * s1];
      sum += v * v;
    }
  }
  return Math.sqrt(sum);
}

function check2d(out: Mat, m: Mat, what: string): void {
  if (out.dimension !== 2 || m.dimension !== 2 || out.shape[0] !== m.shape[0] || out.shape[1] !== m.shape[1]) {
    throw new ShapeError(`${what}: expected ${shapeString(out.shape)}, got ${shapeString(m.shape)}`);
  }
}
