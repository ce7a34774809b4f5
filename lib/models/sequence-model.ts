/**
 * A recurrent network with an optional Linear head: the models of the use cases.   docs: docs/layers/heads.md
 *
 *   head 'none'  many-to-many features: output [T,B,D·H] (and h_n, c_n)
 *   head 'last'  many-to-one:   y = Linear(output[T−1])      [B,K]    (regression, classification;
 *                                with lengths, each sequence's own last step lengths[b] − 1)
 *   head 'mean'  many-to-one:   y = Linear((1/len_b)·Σ_{t<len_b} output[t])   [B,K]   (POOL-1)
 *                                every step's output in equal part: a bidirectional layer's reverse
 *                                half counts as much as its forward half (speech: docs/speech.md)
 *   head 'all'   many-to-many:  y[t] = Linear(output[t])     [T,B,K]  (per-step logits, e.g. language models)
 *
 * Dropout (lib/layers/dropout.ts, while `setDropout` has set a state): `inputDropout` on what the first
 * layer reads (x, or its embedding), the recurrent layer's `dropout` and `recurrentDropout`, `outputDropout` on what the head
 * reads (the returned `output` is the recurrent layer's own).
 *
 * For a bidirectional network, output[T−1] is [forward h_{T−1} ‖ reverse h_{T−1}], as in PyTorch:
 * the reverse half has seen only x_{T−1}.
 */
import { Mat, zeros, assertShape, copyInto, ValueError, fromArray, flattenRows } from '../kernels/tensor';
import { Rng } from '../kernels/random';
import { Recurrent, RecurrentOptions, RecurrentCache, RecurrentGrads } from '../layers/recurrent';
import { NamedParameter } from '../kernels/parameter';
import { Linear, LinearCache } from '../layers/linear';
import { Stepper } from './stepper';
import { InputEmbedding, tieHead } from '../layers/input-embedding';
import { DropoutState, DROPOUT_SITE, checkDropout, dropoutMask, applyMask } from '../layers/dropout';

export type HeadMode = 'none' | 'last' | 'mean' | 'all';
/** The heads that give one output per sequence, [B,K] (what the *_last objectives read). */
export const ONE_PER_SEQUENCE: readonly HeadMode[] = ['last', 'mean'];

/** Everything needed to rebuild the architecture (not the weights): what a checkpoint stores. */
export type SequenceModelConfig = Omit<SequenceModelOptions, 'seed'> & {
  numLayers: number;
  bidirectional: boolean;
  bias: boolean;
  head: { mode: 'last' | 'mean' | 'all'; outFeatures: number; bias: boolean } | null;
};

export interface SequenceModelOptions extends RecurrentOptions {
  head?: { mode: 'last' | 'mean' | 'all'; outFeatures: number; bias?: boolean } | null;
  inputDropout?: number; // p of (DROP-1) on what the first layer reads (x, or its embedding), default 0
  outputDropout?: number; // p of (DROP-1) on the recurrent output the head reads, default 0
  /** An embedding of the (one-hot) input, [I,dim], before the first layer (EMB-2); `tied`: the head's weight is it. */
  embedding?: { dim: number; tied?: boolean; frozen?: boolean } | null;
}

export interface SequenceModelCache {
  rnn: RecurrentCache;
  head: LinearCache | null;
  T: number;
  B: number;
  lastStep: Int32Array; // [B] the step the 'last' head read for each sequence
  inMask: Mat | null; // [T,B,I] (or [T,B,E]) the dropout mask on what the first layer read (DROP-1)
  outMask: Mat | null; // [T,B,D·H] the dropout mask on what the head read (DROP-1)
  x: Mat; // [T,B,I] the model's input (the embedding's backward reads it)
}

export interface SequenceModelOutput {
  output: Mat; // [T,B,D·H]
  h_n: Mat; // [L·D,B,H]
  c_n: Mat | null; // [L·D,B,H]
  y: Mat | null; // [B,K] ('last') or [T,B,K] ('all')
  cache: SequenceModelCache;
}

/** What reaches the model's outputs from the loss; any of them may be absent (zero). */
export interface SequenceModelUpstream {
  dOutput?: Mat | null; // [T,B,D·H]
  dh_n?: Mat | null; // [L·D,B,H]
  dc_n?: Mat | null; // [L·D,B,H]
  dy?: Mat | null; // like y
}

export class SequenceModel {
  readonly rnn: Recurrent;
  readonly head: Linear | null;
  readonly headMode: HeadMode;
  readonly inputDropout: number;
  readonly outputDropout: number;
  readonly inputSize: number; // I, the width of x (the embedding's V when there is one)
  readonly embedding: InputEmbedding | null;
  readonly tied: boolean; // the head's weight is the embedding's

