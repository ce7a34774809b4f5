/**
 * PyTorch conformance: runs the cases exported from PyTorch (`rnn-golden` format, described in
 * spec/fixtures/golden/FORMAT.md) through the engine and compares every number, element by element.
 * `optim-golden` and `clip-golden` cases are handed to conformance-train.ts, `audio-golden` and
 * `ctc-golden` (the speech front end, the CTC loss) to conformance-audio.ts. The tolerances and the
 * element-by-element comparison are in compare.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Mat, fromNested, toFlat, ValueError } from '../kernels/tensor';
import { assertCellKind } from '../cells/cell-params';
import { SequenceModel, SequenceModelOptions } from '../models/sequence-model';
import { Engine } from '../layers/recurrent';
import { Objective, lossAndGradients } from '../models/objectives';
import { loadStateDict } from '../models/state-dict';
import { OptimCase, ClipCase, runOptimCase, runClipCase } from './conformance-train';
import { AudioCase, CtcCase, runAudioCase, runCtcCase } from './conformance-audio';
import { TensorComparison, compareTensors } from './compare';

export interface CaseReport {
  file: string;
  name: string;
  ok: boolean;
  comparisons: TensorComparison[];
  error: string | null; // set when the case could not be run (bad file, unsupported feature)
}

/**
 * Runs one parsed case file, its recurrent layers on `engine` (the fast one by default, or the textbook
 * one). Never throws: a case that cannot be run is reported with `error`.
 */
export function runGoldenCase(json: unknown, file: string, engine: Engine = 'fast'): CaseReport {
  const name = (json as { name?: string })?.name ?? path.basename(file);
  try {
    const format = (json as { format?: unknown })?.format;
    const version = (json as { format_version?: unknown })?.format_version;
    if ((format === 'optim-golden' || format === 'clip-golden') && version !== 1) {
      throw new ValueError(`${file}: format_version: expected 1, got ${JSON.stringify(version)}`);
    }
    const speechVersion = (json as { version?: unknown })?.version;
    if ((format === 'audio-golden' || format === 'ctc-golden') && speechVersion !== 1) {
      throw new ValueError(`${file}: version: expected 1, got ${JSON.stringify(speechVersion)}`);
    }
    const comparisons = format === 'optim-golden' ? runOptimCase(json as OptimCase, file)
      : format === 'clip-golden' ? runClipCase(json as ClipCase, file)
      : format === 'audio-golden' ? runAudioCase(json as AudioCase, file)
      : format === 'ctc-golden' ? runCtcCase(json as CtcCase, file)
        : runCase(json as GoldenCase, file, engine);
    return { file, name, ok: comparisons.every((c) => c.ok), comparisons, error: null };
  } catch (err) {
    return { file, name, ok: false, comparisons: [], error: (err as Error).message };
  }
}

/** Every `*.json` case in `dir` except `index.json`, in file-name order. */
export function runGoldenDir(dir: string, engine: Engine = 'fast'): CaseReport[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ValueError(`runGoldenDir dir: ${dir} is not a directory`);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();
  if (files.length === 0) throw new ValueError(`runGoldenDir dir: no case files (*.json) in ${dir}`);
  return files.map((f) => {
    const file = path.join(dir, f);
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      return { file, name: f, ok: false, comparisons: [], error: `not valid JSON: ${(err as Error).message}` };
    }
    return runGoldenCase(json, file, engine);
  });
}

/** `inputs.lengths`: a flat list of integers (their range is checked by the layer, against T and B). */
function readLengths(value: unknown, file: string): number[] {
  if (!Array.isArray(value) || !value.every((n) => typeof n === 'number')) {
    throw new ValueError(`${file}: inputs.lengths: expected a list of integers, got ${JSON.stringify(value)?.slice(0, 60)}`);
  }
  return value as number[];
}

interface GoldenCase {
  format: string;
  format_version: number;
  config: Record<string, unknown>;
  param_order: string[];
  params: Record<string, unknown>;
  inputs: { x: unknown; h0?: unknown; c0?: unknown; lengths?: unknown };
  outputs: Record<string, unknown>;
  loss: Record<string, unknown>;
  grads: { params: Record<string, unknown>; x: unknown; h0: unknown; c0?: unknown };
  shapes?: Record<string, number[]>;
}

/** One number of a case as the engine computed it, and the key of the case's number to compare it with. */
export interface CaseTensor {
  name: string; // as the comparison names it: "output", "grads.weight_hh_l0"
  kind: 'value' | 'grad';
  ours: Mat;
  key: string; // "outputs.output", "grads.params.weight_hh_l0", "loss.value"
}

/**
 * Runs an rnn-golden case through the engine (`engine`) and returns every number the comparison reads:
 * outputs, loss, and the gradients of the parameters, x, h0 (c0). A spec runs both engines with it.
 */
export function goldenCaseTensors(json: unknown, file: string, engine: Engine): CaseTensor[] {
  return caseTensors(json as GoldenCase, file, engine).rows;
}

