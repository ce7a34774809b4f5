import { toFlat } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { dropoutMask, DROPOUT_SITE, checkDropout } from '../../lib/layers/dropout';
import { SequenceModel, SequenceModelOptions } from '../../lib/models/sequence-model';
import { lossAndGradients } from '../../lib/models/objectives';
import { gradcheckModel } from '../../lib/diagnostics/gradcheck';
import { randn } from '../helpers';

const rng = new Rng(19);
const state = { seed: 7, rowOffset: 0 };

describe('dropout masks (DROP-1)', () => {
  it('are 0 or 1/(1−p), drop about p of the units, and are the same for the same state', () => {
    const M = dropoutMask(state, DROPOUT_SITE.input, [50, 8, 20], 0.3);
    const values = toFlat(M);
    expect(new Set(values)).toEqual(new Set([0, 1 / 0.7]));
    const dropped = values.filter((v) => v === 0).length / values.length;
    expect(dropped).toBeGreaterThan(0.27);
    expect(dropped).toBeLessThan(0.33);
    expect(toFlat(dropoutMask(state, DROPOUT_SITE.input, [50, 8, 20], 0.3))).toEqual(values);
    expect(toFlat(dropoutMask({ seed: 8, rowOffset: 0 }, DROPOUT_SITE.input, [50, 8, 20], 0.3))).not.toEqual(values);
    expect(toFlat(dropoutMask(state, DROPOUT_SITE.output, [50, 8, 20], 0.3))).not.toEqual(values);
  });

  it("give a row the same mask whichever slice of the batch it is in (so threads do not change the numbers)", () => {
    const whole = dropoutMask(state, DROPOUT_SITE.between(0), [4, 5, 3], 0.5);
    const tail = dropoutMask({ seed: 7, rowOffset: 2 }, DROPOUT_SITE.between(0), [4, 3, 3], 0.5);
    for (let t = 0; t < 4; t++) for (let b = 0; b < 3; b++) for (let j = 0; j < 3; j++) expect(tail.get(t, b, j)).toBe(whole.get(t, b + 2, j));
    const rec = dropoutMask(state, DROPOUT_SITE.recurrent(1, 1), [5, 6], 0.5);
    expect(rec.shape).toEqual([5, 6]);
  });

  it('refuses a probability outside [0, 1), naming the option', () => {
    expect(() => checkDropout(1, 'SequenceModel inputDropout')).toThrow('SequenceModel inputDropout: expected a probability in [0, 1), got 1');
    expect(() => new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, dropout: -0.1 })).toThrow('Recurrent dropout: expected a probability in [0, 1), got -0.1');
    expect(() => new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, recurrentDropout: Number.NaN })).toThrow('Recurrent recurrentDropout');
  });
});

const everything = (mode: SequenceModelOptions['mode'], bidirectional: boolean): SequenceModelOptions => ({
  mode, inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional, seed: 5,
  dropout: 0.4, recurrentDropout: 0.3, inputDropout: 0.2, outputDropout: 0.25, head: { mode: 'all', outFeatures: 3 },
});

describe('a model with dropout', () => {
  it('is the model without it in evaluation (no state set): nothing is rescaled', () => {
    const x = randn([5, 2, 3], rng);
    const plain = new SequenceModel({ ...everything('lstm', true), dropout: 0, recurrentDropout: 0, inputDropout: 0, outputDropout: 0 });
    const dropped = new SequenceModel(everything('lstm', true));
    expect(toFlat(dropped.forward(x).y!)).toEqual(toFlat(plain.forward(x).y!));
    dropped.setDropout(state);
    expect(toFlat(dropped.forward(x).y!)).not.toEqual(toFlat(plain.forward(x).y!));
  });

  it('masks h_{t−1} where the recurrent product reads it, with one mask per sequence (DROP-2), by hand for a tanh RNN', () => {
    const model = new SequenceModel({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3, recurrentDropout: 0.5, seed: 3 });
    model.setDropout(state);
    const x = randn([4, 2, 2], rng);
    const { output } = model.forward(x);
    const M = dropoutMask(state, DROPOUT_SITE.recurrent(0, 0), [2, 3], 0.5);
    const p = model.rnn.params[0][0];
    for (let b = 0; b < 2; b++) {
      let h = [0, 0, 0];
      for (let t = 0; t < 4; t++) {
        h = [0, 1, 2].map((i) => {
          let a = p.bias_ih!.get(i) + p.bias_hh!.get(i);
          for (let k = 0; k < 2; k++) a += p.weight_ih.get(i, k) * x.get(t, b, k);
          for (let k = 0; k < 3; k++) a += p.weight_hh.get(i, k) * h[k] * M.get(b, k); // (DROP-2): the same M at every t
          return Math.tanh(a);
        });
        h.forEach((v, i) => expect(output.get(t, b, i)).toBeCloseTo(v, 14));
      }
    }
  });

  it('drops nothing between layers of a one-layer network (the last layer is never masked)', () => {
    const x = randn([3, 2, 3], rng);
    const one = new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 4, dropout: 0.9, seed: 1 });
    const before = toFlat(one.forward(x).output);
    one.setDropout(state);
    expect(toFlat(one.forward(x).output)).toEqual(before);
  });

  for (const mode of ['rnn_tanh', 'lstm', 'gru'] as const) {
    for (const bidirectional of [false, true]) {
      it(`passes the gradient check with fixed masks: ${mode}${bidirectional ? ', bidirectional' : ''}, every kind of dropout, lengths`, () => {
        const model = new SequenceModel(everything(mode, bidirectional));
        model.setDropout({ seed: 11, rowOffset: 0 });
        const T = 5, B = 3;
        const targets = Array.from({ length: T * B }, (_, k) => k % 3);
        const rows = gradcheckModel(model, { x: randn([T, B, 3], rng), lengths: [5, 3, 4] }, { type: 'ce_all', targets });
        for (const r of rows) expect({ name: r.name, ok: r.maxRelError < 1e-6 }).toEqual({ name: r.name, ok: true });
        // The masks reached the gradients: some input unit's gradient is zero where it was dropped.
        const g = lossAndGradients(model, { x: randn([T, B, 3], rng) }, { type: 'ce_all', targets }).grads.dx;
        expect(toFlat(g).some((v) => v === 0)).toBe(true);
      });
    }
  }

  it('refuses to train the textbook engine with dropout, and names the way out', () => {
    const model = new SequenceModel({ ...everything('gru', false), engine: 'textbook' });
    const x = randn([3, 2, 3], rng);
    expect(() => model.forward(x)).not.toThrow();
    model.setDropout(state);
    expect(() => model.forward(x)).toThrow('the textbook engine runs no dropout');
  });

  it('keeps dropout out of the configuration of a model without it, and in it otherwise', () => {
    expect(new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3 }).toConfig()).not.toHaveProperty('dropout');
    const config = new SequenceModel(everything('gru', false)).toConfig();
    expect(config).toMatchObject({ dropout: 0.4, recurrentDropout: 0.3, inputDropout: 0.2, outputDropout: 0.25 });
    expect(new SequenceModel(config).toConfig()).toEqual(config);
  });
});
