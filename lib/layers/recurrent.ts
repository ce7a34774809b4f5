/**
 * The recurrent layer: a cell unrolled over time with ONE shared set of weights per layer and
 * direction, stacked `numLayers` deep, optionally bidirectional. The module `torch.nn.RNN / LSTM / GRU` is.
 *                                                                             docs: docs/layers/bptt.md
 *   x       [T,B,I]      time-major input ([B,T,I] with `batchFirst`, as PyTorch's batch_first)
 *   h0, c0  [L·D,B,H]    initial states, row l·D + d for layer l, direction d (0 forward, 1 reverse); default 0
 *                        (with an LSTM projection, `projSize` = P: h0, h_n and every h_t have P values, c keeps H)
 *   output  [T,B,D·H]    the top layer's h_t, [forward ‖ reverse] along the last axis ([B,T,D·H] with `batchFirst`)
 *   h_n     [L·D,B,H]    each layer and direction's final state (reverse: its state after t = 0)
 *   c_n     [L·D,B,H]    LSTM only
 *   lengths [B]          optional: sequence b has lengths[b] valid steps; the rest is padding (PyTorch's packed
 *                        sequences: output 0 at padded positions, h_n/c_n at each sequence's own last step)
 * Layer k ≥ 1 reads layer k−1's output [T,B,D·H] (under `dropout`, that output ⊙ a mask: DROP-1). With
 * `recurrentDropout`, every step's recurrent product reads h_{t−1} ⊙ a mask fixed per sequence (DROP-2).
 * Both act only while `dropoutState` is set (training): lib/layers/dropout.ts.
 * Parameters carry PyTorch's state_dict names. As in
 * PyTorch's documentation, D is always the number of directions and I the input width.
 */
import { Mat, zeros, assertShape, swapFirstAxes, ShapeError, ValueError, shapeString } from '../kernels/tensor';
import { copy2d } from '../kernels/elementwise';
import { Rng } from '../kernels/random';
import { CellParams, initCellParams, zeroCellParams, cellTensors, cellTensorNames } from '../cells/cell-params';
import { RecurrentOptions, RecurrentConfig, StoredRecurrentConfig, Engine, ENGINES, RecurrentGrads, StepGradNorms, checkOptions, checkInput, storedConfig } from './recurrent-options';
import { DropoutState, DROPOUT_SITE, dropoutMask, applyMask } from './dropout';
import { MergeMode, mergedWidth, mergeForward, mergeBackward } from './merge';

export type { RecurrentOptions, RecurrentConfig, StoredRecurrentConfig, Engine, RecurrentGrads, StepGradNorms } from './recurrent-options';
export { ENGINES } from './recurrent-options';
import { DirectionCache, unrollForward, unrollBackward } from './unroll';
import { cellFor } from '../cells/cells';
import { checkLengths, copyValidSteps } from './lengths';
import { ScratchPool } from '../kernels/scratch';
import { NamedParameter } from '../kernels/parameter';
import { TextbookStack, stackForward, stackBackward } from '../textbook/layers';

export interface RecurrentCache {
  x: Mat; // [T,B,I]
  lengths: Int32Array | null; // [B]
  layers: { input: Mat; dirs: DirectionCache[]; outMask: Mat | null; halves: Mat[] | null }[]; // the fast engine's
  //      (empty for the textbook's); outMask [T,B,F]: the dropout mask on this layer's output, which the next
  //      layer read (DROP-1); halves: f and r [T,B,H] when they were merged by sum, mul or ave (MERGE-1)
  textbook: TextbookStack | null; // the textbook engine's
}

export interface RecurrentOutput {
  output: Mat; // [T,B,D·H]
  h_n: Mat; // [L·D,B,H]
  c_n: Mat | null; // [L·D,B,H] (LSTM)
  cache: RecurrentCache;
}

