/**
 * Additive attention (Bahdanau, Cho & Bengio, 2015): at each decoder step, a weighted mean of the
 * encoder's outputs, the weights saying which source positions the decoder reads.   docs: docs/layers/attention.md
 *
 *   keys k [S,B,Hk] (the encoder's outputs), query q [B,Hq] (the decoder's state before the step)
 *   (ATT-1)  p_{s,b} = k_{s,b}·U_aᵀ + b_U                   [S,B,A]   once per batch of sources
 *   (ATT-2)  w_{s,b} = tanh(q_b·W_aᵀ + b_W + p_{s,b})        [S,B,A]
 *   (ATT-3)  e_{b,s} = w_{s,b}·v_aᵀ                          [B,S]     scores
 *   (ATT-4)  α_{b,·} = softmax(e_{b,·}) over s < len_b        [B,S]     α_{b,s} = 0 at padded positions
 *   (ATT-5)  ctx_b = Σ_s α_{b,s} k_{s,b}                       [B,Hk]    the context
 * Backward, given dctx = ∂L/∂ctx [B,Hk]:
 *   (ATT-5') dα_{b,s} = dctx_b·k_{s,b}        dk_{s,b} += α_{b,s} dctx_b
 *   (ATT-4') de_{b,s} = α_{b,s} (dα_{b,s} − Σ_s' α_{b,s'} dα_{b,s'})        (softmax backward)
 *   (ATT-3') dv_a += Σ_{b,s} de_{b,s} w_{s,b}      dw_{s,b} = de_{b,s} v_a
 *   (ATT-2') da_{s,b} = dw_{s,b} ⊙ (1 − w_{s,b}²)   dp_{s,b} += da_{s,b}   dq'_b = Σ_s da_{s,b}
 *            dW_a += dq'ᵀ·q   db_W += Σ_b dq'   dq = dq'·W_a
 *   (ATT-1') dU_a += Σ_{s,b} dp_{s,b}ᵀ k_{s,b}   db_U += Σ dp   dk += dp·U_a       once, after the decoder loop
 *
 * The names are those of PyTorch's translation tutorial (`Wa`, `Ua`, `Va`). Its `Va` has a bias, which adds
 * the same number to every score of a row; the softmax takes it away again, so it can never learn anything
 * (its gradient is exactly 0) and it is left out here.
 */
import { Mat, zeros, flattenRows, fromArray, assertShape, isOwned, ShapeError, shapeString } from '../kernels/tensor';
import { Rng, fillUniform } from '../kernels/random';
import { Linear, LinearCache } from './linear';
import { NamedParameter } from '../kernels/parameter';

/** The keys of one batch of sources, projected once (ATT-1), and what the steps need to read them. */
export interface AttentionKeys {
  keys: Mat; // [S,B,Hk]
  p: Mat; // [S,B,A]   k·U_aᵀ + b_U
  lengths: Int32Array; // [B]   valid source positions per row
  cache: LinearCache; // for (ATT-1')
}

/** What one step keeps for its backward. */
export interface AttentionStepCache {
  q: LinearCache; // the query, for dW_a
  w: Mat; // [S,n,A]   tanh(q·W_aᵀ + b_W + p), for the step's n rows
  alpha: Mat; // [n,S]   the attention weights
}

export class AdditiveAttention {
  readonly Wa: Linear; // [A,Hq]  query → attention space
  readonly Ua: Linear; // [A,Hk]  keys → attention space
  readonly va: Mat; // [1,A]   PyTorch's Va.weight
  readonly dva: Mat; // [1,A]

  /** `querySize` Hq, `keySize` Hk, `size` A (the width of the attention space); PyTorch's initialisation. */
  constructor(readonly querySize: number, readonly keySize: number, readonly size: number, rng: Rng) {
    this.Wa = new Linear(querySize, size, { rng });
    this.Ua = new Linear(keySize, size, { rng });
    this.va = zeros([1, size]);
    this.dva = zeros([1, size]);
    const k = 1 / Math.sqrt(size);
    fillUniform(this.va, -k, k, rng);
  }

  namedParameters(): NamedParameter[] {
    return [
      { name: 'Wa.weight', value: this.Wa.params.weight, grad: this.Wa.grads.weight },
      { name: 'Wa.bias', value: this.Wa.params.bias!, grad: this.Wa.grads.bias! },
      { name: 'Ua.weight', value: this.Ua.params.weight, grad: this.Ua.grads.weight },
      { name: 'Ua.bias', value: this.Ua.params.bias!, grad: this.Ua.grads.bias! },
      { name: 'Va.weight', value: this.va, grad: this.dva },
    ];
  }

