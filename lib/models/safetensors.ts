/**
 * safetensors, both ways: the weight format of the PyTorch ecosystem.                 docs: docs/pytorch.md
 *
 *   bytes 0–7      N, the header's length, an unsigned 64-bit little-endian integer
 *   bytes 8…8+N    the header: JSON, padded with spaces so that 8 + N is a multiple of 8
 *                  { "__metadata__": { string: string, … },                       (optional)
 *                    "name": { "dtype": "F64", "shape": [16, 3], "data_offsets": [begin, end] }, … }
 *   the rest       the data section: each tensor's values, row-major, little-endian, at [begin, end)
 *
 * Layout rules of the reference writer (Python `safetensors`), read off its files and followed by
 * `writeSafetensors` so that the same tensors give the same bytes: tensors sorted by dtype (F64 before
 * F32), then by name; the header lists them in that order, each as {dtype, shape, data_offsets}, with
 * `__metadata__` first when there is any; the data section holds them in the same order, back to back.
 * The metadata's keys keep the order they are given in (the reference writer keeps a hash map, so its
 * order is not reproducible; a file read here and written back gives the same bytes).
 *
 * The reader takes F64 and F32 (widened exactly to float64) and refuses, in one line naming the file,
 * anything else: a file shorter than its header, a header length past the end, a header that is not JSON,
 * another dtype, offsets out of range or overlapping or leaving a gap, a byte range that does not match
 * shape × dtype size, a name given twice, a "__proto__" key.
 */
import { Mat, ValueError, assertFinite, copyInto, fromArray, shapeString, toFlat } from '../kernels/tensor';
import { Recurrent } from '../layers/recurrent';
import { HasParameters } from './state-dict';
import { SequenceModel } from './sequence-model';
import { Seq2Seq } from './seq2seq';
import { JsonValue, parseStrictJson } from './strict-json';
import { readBytes, writeFileAtomic } from '../platform/files';

export type SafetensorsDtype = 'F64' | 'F32';
const ITEM_BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4 };
const DTYPE_ORDER: Record<SafetensorsDtype, number> = { F64: 0, F32: 1 }; // the wider dtype first, as the reference writer sorts

/** One tensor of a file: its dtype on disk, its shape, and its values as float64, row-major. */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float64Array;
}

export interface SafetensorsContent {
  tensors: Map<string, SafeTensor>; // in the order of the header
  metadata: Map<string, string> | null; // null when the file has no __metadata__
}

/** Reads a safetensors file; every problem is one line that names the file. */
export function readSafetensors(file: string): SafetensorsContent {
  let bytes: Uint8Array;
  try {
    bytes = readBytes(file);
  } catch (err) {
    throw new ValueError(`${file}: cannot be read (${(err as Error).message})`);
  }
  return parseSafetensors(bytes, file);
}

