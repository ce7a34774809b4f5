import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { toFlat, zeros, clone } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { SequenceModel, SequenceModelOptions } from '../../lib/models/sequence-model';
import { Seq2Seq } from '../../lib/models/seq2seq';
import { lossAndGradients } from '../../lib/models/objectives';
import { gradcheckModel } from '../../lib/diagnostics/gradcheck';
import { loadPretrainedEmbedding } from '../../lib/models/pretrained';
import { writeSafetensors } from '../../lib/models/safetensors';
import { createOptimizer } from '../../lib/training/optimizers';

const rng = new Rng(43);
const V = 5, T = 4, B = 3;

/** One-hot characters [T,B,V] and the next-character targets. */
function batch() {
  const ids = Array.from({ length: T * B }, () => rng.int(V));
  const x = zeros([T, B, V]);
  ids.forEach((k, n) => x.set(Math.floor(n / B), n % B, k, 1));
  return { x, ids, targets: Array.from({ length: T * B }, () => rng.int(V)) };
}
const lm = (extra: Partial<SequenceModelOptions>): SequenceModel =>
  new SequenceModel({ mode: 'gru', inputSize: V, hiddenSize: 4, numLayers: 2, seed: 3, head: { mode: 'all', outFeatures: V }, ...extra });

describe('an input embedding (EMB-2), tied to the output layer or frozen', () => {
  it('looks up row k for a one-hot x, and passes the gradient check', () => {
    const model = lm({ embedding: { dim: 3 } });
    const { x, ids, targets } = batch();
    const e = model.embedding!.forward(x);
    ids.forEach((k, n) => expect([0, 1, 2].map((j) => e.get(Math.floor(n / B), n % B, j))).toEqual([0, 1, 2].map((j) => model.embedding!.weight.get(k, j))));
    const rows = gradcheckModel(model, { x }, { type: 'ce_all', targets });
    expect(rows.map((r) => r.name)).toContain('embedding.weight');
    for (const r of rows) expect({ name: r.name, ok: r.ok }).toEqual({ name: r.name, ok: true });
  });

  it('tied: one tensor is both the embedding and the head, its gradient the sum over both uses (gradient-checked)', () => {
    const tied = lm({ embedding: { dim: 4, tied: true } });
    expect(tied.head!.params.weight).toBe(tied.embedding!.weight);
    const names = tied.namedParameters().map((p) => p.name);
    expect(names).toContain('embedding.weight');
    expect(names).not.toContain('head.weight');
    const { x, targets } = batch();
    for (const r of gradcheckModel(tied, { x }, { type: 'ce_all', targets })) expect({ name: r.name, ok: r.ok }).toEqual({ name: r.name, ok: true });
    // The same weights, untied: the tied gradient is the untied embedding's plus the untied head's.
    const untied = lm({ embedding: { dim: 4 } });
    const byName = new Map(tied.namedParameters().map((p) => [p.name, p]));
    for (const p of untied.namedParameters()) p.value.data.set((byName.get(p.name) ?? byName.get('embedding.weight'))!.value.data);
    lossAndGradients(tied, { x }, { type: 'ce_all', targets });
    lossAndGradients(untied, { x }, { type: 'ce_all', targets });
    const u = new Map(untied.namedParameters().map((p) => [p.name, toFlat(p.grad)]));
    const sum = u.get('embedding.weight')!.map((g, k) => g + u.get('head.weight')![k]);
    toFlat(byName.get('embedding.weight')!.grad).forEach((g, k) => expect(g).toBeCloseTo(sum[k], 13));
    expect(tied.toConfig()).toMatchObject({ inputSize: V, embedding: { dim: 4, tied: true, frozen: false } });
    const rebuilt = new SequenceModel(tied.toConfig());
    expect(rebuilt.head!.params.weight).toBe(rebuilt.embedding!.weight);
  });

  it('tied: refuses shapes that cannot be shared, and a frozen tied table', () => {
    expect(() => lm({ embedding: { dim: 3, tied: true } })).toThrow('SequenceModel embedding.tied: the head must map 3 features (embedding.dim) to 5 outputs (inputSize); it maps 4 to 5');
    expect(() => lm({ embedding: { dim: 4, tied: true, frozen: true } })).toThrow('a tied embedding is the output layer too, so it cannot be frozen');
  });

  it('frozen: no gradient, and no optimizer step moves it (not even weight decay); the rest trains', () => {
    const model = lm({ embedding: { dim: 3, frozen: true } });
    const before = toFlat(clone(model.embedding!.weight));
    const recurrent = toFlat(clone(model.rnn.params[0][0].weight_ih));
    const optimizer = createOptimizer('AdamW', { lr: 0.05, weight_decay: 0.5 });
    for (let s = 0; s < 3; s++) {
      const { x, targets } = batch();
      lossAndGradients(model, { x }, { type: 'ce_all', targets });
      expect(toFlat(model.embedding!.grad).every((g) => g === 0)).toBe(true);
      optimizer.step(model.namedParameters());
    }
    expect(toFlat(model.embedding!.weight)).toEqual(before);
    expect(toFlat(model.rnn.params[0][0].weight_ih)).not.toEqual(recurrent);
    expect(model.namedParameters().find((p) => p.name === 'embedding.weight')!.frozen).toBe(true);
  });

  it("the stepper reads through the embedding, bit for bit the whole pass", () => {
    const model = lm({ embedding: { dim: 4, tied: true } });
    const { x } = batch();
    const whole = model.forward(x).y!;
    const stepper = model.stepper(B);
    for (let t = 0; t < T; t++) expect(toFlat(stepper.step(x.pick(t)))).toEqual(toFlat(whole.pick(t)));
  });
});

