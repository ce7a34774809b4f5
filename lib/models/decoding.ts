/**
 * Decoding a Seq2Seq model: greedy (batched) and beam search (one sentence at a time).   docs: docs/models/seq2seq.md
 *
 * Greedy: at each step take the most probable word and feed it back, until <eos> or `maxLength` words.
 * Beam search keeps the k most probable partial translations. At each step every one of them is extended
 * by every word; of the k·V candidates the best k by total log-probability
 *   (BEAM-1)  score(y_1 … y_t) = Σ_{i ≤ t} log p(y_i | y_<i, x)
 * go on; a candidate that ends in <eos> is finished instead. The search stops when k translations are
 * finished (or after `maxLength` steps) and returns the finished one with the best length-normalised score
 *   (BEAM-2)  score / n^α        n = its number of words including <eos>; α = `lengthPenalty` (0: none)
 * since a plain sum favours short translations (every word multiplies in a probability below 1).
 * With k = 1 beam search is greedy decoding (a spec holds them equal). <pad> and <sos> are never produced.
 */
import { Mat, zeros, ValueError } from '../kernels/tensor';
import { copy2d } from '../kernels/elementwise';
import { DecoderState, SOS_ID, EOS_ID, argmaxWord } from './seq2seq';
import { StepDecoder } from './seq2seq-types';
import { BestCandidates } from './best-candidates';

export interface Decoded {
  words: number[]; // without <eos>
  attention: number[][] | null; // [step][source position]: α of every produced word (and of <eos>)
  logProb: number; // Σ log p of the words and of <eos> if it was produced
  ended: boolean; // whether it ended with <eos> (else it stopped at maxLength)
}

/** What beam search returns: its answer, and the hypotheses it chose the answer from. */
export interface BeamDecoded extends Decoded {
  kept: { words: number[]; logProb: number; score: number }[]; // the finished ones (or, if none, the unfinished), with their (BEAM-2) score
}

/** Greedy decoding of a batch of sources (what the model's encoder reads: word ids ending in <eos>, images). */
export function greedyDecode<Src, C>(model: StepDecoder<Src, C>, sources: readonly Src[], maxLength = 20): Decoded[] {
  checkMaxLength(maxLength, 'greedyDecode');
  const enc = model.encode(sources);
  const B = enc.B;
  let state = model.initialState(enc);
  const out: Decoded[] = sources.map(() => ({ words: [], attention: model.attention ? [] : null, logProb: 0, ended: false }));
  const done = new Array<boolean>(B).fill(false);
  let tokens = new Array<number>(B).fill(SOS_ID);
  for (let t = 0; t < maxLength && done.includes(false); t++) {
    const step = model.decoderStep(enc, state, tokens);
    state = step.state;
    tokens = tokens.map((_, b) => {
      if (done[b]) return EOS_ID;
      const k = argmaxWord(step.logits, b);
      out[b].logProb += logSoftmaxAt(step.logits, b, k);
      if (step.alpha) out[b].attention!.push(rowOf(step.alpha, b, enc.lengths[b]));
      if (k === EOS_ID) done[b] = out[b].ended = true;
      else out[b].words.push(k);
      return k;
    });
  }
  return out;
}

export interface BeamOptions {
  beamWidth: number; // k
  maxLength?: number; // default 20 words
  lengthPenalty?: number; // α of (BEAM-2), default 1
}

interface Hypothesis {
  words: number[];
  logProb: number;
  attention: number[][] | null;
  row: number; // its row in the decoder state
}

