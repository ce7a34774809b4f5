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
import { loadStateDict } from '../models/state-dict';
import { Optimizer } from './optimizer';
import { createOptimizer } from './optimizers';
import { ClipResult, clipGradNorm, clipGradValue } from './clip';
import { learningRateAt, plateauAfter, freshPlateau } from './schedules';
import { NonFiniteReport } from './nonfinite';
import { parameterStats } from './stats';
import { TrainerOptions, StepInfo, TrainResult, TrainingError, checkOptions } from './trainer-options';
import { Dataset, Learner, TrainableModel } from './learner';
import { SequenceBatch, SequenceLearner } from './sequence-learner';
import { bucketedOrder } from './batch-order';
import { stepSeed } from '../layers/dropout';
import {
  Checkpoint, TrainingCheckpoint, TrainingState, TrainerCounters, TrainerBookkeeping, writeCheckpoint, snapshotWeights, modelFromCheckpoint,
} from './checkpoint';

export type { TrainerOptions, StepInfo, EvalInfo, TrainResult } from './trainer-options';
export type { Dataset } from './learner';
export { TrainingError } from './trainer-options';

/**
 * Trains any learner (learner.ts): a SequenceModel under an objective by default (pass the model), or an
 * encoder–decoder or a truncated-BPTT character model (pass their learner).
 */
export class Trainer<B = SequenceBatch, M extends TrainableModel = SequenceModel> {
  readonly learner: Learner<B, M>;
  readonly rng: Rng;
  counters: TrainerCounters = { step: 0, epoch: 0, batchInEpoch: 0 };
  book: TrainerBookkeeping = { order: null, bestValLoss: null, bestStep: null, evalsSinceBest: 0, lastValLoss: null, lastEvalStep: null, nonFiniteInARow: 0, bestWeights: null };
  private readonly baseLr: number;
  private readonly recentLosses: number[] = [];

  constructor(
    model: Learner<B, M> | SequenceModel, readonly optimizer: Optimizer, readonly train: Dataset<B>,
    readonly validation: Dataset<B> | null, readonly options: TrainerOptions,
  ) {
    checkOptions(options, train);
    this.learner = (model instanceof SequenceModel ? new SequenceLearner(model) : model) as Learner<B, M>;
    this.rng = new Rng(options.seed ?? 0);
    this.baseLr = optimizer.lr;
  }

  /** The model being trained. */
  get model(): M {
    return this.learner.model;
  }

  /** A SequenceModel's trainer that continues exactly where a checkpoint left off (options other than the budget should match). */
  static fromCheckpoint(ckpt: Checkpoint, train: Dataset<SequenceBatch>, validation: Dataset<SequenceBatch> | null, options: TrainerOptions, what = 'checkpoint'): Trainer {
    return Trainer.resume(new SequenceLearner(modelFromCheckpoint(ckpt, what)), ckpt, train, validation, options, what);
  }

