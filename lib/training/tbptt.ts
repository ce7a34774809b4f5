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
import { SequenceModelOutput } from '../models/sequence-model';

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
