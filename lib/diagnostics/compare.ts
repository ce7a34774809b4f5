/**
 * How the engine's numbers are compared with PyTorch's, element by element: the tolerances every
 * conformance case uses, and the comparison itself.
 *
 *   values (output, h_n, c_n, head output, loss)   |ours − torch| ≤ 1e-12 + 1e-10·|torch|
 *   gradients (every parameter, x, h0, c0)          |ours − torch| ≤ 1e-9·|torch| + 1e-30
 *
 * Gradients get a purely relative test: a gradient that has vanished over many steps can be far
 * below any absolute tolerance, and must still be right.
 */
import { Mat, toFlat, shapeString, ValueError } from '../kernels/tensor';

export const VALUE_TOLERANCE = { abs: 1e-12, rel: 1e-10 };
export const GRAD_TOLERANCE = { abs: 1e-30, rel: 1e-9 };

export interface TensorComparison {
  name: string; // e.g. "output", "grads.weight_hh_l0"
  kind: 'value' | 'grad';
  count: number;
  maxAbsError: number; // max |ours − torch|
  maxRelError: number; // max |ours − torch| / |torch| over entries with torch ≠ 0
  ok: boolean; // every element within its tolerance
}

/** Compares element-wise; `ours` and `torch` must have the same shape. */
export function compareTensors(name: string, kind: 'value' | 'grad', ours: Mat, torch: Mat): TensorComparison {
  if (ours.shape.join() !== torch.shape.join()) {
    throw new ValueError(`${name}: shape ${shapeString(ours.shape)} differs from the case's ${shapeString(torch.shape)}`);
  }
  const tol = kind === 'value' ? VALUE_TOLERANCE : GRAD_TOLERANCE;
  const a = toFlat(ours), b = toFlat(torch);
  let maxAbsError = 0, maxRelError = 0, ok = true;
  for (let k = 0; k < a.length; k++) {
    const err = Math.abs(a[k] - b[k]);
    if (!(err <= tol.abs + tol.rel * Math.abs(b[k]))) ok = false; // written so that NaN fails
    if (!(err <= maxAbsError)) maxAbsError = err;
    if (b[k] !== 0 && !(err / Math.abs(b[k]) <= maxRelError)) maxRelError = err / Math.abs(b[k]);
  }
  return { name, kind, count: a.length, maxAbsError, maxRelError, ok };
}

/**
 * Compares element-wise with a bound of the case's own (a case format that states its tolerances, such
 * as the audio and CTC cases). Equal infinities pass; where the case has NaN, ours must be NaN too.
 */
export function compareWithBound(name: string, kind: 'value' | 'grad', ours: ArrayLike<number>, theirs: ArrayLike<number>, bound: (k: number) => number): TensorComparison {
  if (ours.length !== theirs.length) throw new ValueError(`${name}: ${ours.length} numbers, but the case has ${theirs.length}`);
  let maxAbsError = 0, maxRelError = 0, ok = true;
  for (let k = 0; k < ours.length; k++) {
    const a = ours[k], b = theirs[k];
    if (Number.isNaN(b) || (a === b && !Number.isFinite(b))) {
      if (Number.isNaN(b) !== Number.isNaN(a)) ok = false;
      continue;
    }
    const err = Math.abs(a - b);
    if (!(err <= bound(k))) ok = false; // written so that NaN fails
    if (!(err <= maxAbsError)) maxAbsError = err;
    if (b !== 0 && !(err / Math.abs(b) <= maxRelError)) maxRelError = err / Math.abs(b);
  }
  return { name, kind, count: ours.length, maxAbsError, maxRelError, ok };
}
