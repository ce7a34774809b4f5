import * as fs from 'fs';
import * as path from 'path';
import { ValueError, toFlat } from '../../lib/kernels/tensor';
import { Recurrent } from '../../lib/layers/recurrent';
import { SequenceModel } from '../../lib/models/sequence-model';
import { Seq2Seq } from '../../lib/models/seq2seq';
import {
  SafeTensorInput, architectureMetadata, loadSafetensors, parseSafetensors, readSafetensors, saveSafetensors, serializeSafetensors, writeSafetensors,
} from '../../lib/models/safetensors';
import { tmpDir } from '../synthetic';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'golden-safetensors');
const CASES = ['gru-with-head-f64', 'lstm-2layer-bi-f64', 'rnn-relu-nobias-f32'];

interface Reference {
  metadata: Record<string, string> | null;
  tensors: Record<string, { dtype: 'float64' | 'float32'; shape: number[]; values: number[] }>;
}
const reference = (name: string): Reference => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
const golden = (name: string) => fs.readFileSync(path.join(FIXTURES, `${name}.safetensors`));
const DTYPE = { float64: 'F64', float32: 'F32' } as const;

/**
 * The metadata of each reference file in the order of its header. The reference writer keeps metadata in a
 * hash map, so that order is not the one the JSON beside it lists; given in this order, ours writes the same bytes.
 */
const HEADER_ORDER: Record<string, [string, string][] | null> = {
  'gru-with-head-f64': [['cell', 'gru']],
  'lstm-2layer-bi-f64': [['numLayers', '2'], ['inputSize', '3'], ['bidirectional', 'true'], ['cell', 'lstm'], ['hiddenSize', '4']],
  'rnn-relu-nobias-f32': null,
};

/** A header (any text, or raw bytes) and a data section, as a file's bytes. */
function file(header: string | Buffer, data: Buffer = Buffer.alloc(0)): Buffer {
  const bytes = Buffer.from(header);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(bytes.length));
  return Buffer.concat([length, bytes, data]);
}

describe('safetensors, read against the reference library\'s files', () => {
  it.each(CASES)('%s: every tensor exactly as the reference wrote it (float32 widened exactly), and the metadata', (name) => {
    const ref = reference(name);
    const got = readSafetensors(path.join(FIXTURES, `${name}.safetensors`));
    expect([...got.tensors.keys()].sort()).toEqual(Object.keys(ref.tensors).sort());
    for (const [key, t] of Object.entries(ref.tensors)) {
      const mine = got.tensors.get(key)!;
      expect([mine.dtype, mine.shape]).toEqual([DTYPE[t.dtype], t.shape]);
      expect(Array.from(mine.data)).toEqual(t.values); // toEqual on numbers is Object.is: bit for bit, -0 too
    }
    expect(got.metadata === null ? null : Object.fromEntries(got.metadata)).toEqual(ref.metadata);
  });

  it.each(CASES)('%s: written from the same tensors and metadata, byte for byte', (name) => {
    const ref = reference(name);
    const tensors = new Map<string, SafeTensorInput>(Object.entries(ref.tensors).map(([k, t]) => [k, { dtype: DTYPE[t.dtype], shape: t.shape, data: t.values }]));
    const order = HEADER_ORDER[name];
    expect(order && Object.fromEntries(order)).toEqual(ref.metadata);
    expect(Buffer.from(serializeSafetensors(tensors, order && new Map(order))).equals(golden(name))).toBe(true);
    // And a file read here and written back is the same file.
    const read = parseSafetensors(golden(name));
    expect(Buffer.from(serializeSafetensors(read.tensors, read.metadata)).equals(golden(name))).toBe(true);
  });

  it('loads into the engine\'s layers: the names, shapes and gate order are PyTorch\'s', () => {
    const lstm = new Recurrent({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 9 });
    expect(Object.fromEntries(loadSafetensors(lstm, path.join(FIXTURES, 'lstm-2layer-bi-f64.safetensors'))!)).toEqual(reference('lstm-2layer-bi-f64').metadata);
    const w = lstm.namedParameters().find((p) => p.name === 'weight_ih_l1_reverse')!;
    expect(Array.from(toFlat(w.value))).toEqual(reference('lstm-2layer-bi-f64').tensors.weight_ih_l1_reverse.values);
    const gru = new SequenceModel({ mode: 'gru', inputSize: 5, hiddenSize: 3, head: { mode: 'last', outFeatures: 2 } });
    loadSafetensors(gru, path.join(FIXTURES, 'gru-with-head-f64.safetensors'));
    expect(Array.from(toFlat(gru.head!.params.weight))).toEqual(reference('gru-with-head-f64').tensors['head.weight'].values);
    const relu = new Recurrent({ mode: 'rnn_relu', inputSize: 2, hiddenSize: 3, bias: false });
    expect(loadSafetensors(relu, path.join(FIXTURES, 'rnn-relu-nobias-f32.safetensors'))).toBeNull();
  });
});

