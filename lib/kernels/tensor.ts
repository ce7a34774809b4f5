/**
 * The one tensor type of the engine, and the small helpers every other file uses.
 *
 * A `Mat` is an `ndarray` view `{ data, shape, stride, offset }` over a `Float64Array`, of any rank
 * (1-D biases, 2-D weights and batches, 3-D time-major sequences `[T,B,N]`).
 * - *Owned* tensors come from `zeros(shape)`: row-major, contiguous, offset 0. Flat loops over `.data`
 *   are allowed on owned tensors only.
 * - *Views* (`pick`, `transpose`, `lo`, `hi`) share the buffer and cost O(1). The kernels take any
 *   strides and offset, so a transposed weight or one time step of a sequence is passed as it is.
 */
import ndarray, { NdArray } from 'ndarray';

export type Mat = NdArray<Float64Array>;

/** Thrown when an argument has the wrong shape; the message names the operation, the operand, expected and got. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** Thrown when an argument has a wrong value (a class index out of range, T = 0, a missing key, …). */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** A new owned tensor of the given shape, filled with 0. */
export function zeros(shape: readonly number[]): Mat {
  let size = 1;
  for (const n of shape) {
    if (!Number.isInteger(n) || n < 0) throw new ShapeError(`zeros: dimensions must be integers >= 0, got [${shape.join(',')}]`);
    size *= n;
  }
  return ndarray(new Float64Array(size), shape.slice());
}

/** A new owned tensor over `data` (taken, not copied) with row-major strides. */
export function fromArray(data: Float64Array, shape: readonly number[]): Mat {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new ShapeError(`fromArray: shape [${shape.join(',')}] needs ${size} values, got ${data.length}`);
  return ndarray(data, shape.slice());
}

/**
 * Throws unless the 2-D view's rows are contiguous (stride 1 along a row), which the fused per-element
 * loops of the cells rely on. Every buffer the layer makes is; a transposed view is not.
 */
export function assertRowContiguous(m: Mat, what: string): void {
  if (m.dimension !== 2 || (m.stride[1] !== 1 && m.shape[1] > 1)) {
    throw new ShapeError(`${what}: expected a 2-D view with contiguous rows (column stride 1), got shape ${shapeString(m.shape)} with strides ${shapeString(m.stride)}`);
  }
}

/** True if a 3-D view [T,B,N] covers one contiguous row-major run of its buffer (a slice of whole steps). */
export function isContiguous3d(m: Mat): boolean {
  if (m.dimension !== 3) return false;
  const [, B, N] = m.shape;
  return m.stride[2] === 1 && m.stride[1] === N && m.stride[0] === B * N;
}

/**
 * [T,B,N] → [T·B,N]: the same numbers viewed as one row per (step, batch item), no copy. The view must be
 * contiguous (an owned sequence, or a slice of whole steps of one).
 */
export function flattenRows(m: Mat): Mat {
  if (!isContiguous3d(m)) throw new ShapeError(`flattenRows: expected a contiguous [T,B,N] tensor, got shape ${shapeString(m.shape)} with strides ${shapeString(m.stride)}`);
  const [T, B, N] = m.shape;
  return ndarray(m.data, [T * B, N], [N, 1], m.offset);
}

/** `[2,3]` → `"[2,3]"`, for messages. */
export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Throws a `ShapeError` unless `m` has exactly `shape`: `"rnnCellForward x: expected [2,3], got [2,4]"`. */
export function assertShape(m: Mat, shape: readonly number[], what: string): void {
  const ok = m.shape.length === shape.length && m.shape.every((n, k) => n === shape[k]);
  if (!ok) throw new ShapeError(`${what}: expected ${shapeString(shape)}, got ${shapeString(m.shape)}`);
}

/** True if `m` is row-major contiguous from offset 0 (an owned tensor), so flat loops over `.data` are valid. */
export function isOwned(m: Mat): boolean {
  if (m.offset !== 0 || m.data.length !== m.size) return false;
  let expected = 1;
  for (let k = m.shape.length - 1; k >= 0; k--) {
    if (m.shape[k] !== 1 && m.stride[k] !== expected) return false;
    expected *= m.shape[k];
  }
  return true;
}

/**
 * Calls `fn(flatIndexInData)` for every element of `m`, in row-major order, for any rank and strides.
 * Used by whole-tensor helpers that must also accept views; hot loops are written out by hand instead.
 */
