/**
 * A recurrent stack run one step at a time, for a decoder: its input at step t+1 (the word it just wrote,
 * the context its attention reads from h_t) is known only once step t has run, so the input projection of
 * every step cannot be one product before the loop as in unroll.ts (BPTT-0). The rest of what unroll.ts
 * does once is still done once here.                                          docs: docs/layers/bptt.md
 *
 * Rows shrink: step t computes the first n_t rows of the batch (n_0 = B ≥ n_1 ≥ …), the rows still writing;
 * the others have ended. Every [N,·] buffer holds the steps one after another (N = Σ_t n_t rows): step t's
 * rows are at[t] … at[t] + n_t − 1, so each step reads and writes plain views.
 *
 * Forward, step t, layer l (x_t: what the caller wrote into `input(t)` for l = 0, else h_t of layer l−1):
 *   h_{t−1} = the first n_t rows of the state after step t−1 (step 0 reads h0)
 *   (BPTT-0)  u_t = x_t·W_ihᵀ + b_ih (+ b_hh)    one [n_t,I]·[I,G·H] product per step (W_ih packed once)
 *   the cell's forward
 * Backward, step t from the last, layer l from the top:
 *   (BPTT-1)  ∂L/∂h_t = the caller's gradient (top layer) or layer l+1's dx_t, + the carry from step t+1
 *   (BPTT-2)  the cell's backward → da_t, dv_t, and ∂L/∂h_{t−1} into the carry
 *             dx_t = da_t·W_ih now: it is the layer below's ∂L/∂h_t (and, at l = 0, the caller's, which
 *             may send part of it back into the top layer's carry: `carry(t)`)
 *   (BPTT-4)  `finish()`: dW_ih, dW_hh, db of each layer, one product each over the N rows of all steps
 * A row that has ended takes no gradient from later steps: its carry is still 0 when the backward loop
 * reaches its last step, exactly as if it had been padded (PACK-2).
 *
 * The layer's parameters are read, and its gradients added into; memory is the caller's `Arena` (rewound
 * by the caller before each pass) plus the packed weights and workspaces this object keeps between passes.
 */
import { Mat, fromArray, assertShape, ShapeError, ValueError } from '../kernels/tensor';
import { gemmPacked, packB, PackedB, GemmWorkspace } from '../kernels/gemm';
import { setRowsToBias } from '../kernels/bias';
import { copy2d } from '../kernels/elementwise';
import { Arena } from '../kernels/arena';
import { Cell, RecurrentWeights, StepBase, StepGrads, assertPlain } from '../cells/cell';
import { cellFor } from '../cells/cells';
import { Recurrent } from './recurrent';
import { addWeightGrads } from './weight-grads';

/** One layer's buffers over a pass (rows of all steps, stacked) and each step's views of them, made before the loop. */
interface LayerRun {
  X: Mat; // [N,I]     x_t
  HP: Mat; // [N,H]    h_{t−1}
  DA: Mat; // [N,G·H]  da_t (GRU: du_t)
  DV: Mat; // [N,G·H]  dv_t (the same tensor as DA for RNN and LSTM)
  Hs: Mat; // [N,H]    h_t
  DX: Mat; // [N,I]    dx_t
  x: Mat[]; // [n_t,I]     step t's rows of X
  dx: Mat[]; // [n_t,I]    step t's dx_t
  a: Mat[]; // [n_t,G·H]   the pre-activations' input half
  prev: (Mat | null)[]; // [n_t,H]  the first n_t rows of h_{t−1} where step t−1 wrote them (null at t = 0)
  prevC: (Mat | null)[]; // [n_t,H] the same for c_{t−1} (LSTM)
  steps: StepBase[]; // the cell's step records
  grads: StepGrads[]; // each step's gradient views
}

/** Kept from one pass to the next: the packed weights and the cell's scratch of each layer. */
interface LayerKeep {
  weights: RecurrentWeights; // W_hh both ways, for the cell
  W_ihT: PackedB; // [I,G·H]  for u_t
  W_ih: PackedB; // [G·H,I]  for dx_t
  works: Map<number, unknown>; // the cell's scratch, by row count
}