/** Beam search for one source (a sentence as word ids ending in <eos>, an image). */
export function beamSearch<Src, C>(model: StepDecoder<Src, C>, source: Src, o: BeamOptions): BeamDecoded {
  const k = o.beamWidth, maxLength = o.maxLength ?? 20, alpha = o.lengthPenalty ?? 1;
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`beamSearch beamWidth: expected an integer >= 1, got ${k}`);
  checkMaxLength(maxLength, 'beamSearch');
  if (!(alpha >= 0)) throw new ValueError(`beamSearch lengthPenalty: expected a number >= 0, got ${alpha}`);
  const enc = model.encode(Array.from({ length: k }, () => source)); // one row per hypothesis, all reading the source
  const S = enc.keys.shape[0], V = model.config.targetVocabSize;
  let state = model.initialState(enc);
  let alive: Hypothesis[] = [{ words: [], logProb: 0, attention: model.attention ? [] : null, row: 0 }];
  const finished: Hypothesis[] = [];
  for (let t = 0; t < maxLength && alive.length > 0 && finished.length < k; t++) {
    const tokens = Array.from({ length: k }, (_, r) => (r < alive.length ? lastWord(alive[r]) : SOS_ID)); // spare rows are ignored
    const step = model.decoderStep(enc, state, tokens);
    // Of the candidates, at most 2k are read below: k that go on, and at most one <eos> per hypothesis.
    const best = new BestCandidates(2 * k);
    const z = step.logits.data, zRow = step.logits.stride[0], zCol = step.logits.stride[1], z0 = step.logits.offset;
    alive.forEach((h, r) => {
      const lse = logSumExp(step.logits, r);
      for (let w = EOS_ID; w < V; w++) best.offer(r, w, h.logProb + z[z0 + r * zRow + w * zCol] - lse); // (BEAM-1)
    });
    const next: Hypothesis[] = [];
    for (const c of best.items) {
      if (next.length === k) break;
      const parent = alive[c.row];
      const attention = parent.attention && step.alpha ? [...parent.attention, rowOf(step.alpha, c.row, S)] : null;
      if (c.col === EOS_ID) {
        if (finished.length < k) finished.push({ words: parent.words, logProb: c.score, attention, row: -1 });
      } else {
        next.push({ words: [...parent.words, c.col], logProb: c.score, attention, row: c.row });
      }
    }
    state = selectRows(step.state, next.map((h) => h.row), k);
    next.forEach((h, r) => (h.row = r));
    alive = next;
  }
  const pool = finished.length > 0 ? finished : alive; // nothing finished within maxLength: the unfinished ones
  const score = (h: Hypothesis) => h.logProb / Math.pow(h.words.length + (finished.length > 0 ? 1 : 0), alpha); // (BEAM-2)
  const best = pool.reduce((a, h) => (score(h) > score(a) ? h : a));
  const kept = pool.map((h) => ({ words: h.words, logProb: h.logProb, score: score(h) }));
  return { words: best.words, attention: best.attention, logProb: best.logProb, ended: finished.length > 0, kept };
}

/** The state rows `rows` (then row 0 again up to k rows), as the new hypotheses' states. */
function selectRows(s: DecoderState, rows: number[], k: number): DecoderState {
  const pick = (m: Mat) => {
    const out = zeros(m.shape); // [L,k,H]
    for (let l = 0; l < m.shape[0]; l++) for (let r = 0; r < k; r++) copy2d(out.pick(l).hi(r + 1).lo(r), m.pick(l).hi((rows[r] ?? 0) + 1).lo(rows[r] ?? 0));
    return out;
  };
  return { h: pick(s.h), c: s.c ? pick(s.c) : null };
}

function lastWord(h: Hypothesis): number {
  return h.words.length ? h.words[h.words.length - 1] : SOS_ID;
}

function logSumExp(logits: Mat, b: number): number {
  const z = logits.data, at = logits.offset + b * logits.stride[0], s1 = logits.stride[1], V = logits.shape[1];
  let m = -Infinity;
  for (let j = 0; j < V; j++) m = Math.max(m, z[at + j * s1]);
  let s = 0;
  for (let j = 0; j < V; j++) s += Math.exp(z[at + j * s1] - m);
  return m + Math.log(s);
}

function logSoftmaxAt(logits: Mat, b: number, k: number): number {
  return logits.get(b, k) - logSumExp(logits, b);
}

function rowOf(alpha: Mat, b: number, S: number): number[] {
  return Array.from({ length: S }, (_, s) => alpha.get(b, s));
}

function checkMaxLength(n: number, fn: string): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`${fn} maxLength: expected an integer >= 1, got ${n}`);
}