  /** (ATT-1) for keys [S,B,Hk] (owned) whose row b has `lengths[b]` valid positions. */
  prepare(keys: Mat, lengths: ArrayLike<number>): AttentionKeys {
    if (keys.dimension !== 3 || keys.shape[2] !== this.keySize) throw new ShapeError(`AdditiveAttention.prepare keys: expected [S,B,${this.keySize}], got ${shapeString(keys.shape)}`);
    if (!isOwned(keys)) throw new ShapeError('AdditiveAttention.prepare keys: expected an owned (contiguous) tensor, got a view; clone it');
    const [S, B] = keys.shape;
    if (lengths.length !== B) throw new ShapeError(`AdditiveAttention.prepare lengths: expected ${B} lengths, got ${lengths.length}`);
    const lens = Int32Array.from(lengths);
    for (let b = 0; b < B; b++) {
      if (!(lens[b] >= 1 && lens[b] <= S)) throw new ShapeError(`AdditiveAttention.prepare lengths[${b}]: expected an integer in [1, ${S}], got ${lengths[b]}`);
    }
    const { y, cache } = this.Ua.forward(flattenRows(keys)); // [S·B,A] = [S·B,Hk]·[Hk,A] + b_U   (ATT-1)
    return { keys, p: fromArray(y.data, [S, B, this.size]), lengths: lens, cache };
  }

  /**
   * One step: the context [n,Hk] and the weights α [n,S] for the query q [n,Hq] of the batch's first n
   * rows (n ≤ B: a decoder step where the other rows have already written their last word). With `into`,
   * the step writes into the buffers it is given instead of new ones (a decoder's workspace): `w` [S,n,A]
   * and `alpha` [n,S] plain, `context` [n,Hk] any view whose rows are contiguous (a slice of the decoder's
   * input row).
   */
  forward(k: AttentionKeys, q: Mat, into: { w: Mat; alpha: Mat; context: Mat } | null = null): { context: Mat; alpha: Mat; cache: AttentionStepCache } {
    const [S, B, Hk] = k.keys.shape, A = this.size;
    const n = q.shape[0];
    if (n > B) throw new ShapeError(`AdditiveAttention.forward q: expected at most ${B} rows (the batch's), got ${n}`);
    assertShape(q, [n, this.querySize], 'AdditiveAttention.forward q');
    const { y: qp, cache: qCache } = this.Wa.forward(q); // [n,A] = [n,Hq]·[Hq,A] + b_W
    const w = into ? into.w : zeros([S, n, A]), alpha = into ? into.alpha : zeros([n, S]), context = into ? into.context : zeros([n, Hk]);
    if (into) {
      assertShape(w, [S, n, A], 'AdditiveAttention.forward into.w');
      assertShape(alpha, [n, S], 'AdditiveAttention.forward into.alpha');
      assertShape(context, [n, Hk], 'AdditiveAttention.forward into.context');
      if (!isOwned(w) || !isOwned(alpha) || context.stride[1] !== 1) throw new ShapeError('AdditiveAttention.forward into: expected plain w and alpha, and a context whose rows are contiguous');
      alpha.data.fill(0); // α = 0 at padded positions
      for (let b = 0; b < n; b++) context.data.fill(0, context.offset + b * context.stride[0], context.offset + b * context.stride[0] + Hk);
    }
    const P = k.p.data, W = w.data, QP = qp.data, v = this.va.data, K = k.keys.data, AL = alpha.data, C = context.data;
    const c0 = context.offset, cs = context.stride[0]; // row b of the context starts at C[c0 + b·cs]
    for (let b = 0; b < n; b++) {
      let max = -Infinity;
      for (let s = 0; s < k.lengths[b]; s++) {
        const at = (s * B + b) * A, wAt = (s * n + b) * A; // row b at position s of p [S,B,A] and of w [S,n,A]
        let e = 0;
        for (let j = 0; j < A; j++) {
          const wj = Math.tanh(QP[b * A + j] + P[at + j]); //                     (ATT-2)
          W[wAt + j] = wj;
          e += wj * v[j]; //                                                       (ATT-3)
        }
        AL[b * S + s] = e;
        max = Math.max(max, e);
      }
      let sum = 0;
      for (let s = 0; s < k.lengths[b]; s++) sum += AL[b * S + s] = Math.exp(AL[b * S + s] - max); // max first: no overflow
      for (let s = 0; s < k.lengths[b]; s++) {
        const a = (AL[b * S + s] /= sum); //                                       (ATT-4)
        for (let j = 0; j < Hk; j++) C[c0 + b * cs + j] += a * K[(s * B + b) * Hk + j]; // (ATT-5)
      }
    }
    return { context, alpha, cache: { q: qCache, w, alpha } };
  }

