/**
 * Checkpoints to safetensors and back: what `unrolled export` and `unrolled import` do.   docs: docs/pytorch.md
 *
 * export: the checkpoint's model (its best validated weights by default) under PyTorch's state_dict
 * names, and in __metadata__ everything needed to rebuild it:
 *   kind, model   "SequenceModel" or "Seq2Seq", and the architecture as JSON (saveSafetensors writes these,
 *                 and for a recurrent model cell, inputSize, hiddenSize, numLayers, bidirectional, bias)
 *   format        "unrolled-checkpoint" or "unrolled-seq2seq" (the checkpoint's format)
 *   task          what the task needs (vocabularies, scaler, …) as JSON
 *   weights       "best" or "latest"
 * import: a checkpoint that the commands read (predict, sample, translate, train --resume), from a
 * safetensors file and either `like`, a checkpoint of the same architecture (its task, optimizer settings
 * and counters are kept; the optimizer's moments and the best-weights bookkeeping start afresh, since
 * they belonged to other weights), or, without `like`, the file's own metadata.
 */
import { ValueError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { Seq2Seq } from '../models/seq2seq';
import { stateDict } from '../models/state-dict';
import { SafetensorsDtype, loadTensors, readSafetensors, saveSafetensors } from '../models/safetensors';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, Checkpoint, checkCheckpoint, checkModelConfig, modelFromCheckpoint, readCheckpointJson, writeCheckpoint } from './checkpoint';
import { SEQ2SEQ_FORMAT, Seq2SeqCheckpoint, checkSeq2SeqConfig, seq2seqFromJson, writeSeq2SeqCheckpoint } from './seq2seq-checkpoint';

export interface ExportResult {
  format: string;
  tensors: number;
  weights: 'best' | 'latest';
  metadata: Map<string, string>;
}

/** Writes the model of checkpoint `file` to `out` as safetensors, with the metadata above. */
export function exportCheckpoint(file: string, out: string, options: { weights?: 'best' | 'latest'; dtype?: SafetensorsDtype } = {}): ExportResult {
  const json = readCheckpointJson(file) as { format?: unknown };
  const what = `checkpoint ${file}`;
  let model: SequenceModel | Seq2Seq, weights: 'best' | 'latest', task: unknown;
  if (json?.format === SEQ2SEQ_FORMAT) {
    const hasBest = !!(json as { trainer?: { bestWeights?: unknown } | null }).trainer?.bestWeights;
    weights = hasBest && options.weights === 'latest' ? 'latest' : 'best'; // without a training state, `weights` are the best
    const r = seq2seqFromJson(json, what, { best: weights === 'best' });
    [model, task] = [r.model, r.ckpt.task];
  } else {
    const ckpt = checkCheckpoint(json, what);
    weights = options.weights === 'latest' || !ckpt.trainer?.bestWeights ? 'latest' : 'best';
    [model, task] = [modelFromCheckpoint(ckpt, what, { best: weights === 'best' }), ckpt.task];
  }
  const format = model instanceof Seq2Seq ? SEQ2SEQ_FORMAT : CHECKPOINT_FORMAT;
  const extra = new Map([['format', format], ['task', JSON.stringify(task)], ['weights', weights]]);
  const metadata = saveSafetensors(model, out, extra, options.dtype ?? 'F64');
  return { format, tensors: model.namedParameters().length, weights, metadata };
}

/**
 * Writes to `out` a checkpoint holding the weights of safetensors file `weightsFile`, built like the
 * checkpoint `like`, or from the file's metadata when `like` is null. Nothing is written unless every
 * tensor matches the model.
 */
