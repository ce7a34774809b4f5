import { ValueError } from '../../lib/kernels/tensor';
import { Seq2Seq, Seq2SeqConfig, SOS_ID } from '../../lib/models/seq2seq';
import { runSeq2SeqGradcheck } from '../../lib/diagnostics/gradcheck-seq2seq';

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
    ['gru', false, 1], ['lstm', true, 2], ['rnn_tanh', true, 1],
  ] as const)('gradient check of the decoder loop and the encoder: %s, attention %s, %d layer(s)', (mode, attention, numLayers) => {
    // A batch of three pairs of different lengths, row 1 free-running (lib/diagnostics/gradcheck-seq2seq.ts);
    // `npm run gradcheck` runs every cell × attention × layers.
    const rows = runSeq2SeqGradcheck({ mode, attention, numLayers });
    expect(rows.length).toBe(12 + 8 * (numLayers - 1) + (attention ? 5 : 0)); // 2 embeddings, 4 tensors per RNN layer, 2 out, 5 attention
    for (const r of rows) expect([r.name, r.maxRelError < 1e-6, r.maxAbsGrad > 1e-4]).toEqual([r.name, true, true]); // a non-trivial gradient, and right
  });

  it('the free-running row makes a difference: its loss differs from teacher forcing', () => {
    const model = new Seq2Seq(small('gru', true), 11);
    const forced = model.loss(batch).loss;
    expect(model.loss(batch, { forced: [true, false, true] }).loss).not.toBeCloseTo(forced, 6);
    expect(model.loss(batch, { forced: [true, true, true] }).loss).toBe(forced);
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
