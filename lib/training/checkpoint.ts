/**
 * Checkpoints: one JSON file that holds everything needed to continue a run exactly.
 *                                                                             docs: docs/training/training.md
 *   format, format_version   "unrolled-checkpoint", 1
 *   model                    the architecture (SequenceModel.toConfig())
 *   weights                  the parameters in PyTorch's state_dict layout
 *   optimizer                the optimizer's name, hyperparameters and state (null if none)
 *   schedule                 the learning-rate schedule
 *   rng                      the trainer's random generator state (shuffling)
 *   counters                 step, epoch, and the position in the epoch
 *   trainer                  early-stopping bookkeeping, including the best weights so far
 *   task                     whatever the task needs to rebuild its data (its options, a vocabulary, a scaler)
 *
 * Writing is atomic: the JSON goes to a temporary file beside the target, is flushed to disk (fsync), and
 * only then renamed over the target. A crash or a full disk part-way leaves the previous checkpoint as it
 * was. A checkpoint whose weights are not all finite is never written. Reading checks every key, shape and
 * number, and says exactly what is wrong with a bad file.
 */
import { checkDropout } from '../layers/dropout';
import { checkMergeMode } from '../layers/merge';
import { ValueError } from '../kernels/tensor';
import { assertCellKind } from '../cells/cell-params';
import { SequenceModel, SequenceModelConfig } from '../models/sequence-model';
import { StateDict, stateDict, loadStateDict } from '../models/state-dict';
import { readText, writeFileAtomic } from '../platform/files';
import { OptimizerStateJson } from './optimizer';
import { ScheduleConfig, PlateauState, checkSchedule, checkPlateauState } from './schedules';

type Parameterised = Parameters<typeof stateDict>[0];

export const CHECKPOINT_FORMAT = 'unrolled-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface TrainerCounters {
  step: number; // updates attempted so far (a skipped non-finite step counts)
  epoch: number; // completed passes over the training set
  batchInEpoch: number; // batches of the current epoch already taken
}

export interface TrainerBookkeeping {
  order: number[] | null; // the current epoch's shuffled sample order
  bestValLoss: number | null;
  bestStep: number | null;
  evalsSinceBest: number;
  lastValLoss: number | null;
  lastEvalStep?: number | null; // the step of the last validation (absent in checkpoints that predate it)
  nonFiniteInARow: number;
  bestWeights: StateDict | null;
  plateau?: PlateauState | null; // where reduce-on-plateau stands (a schedule with `plateau` only)
}

/** Where a run is: everything besides the model that a resumed run needs to continue exactly. */
export interface TrainingState {
  optimizer: OptimizerStateJson | null;
  schedule: ScheduleConfig;
  rng: [number, number, number, number] | null;
  counters: TrainerCounters;
  trainer: TrainerBookkeeping | null;
  task: unknown;
  carried?: unknown; // state a learner carries from batch to batch (truncated BPTT), when it has any
}

/** A training checkpoint of any model: its format says which reader rebuilds the model from `model`. */
export interface TrainingCheckpoint extends TrainingState {
  format: string;
  format_version: number;
  model: object;
  weights: StateDict;
}

/** The checkpoint of a SequenceModel. */
export interface Checkpoint extends TrainingCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  format_version: typeof CHECKPOINT_VERSION;
  model: SequenceModelConfig;
}

/**
 * Writes `ckpt` to `file` atomically. Throws (and leaves any previous file untouched) if a weight is not
 * finite or if anything in the write fails.
 */
export function writeCheckpoint(file: string, ckpt: TrainingCheckpoint): void {
  for (const [name, value] of Object.entries(ckpt.weights)) {
    if (!(value as unknown[]).flat(Infinity).every((v) => Number.isFinite(v))) {
      throw new ValueError(`checkpoint ${file}: not written, because weight "${name}" is not finite; the previous checkpoint is unchanged`);
    }
  }
  try {
    writeFileAtomic(file, JSON.stringify(ckpt) + '\n');
  } catch (err) {
    throw new ValueError(`checkpoint ${file}: could not be written (${(err as Error).message}); the previous checkpoint is unchanged`);
  }
}

