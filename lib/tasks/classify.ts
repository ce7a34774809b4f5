/**
 * Sequence classification (many-to-one over variable-length sequences).       docs: docs/use-cases.md
 *
 * Each batch pads its sequences to the longest one and passes the lengths, so the recurrent layer holds
 * every sequence's state after its own end (PACK-1) and the head reads it at its own last step; the loss
 * is the (optionally class-weighted) cross-entropy ce_last. The split is stratified and seeded; the
 * metrics are measured on the test part, which training never sees.
 */
import { zeros, ValueError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { Batch, Objective } from '../models/objectives';
import { Dataset, TrainResult, Trainer } from '../training/trainer';
import { LabelledSequences, stratifiedSplit, classCounts, balancedClassWeights } from '../data/labelled';
import { FitOptions, buildModel, fit } from './fit';
import { ClassMetrics, classMetrics } from './metrics';

export interface ClassifyOptions extends FitOptions {
  testFraction?: number; // default 0.2
  valFraction?: number; // default 0.1
  classWeights?: 'none' | 'balanced'; // default 'none'
  splitSeed?: number; // default: the seed
}

/** What a checkpoint keeps to classify new input: the class names and how input is encoded. */
export type ClassifyTask = { name: 'classify'; classes: string[] } & (
  | { input: 'text'; vocabulary: string; fold: 'ascii' }
  | { input: 'numeric'; stepSize: number; steps: number; scaler: { shift: number; scale: number } }
);

export interface ClassifyResult {
  model: SequenceModel;
  trainer: Trainer;
  split: { train: number[]; validation: number[]; test: number[] };
  trainCounts: number[];
  classWeights: number[] | null;
  training: TrainResult;
  test: ClassMetrics;
  predictions: number[]; // per test sample, in split.test order
}

/** The samples `indices` of a labelled source as a Dataset of padded, variable-length batches. */
export class SequenceClassificationDataset implements Dataset {
  constructor(readonly source: LabelledSequences, readonly indices: readonly number[], readonly classWeights: readonly number[] | null = null) {}

  get size(): number {
    return this.indices.length;
  }

  lengthOf(i: number): number {
    return this.source.length(this.indices[i]);
  }

  /** x [T,B,F] padded with zeros to the longest sequence T; lengths [B]; the objective ce_last. */
  batch(idx: readonly number[]): { batch: Batch; objective: Objective } {
    const samples = idx.map((i) => this.indices[i]);
    const lengths = samples.map((s) => this.source.length(s));
    const T = Math.max(...lengths);
    const x = zeros([T, samples.length, this.source.features]);
    samples.forEach((s, b) => this.source.write(s, x, b));
    const targets = samples.map((s) => this.source.labels[s]);
    return { batch: { x, lengths }, objective: { type: 'ce_last', targets, classWeights: this.classWeights } };
  }
}

/** Trains a classifier on a stratified split of `data` and measures it on the test part. */
export function trainClassifier(data: LabelledSequences, o: ClassifyOptions, task: ClassifyTask): ClassifyResult {
  const K = data.classes.length;
  if (K < 2) throw new ValueError(`trainClassifier: expected at least 2 classes, got ${K}`);
  const split = stratifiedSplit(data.labels, K, o.testFraction ?? 0.2, o.valFraction ?? 0.1, o.splitSeed ?? o.seed ?? 1);
  const trainCounts = classCounts(data.labels, split.train, K);
  const weights = (o.classWeights ?? 'none') === 'balanced' ? balancedClassWeights(trainCounts) : null;
  const train = new SequenceClassificationDataset(data, split.train, weights);
  const validation = split.validation.length ? new SequenceClassificationDataset(data, split.validation, weights) : null;
  const model = buildModel(o, data.features, K);
  const { trainer, result } = fit(model, train, validation, o, task);
  const predictions = predictClasses(model, data, split.test).map((p) => argmax(p));
  const test = classMetrics(split.test.map((i) => data.labels[i]), predictions, K);
  return { model, trainer, split, trainCounts, classWeights: weights, training: result, test, predictions };
}

/** Class probabilities (softmax of the head) for the samples `indices`, in batches. */
export function predictClasses(model: SequenceModel, data: LabelledSequences, indices: readonly number[], batchSize = 256): number[][] {
  const ds = new SequenceClassificationDataset(data, indices);
  const out: number[][] = [];
  for (let start = 0; start < indices.length; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, indices.length - start) }, (_, k) => start + k);
    const { batch } = ds.batch(idx);
    const y = model.forward(batch.x, null, null, batch.lengths).y!; // [B,K] logits
    for (let b = 0; b < idx.length; b++) out.push(softmax(Array.from({ length: y.shape[1] }, (_, k) => y.get(b, k))));
  }
  return out;
}

export function softmax(z: readonly number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

export function argmax(p: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  return best;
}

/** The `k` most probable classes, most probable first. */
export function topK(p: readonly number[], classes: readonly string[], k: number): { label: string; probability: number }[] {
  return p.map((probability, c) => ({ label: classes[c], probability })).sort((a, b) => b.probability - a.probability).slice(0, k);
}
