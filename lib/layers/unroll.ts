/**
 * One direction of one recurrent layer, unrolled over time: the forward loop and the BPTT loop.
 *                                                                             docs: docs/layers/bptt.md
 * Every step uses the *same* CellParams `p`. Forward runs t = 0 … T−1 (or T−1 … 0 for the reverse
 * direction):
 *   (BPTT-0)  before the loop, the input projection of every step at once: U = X·W_ihᵀ + b_ih (+ b_hh for
 *             RNN and LSTM), one [T·B,D]·[D,G·H] product (it does not depend on h); each step adds its
 *             recurrent half
 * Backward walks the same steps in the opposite order and, at each one,
 *   (BPTT-1)  ∂L/∂h_t = ∂ℓ/∂h_t (the loss at t, from the layer above) + dhNext (through step t+1)
 *   (BPTT-2)  calls the cell's backward, which writes da_t = ∂L/∂a_t and leaves dhNext = ∂L/∂h_{t−1}
 *   (BPTT-3)  after the last step, dhNext holds ∂L/∂h0, the gradient of the initial state (dcNext: ∂L/∂c0)
 *   (BPTT-4)  after the loop, the shared weights' gradients, summed over the steps as one product each:
 *             dW_ih += Σ_t da_tᵀ·x_t = DAᵀ·X,   dW_hh += Σ_t da_tᵀ·h_{t−1} = DAᵀ·H_prev,
 *             db += Σ_t Σ_b da_t,   and dx_t = da_t·W_ih for every t at once
 * and records ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖ for an LSTM), the signal that vanishes or explodes.
 *
 * The states live in one [T+1,B,H] buffer with h0 in the slot before the first step, so the states a
 * step reads, h_{t−1} for t in time order, are one contiguous [T·B,H] block for (BPTT-4).
 * With `lengths` (a variable-length batch), padded rows hold their state forward and pass their state
 * gradient over the step backward: see lib/layers/lengths.ts.
 *
 * All step views and workspaces are made once, before the time loop; the loops allocate nothing.
 */
import { Mat, zeros, clone, flattenRows, isContiguous3d, ValueError } from '../kernels/tensor';
import { gemm } from '../kernels/gemm';
import { setRowsToBias, addRowVectorBackward } from '../kernels/bias';
import { add2d, copy2d, zero2d, norm2d } from '../kernels/elementwise';
import { ScratchPool } from '../kernels/scratch';
import { holdPaddedRows, zeroPaddedRows, zeroValidRows, movePaddedRows } from './lengths';
import { CellKind, CellParams, gateCount } from '../cells/cell-params';
import { RnnStep, RnnWork, RnnNonlinearity, rnnCellForward, rnnCellBackward, createRnnWork, checkRnnStep } from '../cells/rnn-cell';
import { LstmStep, LstmWork, lstmCellForward, lstmCellBackward, createLstmWork, checkLstmStep } from '../cells/lstm-cell';
import { GruStep, GruWork, gruCellForward, gruCellBackward, createGruWork, checkGruStep } from '../cells/gru-cell';

/** Fields every direction keeps: its inputs and states, and how it ran. */
interface DirectionBase {
  token: object; // identifies this cache to the pool its buffers were taken from
  pooled: Mat[]; // the buffers taken from the pool (given back after backward)
  reverse: boolean;
  X: Mat; // [T·B,D]  the inputs x_t, one row per (step, batch item)
  h: Mat; // [T,B,H]  h_t after step t, in time order (a padded row holds its state)
  hPrev: Mat; // [T·B,H]  h_{t−1} for every step t in time order: the rows of (BPTT-4)'s H_prev
  lengths: Int32Array | null; // [B]  valid steps per sequence; null: all T
}

/** What one direction keeps for backward: the per-step views (which point into its buffers) and its scratch space. */
export type DirectionCache =
  | (DirectionBase & { cell: 'rnn'; f: RnnNonlinearity; steps: RnnStep[]; work: RnnWork })
  | (DirectionBase & { cell: 'lstm'; steps: LstmStep[]; work: LstmWork; c: Mat })
  | (DirectionBase & { cell: 'gru'; steps: GruStep[]; work: GruWork });

