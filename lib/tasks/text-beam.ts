/**
 * Beam search over a character model (`unrolled sample --beam K`): the continuation of `length`
 * characters that the model finds most probable, searched K candidates wide.   docs: docs/use-cases.md
 *
 *   (BEAM-3)  score(c_1 … c_n) = Σ_i log p(c_i | prime, c_1 … c_{i−1}); at every step each of the K
 *             candidates is extended by every character (the unknown symbol excepted) and the K best
 *             extensions are kept (ties: the lower candidate, then the lower character)
 *
 * All candidates have the same length, so no length normalisation is needed. K = 1 is greedy decoding;
 * as K grows the search approaches the most probable continuation (exactly, once K covers every
 * continuation but the last character's). The K candidates run side by side as the rows of one stepper
 * (lib/models/stepper.ts), whose rows are reordered after every step. A character model's most probable
 * text is often a loop ("the the the"): beam search finds likely text, not varied text (sampling does).
 */
import { zeros, ValueError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { BestCandidates } from '../models/best-candidates';
import { CharVocabulary } from '../data/text';
import { logSoftmaxRow } from './text-scores';

export interface BeamTextOptions {
  prime?: string; // default: a newline
  length: number; // characters after the prime
  beam: number; // K
}

export interface BeamText {
  text: string; // prime + the best continuation
  logProb: number; // its score (BEAM-3), in nats
}

/** The most probable continuation of `prime` found by a beam K wide. */
export function beamText(model: SequenceModel, vocab: CharVocabulary, o: BeamTextOptions): BeamText {
  const prime = o.prime ?? '\n';
  if (!Number.isInteger(o.beam) || o.beam < 1) throw new ValueError(`beamText beam: expected an integer >= 1, got ${o.beam}`);
  if (!Number.isInteger(o.length) || o.length < 0) throw new ValueError(`beamText length: expected an integer >= 0, got ${o.length}`);
  if (prime.length === 0) throw new ValueError('beamText prime: give at least one character to start from');
  const unknown = vocab.unknownIn(prime);
  if (unknown.length) throw new ValueError(`beamText prime: ${unknown.map((c) => JSON.stringify(c)).join(', ')} never occur in the training text; leave them out`);
  const V = vocab.size, K = o.beam;
  const stepper = model.stepper(K);
  const x = zeros([K, V]);
  const feed = (chars: readonly number[]) => { // row b reads chars[b]; returns the logits [K,V]
    x.data.fill(0);
    chars.forEach((c, b) => { x.data[b * V + c] = 1; });
    return stepper.step(x);
  };
  let y = zeros([K, V]);
  for (const c of vocab.encode(prime)) y = feed(new Array<number>(K).fill(c)); // every row reads the prime
  let beams = [{ chars: [] as number[], score: 0 }]; // row 0 alone at first: the rows are all the same
  for (let n = 0; n < o.length; n++) {
    const best = new BestCandidates(K);
    beams.forEach((beam, b) => {
      const logp = logSoftmaxRow(y.data, b * V, V);
      for (let c = 1; c < V; c++) best.offer(b, c, beam.score + logp[c]); //   (BEAM-3)
    });
    const kept = best.items;
    stepper.reorder(Array.from({ length: K }, (_, b) => kept[Math.min(b, kept.length - 1)].row));
    beams = kept.map((k) => ({ chars: [...beams[k.row].chars, k.col], score: k.score }));
    y = feed(Array.from({ length: K }, (_, b) => kept[Math.min(b, kept.length - 1)].col));
  }
  const best = beams[0];
  return { text: prime + best.chars.map((c) => vocab.chars[c]).join(''), logProb: best.score };
}