export class Stepwise {
  private readonly cell: Cell<StepBase, unknown>;
  private readonly keep: LayerKeep[];
  private layers: LayerRun[] = [];
  private active: readonly number[] = [];
  private dh0: Mat | null = null; // [L,B,H]: per layer the carry, ∂L/∂h through the step after the current one; ∂L/∂h0 at the end
  private dc0: Mat | null = null; // [L,B,H]: the same for c (LSTM)
  private ran = 0; // steps forward has run
  private back = -1; // the step backward runs next

  constructor(readonly layer: Recurrent) {
    if (layer.config.bidirectional) throw new ValueError('Stepwise layer: a layer run one step at a time goes forward in time only; got a bidirectional one');
    this.cell = cellFor(layer.config.mode) as Cell<StepBase, unknown>;
    const ws = new GemmWorkspace();
    this.keep = layer.params.map(([p]) => ({
      weights: { gemm: ws, W_hhT: packB(p.weight_hh.transpose(1, 0)), W_hh: packB(p.weight_hh) },
      W_ihT: packB(p.weight_ih.transpose(1, 0)), W_ih: packB(p.weight_ih), works: new Map(),
    }));
  }

  /**
   * Starts a pass from h0 (c0 for an LSTM) [L,B,H] over steps of `active[t]` rows (n_0 ≤ B, never
   * growing). Packs the weights as they are now, and takes every buffer of the pass from `arena`.
   */
  start(h0: Mat, c0: Mat | null, active: readonly number[], arena: Arena): void {
    const { hiddenSize: H, numLayers: L, inputSize } = this.layer.config;
    const cell = this.cell, T = active.length;
    if (h0.dimension !== 3 || h0.shape[0] !== L || h0.shape[2] !== H) throw new ShapeError(`Stepwise.start h0: expected [${L},B,${H}], got [${h0.shape.join(',')}]`);
    if (cell.hasCellState !== !!c0) throw new ValueError(`Stepwise.start c0: ${cell.hasCellState ? 'an LSTM needs its initial cell state' : `a ${cell.name} has no cell state`}`);
    const B = h0.shape[1];
    active.forEach((n, t) => {
      const most = t === 0 ? B : active[t - 1];
      if (!(Number.isInteger(n) && n >= 1 && n <= most)) throw new ValueError(`Stepwise.start active[${t}]: expected an integer in [1, ${most}] (rows never grow), got ${n}`);
    });
    this.active = active;
    const at: number[] = [];
    let N = 0;
    for (const n of active) (at.push(N), (N += n));
    const rows = (m: Mat, t: number, n = active[t]): Mat => firstRows(m, at[t], n); // step t's rows of a stacked buffer
    const GH = cell.gateCount * H;
    this.layers = [];
    const DH0 = arena.zeros([L, B, H]), DC0 = c0 ? arena.zeros([L, B, H]) : null;
    const layerOf = (m: Mat, l: number): Mat => fromArray(m.data.subarray(l * B * H, (l + 1) * B * H), [B, H]);
    for (let l = 0; l < L; l++) {
      const p = this.layer.params[l][0], keep = this.keep[l];
      packB(p.weight_hh.transpose(1, 0), keep.weights.W_hhT);
      packB(p.weight_hh, keep.weights.W_hh);
      packB(p.weight_ih.transpose(1, 0), keep.W_ihT);
      packB(p.weight_ih, keep.W_ih);
      const I = l === 0 ? inputSize : H;
      const X = l === 0 ? arena.take([N, I]) : this.layers[l - 1].Hs;
      const Hs = arena.take([N, H]), HP = arena.take([N, H]), DX = arena.take([N, I]);
      const C = c0 ? arena.take([N, H]) : null, CP = c0 ? arena.take([N, H]) : null;
      const DA = arena.take([N, GH]), DV = cell.splitBiases ? arena.take([N, GH]) : DA;
      const dh = layerOf(DH0, l), dc = DC0 ? layerOf(DC0, l) : dh, dcSpare = arena.take([B, H]);
      const run: LayerRun = { X, HP, DA, DV, Hs, DX, x: [], dx: [], a: [], prev: [], prevC: [], steps: [], grads: [] };
      for (let t = 0; t < T; t++) {
        const n = active[t];
        run.x.push(rows(X, t));
        run.dx.push(rows(DX, t));
        run.a.push(arena.take([n, GH]));
        run.prev.push(t > 0 ? rows(Hs, t - 1, n) : null);
        run.prevC.push(t > 0 && C ? rows(C, t - 1, n) : null);
        const hPrev = rows(HP, t);
        const base = { hPrev, hIn: hPrev, h: rows(Hs, t), cPrev: CP ? rows(CP, t) : null, c: C ? rows(C, t) : null };
        run.steps.push(cell.makeStep(base, (shape) => arena.take(shape)));
        run.grads.push({
          dh: arena.take([n, H]), dhPrev: firstRows(dh, 0, n), dhIn: firstRows(dh, 0, n), da: rows(DA, t), dv: rows(DV, t),
          dcNext: firstRows(dc, 0, n), dcPrev: firstRows(dcSpare, 0, n), dc: arena.take([n, H]),
        });
        if (!keep.works.has(n)) keep.works.set(n, cell.createWork(n, H));
      }
      if (T > 0) {
        cell.check(p, run.steps[0], `${cell.name} decoder layer ${l}`);
        copy2d(run.steps[0].hPrev, h0.pick(l).hi(active[0], H)); // step 0 starts from h0
        if (c0 && run.steps[0].cPrev) copy2d(run.steps[0].cPrev, c0.pick(l).hi(active[0], H));
      }
      this.layers.push(run);
    }
    this.dh0 = DH0;
    this.dc0 = DC0;
    this.ran = 0;
    this.back = -1;
  }

