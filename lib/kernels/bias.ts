/**
 * Row-vector bias: the same [N] vector added to every row of a [B,N] batch, and its backward.
 *
 *   forward:   m[b,:] += v          m: [B,N]  v: [N]
 *   backward:  dv += Σ_b dm[b,:]    (each row used v once, so v's gradient is the sum over rows)
 */
import { Mat, ShapeError, shapeString } from './tensor';

/** m[b,:] += v for every row b.   m: [B,N]  v: [N]. */
export function addRowVector(m: Mat, v: Mat): void {
  checkRowVector(m, v, 'addRowVector');
  const [B, N] = m.shape;
  for (let b = 0; b < B; b++) {
    const row = m.offset + b * m.stride[0];
    for (let j = 0; j < N; j++) m.data[row + j * m.stride[1]] += v.data[v.offset + j * v.stride[0]];
  }
}

/** dv += Σ_b dm[b,:].   dv: [N]  dm: [B,N]. Adds; never overwrites. */
export function addRowVectorBackward(dv: Mat, dm: Mat): void {
  checkRowVector(dm, dv, 'addRowVectorBackward');
  const [B, N] = dm.shape;
  const dvData = dv.data, dmData = dm.data, v0 = dv.stride[0], d1 = dm.stride[1];
  for (let b = 0; b < B; b++) {
    const row = dm.offset + b * dm.stride[0];
    for (let j = 0; j < N; j++) dvData[dv.offset + j * v0] += dmData[row + j * d1];
  }
}

function checkRowVector(m: Mat, v: Mat, op: string): void {
  if (m.dimension !== 2) throw new ShapeError(`${op} m: expected a 2-D [B,N] tensor, got ${shapeString(m.shape)}`);
  if (v.dimension !== 1 || v.shape[0] !== m.shape[1]) {
    throw new ShapeError(`${op} v: expected [${m.shape[1]}], got ${shapeString(v.shape)}`);
  }
}

/**
 * m[b,:] = v1 + v2 for every row b (either vector may be `null`, meaning 0).   m: [B,N]  v1, v2: [N].
 * Starts a pre-activation at its biases, so the matrix products that follow can all add into it.
 */
export function setRowsToBias(m: Mat, v1: Mat | null, v2: Mat | null): void {
  if (m.dimension !== 2) throw new ShapeError(`setRowsToBias m: expected a 2-D [B,N] tensor, got ${shapeString(m.shape)}`);
  if (v1) checkRowVector(m, v1, 'setRowsToBias');
  if (v2) checkRowVector(m, v2, 'setRowsToBias');
  const [B, N] = m.shape;
  if (B === 0) return;
  const data = m.data, s0 = m.stride[0], s1 = m.stride[1];
  const first = m.offset; // row 0 gets the sum; every other row is a copy of row 0
  for (let j = 0; j < N; j++) {
    data[first + j * s1] = (v1 ? v1.data[v1.offset + j * v1.stride[0]] : 0) + (v2 ? v2.data[v2.offset + j * v2.stride[0]] : 0);
  }
  for (let b = 1; b < B; b++) {
    const row = m.offset + b * s0;
    for (let j = 0; j < N; j++) data[row + j * s1] = data[first + j * s1];
  }
}
