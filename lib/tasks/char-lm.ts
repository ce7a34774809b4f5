/**
 * A character-level language model (many-to-many), trained as char-rnn trains it.   docs: docs/use-cases.md
 *
 * The text is split in two: the first 90 % for training, the last 10 % for validation. The training text is
 * cut into B contiguous streams, one per batch row, and each stream into chunks of k characters: chunk c
 * of every stream makes batch c, so row b of batch c + 1 continues row b of batch c. The state the model
 * ends a batch in is carried into the next (truncated BPTT, lib/training/tbptt.ts): the model reads the
 * whole stream, but gradients flow back only k steps. Input: one-hot characters [k,B,V]; target: the
 * next character at every step (ce_all). Loss in nats per character; bits per character = nats / ln 2.
 */
import { Mat, zeros, ValueError } from '../kernels/tensor';
import { Rng } from '../kernels/random';
import { SequenceModel } from '../models/sequence-model';
import { Objective, lossAndGradients, lossAndOutput } from '../models/objectives';
import { createOptimizer } from '../training/optimizers';
import { Optimizer } from '../training/optimizer';
import { clipGradNorm, gradNorm } from '../training/clip';
import { CarriedState } from '../training/tbptt';
import { ScheduleConfig, learningRateAt } from '../training/schedules';
import { ParallelTrainer } from '../training/parallel';
import { CharVocabulary } from '../data/text';
import { FitOptions, fitDefaults } from './fit';

export interface CharLmOptions extends Omit<FitOptions, 'epochs' | 'patience' | 'onEval' | 'onStep'> {
  seqLen?: number; // k, characters per chunk (default 64)
  steps?: number; // updates in all (default 2000)
  valFraction?: number; // default 0.1
  evalEvery?: number; // steps between validations (default 200)
  schedule?: 'constant' | 'cosine'; // default 'cosine'
  minLr?: number; // where the cosine schedule ends (default lr / 10)
  onStep?: (info: CharLmStepInfo) => void;
  onEval?: (info: CharLmEvalInfo) => void;
}

export interface CharLmStepInfo {
  step: number;
  epoch: number;
  loss: number; // nats per character of this batch
  lr: number;
  gradNorm: number;
  applied: boolean;
}

export interface CharLmEvalInfo {
  step: number;
  valLoss: number;
  bestValLoss: number;
  improved: boolean;
}

export interface CharLmTask {
  name: 'char-lm';
  vocabulary: string; // CharVocabulary.toJSON()
  seqLen: number;
}

/** Checks that `text` is text a model can learn from, and says what is wrong when it is not. */
export function checkText(text: string, what: string): void {
  if (text.length === 0) throw new ValueError(`${what}: the file is empty; give a text file`);
  let odd = 0;
  for (let k = 0; k < Math.min(text.length, 100_000); k++) {
    const c = text.charCodeAt(k);
    if (c === 0 || c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) odd++;
  }
  if (odd > 0.01 * Math.min(text.length, 100_000)) throw new ValueError(`${what}: this looks like a binary file (${odd} control or undecodable characters in the first ${Math.min(text.length, 100_000)}); give UTF-8 text`);
}

/** B contiguous streams of `ids`, cut into chunks of k: batch c is chunk c of every stream. */
export class CharStreams {
  readonly streamLength: number;
  readonly chunks: number;

  constructor(readonly ids: Int32Array, readonly vocabSize: number, readonly B: number, readonly k: number) {
    this.streamLength = Math.floor((ids.length - 1) / B); // each stream needs one more character for the last target
    this.chunks = Math.floor(this.streamLength / k);
    if (this.chunks < 1) throw new ValueError(`the text (${ids.length} characters) is too short for ${B} streams of chunks of ${k}; lower --batch or --seq-len`);
  }

  /** Chunk c: x [k,B,V] one-hot, and the next character at every (t, b) as targets, row-major over [k,B]. */
  batch(c: number): { x: Mat; objective: Objective } {
    const { k, B, vocabSize: V } = this;
    const x = zeros([k, B, V]);
    const targets = new Array<number>(k * B);
    for (let b = 0; b < B; b++) {
      const at = b * this.streamLength + c * k;
      for (let t = 0; t < k; t++) {
        x.data[(t * B + b) * V + this.ids[at + t]] = 1;
        targets[t * B + b] = this.ids[at + t + 1];
      }
    }
    return { x, objective: { type: 'ce_all', targets } };
  }
}

