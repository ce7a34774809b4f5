/**
 * Dropout: PyTorch's nn.Dropout and `dropout=` of nn.RNN/LSTM/GRU, and Keras's `recurrent_dropout`.
 *                                                                            docs: docs/layers/dropout.md
 *   (DROP-1)  y = x ⊙ M,  M_k = m_k / (1 − p),  m_k ~ Bernoulli(1 − p)     "inverted" scaling: E[y] = x,
 *             so evaluation is y = x and nothing is rescaled there
 *   (DROP-1') dx = dy ⊙ M
 *   (DROP-2)  recurrent (variational) dropout, Gal & Ghahramani (2016): one mask per sequence, layer and
 *             direction, the same at every step, on h_{t−1} where the recurrent product reads it:
 *             hIn_t = h_{t−1} ⊙ M (lib/cells/cell.ts); the state h_t itself, and the GRU's z_t ⊙ h_{t−1},
 *             are not masked
 *   (DROP-2') ∂L/∂h_{t−1} += (∂L/∂hIn_t) ⊙ M
 *
 * Where the masks come from. A model drops units only while `DropoutState` is set (training); null means
 * evaluation. Each batch row draws its masks from a generator of its own, seeded by (the state's seed, the
 * site, the row's index in the whole batch): a row's mask does not depend on which rows share its slice of
 * the batch, so one thread and several give the same numbers, and the Trainer, which seeds each step from
 * its seed and step number, draws the same masks again when a run is resumed. A gradient check holds the
 * masks fixed by keeping the state fixed.
 */
import { Mat, zeros, forEachIndex, ValueError } from '../kernels/tensor';
import { Rng } from '../kernels/random';

/** Training mode: the seed of this batch's masks, and where this slice's rows start in the whole batch. */
export interface DropoutState {
  seed: number; // an integer
  rowOffset: number; // row b of this call is row rowOffset + b of the batch
}

/** Where in a model a mask is drawn: each site has its own masks. */
export const DROPOUT_SITE = {
  input: 1,
  output: 2,
  between: (layer: number) => 16 + layer, // after layer `layer`'s output, before layer + 1
  recurrent: (layer: number, direction: number) => 4096 + 2 * layer + direction,
} as const;

/** Checks a dropout probability: a number in [0, 1). */
export function checkDropout(p: unknown, what: string): number {
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p >= 1) {
    throw new ValueError(`${what}: expected a probability in [0, 1), got ${typeof p === 'number' ? p : JSON.stringify(p)}`);
  }
  return p;
}

/** A 32-bit seed from three integers (a multiply–xorshift mix, as splitmix32 does). */
function mixSeed(seed: number, site: number, row: number): number {
  let h = (seed ^ Math.imul(site, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ Math.imul(row + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The seed of training step `step`'s masks in a run seeded `seed`. */
export function stepSeed(seed: number, step: number): number {
  return mixSeed(seed, 0x5eed, step);
}

/**
 * The scaled mask M of (DROP-1) for `shape` [T,B,N] (one value per element) or [B,N] (one per row and
 * unit: the recurrent mask of DROP-2); the batch axis is the one before the last. Entries are 0 or 1/(1−p).
 */
export function dropoutMask(state: DropoutState, site: number, shape: readonly number[], p: number): Mat {
  const M = zeros(shape);
  const [T, B, N] = shape.length === 3 ? shape : [1, shape[0], shape[1]];
  const keep = 1 / (1 - p);
  for (let b = 0; b < B; b++) {
    const rng = new Rng(mixSeed(state.seed, site, state.rowOffset + b));
    for (let t = 0; t < T; t++) {
      const at = (t * B + b) * N;
      for (let j = 0; j < N; j++) M.data[at + j] = rng.uniform() < p ? 0 : keep; //             (DROP-1)
    }
  }
  return M;
}

/** y = x ⊙ M (DROP-1) as a new tensor, or x itself when the mask is null. x: any strides; M: contiguous, x's shape. */
export function applyMask(x: Mat, M: Mat | null): Mat {
  if (!M) return x;
  const y = zeros(x.shape);
  const xs = x.data, ms = M.data, ys = y.data;
  forEachIndex(x, (at, k) => { ys[k] = xs[at] * ms[k]; }); //                   (DROP-1), (DROP-1')
  return y;
}
