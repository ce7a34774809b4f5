/**
 * Variable-length batches: a batch padded to [T,B,·] with `lengths[b]` valid steps per sequence.
 *                                                                             docs: docs/layers/bptt.md
 * The per-step rule (PyTorch's packed sequences): at step t, row b is a *valid* row if t < lengths[b]
 * and is updated by the cell as usual; a *padded* row keeps its state and outputs 0.
 *   (PACK-1)  forward:  padded rows hold their state: h_t[b] = h_{t−1}[b]  (and c_t[b] = c_{t−1}[b])
 *   (PACK-2)  backward: a padded row takes no gradient from above (its output is the constant 0), and its
 *             state gradient passes over the step unchanged; the cell sees zeros for that row, so it
 *             adds nothing to any parameter gradient and leaves that row of dx exactly 0.
 */
import { Mat, ShapeError, ValueError } from '../kernels/tensor';

/** Checks `lengths` (B integers in [1, T]) and returns them as an Int32Array. */
export function checkLengths(lengths: ArrayLike<number>, T: number, B: number, what: string): Int32Array {
  if (lengths.length !== B) throw new ShapeError(`${what}: expected ${B} lengths (one per sequence in the batch), got ${lengths.length}`);
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const n = lengths[b];
    if (!Number.isInteger(n) || n < 1 || n > T) {
      throw new ValueError(`${what}[${b}]: expected an integer length in [1, ${T}] (T = ${T}), got ${n}`);
    }
    out[b] = n;
  }
  return out;
}

/** h[b,:] = hPrev[b,:] for every row b that is padding at step t.   h, hPrev: [B,H]   (PACK-1) */
export function holdPaddedRows(h: Mat, hPrev: Mat, lengths: Int32Array, t: number): void {
  const [B, H] = h.shape;
  for (let b = 0; b < B; b++) {
    if (t < lengths[b]) continue;
    for (let j = 0; j < H; j++) h.set(b, j, hPrev.get(b, j)); // the state is held over the padded step (PACK-1)
  }
}

/** m[b,:] = 0 for every row b that is padding at step t. */
export function zeroPaddedRows(m: Mat, lengths: Int32Array, t: number): void {
  const [B, H] = m.shape;
  for (let b = 0; b < B; b++) if (t >= lengths[b]) for (let j = 0; j < H; j++) m.set(b, j, 0);
}

/** m[b,:] = 0 for every row b that is valid at step t. */
export function zeroValidRows(m: Mat, lengths: Int32Array, t: number): void {
  const [B, H] = m.shape;
  for (let b = 0; b < B; b++) if (t < lengths[b]) for (let j = 0; j < H; j++) m.set(b, j, 0);
}

/** For every row b that is padding at step t: dst[b,:] = src[b,:], then src[b,:] = 0. */
export function movePaddedRows(dst: Mat, src: Mat, lengths: Int32Array, t: number): void {
  const [B, H] = src.shape;
  for (let b = 0; b < B; b++) {
    if (t < lengths[b]) continue;
    for (let j = 0; j < H; j++) {
      dst.set(b, j, src.get(b, j));
      src.set(b, j, 0);
    }
  }
}

/**
 * out[t,b,:] = hs[t,b,:] where step t is valid for sequence b; padded positions are left as they are
 * (0 in a fresh output).   out: [T,B,H] (any strides, e.g. one direction's block of the output)   hs: [T,B,H]
 */
export function copyValidSteps(out: Mat, hs: Mat, lengths: Int32Array | null): void {
  const [T, B, H] = hs.shape;
  const O = out.data, S = hs.data, o2 = out.stride[2], s2 = hs.stride[2];
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (lengths && t >= lengths[b]) continue;
      const oRow = out.offset + t * out.stride[0] + b * out.stride[1], sRow = hs.offset + t * hs.stride[0] + b * hs.stride[1];
      for (let j = 0; j < H; j++) O[oRow + j * o2] = S[sRow + j * s2];
    }
  }
}