describe('writing safetensors', () => {
  it('orders tensors F64 first, then by name, whatever order they come in; F32 rounds to float32', () => {
    const tensors = new Map<string, SafeTensorInput>([
      ['b.f32', { dtype: 'F32', shape: [2], data: [0.1, -2.5] }],
      ['z.f64', { dtype: 'F64', shape: [], data: [Math.PI] }],
      ['a.f32', { dtype: 'F32', shape: [1, 1], data: [1 / 3] }],
      ['a.f64', { dtype: 'F64', shape: [0, 3], data: [] }],
    ]);
    const bytes = Buffer.from(serializeSafetensors(tensors, new Map([['b', '2'], ['a', 'é "quoted"']])));
    const n = Number(bytes.readBigUInt64LE(0));
    const header = bytes.subarray(8, 8 + n).toString();
    expect(header.trimEnd()).toBe(
      '{"__metadata__":{"b":"2","a":"é \\"quoted\\""},"a.f64":{"dtype":"F64","shape":[0,3],"data_offsets":[0,0]},'
      + '"z.f64":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"a.f32":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]},'
      + '"b.f32":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}',
    );
    expect(n % 8).toBe(0); // spaces pad the header to a multiple of 8 (fewer than 8 of them)
    expect(Buffer.byteLength(header) - Buffer.byteLength(header.trimEnd())).toBeLessThan(8);
    expect(bytes.length).toBe(8 + n + 20);
    const back = parseSafetensors(bytes);
    expect(Array.from(back.tensors.get('b.f32')!.data)).toEqual([Math.fround(0.1), -2.5]);
    expect(Array.from(back.tensors.get('a.f32')!.data)).toEqual([Math.fround(1 / 3)]);
    expect(Array.from(back.tensors.get('z.f64')!.data)).toEqual([Math.PI]);
    expect([...back.metadata!]).toEqual([['b', '2'], ['a', 'é "quoted"']]);
  });

  it('refuses what no reader could take back', () => {
    const one = (t: Partial<SafeTensorInput>) => new Map([['w', { dtype: 'F64', shape: [2], data: [1, 2], ...t } as SafeTensorInput]]);
    expect(() => serializeSafetensors(one({ shape: [3] }))).toThrow(new ValueError('writeSafetensors: tensor "w": 2 values do not fill shape [3]'));
    expect(() => serializeSafetensors(one({ dtype: 'BF16' as 'F64' }))).toThrow('writeSafetensors: tensor "w": dtype must be F64 or F32, got "BF16"');
    expect(() => serializeSafetensors(new Map([['__metadata__', one({}).get('w')!]]))).toThrow('"__metadata__" cannot name a tensor');
  });

  it('writes atomically: a failed write leaves the previous file whole', () => {
    const dir = tmpDir('st-'), target = path.join(dir, 'w.safetensors');
    const model = new Recurrent({ mode: 'gru', inputSize: 2, hiddenSize: 3, seed: 1 });
    saveSafetensors(model, target);
    const before = fs.readFileSync(target);
    model.namedParameters()[0].value.set(0, 1, NaN);
    expect(() => saveSafetensors(model, target)).toThrow('saveSafetensors: weight "weight_ih_l0": expected finite values, got NaN at row-major index 1 of [9,2]');
    expect(() => writeSafetensors(path.join(dir, 'no', 'such', 'dir.safetensors'), new Map())).toThrow(/could not be written .*; any previous file is unchanged$/);
    expect(fs.readFileSync(target).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['w.safetensors']); // no temporary file left behind
  });
});