  constructor(options: SequenceModelOptions) {
    if (options.batchFirst) throw new ValueError('SequenceModel batchFirst: a SequenceModel and its objectives are time-major ([T,B,I]); batchFirst is an option of Recurrent');
    const emb = options.embedding ?? null;
    if (emb && (!Number.isInteger(emb.dim) || emb.dim < 1)) throw new ValueError(`SequenceModel embedding.dim: expected an integer >= 1, got ${emb.dim}`);
    this.rnn = new Recurrent({ ...options, inputSize: emb ? emb.dim : options.inputSize });
    this.inputSize = options.inputSize;
    this.embedding = emb ? new InputEmbedding(options.inputSize, emb.dim, emb.frozen ?? false, new Rng((options.seed ?? 0) + 0xe3b)) : null;
    this.tied = emb?.tied ?? false;
    this.inputDropout = checkDropout(options.inputDropout ?? 0, 'SequenceModel inputDropout');
    this.outputDropout = checkDropout(options.outputDropout ?? 0, 'SequenceModel outputDropout');
    this.headMode = options.head?.mode ?? 'none';
    if (options.head && !['last', 'mean', 'all'].includes(options.head.mode)) {
      throw new ValueError(`SequenceModel head.mode: expected 'last', 'mean' or 'all', got ${JSON.stringify(options.head.mode)}`);
    }
    const features = this.rnn.outputWidth;
    // The head draws from its own stream, so adding a head never changes the recurrent weights of a seed.
    this.head = options.head
      ? new Linear(features, options.head.outFeatures, { bias: options.head.bias ?? true, rng: new Rng((options.seed ?? 0) + 0x5eed) })
      : null;
    if (this.tied) tieHead(this.head, this.embedding as InputEmbedding, features);
  }

  /** The architecture as plain data; `new SequenceModel(config)` rebuilds it (with fresh weights). */
  toConfig(): SequenceModelConfig {
    // The recurrent layer's inputSize is the embedding's dim when there is one; the model's is the input's width.
    const { mode, inputSize: _rnnInput, hiddenSize, numLayers, bidirectional, bias, ...rnnOptional } = this.rnn.toConfig(); // dropout, mergeMode
    const inputSize = this.inputSize;
    const head = this.head && this.headMode !== 'none'
      ? { mode: this.headMode, outFeatures: this.head.outFeatures, bias: this.head.params.bias !== null }
      : null;
    // Dropout and a merge mode are named only when used, so a model without them has the configuration it always had.
    const used = { ...rnnOptional, ...(this.inputDropout > 0 ? { inputDropout: this.inputDropout } : {}), ...(this.outputDropout > 0 ? { outputDropout: this.outputDropout } : {}) };
    const embedding = this.embedding ? { embedding: { dim: this.embedding.embeddingDim, tied: this.tied, frozen: this.embedding.frozen } } : {};
    return { mode, inputSize, hiddenSize, numLayers, bidirectional, bias, head, ...used, ...embedding };
  }

  /** A stateful stepper for streaming inference: `step(x_t) → y_t` over `batch` sequences (lib/models/stepper.ts). */
  stepper(batch = 1): Stepper {
    return new Stepper(this, batch);
  }

  /** Training (a state: dropout draws its masks from it) or evaluation (null, the default). */
  setDropout(state: DropoutState | null): void {
    this.rnn.dropoutState = state;
  }

  get dropoutState(): DropoutState | null {
    return this.rnn.dropoutState;
  }

  /**
   * Every parameter with its gradient: `embedding.weight` (if any; marked frozen when it is), the recurrent
   * layer's in state_dict order, then `head.weight` (not when tied: it is `embedding.weight`), `head.bias`.
   */
  namedParameters(): NamedParameter[] {
    const e = this.embedding;
    const out = [...(e ? [{ name: 'embedding.weight', value: e.weight, grad: e.grad, ...(e.frozen ? { frozen: true } : {}) }] : []), ...this.rnn.namedParameters()];
    if (this.head) {
      if (!this.tied) out.push({ name: 'head.weight', value: this.head.params.weight, grad: this.head.grads.weight });
      if (this.head.params.bias && this.head.grads.bias) out.push({ name: 'head.bias', value: this.head.params.bias, grad: this.head.grads.bias });
    }
    return out;
  }

  zeroGrad(): void {
    for (const p of this.namedParameters()) p.grad.data.fill(0);
  }