/** The vocabulary of the training part, the two parts as ids, and their stream views. */
export function prepareCharLm(text: string, o: { valFraction?: number; batchSize: number; seqLen: number }) {
  const valFraction = o.valFraction ?? 0.1;
  if (!(valFraction > 0 && valFraction < 1)) throw new ValueError(`prepareCharLm valFraction: expected a number in (0, 1), got ${valFraction}`);
  const cut = Math.floor(text.length * (1 - valFraction));
  const trainText = text.slice(0, cut), valText = text.slice(cut);
  const vocab = CharVocabulary.fromTexts([trainText]);
  const encode = (s: string) => Int32Array.from(vocab.encode(s));
  const train = new CharStreams(encode(trainText), vocab.size, o.batchSize, o.seqLen);
  // Validation reads the whole held-out text in a few long streams, from a zero state, chunk after chunk.
  const valStreams = Math.max(1, Math.min(o.batchSize, Math.floor((valText.length - 1) / (4 * o.seqLen))));
  const validation = new CharStreams(encode(valText), vocab.size, valStreams, o.seqLen);
  return { vocab, train, validation, trainChars: trainText.length, valChars: valText.length };
}

/** Mean loss per character over every chunk of `streams`, the state carried from chunk to chunk. */
export function evaluateStreams(model: SequenceModel, streams: CharStreams): number {
  const state = new CarriedState();
  let total = 0;
  for (let c = 0; c < streams.chunks; c++) {
    const { x, objective } = streams.batch(c);
    const { loss, forward } = lossAndOutput(model, { x, h0: state.h0, c0: state.c0 }, objective);
    total += loss;
    state.carry(forward);
  }
  return total / streams.chunks;
}

export interface CharLmResult {
  steps: number;
  epochs: number;
  trainLoss: number; // mean over the last (up to) 50 steps, nats/char
  valLoss: number; // the best validation, nats/char
  seconds: number;
}

/**
 * Trains `model` for `steps` updates of truncated BPTT over the streams, validating every `evalEvery`
 * steps; the model ends at its best validated weights.
 */
export function trainCharLm(model: SequenceModel, data: ReturnType<typeof prepareCharLm>, o: CharLmOptions): CharLmResult {
  const r = fitDefaults({ ...o, onStep: undefined, onEval: undefined });
  const steps = o.steps ?? 2000, evalEvery = o.evalEvery ?? 200;
  const schedule: ScheduleConfig = (o.schedule ?? 'cosine') === 'cosine' ? { type: 'cosine', totalSteps: steps, minLr: o.minLr ?? r.lr / 10 } : { type: 'constant' };
  const optimizer: Optimizer = createOptimizer(r.optimizer, { lr: r.lr, ...(r.weightDecay !== undefined ? { weight_decay: r.weightDecay } : {}) });
  const parallel = r.workers > 1 ? new ParallelTrainer(r.workers) : null;
  const state = new CarriedState();
  const started = Date.now();
  const recent: number[] = [];
  let best = Infinity;
  let bestWeights: Float64Array[] | null = null;
  let step = 0;
  try {
    for (; step < steps; step++) {
      if (r.maxSeconds !== null && (Date.now() - started) / 1000 >= r.maxSeconds) break;
      const c = step % data.train.chunks;
      if (c === 0) state.reset(); // a new pass over the streams starts from a zero state
      const { x, objective } = data.train.batch(c);
      const lr = learningRateAt(schedule, r.lr, step);
      optimizer.lr = lr;
      const batch = { x, h0: state.h0, c0: state.c0 };
      let loss: number, h_n: Mat, c_n: Mat | null;
      if (parallel) ({ loss, h_n, c_n } = parallel.lossGradientsAndState(model, batch, objective));
      else ({ loss, forward: { h_n, c_n } } = lossAndGradients(model, batch, objective));
      const params = model.namedParameters();
      // Clipping measures the norm it needs anyway; a non-finite one means the step is not applied
      // (the gradients it scaled are overwritten by the next step).
      const norm = r.clip > 0 ? clipGradNorm(params, r.clip).normBefore : gradNorm(params);
      const applied = Number.isFinite(loss) && Number.isFinite(norm);
      if (applied) {
        optimizer.step(params);
        state.carry({ h_n, c_n });
        recent.push(loss);
        if (recent.length > 50) recent.shift();
      } else {
        state.reset(); // a non-finite step changes nothing, and the next chunk starts afresh
      }
      o.onStep?.({ step: step + 1, epoch: Math.floor(step / data.train.chunks), loss, lr, gradNorm: norm, applied });
      if ((step + 1) % evalEvery === 0 || step + 1 === steps) {
        const valLoss = evaluateStreams(model, data.validation);
        const improved = valLoss < best;
        if (improved) {
          best = valLoss;
          bestWeights = model.namedParameters().map((p) => Float64Array.from(p.value.data));
        }
        o.onEval?.({ step: step + 1, valLoss, bestValLoss: best, improved });
      }
    }
  } finally {
    parallel?.close();
  }
  if (bestWeights) model.namedParameters().forEach((p, k) => p.value.data.set((bestWeights as Float64Array[])[k]));
  if (!Number.isFinite(best)) best = evaluateStreams(model, data.validation);
  return {
    steps: step, epochs: step / data.train.chunks, trainLoss: recent.reduce((a, v) => a + v, 0) / Math.max(1, recent.length),
    valLoss: best, seconds: (Date.now() - started) / 1000,
  };
}