function caseTensors(c: GoldenCase, file: string, engine: Engine): { rows: CaseTensor[]; read: (value: unknown, key: string) => Mat } {
  if (c?.format !== 'rnn-golden') {
    throw new ValueError(`${file}: format: expected "rnn-golden", "optim-golden", "clip-golden", "audio-golden" or "ctc-golden", got ${JSON.stringify(c?.format)}`);
  }
  if (c.format_version !== 1) throw new ValueError(`${file}: format_version: expected 1, got ${JSON.stringify(c.format_version)}`);
  for (const key of ['config', 'params', 'inputs', 'outputs', 'loss', 'grads'] as const) {
    if (typeof c[key] !== 'object' || c[key] === null) throw new ValueError(`${file}: missing key "${key}"`);
  }
  const cfg = c.config;
  assertCellKind(cfg.kind, `${file}: config.kind`);
  const int = (key: string): number => {
    const v = cfg[key];
    if (!Number.isInteger(v) || (v as number) < 1) throw new ValueError(`${file}: config.${key}: expected an integer >= 1, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const lossType = c.loss.type;
  if (lossType !== 'probe' && lossType !== 'mse_last' && lossType !== 'ce_all') {
    throw new ValueError(`${file}: loss.type: expected "probe", "mse_last" or "ce_all", got ${JSON.stringify(lossType)}`);
  }
  const head = cfg.head as { out_features?: number; bias?: boolean } | undefined;
  if (lossType !== 'probe' && !head) throw new ValueError(`${file}: loss.type "${lossType}" needs config.head`);
  const options: SequenceModelOptions = {
    mode: cfg.kind,
    inputSize: int('input_size'),
    hiddenSize: int('hidden_size'),
    numLayers: int('num_layers'),
    bidirectional: cfg.bidirectional === true,
    bias: cfg.bias !== false,
    projSize: typeof cfg.proj_size === 'number' ? cfg.proj_size : 0, // an LSTM's projection (golden-proj/)
    engine,
    head: head && lossType !== 'probe'
      ? { mode: lossType === 'mse_last' ? 'last' : 'all', outFeatures: head.out_features as number, bias: head.bias !== false }
      : undefined,
  };
  const model = new SequenceModel(options);
  const shapes = c.shapes ?? {};
  const read = (value: unknown, key: string): Mat => fromNested(value, shapes[key] ?? null, `${file}: ${key}`);
  const optional = (value: unknown, key: string): Mat | null => (value === null || value === undefined ? null : read(value, key));

  // Parameters: the case's names are the model's state_dict names.
  loadStateDict(model, c.params, `${file}: params`);
  const x = read(c.inputs.x, 'inputs.x');
  const h0 = optional(c.inputs.h0, 'inputs.h0');
  const c0 = optional(c.inputs.c0, 'inputs.c0');
  const isLstm = cfg.kind === 'lstm';

  let objective: Objective;
  if (lossType === 'probe') {
    objective = { type: 'probe', G: read(c.loss.G, 'loss.G'), Gh: read(c.loss.Gh, 'loss.Gh'), Gc: isLstm ? read(c.loss.Gc, 'loss.Gc') : null };
  } else if (lossType === 'mse_last') {
    objective = { type: 'mse_last', target: read(c.loss.target, 'loss.target') };
  } else {
    objective = { type: 'ce_all', targets: toFlat(read(c.loss.targets, 'loss.targets')) };
  }
  const lengths = c.inputs.lengths === undefined || c.inputs.lengths === null ? null : readLengths(c.inputs.lengths, file);
  const r = lossAndGradients(model, { x, h0, c0, lengths }, objective);

  // The engine's numbers, each with the key of the case's number it is compared with.
  const rows: CaseTensor[] = [];
  const value = (name: string, ours: Mat | null, key: string): void => {
    if (!ours) throw new ValueError(`${file}: the engine produced no ${name}`);
    rows.push({ name, kind: 'value', ours, key });
  };
  value('output', r.forward.output, 'outputs.output');
  value('h_n', r.forward.h_n, 'outputs.h_n');
  if (isLstm) value('c_n', r.forward.c_n, 'outputs.c_n');
  if (lossType !== 'probe') value('head_output', r.forward.y, 'outputs.head_output');
  rows.push({ name: 'loss', kind: 'value', ours: fromNested([r.loss], null, 'loss'), key: 'loss.value' });
  for (const p of model.namedParameters()) rows.push({ name: `grads.${p.name}`, kind: 'grad', ours: p.grad, key: `grads.params.${p.name}` });
  rows.push({ name: 'grads.x', kind: 'grad', ours: r.grads.dx, key: 'grads.x' });
  rows.push({ name: 'grads.h0', kind: 'grad', ours: r.grads.dh0, key: 'grads.h0' });
  if (isLstm) rows.push({ name: 'grads.c0', kind: 'grad', ours: r.grads.dc0 as Mat, key: 'grads.c0' });
  return { rows, read };
}

/** The case's stored number at a dotted key ("grads.params.weight_hh_l0"), or undefined. */
function storedAt(c: GoldenCase, key: string): unknown {
  if (key === 'loss.value') return [c.loss.value];
  const [head, ...rest] = key.split('.');
  let v: unknown = (c as unknown as Record<string, unknown>)[head];
  if (head === 'grads' && rest[0] === 'params') return c.grads.params?.[rest.slice(1).join('.')];
  for (const k of rest) v = (v as Record<string, unknown> | undefined)?.[k];
  return v;
}

function runCase(c: GoldenCase, file: string, engine: Engine): TensorComparison[] {
  const { rows, read } = caseTensors(c, file, engine);
  if (typeof c.loss.value !== 'number') throw new ValueError(`${file}: loss.value: expected a number, got ${JSON.stringify(c.loss.value)}`);
  return rows.map((t) => {
    const stored = storedAt(c, t.key);
    if (stored === undefined || stored === null) throw new ValueError(`${file}: missing key "${t.key}"`);
    return compareTensors(t.name, t.kind, t.ours, t.key === 'loss.value' ? fromNested(stored, null, 'loss') : read(stored, t.key));
  });
}
