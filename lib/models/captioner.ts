/**
 * Image captioning: an image in, a sentence out, the decoder attending over the image's columns
 * (Xu et al., "Show, Attend and Tell", 2015, with a recurrent encoder in place of the convolutional one).
 *                                                                             docs: docs/models/captioner.md
 *
 *   an image of R rows × C columns, pixel values in [0, 1], cut into G horizontal bands of R/G rows (G = 1:
 *   the whole columns); captions are word ids ending in <eos>
 *   (CAP-1)  x_{g,c} = the pixels of column c in band g, top to bottom           [R/G]
 *   (CAP-2)  k_{g,c} = [→h_{g,c} ‖ ←h_{g,c}] = BiRNN_enc(x_{g,1} … x_{g,C})       [2He]  each band read left to right
 *            and back, the same weights for every band; the regions s = g·C + c, S = G·C of them   k: [S,B,2He]
 *   (CAP-5)  with regions 'columns+rows' (every image then C = imageCols wide), also the rows:
 *            y_r = the pixels of row r [C];  k_{G·C+r} = BiRNN_row(y_1 … y_R)_r [2He]   read top to bottom and
 *            back (weights of its own); R more regions, S = G·C + R
 *   (CAP-3)  k̄ = (1/S) Σ_s k_s                                                 [B,2He]   the mean annotation
 *   (CAP-4)  s_0 = tanh(k̄·W_hᵀ + b_h), reshaped to [L,B,H]; for an LSTM also c_0 = tanh(k̄·W_cᵀ + b_c)
 *   then the decoder of the encoder–decoder, unchanged (SEQ-3 … SEQ-5): the words it has written, additive
 *   attention over k_1 … k_S (ATT-1 … ATT-5) read from s_{t−1}, a GRU/LSTM step, the logits.
 * Backward (the decoder's is the encoder–decoder's, lib/models/seq2seq-loss.ts):
 *   (CAP-4') ∂L/∂s_0 ⊙ (1 − s_0²) → dW_h, db_h and ∂L/∂k̄ (the same for c_0)
 *   (CAP-3') dk_s += ∂L/∂k̄ / S for every region, beside what the attention sent back to k_s (ATT-1', ATT-5')
 *   (CAP-2') BPTT through both directions of the encoder, every band (the image itself takes no gradient)
 *   (CAP-5') BPTT through the row encoder from dk_{G·C+r}, r = 1 … R
 *
 * Why columns and no convolution: a bidirectional recurrent pass over the columns gives every column an
 * annotation that knows the whole image (what is left and right of it), which is what the captions' relations
 * need, and it is the engine's own layer, already checked against PyTorch; the attention then picks the
 * columns a word is about. Two digits one above the other share their columns, though: the row pass (CAP-5)
 * gives each of them regions of its own, the rows it covers, each knowing the rows above and below it.
 * Bands (G = 2) split the columns instead. An image with R rows (the model's) and any number of columns
 * can be captioned by a model of column regions; one with row regions reads images of its own width.
 */
import { Mat, zeros, ValueError, ShapeError } from '../kernels/tensor';
import { Rng } from '../kernels/random';
import { assertCellKind, CellKind } from '../cells/cell-params';
import { NamedParameter } from '../kernels/parameter';
import { Recurrent, RecurrentCache } from '../layers/recurrent';
import { Embedding } from '../layers/embedding';
import { Linear, LinearCache } from '../layers/linear';
import { AdditiveAttention } from '../layers/attention';
import { PAD_ID } from './word-ids';
import { Seq2SeqBatch, Seq2SeqParts, StepDecoder, DecoderConfig, Encoded, DecoderState, DecoderStepCache, KeyGrads } from './seq2seq-types';
import { Seq2SeqPass } from './seq2seq-loss';
import { decoderStepOf, initialStateOf } from './seq2seq';

export interface CaptionerConfig extends DecoderConfig {
  mode: CellKind; // encoder and decoder cell
  imageRows: number; // R: the rows of every image
  bands: number; // G: horizontal bands, each read as a sequence of columns (CAP-1); R must be a multiple of G
  encoderSize: number; // He, per direction: the annotations are 2·He wide
  targetVocabSize: number; // V
  embeddingSize: number; // E
  hiddenSize: number; // H, the decoder's
  numLayers: number; // L, the decoder's (the encoder has one bidirectional layer)
  regions?: 'columns' | 'columns+rows'; // what the decoder attends over (default 'columns'; 'columns+rows': CAP-5)
  imageCols?: number; // C, every image's width, with 'columns+rows' (the row pass reads C pixels per step)
}