export class Recurrent {
  readonly config: RecurrentConfig;
  /** cells[layer][direction] */
  readonly params: CellParams[][];
  /** Same shapes as `params`; backward adds into these, `zeroGrad()` clears them. */
  readonly grads: CellParams[][];
  /** Whether backward records ‖∂L/∂h_t‖ per step (the diagnostics' raw material); can be switched off. */
  trackGradNorms: boolean;
  /** Which engine runs forward and backward (the parameters are the same objects either way); can be switched. */
  engine: Engine;
  /** Training mode for dropout: the masks' seed (lib/layers/dropout.ts); null (the default) is evaluation. */
  dropoutState: DropoutState | null = null;
  /** Per layer and direction, buffers reused from one call to the next (never part of a returned cache). */
  private readonly pools: ScratchPool[][] = [];

  constructor(options: RecurrentOptions) {
    this.config = checkOptions(options);
    this.trackGradNorms = options.trackGradNorms ?? true;
    this.engine = options.engine ?? 'fast';
    if (!ENGINES.includes(this.engine)) throw new ValueError(`Recurrent engine: expected one of ${ENGINES.join(', ')}, got ${JSON.stringify(this.engine)}`);
    const { mode, hiddenSize: H, numLayers: L, bias } = this.config;
    const rng = new Rng(options.seed ?? 0);
    const D = this.numDirections;
    this.params = [];
    this.grads = [];
    for (let l = 0; l < L; l++) {
      const inSize = l === 0 ? this.config.inputSize : this.outputWidth;
      this.params.push([]);
      this.grads.push([]);
      for (let d = 0; d < D; d++) {
        this.params[l].push(initCellParams(mode, inSize, H, bias, rng, this.config.projSize));
        this.grads[l].push(zeroCellParams(mode, inSize, H, bias, this.config.projSize));
        (this.pools[l] ??= []).push(new ScratchPool());
      }
    }
  }

  /** The configuration as a checkpoint stores it (options at their defaults left out). */
  toConfig(): StoredRecurrentConfig {
    return storedConfig(this.config);
  }

  get numDirections(): number {
    return this.config.bidirectional ? 2 : 1;
  }

  /** R, the size of h_t: H, or P for an LSTM with a projection (its c_t keeps H). */
  get stateSize(): number {
    return this.config.projSize || this.config.hiddenSize;
  }

  /** F, the width of every layer's output: D·R, or R when a bidirectional layer merges by sum, mul or ave. */
  get outputWidth(): number {
    return mergedWidth(this.config.mergeMode, this.numDirections, this.stateSize);
  }

  /** Every parameter with its gradient, named and ordered as PyTorch's state_dict. */
  namedParameters(): NamedParameter[] {
    const out: NamedParameter[] = [];
    for (let l = 0; l < this.config.numLayers; l++) {
      for (let d = 0; d < this.numDirections; d++) {
        const names = cellTensorNames(this.params[l][d]), values = cellTensors(this.params[l][d]), grads = cellTensors(this.grads[l][d]);
        values.forEach((value, k) => out.push({ name: `${names[k]}_l${l}${d === 1 ? '_reverse' : ''}`, value, grad: grads[k] }));
      }
    }
    return out;
  }

  zeroGrad(): void {
    for (const p of this.namedParameters()) p.grad.data.fill(0);
  }

  /**
   * Runs every layer and direction over `x` [T,B,I] ([B,T,I] batch-first); returns output, h_n, c_n and
   * the cache for backward. With `lengths`, sequence b has lengths[b] valid steps and the rest is padding.
   */
  forward(x: Mat, h0: Mat | null = null, c0: Mat | null = null, lengths: ArrayLike<number> | null = null): RecurrentOutput {
    if (!this.config.batchFirst) return this.forwardTimeMajor(x, h0, c0, lengths);
    const I = this.config.inputSize;
    if (x.dimension !== 3 || x.shape[2] !== I) throw new ShapeError(`Recurrent.forward x: expected [B,T,${I}] (batchFirst), got ${shapeString(x.shape)}`);
    const r = this.forwardTimeMajor(swapFirstAxes(x), h0, c0, lengths); // the layer runs time-major
    return { ...r, output: swapFirstAxes(r.output) };
  }

