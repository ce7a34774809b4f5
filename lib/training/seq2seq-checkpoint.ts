/**
 * The checkpoint of an encoder–decoder: one JSON file with the architecture, the weights and the task
 * (its two vocabularies), written atomically.   docs: docs/training/training.md
 *
 *   format, format_version   "unrolled-seq2seq", 1
 *   model                    Seq2SeqConfig
 *   weights                  every parameter under its dotted name ("encoder.rnn.weight_ih_l0", …)
 *   task                     { name: "translate", sourceVocabulary, targetVocabulary }
 *   metrics                  what the run measured (null while it is still training)
 *   optimizer … trainer      a training run's state, as in checkpoint.ts (TrainingState): with them the
 *                            checkpoint resumes exactly; `weights` are then the latest and the best
 *                            validated ones are in trainer.bestWeights
 * A checkpoint whose weights are not all finite is never written; a failed write leaves the previous
 * file as it was. Reading checks the format, the architecture and every weight's name and shape.
 */
import { ValueError } from '../kernels/tensor';
import { assertCellKind } from '../cells/cell-params';
import { Seq2Seq, Seq2SeqConfig } from '../models/seq2seq';
import { StateDict, stateDict, loadStateDict } from '../models/state-dict';
import { writeFileAtomic } from '../platform/files';
import { readCheckpointJson } from './checkpoint';

export const SEQ2SEQ_FORMAT = 'unrolled-seq2seq';
export const SEQ2SEQ_VERSION = 1;

export interface Seq2SeqCheckpoint {
  format: typeof SEQ2SEQ_FORMAT;
  format_version: typeof SEQ2SEQ_VERSION;
  model: Seq2SeqConfig;
  weights: StateDict;
  task: { name: string } & Record<string, unknown>;
  metrics: Record<string, unknown> | null;
}

/** Writes the model's current weights with `task` and `metrics` to `file`, atomically. */
export function writeSeq2SeqCheckpoint(file: string, model: Seq2Seq, task: Seq2SeqCheckpoint['task'], metrics: Record<string, unknown> | null): void {
  for (const p of model.namedParameters()) {
    if (!p.value.data.every(Number.isFinite)) throw new ValueError(`checkpoint ${file}: not written, because weight "${p.name}" is not finite; the previous checkpoint is unchanged`);
  }
  const ckpt: Seq2SeqCheckpoint = { format: SEQ2SEQ_FORMAT, format_version: SEQ2SEQ_VERSION, model: model.toConfig(), weights: stateDict(model), task, metrics };
  try {
    writeFileAtomic(file, JSON.stringify(ckpt) + '\n');
  } catch (err) {
    throw new ValueError(`checkpoint ${file}: could not be written (${(err as Error).message}); the previous checkpoint is unchanged`);
  }
}

/** Reads an encoder–decoder checkpoint and builds its model; every problem names the file and the key. */
export function readSeq2SeqCheckpoint(file: string): { model: Seq2Seq; ckpt: Seq2SeqCheckpoint } {
  return seq2seqFromJson(readCheckpointJson(file), `checkpoint ${file}`);
}

/** Checks an encoder–decoder architecture (`Seq2Seq.toConfig()`); `what` names it in errors. */
export function checkSeq2SeqConfig(config: unknown, what: string): Seq2SeqConfig {
  const m = config as Record<string, unknown>;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new ValueError(`${what}: expected an object`);
  assertCellKind(m.mode, `${what}.mode`);
  for (const k of ['sourceVocabSize', 'targetVocabSize', 'embeddingSize', 'hiddenSize', 'numLayers']) {
    if (!Number.isInteger(m[k]) || (m[k] as number) < 1) throw new ValueError(`${what}.${k}: expected an integer >= 1, got ${JSON.stringify(m[k])}`);
  }
  if (typeof m.attention !== 'boolean') throw new ValueError(`${what}.attention: expected true or false, got ${JSON.stringify(m.attention)}`);
  const f = m.frozen as Record<string, unknown> | undefined;
  if (f !== undefined && (typeof f !== 'object' || f === null || !Object.entries(f).every(([k, v]) => ['source', 'target'].includes(k) && typeof v === 'boolean'))) {
    throw new ValueError(`${what}.frozen: expected {source?: boolean, target?: boolean}, got ${JSON.stringify(f)}`);
  }
  return m as unknown as Seq2SeqConfig;
}

/**
 * Checks a parsed encoder–decoder checkpoint (format, architecture, every weight's name and shape) and
 * builds its model with its `weights`, the latest (what a resumed run continues from); `{ best: true }`
 * loads the best validated weights instead where a training checkpoint holds them (what translation uses).
 */
export function seq2seqFromJson(parsed: unknown, what: string, options: { best?: boolean } = {}): { model: Seq2Seq; ckpt: Seq2SeqCheckpoint } {
  const json = parsed as Record<string, unknown>;
  if (typeof json !== 'object' || json === null) throw new ValueError(`${what}: expected a JSON object`);
  if (json.format !== SEQ2SEQ_FORMAT) throw new ValueError(`${what}: format: expected "${SEQ2SEQ_FORMAT}", got ${JSON.stringify(json.format)}`);
  if (json.format_version !== SEQ2SEQ_VERSION) throw new ValueError(`${what}: format_version: expected ${SEQ2SEQ_VERSION}, got ${JSON.stringify(json.format_version)}`);
  const config = checkSeq2SeqConfig(json.model, `${what}: model`);
  const task = json.task as Record<string, unknown> | null;
  if (typeof task?.name !== 'string') throw new ValueError(`${what}: task: expected an object with a name`);
  const model = new Seq2Seq(config);
  const best = options.best ? (json.trainer as { bestWeights?: unknown } | null | undefined)?.bestWeights ?? null : null;
  loadStateDict(model, best ?? json.weights, best ? `${what}: trainer.bestWeights` : `${what}: weights`);
  return { model, ckpt: json as unknown as Seq2SeqCheckpoint };
}
