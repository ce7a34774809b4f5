/**
 * Embedding: a table of V learned vectors of E values, looked up by token index.   docs: docs/layers/embedding.md
 *
 *   (EMB-1)   e_n = W[k_n]                          W: [V,E] (PyTorch's `weight`), k: N token indices
 *   (EMB-1')  dW[v] += Σ_{n : k_n = v} de_n         scatter-add: a token used twice gets both gradients
 *
 * The forward pass is a copy, not a product: it is what multiplying a one-hot row by W would give, at a
 * cost of E per token instead of V·E. With `paddingIdx` (PyTorch's `padding_idx`), that token's vector
 * starts at zero and takes no gradient, so padding never learns anything. A `frozen` table takes no
 * gradient at all (pretrained vectors kept as they are).
 */
import { Mat, zeros, clone, isOwned, ShapeError, ValueError, shapeString } from '../kernels/tensor';
import { Rng, fillNormal } from '../kernels/random';

export interface EmbeddingCache {
  indices: Int32Array; // the N looked-up tokens, in the order of the output's rows
}

export interface EmbeddingOptions {
  paddingIdx?: number | null;
  frozen?: boolean; // keep the weights (pretrained vectors, lib/models/pretrained.ts): no gradient; default false
  rng?: Rng; // initial weights N(0, 1), as PyTorch
}

export class Embedding {
  readonly params: { weight: Mat }; // [V,E]
  readonly grads: { weight: Mat };
  readonly paddingIdx: number | null;
  readonly frozen: boolean;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: EmbeddingOptions = {}) {
    for (const [name, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`Embedding ${name}: expected an integer >= 1, got ${v}`);
    }
    this.paddingIdx = options.paddingIdx ?? null;
    this.frozen = options.frozen ?? false;
    if (this.paddingIdx !== null && !(Number.isInteger(this.paddingIdx) && this.paddingIdx >= 0 && this.paddingIdx < numEmbeddings)) {
      throw new ValueError(`Embedding paddingIdx: expected an index in [0, ${numEmbeddings - 1}] or null, got ${this.paddingIdx}`);
    }
    const weight = zeros([numEmbeddings, embeddingDim]);
    fillNormal(weight, options.rng ?? new Rng(0));
    if (this.paddingIdx !== null) weight.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
    this.params = { weight };
    this.grads = { weight: zeros([numEmbeddings, embeddingDim]) };
  }

  /**
   * Looks up `indices` (N tokens) and returns them as a tensor of `shape` + [E] (shape's sizes multiply to
   * N; e.g. [T,B] for a time-major batch of token ids, giving the [T,B,E] input of a recurrent layer).
   */
  forward(indices: ArrayLike<number>, shape: readonly number[] = [indices.length]): { y: Mat; cache: EmbeddingCache } {
    const N = indices.length, E = this.embeddingDim, V = this.numEmbeddings;
    if (shape.reduce((a, n) => a * n, 1) !== N) throw new ShapeError(`Embedding.forward shape: ${shapeString(shape)} holds ${shape.reduce((a, n) => a * n, 1)} tokens, but ${N} indices were given`);
    const k = new Int32Array(N);
    for (let n = 0; n < N; n++) {
      const v = indices[n];
      if (!Number.isInteger(v) || v < 0 || v >= V) throw new ValueError(`Embedding.forward indices[${n}]: expected a token index in [0, ${V - 1}], got ${v}`);
      k[n] = v;
    }
    const y = zeros([...shape, E]);
    const W = this.params.weight.data;
    for (let n = 0; n < N; n++) y.data.set(W.subarray(k[n] * E, k[n] * E + E), n * E); // e_n = W[k_n]   (EMB-1)
    return { y, cache: { indices: k } };
  }

  /**
   * (EMB-1) written into the first E columns of each row of `y` [N,≥E] (a view whose rows are contiguous;
   * the rest of each row is left as it is): the lookup of a decoder step, into its input row.
   */
  lookupInto(indices: ArrayLike<number>, y: Mat): void {
    const N = indices.length, E = this.embeddingDim, V = this.numEmbeddings;
    if (y.dimension !== 2 || y.shape[0] !== N || y.shape[1] < E || y.stride[1] !== 1) throw new ShapeError(`Embedding.lookupInto y: expected [${N},≥${E}] with contiguous rows, got ${shapeString(y.shape)} with strides ${shapeString(y.stride)}`);
    const W = this.params.weight.data;
    for (let n = 0; n < N; n++) {
      const v = indices[n];
      if (!Number.isInteger(v) || v < 0 || v >= V) throw new ValueError(`Embedding.lookupInto indices[${n}]: expected a token index in [0, ${V - 1}], got ${v}`);
      y.data.set(W.subarray(v * E, v * E + E), y.offset + n * y.stride[0]); // e_n = W[k_n]   (EMB-1)
    }
  }

  /** Adds ∂L/∂W for dy (shape + [E]). The indices are not differentiable: nothing is returned. */
  backward(cache: EmbeddingCache, dy: Mat): void {
    if (this.frozen) return; // a frozen table learns nothing
    if (!isOwned(dy)) dy = clone(dy); // a view: read it as one contiguous block
    const N = cache.indices.length, E = this.embeddingDim;
    if (dy.size !== N * E || dy.shape[dy.dimension - 1] !== E) throw new ShapeError(`Embedding.backward dy: expected ${N}·${E} values ending in [${E}], got ${shapeString(dy.shape)}`);
    const dW = this.grads.weight.data, d = dy.data;
    for (let n = 0; n < N; n++) {
      const v = cache.indices[n];
      if (v === this.paddingIdx) continue; // padding learns nothing
      for (let j = 0; j < E; j++) dW[v * E + j] += d[n * E + j]; // dW[k_n] += de_n   (EMB-1')
    }
  }

  zeroGrad(): void {
    this.grads.weight.data.fill(0);
  }
}
