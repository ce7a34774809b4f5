/**
 * Connected digits (many-to-many, unaligned): utterances of 2–7 digits made by joining recordings of one
 * speaker, and the CTC recogniser that reads them.                               docs: docs/speech.md
 *
 * An utterance, from a seeded generator: a speaker; a length L in [minDigits, maxDigits]; L recordings
 * of that speaker drawn at random (any digits, repeats allowed, so "4 1 1" occurs and needs CTC's blank
 * between the ones); joined with gaps of 50–250 ms of low white noise (1 % of the recordings' RMS level),
 * with a gap before the first and after the last. Utterances of held-out speakers use only their own
 * recordings, so splitting by speaker is as for the single digits.
 * The labels are the digits as classes 1 … 10 (digit d is class d + 1); class 0 is the blank.
 */
import { ValueError } from '../kernels/tensor';
import { Rng } from '../kernels/random';
import { FeatureStats } from '../audio/features';
import { SequenceModel } from '../models/sequence-model';
import { Batch, Objective } from '../models/objectives';
import { greedyDecode, ensembleDecode } from '../layers/ctc-decode';
import { logSoftmax } from '../layers/ctc';
import { Dataset, TrainResult, Trainer } from '../training/trainer';
import { FitOptions, fit, dropoutOptions } from './fit';
import { Utterance, SpeechFeatures, SAMPLE_RATE, Normalization, padFrames } from './speech-data';

export interface ConnectedOptions {
  minDigits: number;
  maxDigits: number;
  gapMs: [number, number];
  noise: number; // the gaps' noise level, as a fraction of the recordings' RMS
}

export const CONNECTED_DEFAULTS: ConnectedOptions = { minDigits: 2, maxDigits: 7, gapMs: [50, 250], noise: 0.01 };

/**
 * How the connected-digit recogniser is trained (docs/results.md): the single-digit recogniser's recipe
 * (three frames a step, H = 128, dropout 0.3, the rate halved after an epoch without a better validation
 * loss, each speaker's statistics), on utterances of 1–4 digits. It is measured on utterances of 2–7
 * (CONNECTED_DEFAULTS): shorter ones give more updates in the same time, and a word read alone is the
 * single-digit task's input.
 */
export const SEQUENCE_RECIPE = { stack: 3, hidden: 128, dropout: 0.3, lrDecay: 0.5, normalize: 'speaker', trainDigits: [1, 4] } as const;

export interface ConnectedUtterance {
  speaker: string;
  digits: number[];
  samples: Float64Array;
}

/** `count` connected utterances from the recordings `indices` of `utts`, each of one speaker, from `seed`. */
export function connectedDigits(utts: readonly Utterance[], indices: readonly number[], count: number, seed: number, o: ConnectedOptions = CONNECTED_DEFAULTS): ConnectedUtterance[] {
  if (!(Number.isInteger(o.minDigits) && o.minDigits >= 1 && o.maxDigits >= o.minDigits)) throw new ValueError(`connectedDigits digits: expected 1 <= minDigits <= maxDigits, got ${o.minDigits} and ${o.maxDigits}`);
  const bySpeaker = new Map<string, number[]>();
  for (const i of indices) bySpeaker.set(utts[i].speaker, [...(bySpeaker.get(utts[i].speaker) ?? []), i]);
  const speakers = [...bySpeaker.keys()].sort();
  if (speakers.length === 0) throw new ValueError('connectedDigits indices: no recordings to join');
  const rng = new Rng(seed);
  const out: ConnectedUtterance[] = [];
  for (let n = 0; n < count; n++) {
    const speaker = speakers[rng.int(speakers.length)];
    const own = bySpeaker.get(speaker) as number[];
    const L = o.minDigits + rng.int(o.maxDigits - o.minDigits + 1);
    const picked = Array.from({ length: L }, () => own[rng.int(own.length)]);
    const rms = Math.sqrt(picked.reduce((s, i) => s + utts[i].samples.reduce((a, v) => a + v * v, 0) / utts[i].samples.length, 0) / L);
    const gap = () => {
      const ms = o.gapMs[0] + rng.uniform() * (o.gapMs[1] - o.gapMs[0]);
      return Float64Array.from({ length: Math.round((ms * SAMPLE_RATE) / 1000) }, () => o.noise * rms * rng.normal());
    };
    const parts: Float64Array[] = [gap()];
    for (const i of picked) parts.push(utts[i].samples, gap());
    const samples = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      samples.set(p, at);
      at += p.length;
    }
    out.push({ speaker, digits: picked.map((i) => utts[i].digit), samples });
  }
  return out;
}

