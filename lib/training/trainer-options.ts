/**
 * What the Trainer (trainer.ts) is given and what it reports: the dataset interface, the options and
 * their checks, the per-step and per-validation reports, the result, and the error a failed run throws.
 */
import { ValueError } from '../kernels/tensor';
import { Dataset } from './learner';
import { StepGradNorms } from '../layers/recurrent';
import { ClipResult } from './clip';
import { ScheduleConfig } from './schedules';
import { NonFiniteReport } from './nonfinite';
import { ParameterStat } from './stats';

export interface TrainerOptions {
  batchSize: number;
  maxSteps?: number | null; // stop after this many updates
  epochs?: number | null; // or after this many passes over the training set
  maxSeconds?: number | null; // or after this much wall-clock time
  evalEvery?: number; // validate every this many steps (default: once per epoch)
  evaluateAtEnd?: boolean; // also validate after the last step when it was not a validation step (default: only if never validated)
  patience?: number | null; // stop after this many validations without improvement (null: never)
  clip?: { maxNorm: number; normType?: 2 | 'inf' } | { value: number } | null;
  schedule?: ScheduleConfig;
  seed?: number;
  maxNonFiniteSteps?: number; // stop after this many non-finite steps in a row (default 5)
  workers?: number; // threads over which the batch is split (default 1): see parallel.ts
  bucketByLength?: boolean; // batches of similar lengths (less padding), when the dataset has lengthOf
  checkpointPath?: string | null;
  checkpointEvery?: number | null; // steps; a checkpoint is also written at the end
  task?: unknown; // saved in checkpoints for the task to rebuild its data
  onStep?: (info: StepInfo) => void;
  onEval?: (info: EvalInfo) => void;
}

export interface StepInfo {
  step: number; // 1-based count after this step
  epoch: number;
  loss: number;
  lr: number;
  gradNorm: number; // global 2-norm before clipping
  clip: ClipResult | null;
  applied: boolean; // false when the step was skipped as non-finite
  nonFinite: NonFiniteReport | null;
  stepGradNorms: StepGradNorms[]; // empty when the batch is split over several workers
  parameters: ParameterStat[]; // per tensor: gradient norm (before clipping), weight norm (before the update), ratio
}

export interface EvalInfo {
  step: number;
  valLoss: number;
  bestValLoss: number;
  improved: boolean;
}

export interface TrainResult {
  steps: number;
  epochs: number;
  trainLoss: number; // mean loss over the last (up to) 50 applied steps
  valLoss: number | null; // the best validation loss (the weights are restored to it), or null
  lastValLoss: number | null;
  seconds: number;
  stoppedBy: 'steps' | 'epochs' | 'time' | 'early-stopping';
}

export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

export function checkOptions(o: TrainerOptions, train: Dataset<unknown>): void {
  const posInt = (v: unknown, what: string) => {
    if (v != null && (!Number.isInteger(v) || (v as number) < 1)) throw new ValueError(`Trainer ${what}: expected an integer >= 1, got ${v}`);
  };
  posInt(o.batchSize, 'batchSize');
  if (o.batchSize == null) throw new ValueError('Trainer batchSize: required');
  posInt(o.maxSteps, 'maxSteps');
  posInt(o.epochs, 'epochs');
  posInt(o.evalEvery, 'evalEvery');
  posInt(o.patience, 'patience');
  posInt(o.maxNonFiniteSteps, 'maxNonFiniteSteps');
  posInt(o.checkpointEvery, 'checkpointEvery');
  posInt(o.workers, 'workers');
  if (o.maxSeconds != null && !(o.maxSeconds > 0)) throw new ValueError(`Trainer maxSeconds: expected a number > 0, got ${o.maxSeconds}`);
  if (o.maxSteps == null && o.epochs == null && o.maxSeconds == null) throw new ValueError('Trainer: give a budget: maxSteps, epochs or maxSeconds');
  if (!(train.size >= 1)) throw new ValueError(`Trainer train: the training set is empty (size ${train.size})`);
}
