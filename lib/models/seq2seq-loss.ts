/**
 * The encoder–decoder's training pass: the masked cross-entropy of a batch of pairs (SEQ-1…5) and, with
 * backward, its gradients (SEQ-5'…1'), the decoder loop written out step by step.   docs: docs/models/seq2seq.md
 *
 * What it does once rather than per step, over a workspace it keeps from one batch to the next:
 *  - rows sorted longest target first, so the rows still writing at step t are the first n_t: a step
 *    computes those only, and every buffer holds the N = Σ_t n_t target words of the batch one step after
 *    another (step t's rows from at[t] = Σ_{t'<t} n_t' on), with no padded positions at all;
 *  - the decoder runs one step at a time through `Stepwise` (lib/layers/stepwise.ts), which sums its
 *    weights' gradients after the loop, one product over the N rows (BPTT-4);
 *  - W_outᵀ is packed once per batch for the steps' logits; backward takes dW_out, db_out and ∂L/∂s_t of
 *    every step from the N rows at once (SEQ-4'), and scatters the target embedding's gradient once (EMB-1');
 *  - every buffer of the steps (inputs, states, gates, logits, the attention's weights) comes from an
 *    `Arena` rewound at the start of the pass, so after the largest batch the loop allocates none of them
 *    (the attention's small [n,A] query products are still made per step); nothing of it outlives the
 *    pass (it returns numbers).
 */
import { Mat, fromArray, zeros, ValueError } from '../kernels/tensor';
import { gemmPacked, packB, PackedB, GemmWorkspace } from '../kernels/gemm';
import { setRowsToBias } from '../kernels/bias';
import { Arena } from '../kernels/arena';
import { Stepwise } from '../layers/stepwise';
import { AttentionStepCache } from '../layers/attention';
import { softmaxCrossEntropy } from '../layers/losses';
import { SOS_ID, argmaxWord } from './word-ids';
import { Seq2SeqBatch, Seq2SeqParts, SourceCache, KeyGrads } from './seq2seq-types';

export class Seq2SeqPass<Src = readonly number[], Cache = SourceCache> {
  private readonly arena = new Arena();
  private readonly decoder: Stepwise;
  private readonly gemm = new GemmWorkspace();
  private WoutT: PackedB | null = null; // [H,V], packed again at every pass (the weights change between batches)

  constructor(private readonly model: Seq2SeqParts<Src, Cache>) {
    this.decoder = new Stepwise(model.decoder);
  }