/** An image: `rows` × `cols` pixels in [0, 1], row after row. */
export interface CaptionImage {
  rows: number;
  cols: number;
  pixels: Float64Array; // [rows·cols]
}

/** What the image encoder keeps for its backward. */
export interface ImageCache {
  rnn: RecurrentCache;
  rowRnn: RecurrentCache | null; // the row pass (CAP-5)
  mean: Mat; // [B,2He]  k̄
  initH: { cache: LinearCache; s0: Mat }; // s0 = tanh(k̄·W_hᵀ + b_h), [B,L·H]
  initC: { cache: LinearCache; s0: Mat } | null;
}

export class Captioner implements Seq2SeqParts<CaptionImage, ImageCache>, StepDecoder<CaptionImage, ImageCache> {
  readonly config: CaptionerConfig;
  readonly encoder: Recurrent; // bidirectional, one layer, over the columns of every band
  readonly rowEncoder: Recurrent | null; // bidirectional, one layer, over the rows (regions 'columns+rows')
  readonly initH: Linear; // [L·H,2He]
  readonly initC: Linear | null; // [L·H,2He] (LSTM)
  readonly targetEmbedding: Embedding;
  readonly attention: AdditiveAttention;
  readonly decoder: Recurrent;
  readonly out: Linear;
  private pass: Seq2SeqPass<CaptionImage, ImageCache> | null = null;

  constructor(config: CaptionerConfig, seed = 0) {
    assertCellKind(config.mode, 'Captioner mode');
    for (const k of ['imageRows', 'bands', 'encoderSize', 'targetVocabSize', 'embeddingSize', 'hiddenSize', 'numLayers'] as const) {
      if (!Number.isInteger(config[k]) || config[k] < 1) throw new ValueError(`Captioner ${k}: expected an integer >= 1, got ${config[k]}`);
    }
    if (config.imageRows % config.bands !== 0) throw new ValueError(`Captioner bands: expected a divisor of imageRows (${config.imageRows}), got ${config.bands}`);
    const regions = config.regions ?? 'columns';
    if (regions !== 'columns' && regions !== 'columns+rows') throw new ValueError(`Captioner regions: expected "columns" or "columns+rows", got ${JSON.stringify(regions)}`);
    if (regions === 'columns+rows' && !(Number.isInteger(config.imageCols) && (config.imageCols as number) >= 1)) {
      throw new ValueError(`Captioner imageCols: regions "columns+rows" read rows of a fixed width; expected an integer >= 1, got ${config.imageCols}`);
    }
    this.config = { ...config };
    const { mode, imageRows: R, bands: G, encoderSize: He, embeddingSize: E, hiddenSize: H, numLayers: L } = config;
    const rng = new Rng(seed);
    this.encoder = new Recurrent({ mode, inputSize: R / G, hiddenSize: He, numLayers: 1, bidirectional: true, seed: seed + 1, trackGradNorms: false });
    this.rowEncoder = regions === 'columns+rows'
      ? new Recurrent({ mode, inputSize: config.imageCols as number, hiddenSize: He, numLayers: 1, bidirectional: true, seed: seed + 3, trackGradNorms: false })
      : null;
    this.initH = new Linear(2 * He, L * H, { rng });
    this.initC = mode === 'lstm' ? new Linear(2 * He, L * H, { rng }) : null;
    this.targetEmbedding = new Embedding(config.targetVocabSize, E, { paddingIdx: PAD_ID, rng });
    this.attention = new AdditiveAttention(H, 2 * He, H, rng);
    this.decoder = new Recurrent({ mode, inputSize: E + 2 * He, hiddenSize: H, numLayers: L, seed: seed + 2, trackGradNorms: false });
    this.out = new Linear(H, config.targetVocabSize, { rng });
  }