/** The gradients one direction's backward returns (parameter gradients go into `g`). */
export interface DirectionGrads {
  dh0: Mat; // [B,H]  ∂L/∂h0
  dc0: Mat | null; // [B,H]  ∂L/∂c0 (LSTM)
  hGradNorms: Float64Array; // [T]  ‖∂L/∂h_t‖ over the batch, indexed by time t
  cGradNorms: Float64Array | null; // [T]  ‖∂L/∂c_t‖ (LSTM)
}

/**
 * Runs one direction over the sequence.
 *   xs: [T,B,D] input   h0, c0: [B,H] initial states (c0 only for an LSTM)
 *   lengths: [B] valid steps per sequence (checked by the caller), or null when every sequence has T
 *   pool: buffers kept across calls (the packed weights, the product's workspace); optional
 * Returns the cache that `unrollBackward` needs; h_t is in `cache.h` [T,B,H], c_t (LSTM) in `cache.c`.
 */
export function unrollForward(
  kind: CellKind, p: CellParams, xs: Mat, h0: Mat, c0: Mat | null, reverse: boolean, lengths: Int32Array | null = null,
  pool: ScratchPool | null = null,
): DirectionCache {
  const [T, B] = xs.shape;
  const H = p.weight_hh.shape[1];
  const GH = gateCount(kind) * H;
  if (kind === 'lstm' && !c0) throw new ValueError('unrollForward c0: an LSTM needs an initial cell state [B,H], got null');
  const work = kind === 'lstm' ? createLstmWork(p, B, pool) : kind === 'gru' ? createGruWork(p, B, pool) : createRnnWork(p, pool);

  const token = {};
  const pooled: Mat[] = [];
  const take = (shape: number[]): Mat => {
    const m = pool ? pool.take(shape, token) : zeros(shape);
    pooled.push(m);
    return m;
  };
  const X = flattenRows(isContiguous3d(xs) ? xs : clone(xs)); // [T·B,D]
  const U = take([T, B, GH]); //                                 u_t for every step, then each step's gate values
  const Uf = flattenRows(U);
  // RNN and LSTM use b_ih and b_hh only as their sum, so both are added here, once; the GRU's b_hh sits
  // inside the reset gate's product and stays with the recurrent half.
  setRowsToBias(Uf, p.bias_ih, kind === 'gru' ? null : p.bias_hh); // [T·B,G·H] = b_ih (+ b_hh)  (BPTT-0)
  gemm(Uf, X, p.weight_ih.transpose(1, 0), work.gemm); // [T·B,G·H] += [T·B,D]·[D,G·H]  (BPTT-0)

  // States: slot 0 holds h0 and h_t is slot t+1 (forward); reverse: h_t is slot t and h0 is slot T.
  const S = take([T + 1, B, H]);
  const slot = (t: number): number => (reverse ? t : t + 1);
  const prevSlot = (t: number): number => (reverse ? t + 1 : t);
  copy2d(S.pick(prevSlot(reverse ? T - 1 : 0)), h0);
  const base = {
    token, pooled, reverse, X, lengths,
    h: reverse ? S.hi(T, B, H) : S.lo(1, 0, 0), //         h_t in time order
    hPrev: flattenRows(reverse ? S.lo(1, 0, 0) : S.hi(T, B, H)), // h_{t−1} in time order
  };
  const order = Array.from({ length: T }, (_, n) => (reverse ? T - 1 - n : n)); // time steps in processing order

  if (kind === 'lstm') {
    const C = take([T + 1, B, H]), TC = take([T, B, H]);
    copy2d(C.pick(prevSlot(reverse ? T - 1 : 0)), c0 as Mat);
    const steps: LstmStep[] = [];
    for (let t = 0; t < T; t++) {
      steps.push({ gates: U.pick(t), hPrev: S.pick(prevSlot(t)), cPrev: C.pick(prevSlot(t)), c: C.pick(slot(t)), tc: TC.pick(t), h: S.pick(slot(t)) });
    }
    checkLstmStep(p, steps[0], 'lstm layer');
    const w = work as LstmWork;
    for (const t of order) {
      const s = steps[t];
      lstmCellForward(s, w);
      if (lengths) holdPaddedRows(s.h, s.hPrev, lengths, t); //                    (PACK-1)
      if (lengths) holdPaddedRows(s.c, s.cPrev, lengths, t); //                    (PACK-1)
    }
    return { ...base, cell: 'lstm', steps, work: w, c: reverse ? C.hi(T, B, H) : C.lo(1, 0, 0) };
  }
  if (kind === 'gru') {
    const vn = take([T, B, H]);
    const steps: GruStep[] = [];
    for (let t = 0; t < T; t++) steps.push({ gates: U.pick(t), hPrev: S.pick(prevSlot(t)), vn: vn.pick(t), h: S.pick(slot(t)) });
    checkGruStep(p, steps[0], 'gru layer');
    const w = work as GruWork;
    for (const t of order) {
      gruCellForward(p, steps[t], w);
      if (lengths) holdPaddedRows(steps[t].h, steps[t].hPrev, lengths, t); //      (PACK-1)
    }
    return { ...base, cell: 'gru', steps, work: w };
  }
  const f: RnnNonlinearity = kind === 'rnn_relu' ? 'relu' : 'tanh';
  const steps: RnnStep[] = [];
  for (let t = 0; t < T; t++) steps.push({ u: U.pick(t), hPrev: S.pick(prevSlot(t)), h: S.pick(slot(t)) });
  checkRnnStep(p, steps[0], 'rnn layer');
  const w = work as RnnWork;
  for (const t of order) {
    rnnCellForward(steps[t], w, f);
    if (lengths) holdPaddedRows(steps[t].h, steps[t].hPrev, lengths, t); //        (PACK-1)
  }
  return { ...base, cell: 'rnn', f, steps, work: w };
}

