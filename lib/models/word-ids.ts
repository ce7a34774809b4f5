/**
 * The word ids every word-level model reserves (those of WordVocabulary), and the choice of a word from
 * a row of logits.
 */
import { Mat } from '../kernels/tensor';

export const PAD_ID = 0, SOS_ID = 1, EOS_ID = 2;

/** The most probable word of row b of logits [B,V], never <pad> or <sos> (which are never targets). */
export function argmaxWord(logits: Mat, b: number): number {
  const V = logits.shape[1];
  let best = EOS_ID;
  for (let k = EOS_ID + 1; k < V; k++) if (logits.get(b, k) > logits.get(b, best)) best = k;
  return best;
}