  /**
   * A trainer of `learner` (whose model already holds the checkpoint's latest weights) that continues
   * exactly where the checkpoint's training state left off: optimizer, schedule, generator, counters,
   * early-stopping bookkeeping and any carried state.
   */
  static resume<B, M extends TrainableModel>(
    learner: Learner<B, M>, state: TrainingState, train: Dataset<B>, validation: Dataset<B> | null, options: TrainerOptions, what = 'checkpoint',
  ): Trainer<B, M> {
    if (!state.optimizer) throw new ValueError(`${what}: optimizer: a checkpoint to resume training from needs the optimizer state, got null`);
    const optimizer = createOptimizer(state.optimizer.optimizer, state.optimizer.hyperparams);
    optimizer.loadJSON(state.optimizer, learner.model.namedParameters(), `${what}: optimizer`);
    const trainer = new Trainer<B, M>(learner, optimizer, train, validation, { ...options, schedule: state.schedule });
    if (state.rng) trainer.rng.setState(state.rng);
    trainer.counters = { ...state.counters };
    if (state.trainer) trainer.book = { ...state.trainer, order: state.trainer.order ? [...state.trainer.order] : null };
    if (trainer.book.order && trainer.book.order.length !== train.size) {
      throw new ValueError(`${what}: trainer.order has ${trainer.book.order.length} samples, but the training set has ${train.size}`);
    }
    if (state.carried !== undefined && state.carried !== null) {
      if (!learner.loadCarriedState) throw new ValueError(`${what}: carried: this model carries no state from batch to batch`);
      learner.loadCarriedState(state.carried, `${what}: carried`);
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
      this.learner.close();
    }
    // The last checkpoint holds the latest state, so that a resumed run continues exactly; the best
    // weights travel inside it (trainer.bestWeights) and are restored into the model here.
    if (o.checkpointPath) this.saveCheckpoint(o.checkpointPath);
    if (this.validation && (this.book.lastValLoss === null || (o.evaluateAtEnd && this.book.lastEvalStep !== this.counters.step))) this.evaluateAndTrack();
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
    const lr = learningRateAt(o.schedule ?? { type: 'constant' }, this.baseLr, this.counters.step, this.book.plateau ?? null);
    this.optimizer.lr = lr;
    const batchIndex = this.counters.batchInEpoch - 1; // its place in the epoch (a chunk, for sequential data)
    // Dropout draws this step's masks from the seed and the step number alone: a resumed run draws them again.
    const dropout = { seed: stepSeed(o.seed ?? 0, this.counters.step), rowOffset: 0 };
    const training = <R>(run: () => R): R => {
      this.model.setDropout?.(dropout);
      try {
        return run();
      } finally {
        this.model.setDropout?.(null); // evaluation, outside the training steps
      }
    };
    const outcome = training(() => this.learner.lossAndGradients(this.train.batch(indices, this.rng), o.workers ?? 1));
    const loss = outcome.loss;
    const params = this.model.namedParameters();
    const { tensors: parameters, globalNorm: norm } = parameterStats(params);
    let nonFinite: NonFiniteReport | null = null;
    let clip: ClipResult | null = null;
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
      // The weights stay as they were: the step is not applied.
      nonFinite = training(() => outcome.diagnose()) ?? {
        phase: 'backward', tensor: 'gradients', layer: null, direction: null, step: null, value: norm, message: `non-finite gradient norm ${norm}`,
      };
      this.book.nonFiniteInARow++;
    } else {
      this.book.nonFiniteInARow = 0;
      const normType = o.clip && 'maxNorm' in o.clip ? o.clip.normType ?? 2 : 2;
      if (o.clip && 'maxNorm' in o.clip) clip = clipGradNorm(params, o.clip.maxNorm, normType, normType === 2 ? norm : null); // the norm just taken
      else if (o.clip && 'value' in o.clip) clip = clipGradValue(params, o.clip.value);
      this.optimizer.step(params);
      this.recentLosses.push(loss);
      if (this.recentLosses.length > 50) this.recentLosses.shift();
    }
    this.learner.afterStep?.(nonFinite === null, batchIndex);
    this.counters.step++;
    const info: StepInfo = {
      step: this.counters.step, epoch: this.counters.epoch, loss, lr, gradNorm: norm, clip,
      applied: nonFinite === null, nonFinite, stepGradNorms: outcome.stepGradNorms, parameters,
    };
    o.onStep?.(info);
    const limit = o.maxNonFiniteSteps ?? 5;
    if (this.book.nonFiniteInARow >= limit) {
      throw new TrainingError(`training stopped at step ${this.counters.step}: ${limit} steps in a row had non-finite values; the last: ${nonFinite?.message}. The weights are those before these steps; try a lower learning rate or gradient clipping.`);
    }
    return info;
  }

  /** The mean validation loss (as the learner measures it over the whole validation set). */
  evaluate(): number {
    if (!this.validation) throw new ValueError('Trainer.evaluate: there is no validation set');
    return this.learner.evaluate(this.validation, this.options.batchSize);
  }

  /** The checkpoint of the current state (weights as they are now), in the learner's format. */
  toCheckpoint(): TrainingCheckpoint {
    const carried = this.learner.carriedState?.();
    return {
      ...this.learner.format, model: this.model.toConfig(), weights: snapshotWeights(this.model),
      optimizer: { ...this.optimizer.toJSON(), hyperparams: { ...this.optimizer.hyperparams(), lr: this.baseLr } },
      schedule: this.options.schedule ?? { type: 'constant' }, rng: this.rng.getState(),
      counters: { ...this.counters }, trainer: { ...this.book }, task: this.options.task ?? null,
      ...(carried !== undefined ? { carried } : {}),
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
    b.lastEvalStep = this.counters.step;
    const plateau = this.options.schedule?.plateau; // reduce-on-plateau reads every validation, at the rate just used
    if (plateau) b.plateau = plateauAfter(plateau, b.plateau ?? freshPlateau(), valLoss, this.optimizer.lr);
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

  /** The order of the next epoch: shuffled, bucketed by length, or (sequential data) as it is. */
  private epochOrder(): number[] {
    const { train } = this;
    if (train.sequential) return Array.from({ length: train.size }, (_, i) => i);
    return this.options.bucketByLength && train.lengthOf ? bucketedOrder(train, this.options.batchSize, this.rng) : this.rng.permutation(train.size);
  }

  /** The next mini-batch of the seeded epoch order; a new order is drawn at the start of every epoch. */
  private nextBatchIndices(): number[] {
    const { batchSize } = this.options;
    if (!this.book.order) this.book.order = this.epochOrder();
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
