/**
 * The training loop: seeded mini-batches, a step / epoch / wall-clock budget, validation on a schedule,
 * early stopping that restores the best weights, learning-rate schedules, clipping, a guard against
 * non-finite steps, checkpoints, and a hook that sees every step.          docs: docs/training/training.md
 *
 * Same seed, same data, same options: the same result, bit for bit. All randomness (the shuffling) comes
 * from one Rng whose state is saved in checkpoints; the wall-clock budget only decides *when* to stop.
 */
import { Rng } from '../kernels/random';
import { ValueError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { LossAndGradients, lossAndGradients, lossOnly } from '../models/objectives';
import { loadStateDict } from '../models/state-dict';
import { Optimizer } from './optimizer';
import { createOptimizer } from './optimizers';
import { ClipResult, clipGradNorm, clipGradValue } from './clip';
import { learningRateAt } from './schedules';
import { NonFiniteReport, findNonFinite } from './nonfinite';
import { ParallelTrainer } from './parallel';
import { parameterStats } from './stats';
import { Dataset, TrainerOptions, StepInfo, TrainResult, TrainingError, checkOptions } from './trainer-options';
import { bucketedOrder } from './batch-order';
import { Checkpoint, TrainerCounters, TrainerBookkeeping, writeCheckpoint, snapshotWeights, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, modelFromCheckpoint } from './checkpoint';

export type { Dataset, TrainerOptions, StepInfo, EvalInfo, TrainResult } from './trainer-options';
export { TrainingError } from './trainer-options';

export class Trainer {
  readonly rng: Rng;
  counters: TrainerCounters = { step: 0, epoch: 0, batchInEpoch: 0 };
  book: TrainerBookkeeping = { order: null, bestValLoss: null, bestStep: null, evalsSinceBest: 0, lastValLoss: null, nonFiniteInARow: 0, bestWeights: null };
  private readonly baseLr: number;
  private readonly recentLosses: number[] = [];
  private parallel: ParallelTrainer | null = null;

  constructor(
    readonly model: SequenceModel, readonly optimizer: Optimizer, readonly train: Dataset,
    readonly validation: Dataset | null, readonly options: TrainerOptions,
  ) {
    checkOptions(options, train);
    this.rng = new Rng(options.seed ?? 0);
    this.baseLr = optimizer.lr;
  }

  /** A trainer that continues exactly where a checkpoint left off (options other than the budget should match). */
  static fromCheckpoint(ckpt: Checkpoint, train: Dataset, validation: Dataset | null, options: TrainerOptions, what = 'checkpoint'): Trainer {
    const model = modelFromCheckpoint(ckpt, what);
    if (!ckpt.optimizer) throw new ValueError(`${what}: optimizer: a checkpoint to resume training from needs the optimizer state, got null`);
    const optimizer = createOptimizer(ckpt.optimizer.optimizer, ckpt.optimizer.hyperparams);
    optimizer.loadJSON(ckpt.optimizer, model.namedParameters(), `${what}: optimizer`);
    const trainer = new Trainer(model, optimizer, train, validation, { ...options, schedule: ckpt.schedule });
    if (ckpt.rng) trainer.rng.setState(ckpt.rng);
    trainer.counters = { ...ckpt.counters };
    if (ckpt.trainer) trainer.book = { ...ckpt.trainer, order: ckpt.trainer.order ? [...ckpt.trainer.order] : null };
    if (trainer.book.order && trainer.book.order.length !== train.size) {
      throw new ValueError(`${what}: trainer.order has ${trainer.book.order.length} samples, but the training set has ${train.size}`);
    }
    return trainer;
  }

  /** Runs until a budget is spent or early stopping triggers; restores the best weights if there was validation. */
  run(): TrainResult {
    const o = this.options;
    const started = Date.now();
    const batchesPerEpoch = Math.ceil(this.train.size / o.batchSize);
    const evalEvery = o.evalEvery ?? batchesPerEpoch;
    let stoppedBy: TrainResult['stoppedBy'] | null = null;
    try {
      stoppedBy = this.loop(started, evalEvery);
    } finally {
      this.parallel?.close();
      this.parallel = null;
    }
    // The last checkpoint holds the latest state, so that a resumed run continues exactly; the best
    // weights travel inside it (trainer.bestWeights) and are restored into the model here.
    if (o.checkpointPath) this.saveCheckpoint(o.checkpointPath);
    if (this.validation && this.book.lastValLoss === null) this.evaluateAndTrack();
    if (this.book.bestWeights) loadStateDict(this.model, this.book.bestWeights, 'best weights');
    const recent = this.recentLosses;
    return {
      steps: this.counters.step, epochs: this.counters.epoch,
      trainLoss: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN,
      valLoss: this.book.bestValLoss, lastValLoss: this.book.lastValLoss,
      seconds: (Date.now() - started) / 1000, stoppedBy: stoppedBy as TrainResult['stoppedBy'],
    };
  }

  /** Steps until a budget is spent or early stopping triggers; returns why it stopped. */
  private loop(started: number, evalEvery: number): TrainResult['stoppedBy'] {
    const o = this.options;
    let stoppedBy: TrainResult['stoppedBy'] | null = null;
    while (stoppedBy === null) {
      if (o.maxSteps != null && this.counters.step >= o.maxSteps) stoppedBy = 'steps';
      else if (o.epochs != null && this.counters.epoch >= o.epochs) stoppedBy = 'epochs';
      else if (o.maxSeconds != null && (Date.now() - started) / 1000 >= o.maxSeconds) stoppedBy = 'time';
      if (stoppedBy) break;
      this.step();
      if (this.validation && this.counters.step % evalEvery === 0 && this.evaluateAndTrack()) stoppedBy = 'early-stopping';
      if (o.checkpointPath && o.checkpointEvery && this.counters.step % o.checkpointEvery === 0) this.saveCheckpoint(o.checkpointPath);
    }
    return stoppedBy as TrainResult['stoppedBy'];
  }

  /** One update: forward, loss, BPTT, the non-finite guard, clipping, the optimizer. */
  step(): StepInfo {
    const o = this.options;
    const indices = this.nextBatchIndices();
    const lr = learningRateAt(o.schedule ?? { type: 'constant' }, this.baseLr, this.counters.step);
    this.optimizer.lr = lr;
    const { batch, objective } = this.train.batch(indices);
    let loss: number;
    let single: LossAndGradients | null = null; // the whole result, when this thread computed it alone
    if ((o.workers ?? 1) > 1) {
      this.parallel ??= new ParallelTrainer(this.model.toConfig(), o.workers as number);
      loss = this.parallel.lossAndGradients(this.model, batch, objective);
    } else {
      single = lossAndGradients(this.model, batch, objective);
      loss = single.loss;
    }
    const params = this.model.namedParameters();
    const { tensors: parameters, globalNorm: norm } = parameterStats(params);
    let nonFinite: NonFiniteReport | null = null;
    let clip: ClipResult | null = null;
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
      // The weights stay as they were: the step is not applied. The place is found on this thread
      // (after a split batch, by running it here once more).
      const r = single ?? lossAndGradients(this.model, batch, objective);
      nonFinite = findNonFinite(this.model, r.forward, r.loss, r.grads) ?? {
        phase: 'backward', tensor: 'gradients', layer: null, direction: null, step: null, value: norm, message: `non-finite gradient norm ${norm}`,
      };
      this.book.nonFiniteInARow++;
    } else {
      this.book.nonFiniteInARow = 0;
      if (o.clip && 'maxNorm' in o.clip) clip = clipGradNorm(params, o.clip.maxNorm, o.clip.normType ?? 2);
      else if (o.clip && 'value' in o.clip) clip = clipGradValue(params, o.clip.value);
      this.optimizer.step(params);
      this.recentLosses.push(loss);
      if (this.recentLosses.length > 50) this.recentLosses.shift();
    }
    this.counters.step++;
    const info: StepInfo = {
      step: this.counters.step, epoch: this.counters.epoch, loss, lr, gradNorm: norm, clip,
      applied: nonFinite === null, nonFinite, stepGradNorms: single ? single.grads.stepGradNorms : [], parameters,
    };
    o.onStep?.(info);
    const limit = o.maxNonFiniteSteps ?? 5;
    if (this.book.nonFiniteInARow >= limit) {
      throw new TrainingError(`training stopped at step ${this.counters.step}: ${limit} steps in a row had non-finite values; the last: ${nonFinite?.message}. The weights are those before these steps; try a lower learning rate or gradient clipping.`);
    }
    return info;
  }

  /** Mean validation loss, weighted by batch size. */
  evaluate(): number {
    if (!this.validation) throw new ValueError('Trainer.evaluate: there is no validation set');
    const { size } = this.validation;
    let total = 0;
    for (let start = 0; start < size; start += this.options.batchSize) {
      const indices = Array.from({ length: Math.min(this.options.batchSize, size - start) }, (_, k) => start + k);
      const { batch, objective } = this.validation.batch(indices);
      total += lossOnly(this.model, batch, objective) * indices.length;
    }
    return total / size;
  }

  /** The checkpoint of the current state (weights as they are now). */
  toCheckpoint(): Checkpoint {
    return {
      format: CHECKPOINT_FORMAT, format_version: CHECKPOINT_VERSION,
      model: this.model.toConfig(), weights: snapshotWeights(this.model),
      optimizer: { ...this.optimizer.toJSON(), hyperparams: { ...this.optimizer.hyperparams(), lr: this.baseLr } },
      schedule: this.options.schedule ?? { type: 'constant' }, rng: this.rng.getState(),
      counters: { ...this.counters }, trainer: { ...this.book }, task: this.options.task ?? null,
    };
  }

  saveCheckpoint(file: string): void {
    writeCheckpoint(file, this.toCheckpoint());
  }

  /** Validates, tracks the best weights, and returns true when patience has run out. */
  private evaluateAndTrack(): boolean {
    const valLoss = this.evaluate();
    const b = this.book;
    const improved = b.bestValLoss === null || valLoss < b.bestValLoss;
    b.lastValLoss = valLoss;
    if (improved) {
      b.bestValLoss = valLoss;
      b.bestStep = this.counters.step;
      b.evalsSinceBest = 0;
      b.bestWeights = snapshotWeights(this.model);
    } else {
      b.evalsSinceBest++;
    }
    this.options.onEval?.({ step: this.counters.step, valLoss, bestValLoss: b.bestValLoss as number, improved });
    return this.options.patience != null && b.evalsSinceBest >= this.options.patience;
  }

  /** The next mini-batch of the seeded epoch order; a new order is drawn at the start of every epoch. */
  private nextBatchIndices(): number[] {
    const { batchSize } = this.options;
    if (!this.book.order) this.book.order = this.options.bucketByLength && this.train.lengthOf ? bucketedOrder(this.train, batchSize, this.rng) : this.rng.permutation(this.train.size);
    const start = this.counters.batchInEpoch * batchSize;
    const indices = this.book.order.slice(start, start + batchSize);
    this.counters.batchInEpoch++;
    if (start + batchSize >= this.train.size) {
      this.counters.epoch++;
      this.counters.batchInEpoch = 0;
      this.book.order = null;
    }
    return indices;
  }
}