  /** `forward` on a time-major x [T,B,I]. */
  private forwardTimeMajor(x: Mat, h0: Mat | null, c0: Mat | null, lengths: ArrayLike<number> | null): RecurrentOutput {
    const { mode, hiddenSize: H, numLayers: L } = this.config;
    const D = this.numDirections;
    const [T, B] = checkInput(this.config, x, h0, c0);
    const lens = lengths ? checkLengths(lengths, T, B, 'Recurrent.forward lengths') : null;
    const { dropout, recurrentDropout } = this.config;
    const drop = this.dropoutState;
    if (this.engine === 'textbook' && drop && (dropout > 0 || recurrentDropout > 0)) {
      throw new ValueError('Recurrent.forward: the textbook engine runs no dropout; train with the fast engine (dropout is off in evaluation, where both engines agree)');
    }
    const merge = D === 2 && this.config.mergeMode !== 'concat' ? this.config.mergeMode as Exclude<MergeMode, 'concat'> : null;
    if (this.engine === 'textbook' && this.config.projSize) throw new ValueError('Recurrent.forward: the textbook engine has no LSTM projection; projSize runs on the fast engine');
    if (this.engine === 'textbook' && merge) throw new ValueError(`Recurrent.forward: the textbook engine concatenates the directions; mergeMode '${merge}' runs on the fast engine`);
    if (this.engine === 'textbook') {
      const r = stackForward(mode, this.params, x, h0, c0, lens);
      return { output: r.output, h_n: r.h_n, c_n: r.c_n, cache: { x, lengths: lens, layers: [], textbook: r.cache } };
    }
    const cell = cellFor(mode, this.config.projSize > 0);
    const R = this.stateSize; // h_t's size: H, or P with a projection
    const h_n = zeros([L * D, B, R]);
    const c_n = mode === 'lstm' ? zeros([L * D, B, H]) : null;
    const cache: RecurrentCache = { x, lengths: lens, layers: [], textbook: null };
    let input = x;
    for (let l = 0; l < L; l++) {
      const F = this.outputWidth;
      const halves = merge ? [zeros([T, B, R]), zeros([T, B, R])] : null; // f and r, merged below (MERGE-1)
      let out = zeros([T, B, F]);
      const dirs: DirectionCache[] = [];
      for (let d = 0; d < D; d++) {
        const row = l * D + d;
        const h0ld = h0 ? h0.pick(row) : zeros([B, R]);
        const c0ld = mode === 'lstm' ? (c0 ? c0.pick(row) : zeros([B, H])) : null;
        const hMask = drop && recurrentDropout > 0 ? dropoutMask(drop, DROPOUT_SITE.recurrent(l, d), [B, R], recurrentDropout) : null; // (DROP-2)
        const dir = unrollForward(cell, this.params[l][d], input, h0ld, c0ld, d === 1, lens, this.pools[l][d], hMask);
        copyValidSteps(halves ? halves[d] : out.lo(0, 0, d * R).hi(T, B, R), dir.h, lens); // its half, or its column block
        const last = d === 1 ? 0 : T - 1; // the step a direction ends on (a finished sequence holds its state)
        copy2d(h_n.pick(row), dir.h.pick(last));
        if (c_n && dir.c) copy2d(c_n.pick(row), dir.c.pick(last));
        dirs.push(dir);
      }
      if (merge && halves) out = mergeForward(merge, halves[0], halves[1]); //          (MERGE-1)
      const outMask = drop && dropout > 0 && l < L - 1 ? dropoutMask(drop, DROPOUT_SITE.between(l), [T, B, F], dropout) : null;
      cache.layers.push({ input, dirs, outMask, halves });
      input = l < L - 1 ? applyMask(out, outMask) : out; //                          (DROP-1)
    }
    return { output: input, h_n, c_n, cache };
  }