  /** See `Seq2Seq.loss`. */
  loss(batch: Seq2SeqBatch<Src>, options: { forced?: readonly boolean[]; backward?: boolean } = {}): { loss: number; words: number } {
    const m = this.model, { sources, targets } = batch;
    const B = sources.length, V = m.config.targetVocabSize;
    if (targets.length !== B) throw new ValueError(`Seq2Seq.loss: ${B} sources but ${targets.length} targets`);
    const forced = options.forced ?? new Array<boolean>(B).fill(true);
    if (forced.length !== B) throw new ValueError(`Seq2Seq.loss forced: expected ${B} flags, got ${forced.length}`);
    targets.forEach((y, b) => {
      if (y.length === 0) throw new ValueError(`Seq2Seq.loss targets[${b}]: empty; a target holds at least <eos>`);
      y.forEach((k, t) => {
        if (!(Number.isInteger(k) && k >= 0 && k < V)) throw new ValueError(`Seq2Seq.loss targets[${b}][${t}]: expected a word id in [0, ${V - 1}], got ${k}`);
      });
    });
    const order = Array.from({ length: B }, (_, b) => b).sort((a, b) => targets[b].length - targets[a].length || a - b);
    const ys = order.map((b) => targets[b]), free = order.map((b) => !forced[b]);
    const T = ys[0].length;
    const active = Array.from({ length: T }, (_, t) => ys.filter((y) => y.length > t).length); // n_t
    const at: number[] = [];
    let N = 0;
    for (const n of active) (at.push(N), (N += n));
    const rows = (M: Mat, t: number): Mat => fromArray(M.data.subarray(at[t] * M.shape[1], (at[t] + active[t]) * M.shape[1]), [active[t], M.shape[1]]);

    const { embeddingSize: E, numLayers: L } = m.config;
    const enc = m.encode(order.map((b) => sources[b])); //                                   (SEQ-1)
    const arena = this.arena, dec = this.decoder;
    arena.rewind();
    dec.start(enc.h_n, enc.c_n, active, arena); // s_0 = h_S (c_0 = c_S), copied into the decoder's buffers (SEQ-2)
    this.WoutT = packB(m.out.params.weight.transpose(1, 0), this.WoutT);
    const Z = arena.take([N, V]); //       the logits of every target word, step after step
    const words = new Int32Array(N); //     u_t, the word each row reads at step t
    const labels = new Int32Array(N); //    y_t, the word it should write
    const S = enc.keys.shape[0], A = m.attention?.size ?? 0;
    const attCaches: AttentionStepCache[] = [];
    const tokens = new Int32Array(B).fill(SOS_ID); // u_1 = <sos>
    for (let t = 0; t < T; t++) {
      const n = active[t], x = dec.input(t); //                             i_t [n,E] or [n,E+H]
      words.set(tokens.subarray(0, n), at[t]);
      m.targetEmbedding.lookupInto(words.subarray(at[t], at[t] + n), x); // Emb_tgt(u_t)     (EMB-1), (SEQ-3)
      if (m.attention && enc.attention) {
        const into = { w: arena.take([S, n, A]), alpha: arena.take([n, S]), context: x.lo(0, E) };
        attCaches.push(m.attention.forward(enc.attention, dec.statePrev(t, L - 1), into).cache); // ctx_t from s_{t−1}   (ATT-2…5)
      }
      const s = dec.forward(t); //                                          s_t [n,H]          (SEQ-4)
      const z = rows(Z, t);
      setRowsToBias(z, m.out.params.bias, null); //                         z_t = s_t·W_outᵀ + b_out   (SEQ-4)
      gemmPacked(z, s, this.WoutT, this.gemm); //                           [n,V] += [n,H]·[H,V]
      for (let b = 0; b < n; b++) {
        labels[at[t] + b] = ys[b][t];
        tokens[b] = free[b] ? argmaxWord(z, b) : ys[b][t]; //                                  (SEQ-3)
      }
    }
    const { loss, dlogits } = softmaxCrossEntropy(Z, labels); //                              (SEQ-5), (SEQ-5')
    if (!options.backward) return { loss, words: N };

    // ∂L/∂s_t of every step at once: dW_out += dZᵀ·S_all, db_out += Σ dZ, dS = dZ·W_out   (SEQ-4')
    const dS = m.out.backward({ x: dec.output() }, dlogits); //                            [N,H]
    const keyGrads: KeyGrads | null = m.attention && enc.attention ? { dKeys: zeros(enc.keys.shape), dP: zeros(enc.attention.p.shape) } : null;
    for (let t = T - 1; t >= 0; t--) {
      const di = dec.backward(t, rows(dS, t)); //      di_t, and ∂L/∂s_{t−1} in the carry        (SEQ-4')
      if (m.attention && enc.attention && keyGrads) {
        const dq = m.attention.backward(enc.attention, attCaches[t], di.lo(0, E), keyGrads.dKeys, keyGrads.dP); // (SEQ-3')
        const carry = dec.carry(t).data, g = dq.data; // the query was s_{t−1}: its gradient joins BPTT
        for (let i = 0; i < carry.length; i++) carry[i] += g[i];
      }
    }
    const { dh0, dc0 } = dec.finish(); //                  the decoder's weights (BPTT-4); ∂L/∂s_0   (SEQ-2')
    m.targetEmbedding.backward({ indices: words }, dec.inputGrads().hi(N, E)); // de_t of every step  (EMB-1')
    m.encoderBackward(enc, dh0, dc0, keyGrads); //                                           (SEQ-1')
    return { loss, words: N };
  }
}