/** Reads and checks a checkpoint file. Every problem names the file and the key. */
export function readCheckpoint(file: string): Checkpoint {
  return checkCheckpoint(readCheckpointJson(file), `checkpoint ${file}`);
}

/** A checkpoint file of either format, parsed but not yet checked; says whether it cannot be read or is not JSON. */
export function readCheckpointJson(file: string): unknown {
  let text: string;
  try {
    text = readText(file);
  } catch (err) {
    throw new ValueError(`checkpoint ${file}: cannot be read (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ValueError(`checkpoint ${file}: not valid JSON, so it is truncated or was edited by hand (${(err as Error).message})`);
  }
  return json;
}

/** The name of the task that wrote a parsed checkpoint, or null when it has none. */
export function checkpointTaskName(json: unknown): string | null {
  const name = (json as { task?: { name?: unknown } } | null)?.task?.name;
  return typeof name === 'string' ? name : null;
}

/** Checks the structure of a parsed checkpoint (the weights' shapes are checked when loaded into a model). */
export function checkCheckpoint(json: unknown, what: string): Checkpoint {
  const c = json as Record<string, unknown>;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new ValueError(`${what}: expected a JSON object`);
  if (c.format !== CHECKPOINT_FORMAT) throw new ValueError(`${what}: format: expected "${CHECKPOINT_FORMAT}", got ${JSON.stringify(c.format)}`);
  if (c.format_version !== CHECKPOINT_VERSION) throw new ValueError(`${what}: format_version: expected ${CHECKPOINT_VERSION}, got ${JSON.stringify(c.format_version)}`);
  if (!('model' in c)) throw new ValueError(`${what}: missing key "model"`);
  checkModelConfig(c.model, `${what}: model`);
  checkTrainingState(c, what);
  return c as unknown as Checkpoint;
}

/** Checks the weights and the training state of a parsed checkpoint of any format; `what` names it in errors. */
export function checkTrainingState(c: Record<string, unknown>, what: string): void {
  for (const key of ['weights', 'optimizer', 'schedule', 'rng', 'counters', 'trainer', 'task']) {
    if (!(key in c)) throw new ValueError(`${what}: missing key "${key}"`);
  }
  if (typeof c.weights !== 'object' || c.weights === null) throw new ValueError(`${what}: weights: expected an object of named tensors`);
  const o = c.optimizer as Record<string, unknown> | null;
  if (o !== null && (typeof o !== 'object' || typeof o.optimizer !== 'string' || typeof o.hyperparams !== 'object' || typeof o.state !== 'object')) {
    throw new ValueError(`${what}: optimizer: expected null or {optimizer, hyperparams, state}`);
  }
  checkSchedule(c.schedule, `${what}: schedule`);
  const rng = c.rng as unknown[] | null;
  if (rng !== null && !(Array.isArray(rng) && rng.length === 4 && rng.every((w) => Number.isInteger(w) && (w as number) >= 0 && (w as number) < 2 ** 32))) {
    throw new ValueError(`${what}: rng: expected null or four integers in [0, 2^32), got ${JSON.stringify(rng)}`);
  }
  const counters = c.counters as Record<string, unknown>;
  for (const k of ['step', 'epoch', 'batchInEpoch']) {
    if (!Number.isInteger(counters?.[k]) || (counters[k] as number) < 0) throw new ValueError(`${what}: counters.${k}: expected an integer >= 0, got ${JSON.stringify(counters?.[k])}`);
  }
  const t = c.trainer as Record<string, unknown> | null;
  if (t !== null) {
    if (typeof t !== 'object') throw new ValueError(`${what}: trainer: expected null or an object`);
    for (const k of ['bestValLoss', 'lastValLoss']) {
      if (t[k] !== null && !(typeof t[k] === 'number' && Number.isFinite(t[k]))) throw new ValueError(`${what}: trainer.${k}: expected null or a finite number, got ${JSON.stringify(t[k])}`);
    }
    for (const k of ['evalsSinceBest', 'nonFiniteInARow']) {
      if (!Number.isInteger(t[k]) || (t[k] as number) < 0) throw new ValueError(`${what}: trainer.${k}: expected an integer >= 0, got ${JSON.stringify(t[k])}`);
    }
    if (t.order !== null && !(Array.isArray(t.order) && t.order.every((v) => Number.isInteger(v) && v >= 0))) {
      throw new ValueError(`${what}: trainer.order: expected null or a list of sample indices`);
    }
    if (t.plateau != null) checkPlateauState(t.plateau, `${what}: trainer.plateau`);
  }
}

/** Checks an architecture (`SequenceModel.toConfig()`, as a checkpoint stores it); `what` names it in errors. */
export function checkModelConfig(config: unknown, what: string): SequenceModelConfig {
  const m = config as Record<string, unknown>;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new ValueError(`${what}: expected an object`);
  assertCellKind(m.mode, `${what}.mode`);
  for (const k of ['inputSize', 'hiddenSize', 'numLayers']) {
    if (!Number.isInteger(m[k]) || (m[k] as number) < 1) throw new ValueError(`${what}.${k}: expected an integer >= 1, got ${JSON.stringify(m[k])}`);
  }
  for (const k of ['bidirectional', 'bias']) {
    if (typeof m[k] !== 'boolean') throw new ValueError(`${what}.${k}: expected true or false, got ${JSON.stringify(m[k])}`);
  }
  const head = m.head as Record<string, unknown> | null;
  if (head !== null && (typeof head !== 'object' || !['last', 'mean', 'all'].includes(head.mode as string) || !Number.isInteger(head.outFeatures) || typeof head.bias !== 'boolean')) {
    throw new ValueError(`${what}.head: expected null or {mode: "last"|"mean"|"all", outFeatures, bias}, got ${JSON.stringify(head)}`);
  }
  for (const k of ['dropout', 'recurrentDropout', 'inputDropout', 'outputDropout']) if (k in m) checkDropout(m[k], `${what}.${k}`);
  if ('mergeMode' in m) checkMergeMode(m.mergeMode, `${what}.mergeMode`);
  if ('projSize' in m && !(Number.isInteger(m.projSize) && (m.projSize as number) >= 0)) throw new ValueError(`${what}.projSize: expected an integer >= 0, got ${JSON.stringify(m.projSize)}`);
  const e = m.embedding as Record<string, unknown> | null | undefined;
  if (e != null && (typeof e !== 'object' || !Number.isInteger(e.dim) || (e.dim as number) < 1 || typeof e.tied !== 'boolean' || typeof e.frozen !== 'boolean')) {
    throw new ValueError(`${what}.embedding: expected null or {dim, tied, frozen}, got ${JSON.stringify(e)}`);
  }
  return m as unknown as SequenceModelConfig;
}

/**
 * Builds the checkpoint's model and loads its weights (every key and shape checked). `weights` are the
 * latest, which a resumed run continues from; `{ best: true }` loads the best validated weights instead,
 * when the checkpoint has them (what a model is used with after training).
 */
export function modelFromCheckpoint(ckpt: Checkpoint, what = 'checkpoint', options: { best?: boolean } = {}): SequenceModel {
  const model = new SequenceModel(ckpt.model);
  const best = options.best ? ckpt.trainer?.bestWeights ?? null : null;
  loadStateDict(model, best ?? ckpt.weights, best ? `${what}: trainer.bestWeights` : `${what}: weights`);
  return model;
}

/** The model's weights as a state dict (for `Checkpoint.weights` and best-weight snapshots). */
export function snapshotWeights(model: Parameterised): StateDict {
  return stateDict(model);
}

/** Adds what a finished run measured to its checkpoint file, which keeps everything else it holds. */
export function addMetrics(file: string, metrics: Record<string, unknown>): void {
  const json = readCheckpointJson(file) as Record<string, unknown>;
  json.metrics = metrics;
  try {
    writeFileAtomic(file, JSON.stringify(json) + '\n');
  } catch (err) {
    throw new ValueError(`checkpoint ${file}: could not be written (${(err as Error).message}); the previous checkpoint is unchanged`);
  }
}
