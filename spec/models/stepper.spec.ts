import { zeros, toFlat, clone } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { SequenceModel, SequenceModelOptions } from '../../lib/models/sequence-model';
import { randn } from '../helpers';

const rng = new Rng(37);

describe('SequenceModel.stepper(): one step at a time, exact against the whole forward pass', () => {
  const heads: SequenceModelOptions['head'][] = [null, { mode: 'all', outFeatures: 4 }, { mode: 'last', outFeatures: 2 }];
  for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const) {
    for (const head of heads) {
      it(`${mode}, two layers, head ${head?.mode ?? 'none'}: every y_t and the final state, bit for bit, then reset starts again`, () => {
        const model = new SequenceModel({ mode, inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 4, head });
        const T = 7, B = 2;
        const x = randn([T, B, 3], rng);
        const h0 = randn([2, B, 5], rng), c0 = mode === 'lstm' ? randn([2, B, 5], rng) : null;
        const whole = model.forward(x, h0, c0);
        const stepper = model.stepper(B);
        stepper.reset(h0, c0);
        const collect = () => Array.from({ length: T }, (_, t) => toFlat(clone(stepper.step(x.pick(t)))));
        const ys = collect();
        for (let t = 0; t < T; t++) {
          const expected = head?.mode === 'all' ? whole.y!.pick(t) : head?.mode === 'last' ? model.forward(x.hi(t + 1), h0, c0).y! : whole.output.pick(t);
          expect(ys[t]).toEqual(toFlat(expected));
        }
        expect(toFlat(stepper.state.h)).toEqual(toFlat(whole.h_n));
        if (c0) expect(toFlat(stepper.state.c!)).toEqual(toFlat(whole.c_n!));
        expect(stepper.steps).toBe(T);
        stepper.reset(h0, c0);
        expect(collect()).toEqual(ys);
      });
    }
  }

  it('an LSTM with a projection (proj_size): h_t of P values carried, bit for bit the whole pass', () => {
    const model = new SequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 5, projSize: 2, numLayers: 2, seed: 6, head: { mode: 'all', outFeatures: 4 } });
    const x = randn([6, 2, 3], rng), h0 = randn([2, 2, 2], rng), c0 = randn([2, 2, 5], rng);
    const whole = model.forward(x, h0, c0);
    const stepper = model.stepper(2);
    stepper.reset(h0, c0);
    for (let t = 0; t < 6; t++) expect(toFlat(stepper.step(x.pick(t)))).toEqual(toFlat(whole.y!.pick(t)));
    expect(toFlat(stepper.state.h)).toEqual(toFlat(whole.h_n));
    expect(toFlat(stepper.state.c!)).toEqual(toFlat(whole.c_n!));
  });

  it("a 'mean' head reads the mean of the steps so far (to rounding: a running sum divided once)", () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 4, seed: 2, head: { mode: 'mean', outFeatures: 3 } });
    const x = randn([5, 1, 3], rng);
    const stepper = model.stepper();
    for (let t = 0; t < 5; t++) {
      const y = toFlat(stepper.step(x.pick(t)));
      const expected = toFlat(model.forward(x.hi(t + 1)).y!);
      y.forEach((v, k) => expect(Math.abs(v - expected[k])).toBeLessThan(1e-14));
    }
  });

  it('keeps its buffers: the same tensor comes back at every step (copy it to keep a value)', () => {
    const model = new SequenceModel({ mode: 'lstm', inputSize: 2, hiddenSize: 3, seed: 1, head: { mode: 'all', outFeatures: 2 } });
    const stepper = model.stepper();
    const first = stepper.step(randn([1, 2], rng));
    const value = toFlat(first);
    const second = stepper.step(randn([1, 2], rng));
    expect(second).toBe(first);
    expect(toFlat(second)).not.toEqual(value);
  });

  it('re-packs the weights on reset, so it follows a model that was trained since', () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, seed: 1 });
    const stepper = model.stepper();
    const x = randn([1, 2], rng);
    const before = toFlat(clone(stepper.step(x)));
    model.rnn.params[0][0].weight_ih.data[0] += 0.5;
    stepper.reset();
    const after = toFlat(stepper.step(x));
    expect(after).toEqual(toFlat(model.forward(fromStep(x)).output.pick(0)));
    expect(after).not.toEqual(before);
  });

  it('refuses what it cannot do, naming the argument', () => {
    expect(() => new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, bidirectional: true }).stepper()).toThrow('SequenceModel.stepper: a bidirectional model reads each sequence from its end too');
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
    expect(() => model.stepper(0)).toThrow('SequenceModel.stepper batch: expected an integer >= 1, got 0');
    expect(() => model.stepper(2).step(zeros([1, 2]))).toThrow('Stepper.step x: expected [2,2], got [1,2]');
    expect(() => model.stepper().reset(zeros([2, 1, 3]))).toThrow('Stepper.reset h0: expected [1,1,3], got [2,1,3]');
    expect(() => model.stepper().reset(null, zeros([1, 1, 3]))).toThrow('Stepper.reset c0: only an LSTM has a cell state, this model is gru');
  });
});

/** A [1,I] step as a one-step sequence [1,1,I]. */
function fromStep(x: ReturnType<typeof zeros>) {
  const m = zeros([1, 1, x.shape[1]]);
  m.data.set(toFlat(x));
  return m;
}