  /** Every parameter under a PyTorch-style dotted name, encoder first. */
  namedParameters(): NamedParameter[] {
    const prefixed = (prefix: string, ps: NamedParameter[]) => ps.map((p) => ({ ...p, name: prefix + p.name }));
    const linear = (prefix: string, l: Linear): NamedParameter[] => [
      { name: `${prefix}.weight`, value: l.params.weight, grad: l.grads.weight },
      { name: `${prefix}.bias`, value: l.params.bias!, grad: l.grads.bias! },
    ];
    return [
      ...prefixed('encoder.rnn.', this.encoder.namedParameters()),
      ...(this.rowEncoder ? prefixed('encoder.row_rnn.', this.rowEncoder.namedParameters()) : []),
      ...linear('encoder.init_h', this.initH),
      ...(this.initC ? linear('encoder.init_c', this.initC) : []),
      { name: 'decoder.embedding.weight', value: this.targetEmbedding.params.weight, grad: this.targetEmbedding.grads.weight },
      ...prefixed('decoder.attention.', this.attention.namedParameters()),
      ...prefixed('decoder.rnn.', this.decoder.namedParameters()),
      ...linear('decoder.out', this.out),
    ];
  }

  zeroGrad(): void {
    for (const p of this.namedParameters()) p.grad.data.fill(0);
  }

  /** (CAP-1 … CAP-4) Reads a batch of images, all R rows and C columns. */
  encode(images: readonly CaptionImage[]): Encoded<ImageCache> {
    const B = images.length, R = this.config.imageRows;
    if (B === 0) throw new ValueError('Captioner.encode images: expected at least one image');
    const C = images[0].cols, rowPass = this.rowEncoder;
    if (rowPass && C !== this.config.imageCols) throw new ShapeError(`Captioner.encode images[0]: expected ${this.config.imageCols} columns (the model reads rows of that width), got ${C}`);
    images.forEach((im, b) => {
      if (im.rows !== R) throw new ShapeError(`Captioner.encode images[${b}]: expected ${R} rows (the model's), got ${im.rows}`);
      if (im.cols !== C) throw new ShapeError(`Captioner.encode images[${b}]: expected ${C} columns as images[0], got ${im.cols}`);
      if (im.pixels.length !== R * C) throw new ShapeError(`Captioner.encode images[${b}].pixels: expected ${R}·${C} = ${R * C} values, got ${im.pixels.length}`);
    });
    const G = this.config.bands, Rg = R / G, x = zeros([C, G * B, Rg]), X = x.data; // band g of image b is row g·B + b
    images.forEach((im, b) => {
      for (let g = 0; g < G; g++) for (let c = 0; c < C; c++) for (let r = 0; r < Rg; r++) X[(c * G * B + g * B + b) * Rg + r] = im.pixels[(g * Rg + r) * C + c]; // x_{g,c}   (CAP-1)
    });
    const rnn = this.encoder.forward(x); //                                    [C,G·B,2He]        (CAP-2)
    const S = G * C + (rowPass ? R : 0), K2 = rnn.output.shape[2], keys = zeros([S, B, K2]), K = keys.data, O = rnn.output.data;
    for (let g = 0; g < G; g++) for (let c = 0; c < C; c++) K.set(O.subarray((c * G * B + g * B) * K2, (c * G * B + g * B + B) * K2), (g * C + c) * B * K2); // k_{g·C+c}   (CAP-2)
    let rowRnn: RecurrentCache | null = null;
    if (rowPass) {
      const xr = zeros([R, B, C]); //                                          row r of image b: its C pixels
      images.forEach((im, b) => { for (let r = 0; r < R; r++) xr.data.set(im.pixels.subarray(r * C, (r + 1) * C), (r * B + b) * C); });
      const rows = rowPass.forward(xr); //                                     [R,B,2He]           (CAP-5)
      K.set(rows.output.data, G * C * B * K2); //                              k_{G·C+r}, already in the keys' layout
      rowRnn = rows.cache;
    }
    const mean = zeros([B, K2]), M = mean.data;
    for (let s = 0; s < S; s++) for (let b = 0; b < B; b++) for (let j = 0; j < K2; j++) M[b * K2 + j] += K[(s * B + b) * K2 + j] / S; // k̄   (CAP-3)
    const initH = this.initState(this.initH, mean), initC = this.initC ? this.initState(this.initC, mean) : null;
    const lengths = new Int32Array(B).fill(S);
    return {
      B, lengths, keys, h_n: this.layersFirst(initH.s0, B), c_n: initC ? this.layersFirst(initC.s0, B) : null,
      attention: this.attention.prepare(keys, lengths), //                                       (ATT-1)
      cache: { rnn: rnn.cache, rowRnn, mean, initH, initC },
    };
  }

  initialState(enc: Encoded<ImageCache>): DecoderState {
    return initialStateOf(enc);
  }

  decoderStep(enc: Encoded<ImageCache>, state: DecoderState, tokens: ArrayLike<number>): { logits: Mat; state: DecoderState; alpha: Mat | null; cache: DecoderStepCache } {
    return decoderStepOf(this, enc, state, tokens);
  }

