/**
 * PyTorch conformance for training: optimizer traces (`optim-golden`) and gradient clipping
 * (`clip-golden`), both described in spec/fixtures/golden/FORMAT.md, sections 12 to 14.
 *
 * An optimizer case is run twice:
 *   full run      all K steps from the initial parameters; every step's parameters, and the state after
 *                 the last step, must match
 *   resumed run   each step k from PyTorch's own parameters and state after step k−1, loaded through the
 *                 same code a checkpoint uses; the update p_k − p_{k−1} and the new state must match
 * Tolerances are those of the core conformance: values (parameters) 1e-12 + 1e-10·|torch|, and the
 * purely relative 1e-9·|torch| + 1e-30 for updates, state tensors and clipped gradients. Step counts
 * and absent (null) buffers must match exactly.
 */
import { Mat, zeros, fromNested, toFlat, fromArray, ValueError } from '../kernels/tensor';
import { NamedParameter } from '../kernels/parameter';
import { createOptimizer } from '../training/optimizers';
import { OptimizerStateJson } from '../training/optimizer';
import { clipGradNorm, clipGradValue } from '../training/clip';
import { TensorComparison, compareTensors } from './compare';

interface OptimCase {
  optimizer: string;
  hyperparams: Record<string, unknown>;
  param_order: string[];
  params: Record<string, unknown>;
  steps: number;
  grads: Record<string, unknown>[];
  params_after: Record<string, unknown>[];
  state_after: Record<string, Record<string, unknown>>[];
  shapes: Record<string, number[]>;
}

interface ClipCase {
  function: string;
  args: Record<string, unknown>;
  total_norm?: number;
  clip_coef?: number;
  clipped: boolean;
  param_order: string[];
  grads: Record<string, unknown>;
  clipped_grads: Record<string, unknown>;
  shapes: Record<string, number[]>;
}

function need<T>(value: T | undefined | null, file: string, key: string): T {
  if (value === undefined || value === null) throw new ValueError(`${file}: missing key "${key}"`);
  return value;
}

/** Reads `dict[name]` for every name, as tensors of `shapes[name]` (a one-element scalar is a [1] tensor). */
function readTensors(dict: Record<string, unknown>, names: string[], shapes: Record<string, number[]>, file: string, key: string): Map<string, Mat> {
  const out = new Map<string, Mat>();
  for (const name of names) {
    const shape = need(shapes[name], file, `shapes.${name}`);
    const value = need(dict?.[name], file, `${key}.${name}`);
    out.set(name, shape.length === 0 ? fromNested([value], [1], `${file}: ${key}.${name}`) : fromNested(value, shape, `${file}: ${key}.${name}`));
  }
  return out;
}

/** A scalar as a [1] tensor, for comparisons. */
const scalar = (v: number): Mat => fromArray(Float64Array.of(v), [1]);

export function runOptimCase(c: OptimCase, file: string): TensorComparison[] {
  const names = need(c.param_order, file, 'param_order');
  const K = need(c.steps, file, 'steps');
  if (!Number.isInteger(K) || K < 1) throw new ValueError(`${file}: steps: expected an integer >= 1, got ${K}`);
  const initial = readTensors(need(c.params, file, 'params'), names, c.shapes, file, 'params');
  const grads = Array.from({ length: K }, (_, k) => readTensors(need(c.grads?.[k], file, `grads[${k}]`), names, c.shapes, file, `grads[${k}]`));
  const after = Array.from({ length: K }, (_, k) => readTensors(need(c.params_after?.[k], file, `params_after[${k}]`), names, c.shapes, file, `params_after[${k}]`));
  const stateAfter = Array.from({ length: K }, (_, k) => need(c.state_after?.[k], file, `state_after[${k}]`));

  const makeParams = (values: Map<string, Mat>, k: number): NamedParameter[] =>
    names.map((name) => ({ name, value: fromArray(toFlat(values.get(name) as Mat), (values.get(name) as Mat).shape), grad: grads[k].get(name) as Mat }));
  const out: TensorComparison[] = [];

  // Full run: K steps from the initial parameters.
  const full = createOptimizer(c.optimizer, c.hyperparams);
  const params = makeParams(initial, 0);
  for (let k = 0; k < K; k++) {
    params.forEach((p) => (p.grad = grads[k].get(p.name) as Mat));
    full.step(params);
    for (const p of params) out.push(compareTensors(`full step ${k + 1} ${p.name}`, 'value', p.value, after[k].get(p.name) as Mat));
  }
  out.push(...compareState(full.toJSON(), stateAfter[K - 1], names, c.shapes, file, `full state after step ${K}`));

  // Resumed run: each step from PyTorch's parameters and state after the step before.
  for (let k = 0; k < K; k++) {
    const opt = createOptimizer(c.optimizer, c.hyperparams);
    const before = k === 0 ? initial : after[k - 1];
    const ps = makeParams(before, k);
    if (k > 0) opt.loadJSON(torchStateToJson(opt.name, stateAfter[k - 1], names, file), ps, `${file}: state_after[${k - 1}]`);
    opt.step(ps);
    for (const p of ps) {
      const ours = zeros(p.value.shape), torch = zeros(p.value.shape);
      const b = toFlat(before.get(p.name) as Mat), a = toFlat(after[k].get(p.name) as Mat), o = toFlat(p.value);
      for (let i = 0; i < b.length; i++) {
        ours.data[i] = o[i] - b[i];
        torch.data[i] = a[i] - b[i];
      }
      out.push(compareTensors(`resumed step ${k + 1} update ${p.name}`, 'grad', ours, torch));
    }
    out.push(...compareState(opt.toJSON(), stateAfter[k], names, c.shapes, file, `resumed state after step ${k + 1}`));
  }
  return out;
}