describe('a model saved and loaded', () => {
  it('carries its architecture in the metadata: kind, model, and the recurrent part flat', () => {
    const dir = tmpDir('st-');
    const rnn = new Recurrent({ mode: 'rnn_relu', inputSize: 2, hiddenSize: 3, numLayers: 2, bias: false });
    saveSafetensors(rnn, path.join(dir, 'r.safetensors'), new Map([['cell', 'overridden by the caller'], ['extra', 'x']]));
    expect(Object.fromEntries(readSafetensors(path.join(dir, 'r.safetensors')).metadata!)).toEqual({
      kind: 'SequenceModel', model: JSON.stringify({ mode: 'rnn_relu', inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: false, bias: false, head: null }),
      cell: 'overridden by the caller', inputSize: '2', hiddenSize: '3', numLayers: '2', bidirectional: 'false', bias: 'false', extra: 'x',
    });
    const seq = new Seq2Seq({ mode: 'gru', sourceVocabSize: 7, targetVocabSize: 6, embeddingSize: 3, hiddenSize: 4, numLayers: 1, attention: true });
    expect(architectureMetadata(seq)).toEqual(new Map([['kind', 'Seq2Seq'], ['model', JSON.stringify(seq.toConfig())]]));
    expect(architectureMetadata({ namedParameters: () => [] })).toEqual(new Map());
  });

  it('comes back bit for bit, in F64; in F32 each weight rounds to float32', () => {
    const dir = tmpDir('st-');
    const a = new SequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 1, head: { mode: 'all', outFeatures: 5 } });
    const b = new SequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 2, head: { mode: 'all', outFeatures: 5 } });
    saveSafetensors(a, path.join(dir, 'a.safetensors'), new Map([['note', 'made by a spec']]));
    expect(loadSafetensors(b, path.join(dir, 'a.safetensors'))?.get('note')).toBe('made by a spec');
    b.namedParameters().forEach((p, k) => expect(Array.from(toFlat(p.value))).toEqual(Array.from(toFlat(a.namedParameters()[k].value))));
    saveSafetensors(a, path.join(dir, 'a32.safetensors'), null, 'F32');
    loadSafetensors(b, path.join(dir, 'a32.safetensors'));
    b.namedParameters().forEach((p, k) => expect(Array.from(toFlat(p.value))).toEqual(Array.from(toFlat(a.namedParameters()[k].value)).map(Math.fround)));
  });

  it('a missing, extra, misshapen or non-finite tensor is a one-line error and nothing is loaded', () => {
    const dir = tmpDir('st-');
    const model = new Recurrent({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3, seed: 1 });
    const original = model.namedParameters().map((p) => Array.from(toFlat(p.value)));
    const write = (name: string, edit: (m: Map<string, SafeTensorInput>) => void) => {
      const m = new Map<string, SafeTensorInput>(model.namedParameters().map((p) => [p.name, { dtype: 'F64', shape: p.value.shape, data: Array.from(toFlat(p.value)).map((v) => v + 1) }]));
      edit(m);
      writeSafetensors(path.join(dir, name), m);
      return path.join(dir, name);
    };
    const cases: [string, (m: Map<string, SafeTensorInput>) => void, string][] = [
      ['missing', (m) => m.delete('bias_hh_l0'), 'no tensor "bias_hh_l0" (the model needs one of shape [3])'],
      ['extra', (m) => m.set('weight_ih_l1', { dtype: 'F64', shape: [1], data: [0] }), 'tensor(s) "weight_ih_l1" are not parameters of this model, which has weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0'],
      ['shape', (m) => m.set('weight_hh_l0', { dtype: 'F64', shape: [9], data: Array(9).fill(0) }), 'tensor "weight_hh_l0": expected shape [3,3], got [9]'],
      ['nan', (m) => m.set('bias_ih_l0', { dtype: 'F64', shape: [3], data: [0, NaN, 0] }), 'tensor "bias_ih_l0": expected finite values, got NaN at row-major index 1 of [3]'],
    ];
    for (const [name, edit, message] of cases) {
      const f = write(`${name}.safetensors`, edit);
      expect(() => loadSafetensors(model, f)).toThrow(new ValueError(`${f}: ${message}`));
      expect(model.namedParameters().map((p) => Array.from(toFlat(p.value)))).toEqual(original);
    }
  });
});

