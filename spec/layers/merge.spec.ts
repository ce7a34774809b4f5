import { toFlat, zeros } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { Recurrent } from '../../lib/layers/recurrent';
import { MERGE_MODES } from '../../lib/layers/merge';
import { SequenceModel } from '../../lib/models/sequence-model';
import { gradcheckModel } from '../../lib/diagnostics/gradcheck';
import { randn } from '../helpers';

const rng = new Rng(29);

describe('bidirectional merge modes (MERGE-1), as Keras Bidirectional(merge_mode=)', () => {
  const join = { concat: null, sum: (f: number, r: number) => f + r, mul: (f: number, r: number) => f * r, ave: (f: number, r: number) => (f + r) / 2 };

  it.each(['sum', 'mul', 'ave'] as const)('%s joins the forward and reverse h_t of the concatenating layer, step by step', (mode) => {
    const x = randn([4, 3, 2], rng), lengths = [4, 2, 3];
    const concat = new Recurrent({ mode: 'gru', inputSize: 2, hiddenSize: 3, bidirectional: true, seed: 8 });
    const merged = new Recurrent({ mode: 'gru', inputSize: 2, hiddenSize: 3, bidirectional: true, seed: 8, mergeMode: mode });
    const both = concat.forward(x, null, null, lengths).output;
    const r = merged.forward(x, null, null, lengths);
    expect(r.output.shape).toEqual([4, 3, 3]);
    expect(merged.outputWidth).toBe(3);
    for (let t = 0; t < 4; t++) for (let b = 0; b < 3; b++) for (let j = 0; j < 3; j++) {
      expect(r.output.get(t, b, j)).toBeCloseTo(join[mode](both.get(t, b, j), both.get(t, b, 3 + j)), 15);
    }
    expect(toFlat(r.h_n)).toEqual(toFlat(concat.forward(x, null, null, lengths).h_n)); // the final states are each direction's own
  });

  it('merges at every layer of a stack: layer 1 reads H features, not 2H', () => {
    const rnn = new Recurrent({ mode: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, mergeMode: 'ave' });
    expect(rnn.namedParameters().find((p) => p.name === 'weight_ih_l1')!.value.shape).toEqual([12, 3]);
    expect(new Recurrent({ mode: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true }).namedParameters()
      .find((p) => p.name === 'weight_ih_l1')!.value.shape).toEqual([12, 6]);
    expect(new Recurrent({ mode: 'lstm', inputSize: 2, hiddenSize: 3, mergeMode: 'sum' }).outputWidth).toBe(3); // one direction: nothing to merge
  });

  for (const mergeMode of MERGE_MODES.filter((m) => m !== 'concat')) { // concat: the whole gradient-check matrix
    for (const mode of ['rnn_tanh', 'gru'] as const) { // the LSTM: in the matrix (lib/diagnostics/gradcheck-suite.ts)
      it(`${mergeMode}, ${mode}: passes the gradient check (two layers, lengths, a head on every step)`, () => {
        const model = new SequenceModel({ mode, inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, mergeMode, seed: 3, head: { mode: 'all', outFeatures: 3 } });
        const T = 4, B = 3;
        const rows = gradcheckModel(model, { x: randn([T, B, 3], rng), lengths: [4, 2, 3] }, { type: 'ce_all', targets: Array.from({ length: T * B }, (_, k) => (k * 7) % 3) });
        for (const r of rows) expect({ name: r.name, ok: r.ok, big: r.maxAbsGrad > 1e-4 }).toEqual({ name: r.name, ok: true, big: true });
      });
    }
  }

  it('keeps the mode in the configuration (only when it is not concat), refuses a bad one, and the textbook engine refuses to merge', () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, bidirectional: true, mergeMode: 'mul', head: { mode: 'last', outFeatures: 2 } });
    expect(model.toConfig()).toMatchObject({ mergeMode: 'mul' });
    expect(new SequenceModel(model.toConfig()).rnn.outputWidth).toBe(3);
    expect(new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, bidirectional: true }).toConfig()).not.toHaveProperty('mergeMode');
    expect(() => new Recurrent({ mode: 'gru', inputSize: 2, hiddenSize: 3, mergeMode: 'max' as never })).toThrow('Recurrent mergeMode: expected one of concat, sum, mul, ave, got "max"');
    model.rnn.engine = 'textbook';
    expect(() => model.forward(zeros([2, 1, 2]))).toThrow("the textbook engine concatenates the directions; mergeMode 'mul' runs on the fast engine");
  });
});