/**
 * BPTT over one direction.
 *   dhs: [T,B,H]  ∂ℓ/∂h_t from above (the loss or the next layer), per step
 *   dxs: [T,B,D]  ∂L/∂x_t is *added* here (both directions of a layer read the same x); contiguous
 *   dhN, dcN: [B,H] or null  gradient arriving at the final state h_n (c_n)
 *   pool: where the per-step gradients DA (DV) are kept across calls; optional
 *   trackNorms: record ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖); when false the norms are NaN and cost nothing
 * Parameter gradients are added into `g`.
 */
export function unrollBackward(
  p: CellParams, g: CellParams, cache: DirectionCache, dhs: Mat, dxs: Mat, dhN: Mat | null, dcN: Mat | null,
  pool: ScratchPool | null = null, trackNorms = true,
): DirectionGrads {
  if (pool && !pool.owns(cache.pooled, cache.token)) {
    throw new ValueError('unrollBackward cache: a later forward pass has reused its buffers; run backward before the next forward of the same shape');
  }
  const T = cache.steps.length;
  const [B, H] = cache.steps[0].h.shape;
  const GH = p.weight_hh.shape[0];
  const dh = zeros([B, H]); //      ∂L/∂h_t in total
  const dhNext = zeros([B, H]); //  ∂L/∂h_t through step t+1; after the cell's backward, ∂L/∂h_{t−1}
  if (dhN) copy2d(dhNext, dhN);
  const scratch = (key: string) => (pool ? pool.zeros(key, [T, B, GH]) : zeros([T, B, GH])); // kept across calls
  const DA = scratch('DA'); //      da_t for every step (GRU: du_t), for (BPTT-4)
  const DV = cache.cell === 'gru' ? scratch('DV') : DA; // GRU: dv_t; the others: the same da_t
  const dhsAt = Array.from({ length: T }, (_, t) => dhs.pick(t)); // views made before the loop
  const daAt = Array.from({ length: T }, (_, t) => DA.pick(t));
  const dvAt = Array.from({ length: T }, (_, t) => DV.pick(t));
  const hGradNorms = new Float64Array(T).fill(trackNorms ? 0 : NaN);
  const cGradNorms = cache.cell === 'lstm' ? new Float64Array(T).fill(trackNorms ? 0 : NaN) : null;
  const { lengths } = cache;
  let dcNext = zeros([B, H]); // LSTM: ∂L/∂c_t through step t+1
  let dcPrev = zeros([B, H]); // LSTM: filled by the cell with ∂L/∂c_{t−1}
  if (dcN) copy2d(dcNext, dcN);

  for (let n = T - 1; n >= 0; n--) {
    const t = cache.reverse ? T - 1 - n : n;
    add2d(dh, dhsAt[t], dhNext); //                                            (BPTT-1)
    zero2d(dcPrev);
    if (lengths) {
      zeroPaddedRows(dh, lengths, t); //             padded rows: nothing from above      (PACK-2)
      zeroValidRows(dhNext, lengths, t); //          and their dhNext passes over the step (PACK-2)
      if (cGradNorms) movePaddedRows(dcPrev, dcNext, lengths, t); // so does their dcNext (PACK-2)
    } else {
      zero2d(dhNext);
    }
    if (trackNorms) hGradNorms[t] = norm2d(dh); // NaN when not tracked
    if (cache.cell === 'lstm') {
      lstmCellBackward(cache.steps[t], dh, dcNext, daAt[t], dhNext, dcPrev, cache.work); // (BPTT-2)
      if (trackNorms) (cGradNorms as Float64Array)[t] = norm2d(cache.work.dc);
      const swap = dcNext;
      dcNext = dcPrev;
      dcPrev = swap;
    } else if (cache.cell === 'gru') {
      gruCellBackward(cache.steps[t], dh, daAt[t], dvAt[t], dhNext, cache.work); //           (BPTT-2)
    } else {
      rnnCellBackward(cache.steps[t], dh, daAt[t], dhNext, cache.work, cache.f); //           (BPTT-2)
    }
  }

  const ws = cache.work.gemm;
  const DAf = flattenRows(DA), DVf = flattenRows(DV);
  gemm(g.weight_ih, DAf.transpose(1, 0), cache.X, ws); //     [G·H,D] += [G·H,T·B]·[T·B,D]   (BPTT-4)
  gemm(g.weight_hh, DVf.transpose(1, 0), cache.hPrev, ws); // [G·H,H] += [G·H,T·B]·[T·B,H]   (BPTT-4)
  if (g.bias_ih && g.bias_hh && DV === DA) {
    // RNN and LSTM: both biases enter only as b_ih + b_hh, so their gradients are the same sum; take it once.
    const db = zeros([GH]);
    addRowVectorBackward(db, DAf); //                         [G·H] = Σ over T·B rows         (BPTT-4)
    for (let k = 0; k < GH; k++) {
      g.bias_ih.data[g.bias_ih.offset + k * g.bias_ih.stride[0]] += db.data[k];
      g.bias_hh.data[g.bias_hh.offset + k * g.bias_hh.stride[0]] += db.data[k];
    }
  } else {
    if (g.bias_ih) addRowVectorBackward(g.bias_ih, DAf); //  [G·H] += Σ over T·B rows        (BPTT-4)
    if (g.bias_hh) addRowVectorBackward(g.bias_hh, DVf); //  [G·H] += Σ over T·B rows        (BPTT-4)
  }
  gemm(flattenRows(dxs), DAf, p.weight_ih, ws); //           [T·B,D] += [T·B,G·H]·[G·H,D]   (BPTT-4)
  pool?.release(cache.pooled, cache.token); // the next forward of this shape may reuse them
  return { dh0: dhNext, dc0: cGradNorms ? dcNext : null, hGradNorms, cGradNorms }; //       (BPTT-3)
}
