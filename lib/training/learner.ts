/**
 * What the Trainer (trainer.ts) trains: a model, and how a batch's loss and gradients are computed on it.
 * The Trainer owns everything else (the sample order, budgets, validation, early stopping, clipping, the
 * guard against non-finite steps, schedules, checkpoints and resume), so every model that implements
 * this gets all of it from the same code: a SequenceModel under an objective (sequence-learner.ts), the
 * encoder–decoder (lib/tasks/translate-learner.ts), a character model trained with truncated BPTT
 * (lib/tasks/char-lm-learner.ts).
 *
 *   B      what one batch is: whatever the learner's datasets assemble from sample indices
 */
import { NamedParameter } from '../kernels/parameter';
import { Rng } from '../kernels/random';
import { StepGradNorms } from '../layers/recurrent';
import { SequenceBatch } from '../models/objectives';
import { NonFiniteReport } from './nonfinite';
import { DropoutState } from '../layers/dropout';

/** The parameters a learner trains, and their configuration as a checkpoint stores it. */
export interface TrainableModel {
  namedParameters(): NamedParameter[];
  zeroGrad(): void;
  toConfig(): object;
  /** Training mode for dropout (a state: the masks' seed) or evaluation (null); a model without dropout need not have it. */
  setDropout?(state: DropoutState | null): void;
}

/**
 * Samples addressed by index; `batch` assembles any subset. A dataset whose training batches need chance
 * (which rows are teacher-forced) draws it from `rng`, the Trainer's seeded generator.
 */
export interface Dataset<B = SequenceBatch> {
  readonly size: number;
  batch(indices: readonly number[], rng?: Rng): B;
  /** The number of steps of sample i, for datasets of variable-length sequences (see bucketByLength). */
  lengthOf?(i: number): number;
  /** Batches are taken in index order, 0, 1, …, never shuffled (chunks of streams under truncated BPTT). */
  readonly sequential?: boolean;
}

/** What one training batch gave. */
export interface StepOutcome {
  loss: number; // the batch's mean loss; its gradients are in the parameters' grads (overwritten)
  stepGradNorms: StepGradNorms[]; // ‖∂L/∂h_t‖ per layer and direction, where the learner measures it
  /** Where the first non-finite value appeared; called only when the loss or a gradient is not finite. */
  diagnose(): NonFiniteReport | null;
}

export interface Learner<B, M extends TrainableModel = TrainableModel> {
  readonly model: M;
  /** The checkpoint's format and version: which reader rebuilds the model. */
  readonly format: { format: string; format_version: number };
  /** Loss and gradients of one training batch, on `workers` threads where the learner can split it. */
  lossAndGradients(batch: B, workers: number): StepOutcome;
  /** The mean loss over a whole validation set, no gradients. */
  evaluate(data: Dataset<B>, batchSize: number): number;
  /** After each training step: whether it was applied (a learner that carries state across batches keeps it only then). */
  afterStep?(applied: boolean, batchIndex: number): void;
  /** State carried from batch to batch that a checkpoint must hold for a resumed run to continue exactly. */
  carriedState?(): unknown;
  loadCarriedState?(json: unknown, what: string): void;
  /** Stops any threads. */
  close(): void;
}
