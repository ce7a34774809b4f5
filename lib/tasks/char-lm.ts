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
import { Objective, lossAndOutput } from '../models/objectives';
import { createOptimizer } from '../training/optimizers';
import { CarriedState } from '../training/tbptt';
import { ScheduleConfig, Warmup, Plateau } from '../training/schedules';
import { Trainer, TrainerOptions } from '../training/trainer';
import { Checkpoint, modelFromCheckpoint } from '../training/checkpoint';
import { CharLmLearner, ChunkBatch, ChunkDataset } from './char-lm-learner';
import { CharVocabulary } from '../data/text';
import { FitOptions, fitDefaults } from './fit';

export interface CharLmOptions extends Omit<FitOptions, 'epochs' | 'patience' | 'onEval' | 'onStep'> {
  seqLen?: number; // k, characters per chunk (default 64)
  steps?: number; // updates in all (default 2000)
  valFraction?: number; // default 0.1
  evalEvery?: number; // steps between validations (default 200)
  schedule?: 'constant' | 'cosine'; // default 'cosine'
  minLr?: number; // where the cosine schedule ends (default lr / 10)
  warmup?: Warmup; // a linear warm-up first (lib/training/schedules.ts)
  plateau?: Plateau; // reduce the rate when validation stalls
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

/** The Trainer's options for a char-lm run: one chunk per step, validation every `evalEvery` steps and after the last. */
function charLmTrainerOptions(o: CharLmOptions & CharLmRunOptions): TrainerOptions {
  const r = fitDefaults({ ...o, onStep: undefined, onEval: undefined });
  const steps = o.steps ?? 2000;
  const extras = { ...(o.warmup ? { warmup: o.warmup } : {}), ...(o.plateau ? { plateau: o.plateau } : {}) };
  const schedule: ScheduleConfig = (o.schedule ?? 'cosine') === 'cosine' ? { type: 'cosine', totalSteps: steps, minLr: o.minLr ?? r.lr / 10, ...extras } : { type: 'constant', ...extras };
  return {
    batchSize: 1, maxSteps: steps, maxSeconds: r.maxSeconds, evalEvery: o.evalEvery ?? 200, evaluateAtEnd: true, schedule,
    clip: r.clip > 0 ? { maxNorm: r.clip } : null, seed: r.seed, workers: r.workers,
    checkpointPath: o.checkpointPath ?? null, checkpointEvery: o.checkpointEvery ?? null, task: o.task ?? null,
    onStep: o.onStep ? (i: { step: number; epoch: number; loss: number; lr: number; gradNorm: number; applied: boolean }) => o.onStep?.({ step: i.step, epoch: i.epoch, loss: i.loss, lr: i.lr, gradNorm: i.gradNorm, applied: i.applied }) : undefined,
    onEval: o.onEval,
  };
}

/** Where a char-lm run keeps its checkpoints. */
export interface CharLmRunOptions {
  checkpointPath?: string | null; // the latest state (carried state included), the best weights inside
  checkpointEvery?: number | null; // steps between checkpoints; one is also written at the end
  task?: unknown;
}

/** A Trainer of `model` on the training streams, validated on the held-out ones. */
export function charLmTrainer(model: SequenceModel, data: ReturnType<typeof prepareCharLm>, o: CharLmOptions & CharLmRunOptions): Trainer<ChunkBatch> {
  const r = fitDefaults({ ...o, onStep: undefined, onEval: undefined });
  const optimizer = createOptimizer(r.optimizer, { lr: r.lr, ...(r.weightDecay !== undefined ? { weight_decay: r.weightDecay } : {}) });
  return new Trainer(new CharLmLearner(model), optimizer, new ChunkDataset(data.train), new ChunkDataset(data.validation), charLmTrainerOptions(o));
}

/** A Trainer that continues a char-lm run exactly where its checkpoint (and its carried state) left off. */
export function resumeCharLmTrainer(ckpt: Checkpoint, data: ReturnType<typeof prepareCharLm>, o: CharLmOptions & CharLmRunOptions, what: string): Trainer<ChunkBatch> {
  const learner = new CharLmLearner(modelFromCheckpoint(ckpt, what));
  return Trainer.resume(learner, ckpt, new ChunkDataset(data.train), new ChunkDataset(data.validation), charLmTrainerOptions(o), what);
}

/**
 * Trains `model` for `steps` updates of truncated BPTT over the streams, validating every `evalEvery`
 * steps and after the last; the model ends at its best validated weights.
 */
export function trainCharLm(model: SequenceModel, data: ReturnType<typeof prepareCharLm>, o: CharLmOptions & CharLmRunOptions): CharLmResult {
  return charLmResult(charLmTrainer(model, data, o), data);
}

/** Runs the trainer and reports as a char-lm run does. */
export function charLmResult(trainer: Trainer<ChunkBatch>, data: ReturnType<typeof prepareCharLm>): CharLmResult {
  const r = trainer.run();
  return { steps: r.steps, epochs: r.steps / data.train.chunks, trainLoss: r.trainLoss, valLoss: r.valLoss as number, seconds: r.seconds };
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
  // One character at a time through the model's stepper (lib/models/stepper.ts): its state carries the
  // whole text so far, and no buffer is made per character.
  const stepper = model.stepper();
  const x = zeros([1, V]);
  const read = (k: number) => {
    x.data.fill(0);
    x.data[k] = 1;
    return stepper.step(x); // [1,V] logits
  };
  let y = zeros([1, V]);
  for (const k of vocab.encode(prime)) y = read(k);
  let text = prime;
  for (let n = 0; n < o.length; n++) {
    const k = drawCharacter(Array.from(y.data.subarray(0, V)), temperature, o.topK ?? null, rng);
    text += vocab.chars[k];
    y = read(k);
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
