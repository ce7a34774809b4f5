/**
 * How probable a model finds a text: log-softmax of one row of logits, and a text's log-probability
 * under a character model (what beam search maximises, and what its spec checks it against).
 */
import { zeros, ValueError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { CharVocabulary } from '../data/text';

/** log softmax(logits[at … at+V−1]), computed stably (the maximum subtracted first). */
export function logSoftmaxRow(logits: Float64Array, at: number, V: number): Float64Array {
  let m = -Infinity;
  for (let k = 0; k < V; k++) m = Math.max(m, logits[at + k]);
  let sum = 0;
  for (let k = 0; k < V; k++) sum += Math.exp(logits[at + k] - m);
  const logZ = m + Math.log(sum);
  const out = new Float64Array(V);
  for (let k = 0; k < V; k++) out[k] = logits[at + k] - logZ;
  return out;
}

/** log p(continuation | prime) under the model, in nats: one forward pass over prime + continuation. */
export function textLogProb(model: SequenceModel, vocab: CharVocabulary, prime: string, continuation: string): number {
  if (prime.length === 0) throw new ValueError('textLogProb prime: give at least one character');
  const ids = vocab.encode(prime + continuation), V = vocab.size;
  const x = zeros([ids.length, 1, V]);
  ids.forEach((k, t) => x.set(t, 0, k, 1));
  const y = model.forward(x).y!; // [T,1,V]
  let total = 0;
  for (let t = prime.length; t < ids.length; t++) total += logSoftmaxRow(y.data, (t - 1) * V, V)[ids[t]];
  return total;
}
