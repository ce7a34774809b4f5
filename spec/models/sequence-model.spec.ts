import { zeros, toFlat, ValueError } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { SequenceModel } from '../../lib/models/sequence-model';
import { lossAndGradients, lossOnly } from '../../lib/models/objectives';
import { randn } from '../helpers';

const rng = new Rng(41);

describe('SequenceModel heads', () => {
  it("'last' reads output[T−1]: for a bidirectional net, the reverse half that has seen only x_{T−1}", () => {
    const model = new SequenceModel({ mode: 'lstm', inputSize: 2, hiddenSize: 3, bidirectional: true, head: { mode: 'last', outFeatures: 4 }, seed: 1 });
    const x = randn([5, 2, 2], rng);
    const { output, y } = model.forward(x);
    const direct = model.head!.forward(output.pick(4)).y;
    expect(toFlat(y!)).toEqual(toFlat(direct));
    expect(y!.shape).toEqual([2, 4]);
  });

  it("'mean' reads the mean of each sequence's own steps: padding changes nothing, and gets no gradient", () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, bidirectional: true, head: { mode: 'mean', outFeatures: 4 }, seed: 3 });
    const x = randn([5, 2, 2], rng), lengths = [5, 3];
    const { output, y } = model.forward(x, null, null, lengths);
    const pooled = zeros([2, 6]);
    for (let b = 0; b < 2; b++) for (let t = 0; t < lengths[b]; t++) for (let j = 0; j < 6; j++) pooled.set(b, j, pooled.get(b, j) + output.get(t, b, j) / lengths[b]);
    const direct = model.head!.forward(pooled).y;
    toFlat(y!).forEach((v, k) => expect(v).toBeCloseTo(toFlat(direct)[k], 14));
    const changed = x.data.slice();
    const padded = zeros([5, 2, 2]);
    padded.data.set(changed);
    for (let t = 3; t < 5; t++) padded.set(t, 1, 0, 99); // row 1's padding
    expect(toFlat(model.forward(padded, null, null, lengths).y!)).toEqual(toFlat(y!));
    model.zeroGrad();
    const { grads } = lossAndGradients(model, { x, lengths }, { type: 'ce_last', targets: [1, 3] });
    for (let t = 3; t < 5; t++) expect([grads.dx.get(t, 1, 0), grads.dx.get(t, 1, 1)]).toEqual([0, 0]);
    expect(Math.abs(grads.dx.get(0, 1, 0))).toBeGreaterThan(0);
  });

  it("'all' applies the head at every step: y is [T,B,K]", () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, head: { mode: 'all', outFeatures: 4 }, seed: 2 });
    const x = randn([5, 2, 2], rng);
    const { output, y } = model.forward(x);
    expect(y!.shape).toEqual([5, 2, 4]);
    const step3 = model.head!.forward(output.pick(3)).y;
    for (let b = 0; b < 2; b++) for (let k = 0; k < 4; k++) expect(y!.get(3, b, k)).toBeCloseTo(step3.get(b, k), 15);
  });

  it('the same seed gives the same model and the same loss, bit for bit', () => {
    const make = () => new SequenceModel({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3, head: { mode: 'last', outFeatures: 1 }, seed: 9 });
    const x = randn([4, 3, 2], rng), target = randn([3, 1], rng);
    const a = lossAndGradients(make(), { x }, { type: 'mse_last', target });
    const b = lossAndGradients(make(), { x }, { type: 'mse_last', target });
    expect(a.loss).toBe(b.loss);
    expect(toFlat(a.grads.dx)).toEqual(toFlat(b.grads.dx));
  });

  it('lossOnly equals the loss of lossAndGradients', () => {
    const model = new SequenceModel({ mode: 'lstm', inputSize: 2, hiddenSize: 3, head: { mode: 'all', outFeatures: 4 }, seed: 3 });
    const x = randn([3, 2, 2], rng);
    const objective = { type: 'ce_all' as const, targets: [0, 1, 2, 3, 0, 1] };
    expect(lossOnly(model, { x }, objective)).toBe(lossAndGradients(model, { x }, objective).loss);
  });

  it('rejects an objective that does not fit the head, and a dy without a head', () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, seed: 4 });
    const x = randn([3, 2, 2], rng);
    expect(() => lossAndGradients(model, { x }, { type: 'mse_last', target: zeros([2, 1]) }))
      .toThrow(new ValueError("lossAndGradients objective: 'mse_last' needs a model with head mode 'last' or 'mean', this model has 'none'"));
    const { cache } = model.forward(x);
    expect(() => model.backward(cache, { dy: zeros([2, 1]) })).toThrow('SequenceModel.backward dy: this model has no head');
  });
});