export function importWeights(weightsFile: string, like: string | null, out: string): { format: string; from: 'like' | 'metadata' } {
  const { tensors, metadata } = readSafetensors(weightsFile);
  const meta = (key: string) => metadata?.get(key) ?? null;
  const stated = (key: string): string => {
    const text = meta(key);
    if (text === null) throw new ValueError(`${weightsFile}: its metadata has no "${key}" (a file saved without the metadata \`unrolled export\` writes); give --like CHECKPOINT, a checkpoint of the same architecture`);
    return text;
  };
  const parsed = (key: string): unknown => {
    const text = stated(key);
    try {
      return JSON.parse(text);
    } catch {
      throw new ValueError(`${weightsFile}: metadata "${key}" is not JSON: ${text.slice(0, 60)}`);
    }
  };
  const statedModel = () => (meta('model') === null ? null : parsed('model')); // the architecture the file states, if any
  const base: unknown = like === null ? null : readCheckpointJson(like);
  // Without --like: the checkpoint format export wrote, else the one a model saved by saveSafetensors belongs to.
  const kinds: Record<string, string> = { SequenceModel: CHECKPOINT_FORMAT, Seq2Seq: SEQ2SEQ_FORMAT };
  const format = like !== null ? (base as { format?: unknown })?.format : meta('format') ?? kinds[meta('kind') ?? ''] ?? stated('format');
  if (format === SEQ2SEQ_FORMAT) {
    const template = like === null ? null : seq2seqFromJson(base, `checkpoint ${like}`).ckpt;
    const config = template ? sameArchitecture(template.model, statedModel(), weightsFile, like!) : checkSeq2SeqConfig(parsed('model'), `${weightsFile}: metadata model`);
    const task = (template ? template.task : parsed('task')) as Seq2SeqCheckpoint['task'];
    if (typeof task?.name !== 'string') throw new ValueError(`${weightsFile}: metadata task: expected an object with a name`);
    const model = new Seq2Seq(config);
    loadTensors(model, tensors, weightsFile);
    writeSeq2SeqCheckpoint(out, model, task, null); // no metrics: they measured other weights
    return { format: SEQ2SEQ_FORMAT, from: template ? 'like' : 'metadata' };
  }
  if (format !== CHECKPOINT_FORMAT) {
    throw new ValueError(like === null
      ? `${weightsFile}: metadata "format" is ${JSON.stringify(format)}; expected "${CHECKPOINT_FORMAT}" or "${SEQ2SEQ_FORMAT}" (or give like, a checkpoint to build it as)`
      : `importWeights like: ${like} is not a checkpoint (format ${JSON.stringify(format)})`);
  }
  const template = like === null ? null : checkCheckpoint(base, `checkpoint ${like}`);
  const config = template ? sameArchitecture(template.model, statedModel(), weightsFile, like!) : checkModelConfig(parsed('model'), `${weightsFile}: metadata model`);
  const model = new SequenceModel(config);
  loadTensors(model, tensors, weightsFile);
  const weights = stateDict(model);
  const ckpt: Checkpoint = template
    ? {
      ...template, weights,
      optimizer: template.optimizer && { ...template.optimizer, state: {} }, // same optimizer and settings, fresh moments
      trainer: template.trainer && { ...template.trainer, bestWeights: weights, bestValLoss: null, bestStep: null, evalsSinceBest: 0 },
    }
    : {
      format: CHECKPOINT_FORMAT, format_version: CHECKPOINT_VERSION, model: config, weights, optimizer: null, schedule: { type: 'constant' },
      rng: null, counters: { step: 0, epoch: 0, batchInEpoch: 0 }, trainer: null, task: meta('task') === null ? null : parsed('task'),
    };
  writeCheckpoint(out, checkCheckpoint(ckpt, `${weightsFile}: the checkpoint it makes`));
  return { format: CHECKPOINT_FORMAT, from: template ? 'like' : 'metadata' };
}

/**
 * The architecture of `like`, after checking that the file's own, when it states one, is the same: shapes
 * alone cannot tell a tanh RNN from a ReLU one, or a 'last' head from an 'all' head.
 */
function sameArchitecture<T>(config: T, stated: unknown, weightsFile: string, like: string): T {
  if (stated !== null && canonical(stated) !== canonical(config)) {
    throw new ValueError(`${weightsFile} was exported from a model ${JSON.stringify(stated)}, but --like ${like} is ${JSON.stringify(config)}; give a checkpoint of the same architecture`);
  }
  return config;
}

/** JSON with every object's keys sorted, so that two equal configurations compare equal as text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}