/** Parses the bytes of a safetensors file; `what` names it in errors. */
export function parseSafetensors(bytes: Uint8Array, what = 'safetensors'): SafetensorsContent {
  if (bytes.length < 8) throw new ValueError(`${what}: ${bytes.length} bytes, shorter than the 8-byte header length that starts a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) throw new ValueError(`${what}: the header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  const headerEnd = 8 + Number(n), dataBytes = bytes.length - headerEnd;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd));
  } catch {
    throw new ValueError(`${what}: the header is not UTF-8 text`);
  }
  const header = parseStrictJson(text, `${what}: header`);
  if (!(header instanceof Map)) throw new ValueError(`${what}: the header must be a JSON object, got ${describe(header)}`);

  let metadata: Map<string, string> | null = null;
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of header) {
    if (name === '__metadata__') {
      metadata = readMetadata(info, what);
      continue;
    }
    entries.push({ name, ...readTensorInfo(name, info, dataBytes, what) });
  }

  // The tensors must tile the data section: no overlap, no gap, nothing after the last one.
  const byStart = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  byStart.forEach((e, k) => {
    if (e.begin < covered) throw new ValueError(`${what}: tensors "${byStart[k - 1].name}" and "${e.name}" overlap (bytes ${byStart[k - 1].begin}–${byStart[k - 1].end} and ${e.begin}–${e.end} of the data section)`);
    if (e.begin > covered) throw new ValueError(`${what}: bytes ${covered}–${e.begin} of the data section belong to no tensor`);
    covered = e.end;
  });
  if (covered !== dataBytes) throw new ValueError(`${what}: the data section has ${dataBytes} bytes but its tensors end at byte ${covered}`);

  const tensors = new Map<string, SafeTensor>();
  for (const e of entries) {
    const size = ITEM_BYTES[e.dtype], count = (e.end - e.begin) / size, at = headerEnd + e.begin;
    const data = new Float64Array(count);
    for (let k = 0; k < count; k++) data[k] = e.dtype === 'F64' ? view.getFloat64(at + 8 * k, true) : view.getFloat32(at + 4 * k, true);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

function readMetadata(info: JsonValue, what: string): Map<string, string> {
  if (!(info instanceof Map)) throw new ValueError(`${what}: __metadata__ must be an object of strings, got ${describe(info)}`);
  for (const [k, v] of info) if (typeof v !== 'string') throw new ValueError(`${what}: __metadata__ "${k}" must be a string, got ${describe(v)}`);
  return info as Map<string, string>;
}

function readTensorInfo(name: string, info: JsonValue, dataBytes: number, what: string): { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number } {
  const where = `${what}: tensor "${name}"`;
  if (!(info instanceof Map)) throw new ValueError(`${where}: expected {dtype, shape, data_offsets}, got ${describe(info)}`);
  for (const k of info.keys()) if (!['dtype', 'shape', 'data_offsets'].includes(k)) throw new ValueError(`${where}: unknown field "${k}"`);
  const dtype = info.get('dtype');
  if (typeof dtype !== 'string') throw new ValueError(`${where}: dtype: expected a string, got ${describe(dtype)}`);
  if (dtype !== 'F64' && dtype !== 'F32') throw new ValueError(`${where}: dtype ${dtype} is not supported; this reader takes F64 and F32`);
  const shape = info.get('shape'), offsets = info.get('data_offsets');
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new ValueError(`${where}: shape: expected a list of integers >= 0, got ${describe(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) throw new ValueError(`${where}: data_offsets: expected [begin, end], two integers >= 0, got ${describe(offsets)}`);
  const [begin, end] = offsets as number[];
  if (begin > end || end > dataBytes) throw new ValueError(`${where}: data_offsets [${begin}, ${end}] are out of range: the data section has ${dataBytes} bytes`);
  const needed = (shape as number[]).reduce((p, d) => p * d, 1) * ITEM_BYTES[dtype];
  if (end - begin !== needed) throw new ValueError(`${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but shape ${shapeString(shape as number[])} of ${dtype} needs ${needed}`);
  return { dtype, shape: shape as number[], begin, end };
}

const isCount = (v: JsonValue) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const describe = (v: JsonValue | undefined) => (v === undefined ? 'nothing' : v instanceof Map ? 'an object' : JSON.stringify(v));

/** What to write: a tensor's dtype on disk, its shape and its values (row-major). */
export interface SafeTensorInput {
  dtype: SafetensorsDtype;
  shape: readonly number[];
  data: ArrayLike<number>;
}

/**
 * The bytes of a safetensors file holding `tensors` (F32 values are rounded to the nearest float32) and,
 * if given, `metadata` (written in its own key order). The layout is the reference writer's (see top).
 */
export function serializeSafetensors(tensors: ReadonlyMap<string, SafeTensorInput>, metadata: ReadonlyMap<string, string> | null = null): Uint8Array {
  for (const [name, t] of tensors) {
    if (name === '' || name === '__metadata__' || name === '__proto__') throw new ValueError(`writeSafetensors: ${JSON.stringify(name)} cannot name a tensor`);
    if (t.dtype !== 'F64' && t.dtype !== 'F32') throw new ValueError(`writeSafetensors: tensor "${name}": dtype must be F64 or F32, got ${JSON.stringify(t.dtype)}`);
    const count = t.shape.reduce((p, d) => p * d, 1);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || t.data.length !== count) {
      throw new ValueError(`writeSafetensors: tensor "${name}": ${t.data.length} values do not fill shape ${shapeString(t.shape)}`);
    }
  }
  for (const [k, v] of metadata ?? []) {
    if (typeof v !== 'string' || k === '__proto__') throw new ValueError(`writeSafetensors: metadata "${k}" must be a string under an ordinary key, got ${JSON.stringify(v)}`);
  }
  const order = [...tensors.keys()].sort((a, b) => DTYPE_ORDER[tensors.get(a)!.dtype] - DTYPE_ORDER[tensors.get(b)!.dtype] || Buffer.compare(Buffer.from(a), Buffer.from(b)));

  const fields: string[] = [];
  if (metadata) fields.push(`"__metadata__":{${[...metadata].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  let offset = 0;
  for (const name of order) {
    const t = tensors.get(name)!;
    const end = offset + t.data.length * ITEM_BYTES[t.dtype];
    fields.push(`${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = Buffer.from(`{${fields.join(',')}}`, 'utf8');
  const headerLength = Math.ceil(json.length / 8) * 8; // spaces pad the header so the data starts 8-aligned
  const out = Buffer.alloc(8 + headerLength + offset, 0x20);
  out.writeBigUInt64LE(BigInt(headerLength), 0);
  json.copy(out, 8);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = 8 + headerLength;
  for (const name of order) {
    const t = tensors.get(name)!;
    for (let k = 0; k < t.data.length; k++, at += ITEM_BYTES[t.dtype]) {
      if (t.dtype === 'F64') view.setFloat64(at, t.data[k], true);
      else view.setFloat32(at, t.data[k], true);
    }
  }
  return out;
}

/** Writes a safetensors file atomically: the previous file stays whole if anything fails. */
export function writeSafetensors(file: string, tensors: ReadonlyMap<string, SafeTensorInput>, metadata: ReadonlyMap<string, string> | null = null): void {
  const bytes = serializeSafetensors(tensors, metadata);
  try {
    writeFileAtomic(file, bytes);
  } catch (err) {
    throw new ValueError(`${file}: could not be written (${(err as Error).message}); any previous file is unchanged`);
  }
}

/**
 * Saves a model's parameters under their state_dict names (`weight_ih_l0`, `head.weight`, …). The metadata
 * holds the architecture (`architectureMetadata`), then `metadata` (`unrolled export` adds the task); it is
 * returned as written. Weights that are not all finite are refused and nothing is written.
 */
export function saveSafetensors(model: HasParameters, file: string, metadata: ReadonlyMap<string, string> | null = null, dtype: SafetensorsDtype = 'F64'): Map<string, string> {
  const tensors = new Map<string, SafeTensorInput>();
  for (const p of model.namedParameters()) {
    assertFinite(p.value, `saveSafetensors: weight "${p.name}"`);
    tensors.set(p.name, { dtype, shape: p.value.shape, data: toFlat(p.value) }); // row-major, whatever view the parameter is
  }
  const written = new Map([...architectureMetadata(model), ...(metadata ?? [])]);
  writeSafetensors(file, tensors, written);
  return written;
}

/**
 * What rebuilds a model, as metadata strings: `kind` ("SequenceModel" or "Seq2Seq"; a `Recurrent` is a
 * SequenceModel without a head: the same parameters), `model` (its config as JSON) and, for a recurrent
 * model, the same flat for reading from Python: cell, inputSize, hiddenSize, numLayers, bidirectional, bias.
 * Empty for any other model.
 */
export function architectureMetadata(model: HasParameters): Map<string, string> {
  const m = new Map<string, string>();
  if (model instanceof Seq2Seq) return m.set('kind', 'Seq2Seq').set('model', JSON.stringify(model.toConfig()));
  const config = model instanceof SequenceModel ? model.toConfig() : model instanceof Recurrent ? { ...model.toConfig(), head: null } : null;
  if (!config) return m;
  return m.set('kind', 'SequenceModel').set('model', JSON.stringify(config)).set('cell', config.mode).set('inputSize', String(config.inputSize))
    .set('hiddenSize', String(config.hiddenSize)).set('numLayers', String(config.numLayers)).set('bidirectional', String(config.bidirectional)).set('bias', String(config.bias));
}

/**
 * Loads a safetensors file into the model: every parameter must be there with exactly its shape and
 * finite values, and no other tensor; otherwise nothing is changed. Returns the file's metadata.
 */
export function loadSafetensors(model: HasParameters, file: string): Map<string, string> | null {
  const { tensors, metadata } = readSafetensors(file);
  loadTensors(model, tensors, file);
  return metadata;
}

/** Copies tensors read from `what` into the model's parameters, all or nothing. */
export function loadTensors(model: HasParameters, tensors: ReadonlyMap<string, SafeTensor>, what: string): void {
  const params = model.namedParameters();
  const expected = new Set(params.map((p) => p.name));
  const extra = [...tensors.keys()].filter((k) => !expected.has(k));
  if (extra.length) throw new ValueError(`${what}: tensor(s) ${extra.map((k) => JSON.stringify(k)).join(', ')} are not parameters of this model, which has ${[...expected].join(', ')}`);
  const loaded: Mat[] = params.map((p) => {
    const t = tensors.get(p.name);
    if (!t) throw new ValueError(`${what}: no tensor "${p.name}" (the model needs one of shape ${shapeString(p.value.shape)})`);
    if (shapeString(t.shape) !== shapeString(p.value.shape)) throw new ValueError(`${what}: tensor "${p.name}": expected shape ${shapeString(p.value.shape)}, got ${shapeString(t.shape)}`);
    const m = fromArray(t.data, p.value.shape);
    assertFinite(m, `${what}: tensor "${p.name}"`);
    return m;
  });
  params.forEach((p, k) => copyInto(p.value, loaded[k]));
}
