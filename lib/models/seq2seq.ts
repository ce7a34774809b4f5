/**
 * Encoder–decoder (sequence to sequence), with additive attention as an option.   docs: docs/models/seq2seq.md
 *
 *   sources x_1 … x_S and targets y_1 … y_T are word ids, each ending in <eos>; rows of a batch have their own lengths
 *   (SEQ-1)  encoder: k_s, (h_S, c_S) = RNN_enc(Emb_src(x_s))                      k: [S,B,H] (0 past a row's end)
 *   (SEQ-2)  the decoder starts from the encoder's final state: s_0 = h_S (c_0 = c_S for an LSTM)
 *   (SEQ-3)  step t reads a word u_t: u_1 = <sos>; then y_{t−1} when teacher-forced, else its own argmax at t−1
 *              without attention  i_t = Emb_tgt(u_t)                                      [B,E]
 *              with attention     i_t = [Emb_tgt(u_t) ‖ ctx_t],  ctx_t = Att(s_{t−1}, k)   [B,E+H]  (ATT-1…5)
 *   (SEQ-4)  s_t = RNN_dec(i_t, s_{t−1});   z_t = s_t·W_outᵀ + b_out                      z: [B,V] logits
 *   (SEQ-5)  L = −(1/N) Σ_{valid t,b} log softmax(z_{t,b})[y_{t,b}]   (CE-1), padded positions masked (IGNORE_INDEX)
 * Backward, the decoder loop written out by hand, last step first:
 *   (SEQ-5') dz_{t,b} = (softmax(z_{t,b}) − onehot(y_{t,b})) / N, and 0 at padded positions   (CE-1')
 *   (SEQ-4') ∂L/∂s_t = dz_t·W_out + what step t+1 sent back; one step of RNN_dec backward gives di_t and ∂L/∂s_{t−1}
 *   (SEQ-3') di_t = [de_t ‖ dctx_t]: de_t scatter-adds into Emb_tgt (EMB-1'); dctx_t goes through the attention
 *            (ATT-5'…2'), which adds into ∂L/∂s_{t−1} (top layer) and sums dk over the steps
 *   (SEQ-2') ∂L/∂(h_S, c_S) = ∂L/∂s_0, what step 1 sent back
 *   (SEQ-1') dk (ATT-1') and ∂L/∂h_S go back through RNN_enc (BPTT) and into Emb_src (EMB-1')
 * The weights of each RNN are shared by all its steps, so their gradients add up step by step (BPTT's Σ_t).
 * A free-running step's argmax is a choice, not a function with a gradient: nothing flows back through it
 * (as `topi.detach()` in PyTorch's tutorial).
 */
import { Mat, zeros, clone, ValueError } from '../kernels/tensor';
import { PAD_ID } from './word-ids';
import { copy2d } from '../kernels/elementwise';
import { Rng } from '../kernels/random';
import { assertCellKind } from '../cells/cell-params';
import { Recurrent } from '../layers/recurrent';
import { NamedParameter } from '../kernels/parameter';
import { Embedding } from '../layers/embedding';
import { Linear } from '../layers/linear';
import { AdditiveAttention, AttentionStepCache } from '../layers/attention';
import { Seq2SeqConfig, Seq2SeqBatch, Seq2SeqParts, StepDecoder, DecoderParts, Encoded, DecoderState, DecoderStepCache, KeyGrads } from './seq2seq-types';
import { Seq2SeqPass } from './seq2seq-loss';

export { PAD_ID, SOS_ID, EOS_ID, argmaxWord } from './word-ids';
export type { Seq2SeqConfig, Seq2SeqBatch, Encoded, DecoderState, DecoderStepCache, StepDecoder } from './seq2seq-types';

export class Seq2Seq implements Seq2SeqParts, StepDecoder {
  readonly config: Seq2SeqConfig;
  readonly sourceEmbedding: Embedding;
  readonly encoder: Recurrent;
  readonly targetEmbedding: Embedding;
  readonly attention: AdditiveAttention | null;
  readonly decoder: Recurrent;
  readonly out: Linear;
  private pass: Seq2SeqPass | null = null; // the training pass's workspace, made on first use