  /**
   * Backward of one step of the first n rows, given dctx [n,Hk]. Adds into dW_a, db_W, dv_a, and into
   * `dKeys` [S,B,Hk] and `dP` [S,B,A] (summed over the steps; `prepareBackward` turns dP into the rest of
   * dk); returns dq [n,Hq].
   */
  backward(k: AttentionKeys, c: AttentionStepCache, dctx: Mat, dKeys: Mat, dP: Mat): Mat {
    const [S, B, Hk] = k.keys.shape, A = this.size;
    const n = c.alpha.shape[0];
    assertShape(dctx, [n, Hk], 'AdditiveAttention.backward dctx');
    assertShape(dKeys, k.keys.shape, 'AdditiveAttention.backward dKeys');
    assertShape(dP, k.p.shape, 'AdditiveAttention.backward dP');
    if (!isOwned(dKeys) || !isOwned(dP)) throw new ShapeError('AdditiveAttention.backward dKeys, dP: expected owned (contiguous) tensors');
    const dqp = zeros([n, A]), dAlpha = new Float64Array(S); // dAlpha[s] = ∂L/∂α_{b,s} for the row at hand
    const K = k.keys.data, W = c.w.data, AL = c.alpha.data, v = this.va.data, dv = this.dva.data;
    const DK = dKeys.data, DP = dP.data, DQP = dqp.data;
    for (let b = 0; b < n; b++) {
      let alphaDotDAlpha = 0; // Σ_s α_{b,s} ∂L/∂α_{b,s}
      for (let s = 0; s < k.lengths[b]; s++) {
        const alpha = AL[b * S + s], at = (s * B + b) * Hk;
        let dAlphaS = 0;
        for (let j = 0; j < Hk; j++) {
          const dctx_j = dctx.get(b, j); // dctx may be a view (a slice of the decoder's input gradient)
          dAlphaS += dctx_j * K[at + j]; //                                        dα = dctx·k   (ATT-5')
          DK[at + j] += alpha * dctx_j; //                                         dk += α dctx  (ATT-5')
        }
        dAlpha[s] = dAlphaS;
        alphaDotDAlpha += alpha * dAlphaS;
      }
      for (let s = 0; s < k.lengths[b]; s++) {
        const dE = AL[b * S + s] * (dAlpha[s] - alphaDotDAlpha); //                ∂L/∂e_{b,s}   (ATT-4')
        const at = (s * B + b) * A, wAt = (s * n + b) * A;
        for (let j = 0; j < A; j++) {
          const wj = W[wAt + j];
          dv[j] += dE * wj; //                                                     dv_a          (ATT-3')
          const dPre = dE * v[j] * (1 - wj * wj); //  ∂L/∂(q·W_aᵀ + b_W + p), through tanh   (ATT-3'), (ATT-2')
          DP[at + j] += dPre; //                                                   dp            (ATT-2')
          DQP[b * A + j] += dPre; //                                               dq'           (ATT-2')
        }
      }
    }
    return this.Wa.backward(c.q, dqp); // dW_a += dq'ᵀ·q, db_W += Σ dq', dq = dq'·W_a   [B,Hq] (ATT-2')
  }

  /** (ATT-1'): once the steps have summed dP [S,B,A], adds dU_a, db_U, and dp·U_a into `dKeys` [S,B,Hk]. */
  prepareBackward(k: AttentionKeys, dP: Mat, dKeys: Mat): void {
    assertShape(dP, k.p.shape, 'AdditiveAttention.prepareBackward dP');
    assertShape(dKeys, k.keys.shape, 'AdditiveAttention.prepareBackward dKeys');
    if (!isOwned(dKeys)) throw new ShapeError('AdditiveAttention.prepareBackward dKeys: expected an owned (contiguous) tensor');
    const dk = this.Ua.backward(k.cache, flattenRows(dP)); // [S·B,Hk] = [S·B,A]·[A,Hk]   (ATT-1')
    const DK = dKeys.data;
    for (let i = 0; i < DK.length; i++) DK[i] += dk.data[i];
  }

  zeroGrad(): void {
    for (const p of this.namedParameters()) p.grad.data.fill(0);
  }
}