  /** Step t's input rows [n_t,I], for the caller to fill before `forward(t)`. */
  input(t: number): Mat {
    return this.layers[0].x[t] ?? this.badStep('input', t);
  }

  /** Layer l's state before step t, [n_t,H] (the top layer's is what an attention's query reads). */
  statePrev(t: number, l: number): Mat {
    if (t > this.ran) throw new ValueError(`Stepwise.statePrev t: step ${t}'s state is known once step ${t - 1} has run forward (${this.ran} steps have)`);
    return this.layers[l].steps[t]?.hPrev ?? this.badStep('statePrev', t);
  }

  /** Runs step t (t = 0, 1, … in order) through every layer; returns the top layer's h_t [n_t,H]. */
  forward(t: number): Mat {
    if (t !== this.ran || t >= this.active.length) throw new ValueError(`Stepwise.forward t: expected step ${this.ran} (steps run in order, ${this.active.length} in all), got ${t}`);
    const cell = this.cell, n = this.active[t];
    for (let l = 0; l < this.layers.length; l++) {
      const r = this.layers[l], k = this.keep[l], p = this.layer.params[l][0], s = r.steps[t];
      setRowsToBias(r.a[t], p.bias_ih, cell.splitBiases ? null : p.bias_hh); // [n,G·H] = b_ih (+ b_hh)   (BPTT-0)
      gemmPacked(r.a[t], r.x[t], k.W_ihT, k.weights.gemm); //                  [n,G·H] += [n,I]·[I,G·H]  (BPTT-0)
      cell.forward(p, k.weights, r.a[t], s, k.works.get(n));
      const next = r.steps[t + 1], prev = r.prev[t + 1], prevC = r.prevC[t + 1];
      if (next && prev) copy2d(next.hPrev, prev); //                            h_t's first n_{t+1} rows start step t+1
      if (next?.cPrev && prevC) copy2d(next.cPrev, prevC);
    }
    this.ran = t + 1;
    if (this.ran === this.active.length) this.back = t;
    return this.layers[this.layers.length - 1].steps[t].h;
  }

