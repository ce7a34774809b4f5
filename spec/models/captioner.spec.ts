import { ShapeError, zeros } from '../../lib/kernels/tensor';
import { Captioner, CaptionerConfig, CaptionImage } from '../../lib/models/captioner';
import { captionerCheckBatch, runCaptionerGradcheck } from '../../lib/diagnostics/gradcheck-seq2seq';
import { greedyDecode, beamSearch } from '../../lib/models/decoding';
import { EOS_ID } from '../../lib/models/seq2seq';

const small = (mode: CaptionerConfig['mode'], numLayers = 1): CaptionerConfig => ({
  mode, numLayers, imageRows: 4, bands: 2, encoderSize: 3, targetVocabSize: 6, embeddingSize: 5, hiddenSize: 6,
});

describe('Captioner', () => {
  it.each([['gru', 1], ['lstm', 2], ['rnn_tanh', 1]] as const)('gradient check of the image encoder, its initial state, the attention and the decoder: %s, %d decoder layer(s)', (mode, numLayers) => {
    // Three images, captions of different lengths, one row free-running; `npm run gradcheck` runs every cell × layers.
    const rows = runCaptionerGradcheck({ mode, numLayers });
    const lstm = mode === 'lstm' ? 2 : 0;
    expect(rows.length).toBe(8 + 2 + lstm + 1 + 5 + 4 * numLayers + 2); // encoder both ways, init_h (init_c), embedding, attention, decoder, out
    for (const r of rows) expect([r.name, r.maxRelError < 1e-6, r.maxAbsGrad > 1e-5]).toEqual([r.name, true, true]);
  });

  it('gradient check with whole columns (one band) and with four bands of one row', () => {
    for (const bands of [1, 4]) for (const r of runCaptionerGradcheck({ mode: 'gru', numLayers: 1, bands })) expect([bands, r.name, r.maxRelError < 1e-6, r.maxAbsGrad > 1e-5]).toEqual([bands, r.name, true, true]);
  });

  it('one band of R rows is the same model as whole columns; bands split the regions: S = G·C, band-major', () => {
    const model = new Captioner({ ...small('gru'), bands: 2 }, 6);
    const im: CaptionImage = { rows: 4, cols: 5, pixels: Float64Array.from({ length: 20 }, (_, i) => (i * 7 % 11) / 11) };
    const enc = model.encode([im]);
    expect(enc.keys.shape).toEqual([10, 1, 6]);
    // Region g·C + c of a two-band model is what the encoder gives band g read alone (its rows as a one-band image).
    const top = { ...im, rows: 2, pixels: im.pixels.slice(0, 10) }, bottom = { ...im, rows: 2, pixels: im.pixels.slice(10) };
    const alone = new Captioner({ ...small('gru'), imageRows: 2, bands: 1 }, 6);
    expect(alone.encoder.namedParameters().map((p) => p.value.shape)).toEqual(model.encoder.namedParameters().map((p) => p.value.shape));
    alone.encoder.namedParameters().forEach((p, k) => p.value.data.set(model.encoder.namedParameters()[k].value.data));
    const kTop = alone.encode([top]).keys, kBottom = alone.encode([bottom]).keys;
    expect(Array.from(enc.keys.data.subarray(0, 30))).toEqual(Array.from(kTop.data));
    expect(Array.from(enc.keys.data.subarray(30))).toEqual(Array.from(kBottom.data));
  });

  it('gradient check with row regions (CAP-5): the row pass\'s weights too, every cell', () => {
    for (const mode of ['gru', 'lstm', 'rnn_tanh'] as const) {
      const rows = runCaptionerGradcheck({ mode, numLayers: 1, rows: true });
      expect(rows.filter((r) => r.name.startsWith('encoder.row_rnn.')).length).toBe(8);
      for (const r of rows) expect([mode, r.name, r.maxRelError < 1e-6, r.maxAbsGrad > 1e-5]).toEqual([mode, r.name, true, true]);
    }
  });

  it('row regions come after the column regions: region G·C + r is what a bidirectional pass over the rows gives row r', () => {
    const config = { ...small('gru'), regions: 'columns+rows' as const, imageCols: 5 };
    const model = new Captioner(config, 6), columnsOnly = new Captioner(small('gru'), 6);
    const im: CaptionImage = { rows: 4, cols: 5, pixels: Float64Array.from({ length: 20 }, (_, i) => (i * 7 % 11) / 11) };
    const enc = model.encode([im, { ...im, pixels: im.pixels.map((v) => 1 - v) }]);
    expect(enc.keys.shape).toEqual([2 * 5 + 4, 2, 6]);
    expect(Array.from(enc.lengths)).toEqual([14, 14]);
    // the column regions are the column model's (same seed, same encoder weights)
    const cols = columnsOnly.encode([im, { ...im, pixels: im.pixels.map((v) => 1 - v) }]).keys;
    expect(Array.from(enc.keys.data.subarray(0, 10 * 2 * 6))).toEqual(Array.from(cols.data));
    // row r of image b: the row encoder over the rows as a sequence, read on its own
    const xr = zeros([4, 1, 5]);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 5; c++) xr.set(r, 0, c, im.pixels[r * 5 + c]);
    const alone = model.rowEncoder!.forward(xr).output;
    for (let r = 0; r < 4; r++) expect(Array.from(enc.keys.pick(10 + r, 0).data.subarray(enc.keys.pick(10 + r, 0).offset, enc.keys.pick(10 + r, 0).offset + 6))).toEqual(Array.from(alone.data.subarray(r * 6, r * 6 + 6)));
    expect(model.namedParameters().map((p) => p.name).filter((n) => n.startsWith('encoder.row_rnn.'))).toEqual([
      'encoder.row_rnn.weight_ih_l0', 'encoder.row_rnn.weight_hh_l0', 'encoder.row_rnn.bias_ih_l0', 'encoder.row_rnn.bias_hh_l0',
      'encoder.row_rnn.weight_ih_l0_reverse', 'encoder.row_rnn.weight_hh_l0_reverse', 'encoder.row_rnn.bias_ih_l0_reverse', 'encoder.row_rnn.bias_hh_l0_reverse',
    ]);
    expect(model.rowEncoder!.namedParameters()[0].value.shape).toEqual([9, 5]); // reads C = 5 pixels per step
    const [d] = greedyDecode(model, [im], 4);
    for (const row of d.attention!) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('with row regions the width is the model\'s; a configuration without one is refused', () => {
    const model = new Captioner({ ...small('gru'), regions: 'columns+rows', imageCols: 5 });
    expect(() => model.encode([{ rows: 4, cols: 6, pixels: new Float64Array(24) }])).toThrow(new ShapeError('Captioner.encode images[0]: expected 5 columns (the model reads rows of that width), got 6'));
    expect(() => new Captioner({ ...small('gru'), regions: 'columns+rows' })).toThrow('Captioner imageCols: regions "columns+rows" read rows of a fixed width; expected an integer >= 1, got undefined');
    expect(() => new Captioner({ ...small('gru'), regions: 'rows' as never })).toThrow('Captioner regions: expected "columns" or "columns+rows", got "rows"');
  });

  it('refuses a number of bands that does not divide the rows', () => {
    expect(() => new Captioner({ ...small('gru'), bands: 3 })).toThrow('Captioner bands: expected a divisor of imageRows (4), got 3');
  });

  it('names its parameters as PyTorch modules would', () => {
    const names = new Captioner(small('lstm')).namedParameters().map((p) => p.name);
    expect(names.slice(0, 12)).toEqual([
      'encoder.rnn.weight_ih_l0', 'encoder.rnn.weight_hh_l0', 'encoder.rnn.bias_ih_l0', 'encoder.rnn.bias_hh_l0',
      'encoder.rnn.weight_ih_l0_reverse', 'encoder.rnn.weight_hh_l0_reverse', 'encoder.rnn.bias_ih_l0_reverse', 'encoder.rnn.bias_hh_l0_reverse',
      'encoder.init_h.weight', 'encoder.init_h.bias', 'encoder.init_c.weight', 'encoder.init_c.bias',
    ]);
    const model = new Captioner(small('gru'));
    expect(model.namedParameters().find((p) => p.name === 'decoder.rnn.weight_ih_l0')!.value.shape).toEqual([18, 5 + 6]); // E + 2·He wide
    expect(model.namedParameters().find((p) => p.name === 'encoder.rnn.weight_ih_l0')!.value.shape).toEqual([9, 2]); // reads R/G = 2 pixels per step
  });

  it('captions an image of any width; the attention of each word sums to 1 over its regions', () => {
    const model = new Captioner(small('gru'), 3);
    const wide: CaptionImage = { rows: 4, cols: 9, pixels: Float64Array.from({ length: 36 }, (_, i) => (i % 7) / 7) };
    const [d] = greedyDecode(model, [wide], 6);
    expect(d.attention!.length).toBeGreaterThan(0);
    for (const row of d.attention!) {
      expect(row.length).toBe(2 * 9); // two bands of nine columns
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
    const model = new Captioner({ ...small('gru'), bands: 1 }, 5);
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