export interface SampleOptions {
  prime?: string; // text to start from (default: a newline)
  length: number; // characters to generate after the prime
  temperature?: number; // default 1; 0 is greedy (the most probable character every time)
  topK?: number | null; // sample among the k most probable characters only
  seed?: number; // same seed, same text
}

/**
 * Generates text (one-to-many): reads the prime, then draws one character at a time from
 * softmax(logits / temperature) and feeds it back. The unknown symbol is never drawn.
 */
export function sampleText(model: SequenceModel, vocab: CharVocabulary, o: SampleOptions): string {
  const prime = o.prime ?? '\n';
  const temperature = o.temperature ?? 1;
  if (!(temperature >= 0)) throw new ValueError(`sampleText temperature: expected a number >= 0 (0 is greedy), got ${temperature}`);
  if (!Number.isInteger(o.length) || o.length < 0) throw new ValueError(`sampleText length: expected an integer >= 0, got ${o.length}`);
  if (o.topK != null && !(Number.isInteger(o.topK) && o.topK >= 1)) throw new ValueError(`sampleText topK: expected an integer >= 1, got ${o.topK}`);
  if (prime.length === 0) throw new ValueError('sampleText prime: give at least one character to start from');
  const unknown = vocab.unknownIn(prime);
  if (unknown.length) throw new ValueError(`sampleText prime: ${unknown.map((c) => JSON.stringify(c)).join(', ')} never occur in the training text, so the model cannot read them; leave them out`);
  const V = vocab.size;
  const rng = new Rng(o.seed ?? 0);
  const ids = vocab.encode(prime);
  const x = zeros([ids.length, 1, V]);
  ids.forEach((k, t) => x.set(t, 0, k, 1));
  let out = model.forward(x);
  let logits = Array.from({ length: V }, (_, k) => out.y!.get(ids.length - 1, 0, k));
  let text = prime;
  for (let n = 0; n < o.length; n++) {
    const k = drawCharacter(logits, temperature, o.topK ?? null, rng);
    text += vocab.chars[k];
    const step = zeros([1, 1, V]);
    step.set(0, 0, k, 1);
    out = model.forward(step, out.h_n, out.c_n); // the state carries the whole text so far
    logits = Array.from({ length: V }, (_, j) => out.y!.get(0, 0, j));
  }
  return text;
}

/** One draw from softmax(logits / T) over the top k (index 0, the unknown symbol, excluded); argmax if T = 0. */
export function drawCharacter(logits: readonly number[], temperature: number, topK: number | null, rng: Rng): number {
  const order = logits.map((_, k) => k).filter((k) => k !== 0).sort((a, b) => logits[b] - logits[a] || a - b);
  const kept = topK ? order.slice(0, topK) : order;
  if (temperature === 0) return kept[0];
  const m = logits[kept[0]];
  const w = kept.map((k) => Math.exp((logits[k] - m) / temperature));
  const total = w.reduce((a, v) => a + v, 0);
  let u = rng.uniform() * total;
  for (let i = 0; i < kept.length; i++) {
    u -= w[i];
    if (u < 0) return kept[i];
  }
  return kept[kept.length - 1];
}