describe('pretrained vectors (JSON or safetensors, with a vocabulary)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-pretrained-'));
  const tokens = ['<unk>', 'a', 'b', 'c', 'd'];

  it('fills each token\'s row from the file, in any order, and reports the tokens it lacks', () => {
    const json = path.join(dir, 'v.json');
    fs.writeFileSync(json, JSON.stringify({ vocabulary: ['c', 'zebra', 'a'], vectors: [[3, 3, 3], [9, 9, 9], [1, 1, 1]] }));
    const weight = zeros([5, 3]);
    weight.data.fill(-1);
    expect(loadPretrainedEmbedding(weight, tokens, json)).toEqual({ found: 2, missing: ['<unk>', 'b', 'd'] });
    expect([0, 1, 2, 3].map((v) => weight.get(v, 0))).toEqual([-1, 1, -1, 3]);
    const st = path.join(dir, 'v.safetensors');
    writeSafetensors(st, new Map([['weight', { dtype: 'F64' as const, shape: [2, 3], data: [7, 8, 9, 4, 5, 6] }]]), new Map([['vocabulary', JSON.stringify(['d', 'b'])]]));
    expect(loadPretrainedEmbedding(weight, tokens, st)).toEqual({ found: 2, missing: ['<unk>', 'a', 'c'] });
    expect([weight.get(4, 2), weight.get(2, 0)]).toEqual([9, 4]);
  });

  it('refuses vectors of another size, a file with none of the tokens, a vocabulary that repeats, naming the file', () => {
    const w = zeros([5, 3]);
    const write = (name: string, body: unknown) => { const f = path.join(dir, name); fs.writeFileSync(f, JSON.stringify(body)); return f; };
    const wide = write('wide.json', { vocabulary: ['a'], vectors: [[1, 2, 3, 4]] });
    expect(() => loadPretrainedEmbedding(w, tokens, wide)).toThrow(`${wide}: vectors of 4 values, but the embedding's are 3`);
    const none = write('none.json', { vocabulary: ['x'], vectors: [[1, 2, 3]] });
    expect(() => loadPretrainedEmbedding(w, tokens, none)).toThrow(`${none}: none of the model's 5 tokens has a vector there`);
    const twice = write('twice.json', { vocabulary: ['a', 'a'], vectors: [[1, 2, 3], [1, 2, 3]] });
    expect(() => loadPretrainedEmbedding(w, tokens, twice)).toThrow(`${twice}: the vocabulary lists a token twice`);
  });

  it('an encoder–decoder keeps a frozen source embedding through training: no gradient, no step', () => {
    const model = new Seq2Seq({ mode: 'gru', sourceVocabSize: 7, targetVocabSize: 6, embeddingSize: 3, hiddenSize: 4, numLayers: 1, attention: true, frozen: { source: true } });
    const before = toFlat(clone(model.sourceEmbedding.params.weight));
    const optimizer = createOptimizer('AdamW', { lr: 0.05, weight_decay: 0.5 });
    model.zeroGrad();
    model.loss({ sources: [[3, 4, 2], [5, 2]], targets: [[4, 2], [3, 5, 2]] }, { forced: [true, true], backward: true });
    expect(toFlat(model.sourceEmbedding.grads.weight).every((g) => g === 0)).toBe(true);
    expect(toFlat(model.targetEmbedding.grads.weight).some((g) => g !== 0)).toBe(true);
    optimizer.step(model.namedParameters());
    expect(toFlat(model.sourceEmbedding.params.weight)).toEqual(before);
    expect(toFlat(model.targetEmbedding.params.weight)).not.toEqual(toFlat(new Seq2Seq(model.toConfig()).targetEmbedding.params.weight));
  });
});
