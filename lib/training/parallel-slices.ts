/**
 * The slices of a batch that ParallelTrainer (parallel.ts) hands to its threads, as plain data: what one
 * slice holds for each kind of model, how a thread rebuilds and runs it, and what it writes back.
 *   sequence  a SequenceModel: batch rows and the objective's rows (objective-slices.ts); writes the
 *             loss, its number of terms, the gradients and the final states
 *   seq2seq   the encoder–decoder: sentence pairs and which rows are teacher-forced; writes the loss per
 *             target word, the number of words and (unless it is a validation slice) the gradients
 *   caption   the image captioner: the same, its sources images
 */
import { Mat, toFlat, fromArray } from '../kernels/tensor';
import { NamedParameter } from '../kernels/parameter';
import { SequenceModel, SequenceModelConfig } from '../models/sequence-model';
import { Batch, Objective, lossAndGradients } from '../models/objectives';
import { objectiveTerms } from '../models/objective-slices';
import { Seq2Seq, Seq2SeqConfig, Seq2SeqBatch } from '../models/seq2seq';
import { Captioner, CaptionerConfig, CaptionImage } from '../models/captioner';
import { TrainableModel } from './learner';
import { DropoutState } from '../layers/dropout';

/** A tensor as plain data for a worker: its values (over shared memory) and its shape. */
export interface ShapedArray {
  data: Float64Array;
  shape: number[];
}

/** A record whose tensors are ShapedArrays: a batch or an objective as it crosses to a worker. */
export type Plain = Record<string, unknown>;

/** What every slice carries: the parameters to compute with, and where its results go. */
interface SliceBase {
  params: Float64Array; // every parameter, concatenated in namedParameters() order
  grads: Float64Array; // where the slice's gradients go (same layout as params)
  result: Float64Array; // [loss, terms]: its mean loss and how many terms the mean is over
}

/** A batch slice's job, as plain data. */
export type SliceJob =
  | (SliceBase & {
    kind: 'sequence';
    config: SequenceModelConfig;
    batch: Plain;
    objective: Plain;
    hN: Float64Array; // where the slice's final hidden state goes, [L·D, slice rows, H]
    cN: Float64Array | null; // and the final cell state (LSTM)
    dropout: DropoutState | null; // training: the masks' seed, rowOffset where the slice starts (lib/layers/dropout.ts)
  })
  | (SliceBase & { kind: 'seq2seq'; config: Seq2SeqConfig; sources: number[][]; targets: number[][]; forced: boolean[]; backward: boolean })
  | (SliceBase & { kind: 'caption'; config: CaptionerConfig; sources: CaptionImage[]; targets: number[][]; forced: boolean[]; backward: boolean });

/** The models a thread keeps, one per kind, rebuilt when a job brings another configuration. */
export class SliceModels {
  private sequence: { key: string; model: SequenceModel } | null = null;
  private seq2seq: { key: string; model: Seq2Seq } | null = null;
  private captioner: { key: string; model: Captioner } | null = null;

  /** Runs the job on this thread's model of its kind. */
  run(job: SliceJob): void {
    const key = JSON.stringify(job.config);
    if (job.kind === 'sequence') {
      if (this.sequence?.key !== key) this.sequence = { key, model: new SequenceModel(job.config) };
      runSequenceSlice(job, this.sequence.model);
    } else if (job.kind === 'seq2seq') {
      if (this.seq2seq?.key !== key) this.seq2seq = { key, model: new Seq2Seq(job.config) };
      runPairSlice(job, this.seq2seq.model);
    } else {
      if (this.captioner?.key !== key) this.captioner = { key, model: new Captioner(job.config) };
      runPairSlice(job, this.captioner.model);
    }
  }
}

/** The parameters of the job into the model. */
function loadParams(params: Float64Array, ps: NamedParameter[]): void {
  let at = 0;
  for (const p of ps) {
    p.value.data.set(params.subarray(at, at + p.value.size));
    at += p.value.size;
  }
}

/** The model's gradients into the job's. */
function storeGrads(grads: Float64Array, ps: NamedParameter[]): void {
  let at = 0;
  for (const p of ps) {
    grads.set(p.grad.data, at);
    at += p.grad.size;
  }
}

const isMat = (v: unknown): v is Mat => typeof v === 'object' && v !== null && 'stride' in v && 'data' in v && 'shape' in v;
const isShaped = (v: unknown): v is ShapedArray => typeof v === 'object' && v !== null && (v as ShapedArray).data instanceof Float64Array && Array.isArray((v as ShapedArray).shape);

/** Every tensor field copied into shared memory, every index list as a plain array; the rest as it is. */
export function toPlain(record: object): Plain {
  const out: Plain = {};
  for (const [k, v] of Object.entries(record)) {
    if (isMat(v)) {
      const data = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, v.size))).subarray(0, v.size);
      data.set(toFlat(v));
      out[k] = { data, shape: v.shape.slice() };
    } else out[k] = v !== null && typeof v === 'object' && 'length' in v ? Array.from(v as ArrayLike<number>) : v;
  }
  return out;
}

/** The record again, each ShapedArray as a tensor. */
function fromPlain<T>(plain: Plain): T {
  const out: Plain = {};
  for (const [k, v] of Object.entries(plain)) out[k] = isShaped(v) ? fromArray(v.data, v.shape) : v;
  return out as T;
}

/** A SequenceModel's slice: the loss and gradients of its rows under the objective, and its final states. */
function runSequenceSlice(job: Extract<SliceJob, { kind: 'sequence' }>, model: SequenceModel): void {
  loadParams(job.params, model.namedParameters());
  const batch = fromPlain<Batch>(job.batch), objective = fromPlain<Objective>(job.objective);
  model.setDropout(job.dropout);
  const r = lossAndGradients(model, batch, objective);
  storeGrads(job.grads, model.namedParameters());
  const [T, B] = batch.x.shape;
  job.result[0] = r.loss;
  job.result[1] = objectiveTerms(objective, T, B, batch.lengths ?? null);
  job.hN.set(toFlat(r.forward.h_n));
  if (job.cN && r.forward.c_n) job.cN.set(toFlat(r.forward.c_n));
}

/**
 * An encoder–decoder's slice (sentences or images in, words out): the loss per target word of its pairs,
 * and (`backward`) the gradients; without them it is a validation slice.
 */
function runPairSlice<Src>(
  job: { params: Float64Array; grads: Float64Array; result: Float64Array; sources: Src[]; targets: number[][]; forced: boolean[]; backward: boolean },
  model: TrainableModel & { loss(batch: Seq2SeqBatch<Src>, o: { forced: boolean[]; backward: boolean }): { loss: number; words: number } },
): void {
  loadParams(job.params, model.namedParameters());
  if (job.backward) model.zeroGrad();
  const { loss, words } = model.loss({ sources: job.sources, targets: job.targets }, { forced: job.forced, backward: job.backward });
  if (job.backward) storeGrads(job.grads, model.namedParameters());
  job.result[0] = loss;
  job.result[1] = words;
}
