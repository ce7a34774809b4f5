import { clone, ValueError } from '../../lib/kernels/tensor';
import { Seq2Seq, Seq2SeqConfig, SOS_ID } from '../../lib/models/seq2seq';
import { numericalGradient, maxRelError } from '../../lib/diagnostics/gradcheck';

// Sources and targets of different lengths (each ending in <eos> = 2), so padding and masking are exercised.
const batch = {
  sources: [[4, 5, 6, 2], [3, 2], [6, 4, 2]],
  targets: [[3, 4, 2], [5, 3, 4, 4, 2], [2]],
};
const small = (mode: Seq2SeqConfig['mode'], attention: boolean, numLayers = 1): Seq2SeqConfig => ({
  mode, attention, numLayers, sourceVocabSize: 7, targetVocabSize: 6, embeddingSize: 3, hiddenSize: 4,
});

describe('Seq2Seq', () => {
  it.each([
    ['gru', false, 1], ['gru', true, 2], ['lstm', false, 2], ['lstm', true, 1], ['rnn_tanh', true, 1],
  ] as const)('gradient check of the decoder loop and the encoder: %s, attention %s, %d layer(s)', (mode, attention, layers) => {
    const model = new Seq2Seq(small(mode, attention, layers), 11);
    // At initialisation, with H = 4, the keys hardly differ and the attention's gradients are about 1e-6:
    // then the rounding of the finite differences (|L|·1e-16/ε ≈ 4e-11) alone is 1e-5 of them. Weights 3 times
    // larger give the attention sharp weights and gradients far above that noise.
    for (const p of model.namedParameters()) if (!p.name.includes('embedding')) p.value.data.forEach((v, i) => (p.value.data[i] = 3 * v));
    // Row 1 reads its own argmax (free-running); rows 0 and 2 are teacher-forced.
    const forced = [true, false, true];
    model.zeroGrad();
    const { loss, words } = model.loss(batch, { forced, backward: true });
    expect(words).toBe(9);
    expect(Number.isFinite(loss)).toBe(true);
    const lossOnly = () => model.loss(batch, { forced }).loss;
    for (const p of model.namedParameters()) {
      const err = maxRelError(clone(p.grad), numericalGradient(lossOnly, p.value));
      expect([p.name, err < 1e-6]).toEqual([p.name, true]);
    }
  });

  it('names its parameters as PyTorch modules would, the attention only when asked for', () => {
    const names = new Seq2Seq(small('gru', true)).namedParameters().map((p) => p.name);
    expect(names).toEqual([
      'encoder.embedding.weight', 'encoder.rnn.weight_ih_l0', 'encoder.rnn.weight_hh_l0', 'encoder.rnn.bias_ih_l0', 'encoder.rnn.bias_hh_l0',
      'decoder.embedding.weight', 'decoder.attention.Wa.weight', 'decoder.attention.Wa.bias', 'decoder.attention.Ua.weight',
      'decoder.attention.Ua.bias', 'decoder.attention.Va.weight',
      'decoder.rnn.weight_ih_l0', 'decoder.rnn.weight_hh_l0', 'decoder.rnn.bias_ih_l0', 'decoder.rnn.bias_hh_l0',
      'decoder.out.weight', 'decoder.out.bias',
    ]);
    const plain = new Seq2Seq(small('gru', false));
    expect(plain.namedParameters().some((p) => p.name.includes('attention'))).toBe(false);
    expect(plain.decoder.config.inputSize).toBe(3); // E; with attention E + H
    expect(new Seq2Seq(small('gru', true)).decoder.config.inputSize).toBe(7);
  });

  it('a row of a batch gets the loss it gets alone: padding and masking change nothing', () => {
    const model = new Seq2Seq(small('lstm', true), 4);
    const whole = model.loss(batch);
    const alone = batch.sources.map((s, b) => model.loss({ sources: [s], targets: [batch.targets[b]] }));
    const mean = alone.reduce((a, r) => a + r.loss * r.words, 0) / whole.words;
    expect(whole.loss).toBeCloseTo(mean, 12);
  });

  it('teacher forcing: the decoder reads <sos>, then the previous target word', () => {
    const model = new Seq2Seq(small('gru', false), 2);
    const enc = model.encode([[4, 2]]);
    let state = model.initialState(enc);
    let z = 0;
    for (const k of [SOS_ID, 3, 4]) {
      const step = model.decoderStep(enc, state, [k]);
      state = step.state;
      z -= step.logits.get(0, [3, 4, 2][[SOS_ID, 3, 4].indexOf(k)]) - Math.log(Array.from({ length: 6 }, (_, j) => Math.exp(step.logits.get(0, j))).reduce((a, v) => a + v, 0));
    }
    expect(model.loss({ sources: [[4, 2]], targets: [[3, 4, 2]] }).loss).toBeCloseTo(z / 3, 12);
  });

  it('says what is wrong with a bad batch', () => {
    const model = new Seq2Seq(small('gru', false));
    expect(() => model.loss({ sources: [[1, 2]], targets: [[7, 2]] })).toThrow(new ValueError('Seq2Seq.loss targets[0][0]: expected a word id in [0, 5], got 7'));
    expect(() => model.loss({ sources: [[]], targets: [[2]] })).toThrow('Seq2Seq.encode sources[0]: empty; a source holds at least <eos>');
    expect(() => model.loss({ sources: [[2]], targets: [] })).toThrow('Seq2Seq.loss: 1 sources but 0 targets');
    expect(() => new Seq2Seq({ ...small('gru', false), hiddenSize: 0 })).toThrow('Seq2Seq hiddenSize: expected an integer >= 1, got 0');
  });
});