/**
 * The training and validation utterances of one run, of `trainDigits` digits each, from the recordings
 * `indices`: `count` to train on and a tenth as many, from another seed, to validate on.
 */
export function trainingUtterances(utts: readonly Utterance[], indices: readonly number[], count: number, seed: number, trainDigits: readonly [number, number]): { train: ConnectedUtterance[]; val: ConnectedUtterance[] } {
  const lengths: ConnectedOptions = { ...CONNECTED_DEFAULTS, minDigits: trainDigits[0], maxDigits: trainDigits[1] };
  return {
    train: connectedDigits(utts, indices, count, seed, lengths),
    val: connectedDigits(utts, indices, Math.max(1, Math.round(count / 10)), seed + 500, lengths),
  };
}

/** Connected utterances as padded batches of features with their digit lists as CTC targets (classes d + 1). */
export class ConnectedDigitDataset implements Dataset {
  private readonly plain = new Map<number, Float64Array[]>();
  private readonly speakers: Map<string, FeatureStats> | null;

  /** `normalize` 'speaker': each speaker by the statistics of their utterances in this set (no labels read). */
  constructor(readonly items: readonly ConnectedUtterance[], readonly features: SpeechFeatures, readonly augment: boolean, readonly normalize: Normalization = 'utterance') {
    this.speakers = normalize === 'speaker' ? features.speakerStats(items) : null;
  }

  get size(): number {
    return this.items.length;
  }

  lengthOf(i: number): number {
    return this.featuresOf(i, null).length;
  }

  featuresOf(i: number, rng: Rng | null): Float64Array[] {
    const stats = this.speakers?.get(this.items[i].speaker) ?? null; // present for every speaker of the set
    if (rng) return this.features.of(this.items[i].samples, rng, `connected utterance ${i}`, stats);
    let f = this.plain.get(i);
    if (!f) this.plain.set(i, (f = this.features.of(this.items[i].samples, null, `connected utterance ${i}`, stats)));
    return f;
  }

  batch(idx: readonly number[], rng?: Rng): { batch: Batch; objective: Objective } {
    const { x, lengths } = padFrames(idx.map((i) => this.featuresOf(i, this.augment && rng ? rng : null)), this.features.width);
    return { batch: { x, lengths }, objective: { type: 'ctc', targets: idx.map((i) => this.items[i].digits.map((d) => d + 1)), blank: 0 } };
  }
}

/** Levenshtein distance between two label sequences. */
export function editDistance(a: readonly number[], b: readonly number[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length];
}

/** The beam of each model when several read together (ensembleDecode): the labellings each proposes. */
export const ENSEMBLE_BEAM = 8;

/**
 * Each utterance of `data` as the models read it, in order: `frames[m][t][k]`, model m's log-probability of
 * class k at step t, and the labelling they hear together (one model: greedy, CTC-7; several: CTC-9).
 */
export function* readConnected(models: readonly SequenceModel[], data: ConnectedDigitDataset): Generator<{ i: number; frames: number[][][]; labels: number[] }> {
  for (let start = 0; start < data.size; start += 64) {
    const idx = Array.from({ length: Math.min(64, data.size - start) }, (_, k) => start + k);
    const { batch } = data.batch(idx);
    const lengths = batch.lengths as number[];
    const lps = models.map((m) => logSoftmax(m.forward(batch.x, null, null, lengths).y!)); // each [T,B,11]
    for (const [b, i] of idx.entries()) {
      const frames = lps.map((lp) => Array.from({ length: lengths[b] }, (_, t) => Array.from({ length: 11 }, (_, k) => lp.get(t, b, k))));
      yield { i, frames, labels: models.length === 1 ? greedyDecode(frames[0], 0).labels : ensembleDecode(frames, 0, ENSEMBLE_BEAM).labels };
    }
  }
}