describe('bad safetensors files: one line each, naming the file', () => {
  const TENSOR = '"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}';
  const DATA = Buffer.alloc(16);
  it.each([
    ['shorter than its header length', Buffer.from([1, 0, 0]), 'f: 3 bytes, shorter than the 8-byte header length that starts a safetensors file'],
    ['a header length past the end', file('{}').subarray(0, 9), 'f: the header length 2 runs past the end of the file (9 bytes)'],
    ['a huge header length', Buffer.from([255, 255, 255, 255, 255, 255, 255, 255, 123]), 'f: the header length 18446744073709551615 runs past the end of the file (9 bytes)'],
    ['a header that is not JSON', file('{"w": [1, 2'), 'f: header: not valid JSON at character 11: expected "]", found the end'],
    ['a header that is not an object', file('[1]'), 'f: the header must be a JSON object, got [1]'],
    ['a dtype other than F64 or F32', file('{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}', Buffer.alloc(4)), 'f: tensor "w": dtype BF16 is not supported; this reader takes F64 and F32'],
    ['offsets past the data', file(`{${TENSOR}}`, Buffer.alloc(8)), 'f: tensor "w": data_offsets [0, 16] are out of range: the data section has 8 bytes'],
    ['offsets backwards', file('{"w":{"dtype":"F64","shape":[0],"data_offsets":[8,0]}}', Buffer.alloc(8)), 'f: tensor "w": data_offsets [8, 0] are out of range'],
    ['a byte range that does not match the shape', file('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}', DATA), 'f: tensor "w": data_offsets [0, 16] hold 16 bytes, but shape [2] of F32 needs 8'],
    ['overlapping tensors', file(`{${TENSOR},"v":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}`, DATA), 'f: tensors "w" and "v" overlap (bytes 0–16 and 8–16 of the data section)'],
    ['a gap in the data', file('{"w":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}', DATA), 'f: bytes 0–8 of the data section belong to no tensor'],
    ['bytes after the last tensor', file(`{${TENSOR}}`, Buffer.alloc(24)), 'f: the data section has 24 bytes but its tensors end at byte 16'],
    ['a name given twice', file(`{${TENSOR},${TENSOR}}`, DATA), `f: header: the key "w" appears twice in one object (character ${1 + TENSOR.length + 1})`], // after "{", the first, ",
    ['a __proto__ key', file(`{"__proto__":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}`, DATA), 'f: header: the key "__proto__" (character 1) is not allowed'],
    ['a __proto__ key in the metadata', file(`{"__metadata__":{"__proto__":"x"},${TENSOR}}`, DATA), 'f: header: the key "__proto__" (character 17) is not allowed'],
    ['metadata that is not strings', file(`{"__metadata__":{"layers":2},${TENSOR}}`, DATA), 'f: __metadata__ "layers" must be a string, got 2'],
    ['an unknown field', file('{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16],"scale":2}}', DATA), 'f: tensor "w": unknown field "scale"'],
    ['a shape that is not counts', file('{"w":{"dtype":"F64","shape":[-2],"data_offsets":[0,16]}}', DATA), 'f: tensor "w": shape: expected a list of integers >= 0, got [-2]'],
    ['a header that is not UTF-8', file(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 'f: the header is not UTF-8 text'],
  ])('%s', (_name, bytes, message) => {
    expect(() => parseSafetensors(bytes, 'f')).toThrow(message);
    try {
      parseSafetensors(bytes, 'f');
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
      expect(err).toBeInstanceOf(ValueError);
    }
  });

  it('a file that cannot be read names it', () => {
    expect(() => readSafetensors('/no/such/file.safetensors')).toThrow(/^\/no\/such\/file.safetensors: cannot be read \(ENOENT/);
  });
});
