/**
 * Truncated BPTT on a long stream: cut the sequence into chunks of k steps, carry the hidden (and cell)
 * state from one chunk into the next, and backpropagate within each chunk only.
 *                                                                             docs: docs/training/training.md
 * The carried state enters the next chunk as its `h0` (`c0`): a *copy*, so it is a constant there.
 * The chunk's backward returns ∂L/∂h0, and nothing sends it further back: that is the truncation.
 * Exactly: the chunk's gradients are the full-sequence gradients of the chunk's loss with every path
 * through the boundary state removed (spec/training/tbptt.spec.ts proves both this and that the
 * carried-state outputs equal one pass over the whole stream).
 */
import { Mat, clone, ValueError, shapeString } from '../kernels/tensor';
import { SequenceModel, SequenceModelOutput } from '../models/sequence-model';
import { Objective, lossAndGradients } from '../models/objectives';
import { Optimizer } from './optimizer';
import { ClipResult, clipGradNorm, gradNorm } from './clip';

export interface Chunk {
  index: number;
  start: number; // first time step of the stream in this chunk
  end: number; // one past the last
  x: Mat; // [end − start, B, I], a view of the stream (no copy)
}

/** Splits a stream [T,B,I] into consecutive chunks of k steps (the last one may be shorter). */
export function streamChunks(stream: Mat, k: number): Chunk[] {
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`streamChunks k: expected a chunk length (integer >= 1), got ${k}`);
  if (stream.dimension !== 3) throw new ValueError(`streamChunks stream: expected [T,B,I], got ${shapeString(stream.shape)}`);
  const [T, B, I] = stream.shape;
  const out: Chunk[] = [];
  for (let start = 0, index = 0; start < T; start += k, index++) {
    const end = Math.min(T, start + k);
    out.push({ index, start, end, x: stream.hi(end, B, I).lo(start, 0, 0) });
  }
  return out;
}

/** The state carried across chunk boundaries. `h0`/`c0` are null until the first carry (or after a reset). */
export class CarriedState {
  h0: Mat | null = null; // [L·D,B,H]
  c0: Mat | null = null; // [L·D,B,H] (LSTM)

  /** Keeps copies of the chunk's final states for the next chunk: a copy is a constant, so backward stops here. */
  carry(forward: Pick<SequenceModelOutput, 'h_n' | 'c_n'>): void {
    this.h0 = clone(forward.h_n);
    this.c0 = forward.c_n ? clone(forward.c_n) : null;
  }

  /** Forget the carried state: the next chunk starts from zeros (a new stream, or a new epoch). */
  reset(): void {
    this.h0 = null;
    this.c0 = null;
  }
}

export interface TbpttStepOptions {
  clip?: { maxNorm: number; normType?: 2 | 'inf' } | null;
}

export interface TbpttStepResult {
  loss: number;
  clip: ClipResult | null;
  applied: boolean; // false when the loss or the gradients were not finite (then nothing changed)
}

/**
 * One step of truncated BPTT on a chunk: forward from the carried state, loss, backward within the chunk,
 * clipping, the optimizer's update, and the carry of the chunk's final state into the next chunk.
 * `objective` is the chunk's (e.g. its next-step targets). A non-finite step changes neither the weights
 * nor the carried state.
 */
export function tbpttStep(
  model: SequenceModel, optimizer: Optimizer, chunk: Chunk, objective: Objective, state: CarriedState, options: TbpttStepOptions = {},
): TbpttStepResult {
  const r = lossAndGradients(model, { x: chunk.x, h0: state.h0, c0: state.c0 }, objective);
  const params = model.namedParameters();
  if (!Number.isFinite(r.loss) || !Number.isFinite(gradNorm(params))) return { loss: r.loss, clip: null, applied: false };
  const clip = options.clip ? clipGradNorm(params, options.clip.maxNorm, options.clip.normType ?? 2) : null;
  optimizer.step(params);
  state.carry(r.forward); // the state the chunk ended in, computed with the weights before this update
  return { loss: r.loss, clip, applied: true };
}