export function forEachIndex(m: Mat, fn: (index: number, k: number) => void): void {
  const rank = m.shape.length;
  if (m.size === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let at = m.offset;
  for (let k = 0; k < m.size; k++) {
    fn(at, k);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      at += m.stride[d];
      if (idx[d] < m.shape[d]) break;
      at -= m.stride[d] * m.shape[d];
      idx[d] = 0;
    }
  }
}

/** Throws a `ValueError` naming the first non-finite (NaN, ±Infinity) entry of `m`. */
export function assertFinite(m: Mat, what: string): void {
  let bad = -1;
  if (isOwned(m)) bad = m.data.findIndex((v) => !Number.isFinite(v));
  else {
    forEachIndex(m, (i, k) => {
      if (bad < 0 && !Number.isFinite(m.data[i])) bad = k;
    });
  }
  if (bad >= 0) {
    throw new ValueError(`${what}: expected finite values, got ${toFlat(m)[bad]} at row-major index ${bad} of ${shapeString(m.shape)}`);
  }
}

/** m[...] = value, on owned tensors and views alike. */
export function fill(m: Mat, value: number): void {
  if (isOwned(m)) m.data.fill(value);
  else forEachIndex(m, (i) => (m.data[i] = value));
}

/** dst[...] = src[...]; same shape required. */
export function copyInto(dst: Mat, src: Mat): void {
  assertShape(src, dst.shape, 'copyInto src');
  if (isOwned(dst) && isOwned(src)) {
    dst.data.set(src.data); // both row-major from 0: one block copy
    return;
  }
  const values = new Float64Array(src.size);
  forEachIndex(src, (i, k) => (values[k] = src.data[i]));
  forEachIndex(dst, (i, k) => (dst.data[i] = values[k]));
}

/** A new owned copy of any view. */
export function clone(m: Mat): Mat {
  if (isOwned(m)) return fromArray(m.data.slice(), m.shape);
  const out = zeros(m.shape);
  forEachIndex(m, (i, k) => (out.data[k] = m.data[i]));
  return out;
}

/** [a,b,c] → [b,a,c] as a new owned tensor: batch-first ⇄ time-major. */
export function swapFirstAxes(m: Mat): Mat {
  return clone(m.transpose(1, 0, 2));
}

/** The elements of `m` in row-major order as a new Float64Array. */
export function toFlat(m: Mat): Float64Array {
  const out = new Float64Array(m.size);
  forEachIndex(m, (i, k) => (out[k] = m.data[i]));
  return out;
}

/** Euclidean norm ‖m‖₂ over all elements, computed with scaling so huge values do not overflow to Inf early. */
export function norm2(m: Mat): number {
  let scale = 0;
  forEachIndex(m, (i) => (scale = Math.max(scale, Math.abs(m.data[i]))));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let sum = 0;
  forEachIndex(m, (i) => {
    const v = m.data[i] / scale;
    sum += v * v;
  });
  return scale * Math.sqrt(sum);
}

/** Nested JSON arrays (row-major) → a new owned tensor, checked against `expectedShape` if given. */
export function fromNested(value: unknown, expectedShape: readonly number[] | null, what: string): Mat {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  if (expectedShape) {
    const ok = shape.length === expectedShape.length && shape.every((n, k) => n === expectedShape[k]);
    if (!ok) throw new ShapeError(`${what}: expected ${shapeString(expectedShape)}, got ${shapeString(shape)}`);
  }
  const out = zeros(shape);
  let k = 0;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new ValueError(`${what}${path}: expected a number, got ${JSON.stringify(v)}`);
      out.data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ShapeError(`${what}${path}: expected an array of length ${shape[depth]} (ragged nesting), got ${JSON.stringify(v)?.slice(0, 40)}`);
    }
    for (let n = 0; n < v.length; n++) walk(v[n], depth + 1, `${path}[${n}]`);
  };
  walk(value, 0, '');
  return out;
}

/** A tensor → nested JSON arrays in row-major order (a 0-d tensor is not used by the engine). */
export function toNested(m: Mat): unknown {
  const flat = toFlat(m);
  let k = 0;
  const build = (depth: number): unknown => {
    if (depth === m.shape.length) return flat[k++];
    const row: unknown[] = [];
    for (let n = 0; n < m.shape[depth]; n++) row.push(build(depth + 1));
    return row;
  };
  return build(0);
}