/** PyTorch's state_after[k] (nested tensors) → our JSON form (flat arrays). */
function torchStateToJson(optimizer: OptimizerStateJson['optimizer'], state: Record<string, Record<string, unknown>>, names: string[], file: string): OptimizerStateJson {
  const out: OptimizerStateJson = { optimizer, hyperparams: {}, state: {} };
  for (const name of names) {
    const entry = need(state[name], file, `state_after.${name}`);
    out.state[name] = {};
    for (const [key, v] of Object.entries(entry)) {
      out.state[name][key] = v === null || typeof v === 'number' ? v : Array.from(toFlat(fromNested(v, null, `${file}: state_after.${name}.${key}`)));
    }
  }
  return out;
}

function compareState(
  ours: OptimizerStateJson, torch: Record<string, Record<string, unknown>>, names: string[], shapes: Record<string, number[]>, file: string, label: string,
): TensorComparison[] {
  const out: TensorComparison[] = [];
  for (const name of names) {
    const o = ours.state[name] ?? {}, t = need(torch[name], file, `state_after.${name}`);
    const keysO = Object.keys(o).sort().join(','), keysT = Object.keys(t).sort().join(',');
    if (keysO !== keysT) throw new ValueError(`${file}: ${label} ${name}: state keys ${keysO} differ from PyTorch's ${keysT}`);
    for (const key of Object.keys(t)) {
      const tv = t[key], ov = o[key];
      if (tv === null || typeof tv === 'number') {
        const same = ov === tv;
        out.push({ name: `${label} ${name}.${key}`, kind: 'value', count: 1, maxAbsError: same ? 0 : Infinity, maxRelError: same ? 0 : Infinity, ok: same });
      } else {
        const shape = shapes[name];
        const torchT = fromNested(tv, shape.length === 0 ? null : shape, `${file}: state_after.${name}.${key}`);
        const oursT = Array.isArray(ov) ? fromArray(Float64Array.from(ov), torchT.shape) : null;
        if (!oursT) throw new ValueError(`${file}: ${label} ${name}.${key}: PyTorch has a tensor, the engine has ${JSON.stringify(ov)}`);
        out.push(compareTensors(`${label} ${name}.${key}`, 'grad', oursT, torchT));
      }
    }
  }
  return out;
}

export function runClipCase(c: ClipCase, file: string): TensorComparison[] {
  const names = need(c.param_order, file, 'param_order');
  const grads = readTensors(need(c.grads, file, 'grads'), names, c.shapes, file, 'grads');
  const expected = readTensors(need(c.clipped_grads, file, 'clipped_grads'), names, c.shapes, file, 'clipped_grads');
  const params: NamedParameter[] = names.map((name) => ({ name, value: zeros((grads.get(name) as Mat).shape), grad: grads.get(name) as Mat }));
  const out: TensorComparison[] = [];
  let clipped: boolean;
  if (c.function === 'clip_grad_norm_') {
    const normType = c.args.norm_type === 'inf' ? 'inf' : c.args.norm_type === 2 ? 2 : null;
    if (normType === null) throw new ValueError(`${file}: args.norm_type: expected 2.0 or "inf", got ${JSON.stringify(c.args.norm_type)}`);
    const r = clipGradNorm(params, need(c.args.max_norm as number, file, 'args.max_norm'), normType);
    out.push(compareTensors('total_norm', 'value', scalar(r.normBefore), scalar(need(c.total_norm, file, 'total_norm'))));
    out.push(compareTensors('clip_coef', 'value', scalar(r.coef), scalar(need(c.clip_coef, file, 'clip_coef'))));
    clipped = r.clipped;
  } else if (c.function === 'clip_grad_value_') {
    clipped = clipGradValue(params, need(c.args.clip_value as number, file, 'args.clip_value')).clipped;
  } else {
    throw new ValueError(`${file}: function: expected "clip_grad_norm_" or "clip_grad_value_", got ${JSON.stringify(c.function)}`);
  }
  const sameFlag = clipped === c.clipped;
  out.push({ name: 'clipped', kind: 'value', count: 1, maxAbsError: sameFlag ? 0 : 1, maxRelError: sameFlag ? 0 : 1, ok: sameFlag });
  for (const p of params) out.push(compareTensors(`clipped_grads.${p.name}`, 'grad', p.grad, expected.get(p.name) as Mat));
  return out;
}

export type { OptimCase, ClipCase };