  /**
   * BPTT through every layer and direction, top layer first. `dOutput` [T,B,D·H] is ∂L/∂output;
   * `dh_n`, `dc_n` [L·D,B,H] (optional) the gradients at the final states. Adds into `this.grads`;
   * returns ∂L/∂x, ∂L/∂h0, ∂L/∂c0 and the per-step gradient norms. The weights must not change between a
   * forward pass and its backward (as in PyTorch, where that is an error): update them after backward.
   */
  backward(cache: RecurrentCache, dOutput: Mat, dh_n: Mat | null = null, dc_n: Mat | null = null): RecurrentGrads {
    if (!this.config.batchFirst) return this.backwardTimeMajor(cache, dOutput, dh_n, dc_n);
    const [T, B] = cache.x.shape, F = this.outputWidth;
    assertShape(dOutput, [B, T, F], 'Recurrent.backward dOutput (batchFirst)');
    const r = this.backwardTimeMajor(cache, swapFirstAxes(dOutput), dh_n, dc_n);
    return { ...r, dx: swapFirstAxes(r.dx) }; // [B,T,I]
  }

  /** `backward` with a time-major dOutput [T,B,D·H]. */
  private backwardTimeMajor(cache: RecurrentCache, dOutput: Mat, dh_n: Mat | null, dc_n: Mat | null): RecurrentGrads {
    const { mode, hiddenSize: H, numLayers: L } = this.config;
    const D = this.numDirections;
    const [T, B] = cache.x.shape;
    assertShape(dOutput, [T, B, this.outputWidth], 'Recurrent.backward dOutput');
    const R = this.stateSize;
    if (dh_n) assertShape(dh_n, [L * D, B, R], 'Recurrent.backward dh_n');
    if (dc_n && mode !== 'lstm') throw new ValueError(`Recurrent.backward dc_n: only an LSTM has a cell state, this layer is ${mode}`);
    if (dc_n) assertShape(dc_n, [L * D, B, H], 'Recurrent.backward dc_n');
    if (cache.textbook) {
      const r = stackBackward(mode, this.params, this.grads, cache.textbook, dOutput, dh_n, dc_n);
      return { dx: r.dx, dh0: r.dh0, dc0: r.dc0, stepGradNorms: r.norms.map((n) => ({ ...n, c: null })) };
    }
    const dh0 = zeros([L * D, B, R]);
    const dc0 = mode === 'lstm' ? zeros([L * D, B, H]) : null;
    const stepGradNorms: StepGradNorms[] = [];
    let dOut = dOutput; // ∂L/∂(this layer's output)
    for (let l = L - 1; l >= 0; l--) {
      const { input, dirs, halves } = cache.layers[l];
      const merge = halves ? this.config.mergeMode as Exclude<MergeMode, 'concat'> : null;
      const dxs = zeros(input.shape); // both directions add their ∂L/∂x_t here
      for (let d = 0; d < D; d++) {
        const row = l * D + d;
        const dhs = merge && halves ? mergeBackward(merge, dOut, halves[0], halves[1], d as 0 | 1) : dOut.lo(0, 0, d * R).hi(T, B, R); // (MERGE-1')
        const r = unrollBackward(this.params[l][d], this.grads[l][d], dirs[d], dhs, dxs,
          dh_n ? dh_n.pick(row) : null, dc_n ? dc_n.pick(row) : null, this.pools[l][d], this.trackGradNorms);
        copy2d(dh0.pick(row), r.dh0);
        if (dc0 && r.dc0) copy2d(dc0.pick(row), r.dc0);
        stepGradNorms.push({ layer: l, direction: d as 0 | 1, h: r.hGradNorms, c: r.cGradNorms });
      }
      dOut = l > 0 ? applyMask(dxs, cache.layers[l - 1].outMask) : dxs; //             (DROP-1')
    }
    stepGradNorms.sort((a, b) => a.layer - b.layer || a.direction - b.direction);
    return { dx: dOut, dh0, dc0, stepGradNorms };
  }

}