  constructor(config: Seq2SeqConfig, seed = 0) {
    assertCellKind(config.mode, 'Seq2Seq mode');
    for (const k of ['sourceVocabSize', 'targetVocabSize', 'embeddingSize', 'hiddenSize', 'numLayers'] as const) {
      if (!Number.isInteger(config[k]) || config[k] < 1) throw new ValueError(`Seq2Seq ${k}: expected an integer >= 1, got ${config[k]}`);
    }
    this.config = { ...config, attention: !!config.attention };
    const { mode, embeddingSize: E, hiddenSize: H, numLayers: L } = config;
    const rng = new Rng(seed);
    this.sourceEmbedding = new Embedding(config.sourceVocabSize, E, { paddingIdx: PAD_ID, rng, frozen: config.frozen?.source ?? false });
    this.encoder = new Recurrent({ mode, inputSize: E, hiddenSize: H, numLayers: L, seed: seed + 1, trackGradNorms: false });
    this.targetEmbedding = new Embedding(config.targetVocabSize, E, { paddingIdx: PAD_ID, rng, frozen: config.frozen?.target ?? false });
    this.attention = config.attention ? new AdditiveAttention(H, H, H, rng) : null;
    this.decoder = new Recurrent({ mode, inputSize: E + (config.attention ? H : 0), hiddenSize: H, numLayers: L, seed: seed + 2, trackGradNorms: false });
    this.out = new Linear(H, config.targetVocabSize, { rng });
  }

  /** Every parameter under a PyTorch-style dotted name, encoder first. */
  namedParameters(): NamedParameter[] {
    const prefixed = (prefix: string, ps: NamedParameter[]) => ps.map((p) => ({ ...p, name: prefix + p.name }));
    return [
      { name: 'encoder.embedding.weight', value: this.sourceEmbedding.params.weight, grad: this.sourceEmbedding.grads.weight, ...frozen(this.sourceEmbedding) },
      ...prefixed('encoder.rnn.', this.encoder.namedParameters()),
      { name: 'decoder.embedding.weight', value: this.targetEmbedding.params.weight, grad: this.targetEmbedding.grads.weight, ...frozen(this.targetEmbedding) },
      ...(this.attention ? prefixed('decoder.attention.', this.attention.namedParameters()) : []),
      ...prefixed('decoder.rnn.', this.decoder.namedParameters()),
      { name: 'decoder.out.weight', value: this.out.params.weight, grad: this.out.grads.weight },
      { name: 'decoder.out.bias', value: this.out.params.bias!, grad: this.out.grads.bias! },
    ];
  }

  zeroGrad(): void {
    for (const p of this.namedParameters()) p.grad.data.fill(0);
  }

  /** (SEQ-1) Reads a batch of sources (word ids, each ending in <eos>). */
  encode(sources: readonly (readonly number[])[]): Encoded {
    const B = sources.length;
    if (B === 0) throw new ValueError('Seq2Seq.encode sources: expected at least one sentence');
    const lengths = Int32Array.from(sources, (s) => s.length);
    lengths.forEach((n, b) => {
      if (n === 0) throw new ValueError(`Seq2Seq.encode sources[${b}]: empty; a source holds at least <eos>`);
    });
    const S = Math.max(...lengths);
    const ids = new Int32Array(S * B); // time-major [S,B], <pad> past each row's end
    sources.forEach((s, b) => s.forEach((k, t) => (ids[t * B + b] = k)));
    const emb = this.sourceEmbedding.forward(ids, [S, B]); //              [S,B,E]           (EMB-1)
    const r = this.encoder.forward(emb.y, null, null, lengths); //          [S,B,H], h_n       (SEQ-1)
    const attention = this.attention ? this.attention.prepare(r.output, lengths) : null; //    (ATT-1)
    return { B, lengths, keys: r.output, h_n: r.h_n, c_n: r.c_n, attention, cache: { emb: emb.cache, rnn: r.cache } };
  }

  /** (SEQ-2) The decoder's first state: the encoder's final one (copied, so the decoder never writes into it). */
  initialState(enc: Encoded): DecoderState {
    return initialStateOf(enc);
  }

  /** (SEQ-3, SEQ-4) One decoder step: see `decoderStepOf`. */
  decoderStep(enc: Encoded, state: DecoderState, tokens: ArrayLike<number>): { logits: Mat; state: DecoderState; alpha: Mat | null; cache: DecoderStepCache } {
    return decoderStepOf(this, enc, state, tokens);
  }