  /**
   * Backward of step t (the last first, once forward has run every step), given ∂L/∂h_t of the top layer
   * from outside the stack, `dTop` [n_t,H] (plain). Returns dx_t [n_t,I]; `carry(t)` is then ∂L/∂h_{t−1}
   * of the top layer, into which the caller adds whatever else h_{t−1} fed.
   */
  backward(t: number, dTop: Mat): Mat {
    if (t !== this.back) throw new ValueError(`Stepwise.backward t: expected step ${this.back} (backward follows a whole forward pass, last step first), got ${t}`);
    const cell = this.cell, n = this.active[t];
    assertShape(dTop, [n, this.layer.config.hiddenSize], 'Stepwise.backward dTop');
    assertPlain(dTop, 'Stepwise.backward dTop');
    let dAbove = dTop;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const r = this.layers[l], k = this.keep[l], d = r.grads[t];
      const dh = d.dh.data, from = dAbove.data, carry = d.dhPrev.data;
      for (let i = 0; i < dh.length; i++) {
        dh[i] = from[i] + carry[i]; //             ∂L/∂h_t = from above + through step t+1   (BPTT-1)
        carry[i] = 0; //                           the cell adds ∂L/∂h_{t−1} here
      }
      if (cell.hasCellState) d.dcPrev.data.fill(0);
      cell.backward(k.weights, r.steps[t], d, k.works.get(n)); //                      (BPTT-2)
      if (cell.hasCellState) copy2d(d.dcNext, d.dcPrev); // ∂L/∂c_{t−1}: what step t−1 receives
      r.dx[t].data.fill(0);
      gemmPacked(r.dx[t], d.da, k.W_ih, k.weights.gemm); //  dx_t = da_t·W_ih   [n,I] = [n,G·H]·[G·H,I]   (BPTT-2)
      dAbove = r.dx[t];
    }
    this.back = t - 1;
    return dAbove;
  }

  /** The top layer's ∂L/∂h_{t−1} [n_t,H] after `backward(t)`: what the caller adds here joins BPTT. */
  carry(t: number): Mat {
    return this.layers[this.layers.length - 1].grads[t].dhPrev;
  }

  /** The top layer's h_t of every step, stacked: [N,H], step t's rows from Σ_{t'<t} n_t' on. */
  output(): Mat {
    return this.layers[this.layers.length - 1].Hs;
  }

  /** After backward: dx_t of every step for the first layer's input, stacked as `output()`: [N,I]. */
  inputGrads(): Mat {
    return this.layers[0].DX;
  }

  /** (BPTT-4), once backward has run step 0: adds the weights' gradients; returns ∂L/∂h0 and ∂L/∂c0 [L,B,H]. */
  finish(): { dh0: Mat; dc0: Mat | null } {
    if (this.back === -2) throw new ValueError('Stepwise.finish: this pass is already finished (its sums are in the gradients)');
    if (this.back !== -1 || this.ran !== this.active.length) throw new ValueError(`Stepwise.finish: backward has not reached step 0 yet (${this.ran} steps ran forward, backward is at step ${this.back})`);
    this.layers.forEach((r, l) => addWeightGrads(this.layer.grads[l][0], r.DA, r.DV, r.X, r.HP, this.keep[l].weights.gemm)); // (BPTT-4)
    this.back = -2; // a second finish would add the sums twice
    return { dh0: this.dh0 as Mat, dc0: this.dc0 };
  }

  private badStep(what: string, t: number): never {
    throw new ValueError(`Stepwise.${what} t: expected a step in [0, ${this.active.length - 1}], got ${t}`);
  }
}

/** Rows `from` … from + n − 1 of a plain [·,w] tensor, as a plain view. */
function firstRows(m: Mat, from: number, n: number): Mat {
  const w = m.shape[1];
  return fromArray(m.data.subarray(from * w, (from + n) * w), [n, w]);
}