/**
 * The digits a CTC model hears in each utterance of `data`, and the digit error rate. One model: greedy
 * decoding (CTC-7). Several (an ensemble, each trained from its own seed): the labelling with the highest
 * product of their probabilities among those their beams propose (CTC-9, ensembleDecode); `members` has
 * each one's own rate (greedy), from the same outputs.
 */
export function evaluateConnected(models: SequenceModel | readonly SequenceModel[], data: ConnectedDigitDataset): { digitErrorRate: number; sequenceAccuracy: number; heard: number[][]; members: number[] } {
  const list = Array.isArray(models) ? (models as readonly SequenceModel[]) : [models as SequenceModel];
  if (list.length < 1) throw new ValueError('evaluateConnected models: expected at least 1 model, got 0');
  let errors = 0, reference = 0, exact = 0;
  const memberErrors = list.map(() => 0);
  const heard: number[][] = [];
  for (const { i, frames, labels } of readConnected(list, data)) {
    const truth = data.items[i].digits.map((d) => d + 1);
    frames.forEach((f, m) => (memberErrors[m] += editDistance(list.length === 1 ? labels : greedyDecode(f, 0).labels, truth)));
    heard.push(labels.map((c) => c - 1));
    errors += editDistance(labels, truth);
    reference += truth.length;
    if (labels.join() === truth.join()) exact++;
  }
  return { digitErrorRate: errors / reference, sequenceAccuracy: exact / data.size, heard, members: memberErrors.map((e) => e / reference) };
}

export interface ConnectedRun {
  model: SequenceModel;
  features: SpeechFeatures; // what the model reads: evaluate it on these
  sets: ConnectedSets; // the datasets it trained on: another member of an ensemble can share them

  trainer: Trainer;
  training: TrainResult;
}

/**
 * What a connected-digit run reads: its features, and its training and validation sets. Their plain
 * features are cached as they are first read, so the members of an ensemble share one set of them.
 */
export interface ConnectedSets {
  features: SpeechFeatures;
  train: ConnectedDigitDataset;
  validation: ConnectedDigitDataset | null;
}

export function connectedSets(train: readonly ConnectedUtterance[], validation: readonly ConnectedUtterance[], o: { augment?: boolean; stack?: number; normalize?: Normalization }): ConnectedSets {
  const features = new SpeechFeatures(undefined, o.stack ?? 1);
  return {
    features,
    train: new ConnectedDigitDataset(train, features, o.augment ?? true, o.normalize),
    validation: validation.length ? new ConnectedDigitDataset(validation, features, false, o.normalize) : null,
  };
}

/**
 * Trains a CTC recogniser of connected digits: a bidirectional recurrent layer whose every frame is
 * classified into the blank and the ten digits, on `train`, validated (early stopping) on `validation`.
 * `sets`: the datasets of an earlier run on the same utterances and options, to share their cached features.
 */
export function trainConnected(train: readonly ConnectedUtterance[], validation: readonly ConnectedUtterance[], o: FitOptions & { augment?: boolean; stack?: number; normalize?: Normalization }, task: unknown = null, sets: ConnectedSets = connectedSets(train, validation, o)): ConnectedRun {
  const model = new SequenceModel({
    mode: o.cell ?? 'gru', inputSize: sets.features.width, hiddenSize: o.hidden ?? 64, numLayers: o.layers ?? 1,
    bidirectional: o.bidirectional ?? true, seed: o.seed ?? 1, head: { mode: 'all', outFeatures: 11 }, ...dropoutOptions(o),
  });
  const { trainer, result } = fit(model, sets.train, sets.validation, { ...o, bucketByLength: true }, task);
  return { model, features: sets.features, trainer, training: result, sets };
}