  /** (CAP-4', CAP-3', CAP-2') Backward of the image encoder, given ∂L/∂s_0 (∂L/∂c_0) [L,B,H] and the attention's sums. */
  encoderBackward(enc: Encoded<ImageCache>, dh: Mat, dc: Mat | null, keyGrads: KeyGrads | null): void {
    const { B, keys } = enc, [S, , K2] = keys.shape, G = this.config.bands, Sr = this.rowEncoder ? this.config.imageRows : 0, C = (S - Sr) / G;
    const dKeys = keyGrads ? keyGrads.dKeys : zeros(keys.shape);
    if (keyGrads) this.attention.prepareBackward(enc.attention!, keyGrads.dP, dKeys); //       (ATT-1')
    const dMean = this.initBackward(this.initH, enc.cache.initH, this.rowsFirst(dh, B)); //      (CAP-4')
    if (this.initC && enc.cache.initC && dc) {
      const dMeanC = this.initBackward(this.initC, enc.cache.initC, this.rowsFirst(dc, B));
      dMean.data.forEach((_, i) => (dMean.data[i] += dMeanC.data[i]));
    }
    const DK = dKeys.data, DM = dMean.data;
    for (let s = 0; s < S; s++) for (let b = 0; b < B; b++) for (let j = 0; j < K2; j++) DK[(s * B + b) * K2 + j] += DM[b * K2 + j] / S; // (CAP-3')
    const dOut = zeros([C, G * B, K2]); //                                      back to the encoder's layout
    for (let g = 0; g < G; g++) for (let c = 0; c < C; c++) dOut.data.set(DK.subarray((g * C + c) * B * K2, (g * C + c + 1) * B * K2), (c * G * B + g * B) * K2);
    this.encoder.backward(enc.cache.rnn, dOut); //                             BPTT along every band   (CAP-2')
    if (this.rowEncoder && enc.cache.rowRnn) {
      const dRows = zeros([Sr, B, K2]);
      dRows.data.set(DK.subarray(G * C * B * K2, S * B * K2));
      this.rowEncoder.backward(enc.cache.rowRnn, dRows); //                    BPTT along the rows      (CAP-5')
    }
  }

  /** The masked cross-entropy of a batch (images and captions), as `Seq2Seq.loss`. */
  loss(batch: Seq2SeqBatch<CaptionImage>, options: { forced?: readonly boolean[]; backward?: boolean } = {}): { loss: number; words: number } {
    this.pass ??= new Seq2SeqPass(this);
    return this.pass.loss(batch, options);
  }

  toConfig(): CaptionerConfig {
    return { ...this.config };
  }

  /** tanh(k̄·Wᵀ + b): [B,L·H]   (CAP-4) */
  private initState(lin: Linear, mean: Mat): { cache: LinearCache; s0: Mat } {
    const { y, cache } = lin.forward(mean);
    for (let i = 0; i < y.data.length; i++) y.data[i] = Math.tanh(y.data[i]); //                (CAP-4)
    return { cache, s0: y };
  }

  /** ∂L/∂k̄ [B,2He] from ∂L/∂s_0 [B,L·H]; adds into the layer's gradients.   (CAP-4') */
  private initBackward(lin: Linear, c: { cache: LinearCache; s0: Mat }, ds0: Mat): Mat {
    const da = zeros(ds0.shape), S = c.s0.data;
    for (let i = 0; i < da.data.length; i++) da.data[i] = ds0.data[i] * (1 - S[i] * S[i]); //  through tanh   (CAP-4')
    return lin.backward(c.cache, da);
  }

  /** [B,L·H] → [L,B,H]: layer l's block of each row. */
  private layersFirst(s: Mat, B: number): Mat {
    const { hiddenSize: H, numLayers: L } = this.config, out = zeros([L, B, H]);
    for (let l = 0; l < L; l++) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) out.data[(l * B + b) * H + j] = s.data[b * L * H + l * H + j];
    return out;
  }

  /** [L,B,H] → [B,L·H], the inverse of `layersFirst`. */
  private rowsFirst(d: Mat, B: number): Mat {
    const { hiddenSize: H, numLayers: L } = this.config, out = zeros([B, L * H]);
    for (let l = 0; l < L; l++) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) out.data[b * L * H + l * H + j] = d.get(l, b, j);
    return out;
  }
}