  /**
   * x [T,B,I]; h0, c0 [L·D,B,H] or null; lengths [B] or null (a variable-length batch, see Recurrent).
   * The 'last' head reads each sequence at its own last step, lengths[b] − 1 (T − 1 without lengths).
   */
  forward(x: Mat, h0: Mat | null = null, c0: Mat | null = null, lengths: ArrayLike<number> | null = null): SequenceModelOutput {
    const drop = this.rnn.dropoutState;
    const e = this.embedding ? this.embedding.forward(x) : x; // [T,B,E]: what the first layer reads   (EMB-2)
    const inMask = drop && this.inputDropout > 0 ? dropoutMask(drop, DROPOUT_SITE.input, e.shape, this.inputDropout) : null;
    const { output, h_n, c_n, cache: rnnCache } = this.rnn.forward(applyMask(e, inMask), h0, c0, lengths); // (DROP-1)
    const [T, B, F] = output.shape;
    const outMask = drop && this.head && this.outputDropout > 0 ? dropoutMask(drop, DROPOUT_SITE.output, output.shape, this.outputDropout) : null;
    const read = applyMask(output, outMask); // what the head reads                                      (DROP-1)
    const lastStep = Int32Array.from({ length: B }, (_, b) => (rnnCache.lengths ? rnnCache.lengths[b] : T) - 1);
    let y: Mat | null = null;
    let headCache: LinearCache | null = null;
    if (this.head && this.headMode === 'last') {
      const last = zeros([B, F]); // row b = output[lastStep[b], b, :]
      for (let b = 0; b < B; b++) for (let j = 0; j < F; j++) last.set(b, j, read.get(lastStep[b], b, j));
      ({ y, cache: headCache } = this.head.forward(last)); // [B,F] → [B,K]
    } else if (this.head && this.headMode === 'mean') {
      const pooled = zeros([B, F]); // row b = the mean of output[0 … lastStep[b], b, :]
      for (let b = 0; b < B; b++) {
        const n = lastStep[b] + 1;
        for (let t = 0; t < n; t++) for (let j = 0; j < F; j++) pooled.set(b, j, pooled.get(b, j) + read.get(t, b, j) / n); // (POOL-1)
      }
      ({ y, cache: headCache } = this.head.forward(pooled)); // [B,F] → [B,K]
    } else if (this.head && this.headMode === 'all') {
      const r = this.head.forward(flattenRows(read)); //                  [T·B,F] → [T·B,K]
      y = fromArray(r.y.data, [T, B, this.head.outFeatures]);
      headCache = r.cache;
    }
    return { output, h_n, c_n, y, cache: { rnn: rnnCache, head: headCache, T, B, lastStep, inMask, outMask, x } };
  }

  /** Backward from whatever the loss reached; adds into every gradient and returns ∂L/∂x, ∂L/∂h0, ∂L/∂c0. */
  backward(cache: SequenceModelCache, upstream: SequenceModelUpstream): RecurrentGrads {
    const { T, B } = cache;
    const F = this.rnn.outputWidth;
    const dOutput = zeros([T, B, F]);
    if (upstream.dOutput) {
      assertShape(upstream.dOutput, [T, B, F], 'SequenceModel.backward dOutput');
      copyInto(dOutput, upstream.dOutput);
    }
    if (upstream.dy) {
      if (!this.head || !cache.head) throw new ValueError('SequenceModel.backward dy: this model has no head');
      const K = this.head.outFeatures;
      const dRead = cache.outMask ? zeros([T, B, F]) : dOutput; // ∂L/∂(what the head read)
      if (this.headMode === 'last') {
        assertShape(upstream.dy, [B, K], 'SequenceModel.backward dy');
        const dLast = this.head.backward(cache.head, upstream.dy); // [B,F], row b goes back to output[lastStep[b], b]
        for (let b = 0; b < B; b++) {
          const t = cache.lastStep[b];
          for (let j = 0; j < F; j++) dRead.set(t, b, j, dRead.get(t, b, j) + dLast.get(b, j));
        }
      } else if (this.headMode === 'mean') {
        assertShape(upstream.dy, [B, K], 'SequenceModel.backward dy');
        const dPooled = this.head.backward(cache.head, upstream.dy); // [B,F]: each of b's steps gets 1/len_b of it
        for (let b = 0; b < B; b++) {
          const n = cache.lastStep[b] + 1;
          for (let t = 0; t < n; t++) for (let j = 0; j < F; j++) dRead.set(t, b, j, dRead.get(t, b, j) + dPooled.get(b, j) / n); // (POOL-1')
        }
      } else {
        assertShape(upstream.dy, [T, B, K], 'SequenceModel.backward dy');
        const dFlat = this.head.backward(cache.head, flattenRows(upstream.dy)); // [T·B,F]
        for (let k = 0; k < dFlat.data.length; k++) dRead.data[k] += dFlat.data[k];
      }
      if (cache.outMask) for (let k = 0; k < dOutput.data.length; k++) dOutput.data[k] += dRead.data[k] * cache.outMask.data[k]; // (DROP-1')
    }
    const grads = this.rnn.backward(cache.rnn, dOutput, upstream.dh_n ?? null, upstream.dc_n ?? null);
    const de = applyMask(grads.dx, cache.inMask); //                                                 (DROP-1')
    return { ...grads, dx: this.embedding ? this.embedding.backward(cache.x, de) : de }; //             (EMB-2')
  }
}
