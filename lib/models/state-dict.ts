/**
 * Weights in PyTorch's state_dict layout as JSON: `{ "weight_ih_l0": [[...]], ..., "head.weight": [[...]] }`.
 *
 * The names are the only string keys in the engine: they map once onto the typed fields of the
 * cells and heads (through `namedParameters()`), so weights move between this engine and
 * `torch.nn.RNN / LSTM / GRU` (`model.load_state_dict({k: torch.tensor(v) ...})`) in both directions.
 */
import { Mat, fromNested, toNested, assertFinite, copyInto, shapeString, ValueError } from '../kernels/tensor';
import { NamedParameter } from '../kernels/parameter';
import { readText, writeFileAtomic } from '../platform/files';

export type StateDict = Record<string, unknown>;

/** Anything with named parameters: a `Recurrent` layer or a `SequenceModel`. */
export interface HasParameters {
  namedParameters(): NamedParameter[];
}

/** The model's parameters as nested arrays under their state_dict names, in state_dict order. */
export function stateDict(model: HasParameters): StateDict {
  const out: StateDict = {};
  for (const p of model.namedParameters()) out[p.name] = toNested(p.value);
  return out;
}

/**
 * Loads `dict` into the model. Every parameter must be present with exactly its shape and finite values;
 * an unknown key is an error too (it usually means a different architecture). Nothing is changed unless
 * the whole dict is valid. `what` names the source in error messages (a file name, say).
 */
export function loadStateDict(model: HasParameters, dict: unknown, what = 'state_dict'): void {
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw new ValueError(`${what}: expected an object of named tensors, got ${Array.isArray(dict) ? 'an array' : JSON.stringify(dict)}`);
  }
  const entries = dict as Record<string, unknown>;
  const params = model.namedParameters();
  const expected = new Set(params.map((p) => p.name));
  const unknown = Object.keys(entries).filter((k) => !expected.has(k));
  if (unknown.length > 0) {
    throw new ValueError(`${what}: unexpected key(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; this model has ${[...expected].join(', ')}`);
  }
  const loaded: Mat[] = [];
  for (const p of params) {
    if (!(p.name in entries)) throw new ValueError(`${what}: missing key "${p.name}" (expected a tensor of shape ${shapeString(p.value.shape)})`);
    const m = fromNested(entries[p.name], p.value.shape, `${what} "${p.name}"`);
    assertFinite(m, `${what} "${p.name}"`);
    loaded.push(m);
  }
  params.forEach((p, k) => copyInto(p.value, loaded[k]));
}

/**
 * Writes the state dict as JSON. The file is written beside the target and renamed over it only once
 * complete, so a failed save (full disk, crash) leaves any previous file intact.
 */
export function saveStateDict(model: HasParameters, file: string): void {
  writeFileAtomic(file, JSON.stringify(stateDict(model)) + '\n');
}

/** Reads a JSON state dict written by `saveStateDict` (or by PyTorch, as lists) into the model. */
export function loadStateDictFile(model: HasParameters, file: string): void {
  let dict: unknown;
  try {
    dict = JSON.parse(readText(file));
  } catch (err) {
    throw new ValueError(`${file}: cannot read a JSON state dict (${(err as Error).message})`);
  }
  loadStateDict(model, dict, file);
}
