/**
 * What the use cases share: build a SequenceModel with a head, an optimizer and a Trainer from a few plain
 * options, train with validation and early stopping, and hand back the model at its best validated weights.
 */
import { ValueError } from '../kernels/tensor';
import { CellKind, CELL_KINDS } from '../cells/cell-params';
import { SequenceModel } from '../models/sequence-model';
import { createOptimizer } from '../training/optimizers';
import { Dataset, Trainer, TrainerOptions, TrainResult, StepInfo, EvalInfo } from '../training/trainer';
import { Checkpoint } from '../training/checkpoint';
import { plateauWith } from '../training/schedules';

export interface FitOptions {
  cell?: CellKind; // default 'lstm'
  hidden?: number; // default 32
  layers?: number; // default 1
  bidirectional?: boolean;
  optimizer?: string; // default 'adam'
  lr?: number; // default 0.005
  lrDecay?: number | null; // multiply the rate by this after each epoch without a better validation loss (reduce on plateau, patience 0; needs a validation set); default null: constant
  weightDecay?: number;
  batchSize?: number; // default 32
  epochs?: number; // default 100
  maxSeconds?: number | null;
  patience?: number | null; // validations (one per epoch) without improvement before stopping; default 20
  clip?: number; // global gradient-norm clipping, 0 for none; default 1
  seed?: number; // weights and shuffling; default 1
  workers?: number; // default 1
  dropout?: number; // between stacked layers and on what the head reads (lib/layers/dropout.ts, DROP-1); default 0
  recurrentDropout?: number; // on h_{t−1}, one mask per sequence (DROP-2); default 0
  bucketByLength?: boolean; // batches of similar lengths: faster epochs, but on the surnames each epoch learned about half as much; default false
  checkpointPath?: string | null; // written after every epoch and at the end: the latest state, the best weights inside
  onStep?: (info: StepInfo) => void;
  onEval?: (info: EvalInfo) => void;
}

/** Every FitOptions default, resolved. */
export function fitDefaults(o: FitOptions): Required<Omit<FitOptions, 'onStep' | 'onEval' | 'weightDecay' | 'checkpointPath' | 'lrDecay'>> & Pick<FitOptions, 'onStep' | 'onEval' | 'weightDecay'> & { lrDecay: number | null } {
  const r = {
    cell: o.cell ?? 'lstm', hidden: o.hidden ?? 32, layers: o.layers ?? 1, bidirectional: o.bidirectional ?? false,
    optimizer: o.optimizer ?? 'adam', lr: o.lr ?? 0.005, lrDecay: o.lrDecay ?? null, weightDecay: o.weightDecay, batchSize: o.batchSize ?? 32,
    epochs: o.epochs ?? 100, maxSeconds: o.maxSeconds ?? null, patience: o.patience === undefined ? 20 : o.patience,
    clip: o.clip ?? 1, seed: o.seed ?? 1, workers: o.workers ?? 1, dropout: o.dropout ?? 0, recurrentDropout: o.recurrentDropout ?? 0, bucketByLength: o.bucketByLength ?? false, onStep: o.onStep, onEval: o.onEval,
  };
  if (!CELL_KINDS.includes(r.cell)) throw new ValueError(`cell: expected one of ${CELL_KINDS.join(', ')}, got ${JSON.stringify(r.cell)}`);
  for (const k of ['hidden', 'layers', 'batchSize', 'epochs', 'workers'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) throw new ValueError(`${k}: expected an integer >= 1, got ${r[k]}`);
  }
  if (!(r.lr > 0)) throw new ValueError(`lr: expected a number > 0, got ${r.lr}`);
  if (r.lrDecay !== null && !(r.lrDecay > 0 && r.lrDecay < 1)) throw new ValueError(`lrDecay: expected a factor in (0, 1), got ${r.lrDecay}`);
  if (!(r.clip >= 0)) throw new ValueError(`clip: expected a number >= 0, got ${r.clip}`);
  return r;
}

/** A model for `inputSize` features per step, read at each sequence's last step into `outFeatures` outputs. */
export function buildModel(o: FitOptions, inputSize: number, outFeatures: number): SequenceModel {
  const r = fitDefaults(o);
  return new SequenceModel({
    mode: r.cell, inputSize, hiddenSize: r.hidden, numLayers: r.layers, bidirectional: r.bidirectional, seed: r.seed,
    head: { mode: 'last', outFeatures }, ...dropoutOptions(o),
  });
}

/** The model options of `o.dropout` (between the layers and on what the head reads) and `o.recurrentDropout`. */
export function dropoutOptions(o: Pick<FitOptions, 'dropout' | 'recurrentDropout'>): { dropout: number; outputDropout: number; recurrentDropout: number } {
  return { dropout: o.dropout ?? 0, outputDropout: o.dropout ?? 0, recurrentDropout: o.recurrentDropout ?? 0 };
}

/** The Trainer's options for a fit: one validation per epoch, early stopping on it, clipping, a checkpoint per epoch. */
function fitTrainerOptions(o: FitOptions, trainSize: number, hasValidation: boolean, task: unknown): TrainerOptions {
  const r = fitDefaults(o);
  const batchSize = Math.min(r.batchSize, trainSize);
  const epoch = Math.ceil(trainSize / batchSize);
  return {
    batchSize, epochs: r.epochs, maxSeconds: r.maxSeconds, evalEvery: epoch,
    patience: hasValidation ? r.patience : null, clip: r.clip > 0 ? { maxNorm: r.clip } : null, seed: r.seed,
    workers: r.workers, task, onStep: r.onStep, onEval: r.onEval, bucketByLength: r.bucketByLength,
    checkpointPath: o.checkpointPath ?? null, checkpointEvery: epoch,
    ...(r.lrDecay !== null && hasValidation ? { schedule: { type: 'constant', plateau: plateauWith(r.lrDecay, 0) } } : {}),
  };
}

/**
 * Trains `model` on `train`, validating once per epoch on `validation`; the model ends at the weights
 * with the lowest validation loss. Returns the trainer (its checkpoint is what a task saves) and the result.
 */
export function fit(model: SequenceModel, train: Dataset, validation: Dataset | null, o: FitOptions, task: unknown): { trainer: Trainer; result: TrainResult } {
  const r = fitDefaults(o);
  const hyper: Record<string, unknown> = { lr: r.lr };
  if (r.weightDecay !== undefined) hyper.weight_decay = r.weightDecay;
  const optimizer = createOptimizer(r.optimizer, hyper);
  const trainer = new Trainer(model, optimizer, train, validation, fitTrainerOptions(o, train.size, validation !== null, task));
  return { trainer, result: trainer.run() };
}

/**
 * Continues a fit exactly where its checkpoint left off (written with `checkpointPath`): the options
 * must be those of the first run, but for the budget (epochs, maxSeconds), the threads and the hooks.
 */
export function resumeFit(ckpt: Checkpoint, train: Dataset, validation: Dataset | null, o: FitOptions, what: string): { trainer: Trainer; result: TrainResult } {
  const trainer = Trainer.fromCheckpoint(ckpt, train, validation, fitTrainerOptions(o, train.size, validation !== null, ckpt.task), what);
  return { trainer, result: trainer.run() };
}
