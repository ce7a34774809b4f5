import { ShapeError } from '../../lib/kernels/tensor';
import { Captioner, CaptionerConfig, CaptionImage } from '../../lib/models/captioner';
import { captionerCheckBatch, runCaptionerGradcheck } from '../../lib/diagnostics/gradcheck-seq2seq';
import { greedyDecode, beamSearch } from '../../lib/models/decoding';
import { EOS_ID } from '../../lib/models/seq2seq';

const small = (mode: CaptionerConfig['mode'], numLayers = 1): CaptionerConfig => ({
  mode, numLayers, imageRows: 4, columnSize: 2, encoderSize: 3, targetVocabSize: 6, embeddingSize: 5, hiddenSize: 6,
});

describe('Captioner', () => {
  it.each([['gru', 1], ['lstm', 2], ['rnn_tanh', 1]] as const)('gradient check of the image encoder, its initial state, the attention and the decoder: %s, %d decoder layer(s)', (mode, numLayers) => {
    // Three images, captions of different lengths, one row free-running; `npm run gradcheck` runs every cell × layers.
    const rows = runCaptionerGradcheck({ mode, numLayers });
    const lstm = mode === 'lstm' ? 2 : 0;
    expect(rows.length).toBe(8 + 8 + 2 + lstm + 1 + 5 + 4 * numLayers + 2); // column RNN and encoder both ways, init_h (init_c), embedding, attention, decoder, out
    for (const r of rows) expect([r.name, r.maxRelError < 1e-6, r.maxAbsGrad > 1e-5]).toEqual([r.name, true, true]);
  });

  it('gradient check without the column RNN (the encoder reads raw columns)', () => {
    const rows = runCaptionerGradcheck({ mode: 'gru', numLayers: 1, columnSize: 0 });
    expect(rows.some((r) => r.name.startsWith('encoder.column.'))).toBe(false);
    for (const r of rows) expect([r.name, r.maxRelError < 1e-6, r.maxAbsGrad > 1e-5]).toEqual([r.name, true, true]);
  });

  it('names its parameters as PyTorch modules would', () => {
    const names = new Captioner(small('lstm')).namedParameters().map((p) => p.name);
    expect(names.slice(0, 4)).toEqual(['encoder.column.weight_ih_l0', 'encoder.column.weight_hh_l0', 'encoder.column.bias_ih_l0', 'encoder.column.bias_hh_l0']);
    expect(names.slice(8, 20)).toEqual([
      'encoder.rnn.weight_ih_l0', 'encoder.rnn.weight_hh_l0', 'encoder.rnn.bias_ih_l0', 'encoder.rnn.bias_hh_l0',
      'encoder.rnn.weight_ih_l0_reverse', 'encoder.rnn.weight_hh_l0_reverse', 'encoder.rnn.bias_ih_l0_reverse', 'encoder.rnn.bias_hh_l0_reverse',
      'encoder.init_h.weight', 'encoder.init_h.bias', 'encoder.init_c.weight', 'encoder.init_c.bias',
    ]);
    const model = new Captioner(small('gru'));
    expect(model.namedParameters().find((p) => p.name === 'decoder.rnn.weight_ih_l0')!.value.shape).toEqual([18, 5 + 6]); // E + 2·He wide
    expect(model.namedParameters().find((p) => p.name === 'encoder.rnn.weight_ih_l0')!.value.shape).toEqual([9, 4]); // reads 2·Hv per column
  });

  it('captions an image of any width; the attention of each word sums to 1 over its columns', () => {
    const model = new Captioner(small('gru'), 3);
    const wide: CaptionImage = { rows: 4, cols: 9, pixels: Float64Array.from({ length: 36 }, (_, i) => (i % 7) / 7) };
    const [d] = greedyDecode(model, [wide], 6);
    expect(d.attention!.length).toBeGreaterThan(0);
    for (const row of d.attention!) {
      expect(row.length).toBe(9);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    // Beam search of width 1 is greedy decoding.
    const b = beamSearch(model, wide, { beamWidth: 1, maxLength: 6 });
    expect(b.words).toEqual(d.words);
  });

  it('greedy decoding of a batch equals decoding each image alone', () => {
    const model = new Captioner(small('lstm', 2), 4);
    const { sources } = captionerCheckBatch();
    const together = greedyDecode(model, sources, 5);
    sources.forEach((s, b) => expect(greedyDecode(model, [s], 5)[0].words).toEqual(together[b].words));
  });

  it('teacher-forced loss falls when the model learns two captions of two images', () => {
    const model = new Captioner({ ...small('gru'), columnSize: 0 }, 5); // raw columns: the column RNN of so small a model learns too slowly for plain SGD here
    const { sources } = captionerCheckBatch();
    const batch = { sources: sources.slice(0, 2), targets: [[3, 4, EOS_ID], [5, 5, 3, EOS_ID]] };
    const first = model.loss(batch).loss;
    for (let i = 0; i < 300; i++) {
      model.zeroGrad();
      model.loss(batch, { backward: true });
      for (const p of model.namedParameters()) p.value.data.forEach((v, k) => (p.value.data[k] = v - 0.5 * p.grad.data[k]));
    }
    expect(model.loss(batch).loss).toBeLessThan(first / 10);
    expect(greedyDecode(model, batch.sources, 6).map((d) => d.words)).toEqual([[3, 4], [5, 5, 3]]);
  });

  it('refuses images of the wrong height or mixed widths, naming the image', () => {
    const model = new Captioner(small('gru'));
    const im = (rows: number, cols: number): CaptionImage => ({ rows, cols, pixels: new Float64Array(rows * cols) });
    expect(() => model.encode([im(5, 3)])).toThrow(new ShapeError('Captioner.encode images[0]: expected 4 rows (the model\'s), got 5'));
    expect(() => model.encode([im(4, 3), im(4, 2)])).toThrow(new ShapeError('Captioner.encode images[1]: expected 3 columns as images[0], got 2'));
  });
});
