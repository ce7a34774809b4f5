/**
 * How a bidirectional layer joins its two directions at each step, as Keras's
 * `Bidirectional(merge_mode=)`: f = the forward direction's h_t, r = the reverse one's, both [T,B,H].
 *                                                                            docs: docs/layers/bptt.md
 *   (MERGE-1)  concat  y = [f ‖ r]     [T,B,2H]   (PyTorch's only mode, and the default)
 *              sum     y = f + r       [T,B,H]
 *              mul     y = f ⊙ r       [T,B,H]
 *              ave     y = (f + r)/2   [T,B,H]
 *   (MERGE-1') concat  df, dr = the two halves of dy
 *              sum     df = dr = dy;   mul  df = dy ⊙ r,  dr = dy ⊙ f;   ave  df = dr = dy/2
 * A stacked layer merges at every layer, so layer k ≥ 1 reads H features under sum, mul and ave.
 */
import { Mat, zeros, ValueError } from '../kernels/tensor';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';
export const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];

/** Checks a merge mode's name. */
export function checkMergeMode(mode: unknown, what: string): MergeMode {
  if (!MERGE_MODES.includes(mode as MergeMode)) throw new ValueError(`${what}: expected one of ${MERGE_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  return mode as MergeMode;
}

/** The width of a layer's output: D·H under concat, H otherwise (and H for one direction). */
export function mergedWidth(mode: MergeMode, D: number, H: number): number {
  return D === 2 && mode === 'concat' ? 2 * H : H;
}

/** y [T,B,H] from f, r [T,B,H] (contiguous) under sum, mul or ave.   (MERGE-1) */
export function mergeForward(mode: Exclude<MergeMode, 'concat'>, f: Mat, r: Mat): Mat {
  const y = zeros(f.shape);
  const F = f.data, R = r.data, Y = y.data;
  for (let k = 0; k < Y.length; k++) {
    Y[k] = mode === 'sum' ? F[k] + R[k] : mode === 'mul' ? F[k] * R[k] : 0.5 * (F[k] + R[k]); //   (MERGE-1)
  }
  return y;
}

/** The gradient that direction `d` (0: f, 1: r) receives from dy [T,B,H] (any strides).   (MERGE-1') */
export function mergeBackward(mode: Exclude<MergeMode, 'concat'>, dy: Mat, f: Mat, r: Mat, d: 0 | 1): Mat {
  const [T, B, H] = dy.shape;
  const out = zeros([T, B, H]);
  const other = d === 0 ? r.data : f.data;
  let k = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++, k++) {
        const g = dy.get(t, b, j);
        out.data[k] = mode === 'sum' ? g : mode === 'mul' ? g * other[k] : 0.5 * g; //             (MERGE-1')
      }
    }
  }
  return out;
}