  /** (SEQ-1') Backward of the encoder, given ∂L/∂(h_S, c_S) [L,B,H] and the attention's sums over the steps. */
  encoderBackward(enc: Encoded, dh: Mat, dc: Mat | null, keyGrads: KeyGrads | null): void {
    const dKeys = keyGrads ? keyGrads.dKeys : zeros(enc.keys.shape);
    if (this.attention && enc.attention && keyGrads) this.attention.prepareBackward(enc.attention, keyGrads.dP, dKeys); // (ATT-1')
    const g = this.encoder.backward(enc.cache.rnn, dKeys, dh, dc); //  BPTT over the source   (SEQ-1')
    this.sourceEmbedding.backward(enc.cache.emb, g.dx); //                                  (EMB-1')
  }

  /**
   * The masked cross-entropy of a batch (SEQ-5) and, with `backward`, its gradients added into the
   * parameters' (zero them first). Row b is teacher-forced when `forced[b]` (default: every row); otherwise
   * it reads its own argmax of the step before. Returns the loss (nats per target word) and the word count.
   */
  loss(batch: Seq2SeqBatch, options: { forced?: readonly boolean[]; backward?: boolean } = {}): { loss: number; words: number } {
    this.pass ??= new Seq2SeqPass(this);
    return this.pass.loss(batch, options); // the decoder loop over a workspace: lib/models/seq2seq-loss.ts
  }

  toConfig(): Seq2SeqConfig {
    return { ...this.config };
  }
}

/** (SEQ-2) The decoder's first state: the encoder's (copied, so the decoder never writes into it). */
export function initialStateOf(enc: Encoded<unknown>): DecoderState {
  return { h: clone(enc.h_n), c: enc.c_n ? clone(enc.c_n) : null }; //  s₀ = h_S, c₀ = c_S   (SEQ-2)
}

/**
 * (SEQ-3, SEQ-4) One decoder step of any model with the decoder's parts, for the words `tokens` of the
 * batch's first n = tokens.length rows (n < B once the other rows have written their last word; `state`
 * may hold more rows, of which it reads the first n): the logits [n,V], the next state [L,n,H], α [n,S]
 * if attending. With attention the step's input is [e_t ‖ ctx_t], E + Hk wide (Hk: the keys' width).
 */
export function decoderStepOf(m: DecoderParts, enc: Encoded<unknown>, state: DecoderState, tokens: ArrayLike<number>): { logits: Mat; state: DecoderState; alpha: Mat | null; cache: DecoderStepCache } {
  const { embeddingSize: E, hiddenSize: H, numLayers: L } = m.config;
  const B = tokens.length;
  if (B < 1 || B > enc.B || B > state.h.shape[1]) throw new ValueError(`decoderStep tokens: expected 1 to ${Math.min(enc.B, state.h.shape[1])} word ids, got ${B}`);
  const h = state.h.shape[1] === B ? state.h : state.h.hi(L, B, H); // the first B rows of the state
  const c = state.c && state.c.shape[1] !== B ? state.c.hi(L, B, H) : state.c;
  const emb = m.targetEmbedding.forward(tokens, [1, B]); //              [1,B,E]            (EMB-1)
  let input = emb.y, att: AttentionStepCache | null = null, alpha: Mat | null = null;
  if (m.attention && enc.attention) {
    const Hk = m.attention.keySize;
    const a = m.attention.forward(enc.attention, h.pick(L - 1)); //      ctx_t [B,Hk] from s_{t−1}   (ATT-2…5)
    input = zeros([1, B, E + Hk]); //                                   i_t = [e_t ‖ ctx_t]   (SEQ-3)
    copy2d(input.pick(0).hi(B, E), emb.y.pick(0));
    copy2d(input.pick(0).lo(0, E), a.context);
    att = a.cache;
    alpha = a.alpha;
  }
  const r = m.decoder.forward(input, h, c); //                          s_t                 (SEQ-4)
  const o = m.out.forward(r.output.pick(0)); //                         [B,V] = [B,H]·[H,V]  (SEQ-4)
  return { logits: o.y, state: { h: r.h_n, c: r.c_n }, alpha, cache: { emb: emb.cache, att, rnn: r.cache, out: o.cache } };
}

/** `{ frozen: true }` for a frozen embedding, nothing otherwise (so the parameter lists stay as they were). */
const frozen = (e: Embedding): { frozen?: true } => (e.frozen ? { frozen: true } : {});
