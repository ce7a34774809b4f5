/**
 * One direction of one recurrent layer, unrolled over time: the forward loop and the BPTT loop.
 *                                                                             docs: docs/layers/bptt.md
 * Every step uses the *same* CellParams `p`. Forward runs t = 0 … T−1 (or T−1 … 0 for the reverse
 * direction). Backward walks the same steps in the opposite order and, at each one,
 *   (BPTT-1)  ∂L/∂h_t = ∂ℓ/∂h_t (the loss at t, from the layer above) + dhNext (through step t+1)
 *   (BPTT-2)  calls the cell's backward, which *adds* step t's share into the shared gradients g:
 *             dW = Σ_t (step t's share), and leaves dhNext = ∂L/∂h_{t−1} for the next iteration
 *   (BPTT-3)  after the last step, dhNext holds ∂L/∂h0, the gradient of the initial state (dcNext: ∂L/∂c0)
 * and records ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖ for an LSTM), the signal that vanishes or explodes.
 *
 * With `lengths` (a variable-length batch), padded rows hold their state forward and pass their state
 * gradient over the step backward: see lib/layers/lengths.ts.
 *
 * All step views and workspaces are made once, before the time loop; the loops allocate nothing.
 */
import { Mat, zeros, ValueError } from '../kernels/tensor';
import { add2d, copy2d, zero2d, norm2d } from '../kernels/elementwise';
import { holdPaddedRows, zeroPaddedRows, zeroValidRows, movePaddedRows } from './lengths';
import { CellKind, CellParams } from '../cells/cell-params';
import { RnnStep, RnnWork, RnnNonlinearity, rnnCellForward, rnnCellBackward, createRnnWork, checkRnnStep } from '../cells/rnn-cell';
import { LstmStep, LstmWork, lstmCellForward, lstmCellBackward, createLstmWork, checkLstmStep } from '../cells/lstm-cell';
import { GruStep, GruWork, gruCellForward, gruCellBackward, createGruWork, checkGruStep } from '../cells/gru-cell';

/** Fields every direction keeps: its states and how it ran. */
interface DirectionBase {
  reverse: boolean;
  h: Mat; // [T,B,H]  h_t after step t (a padded row holds its state)
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
 * Returns the cache that `unrollBackward` needs; h_t is in `cache.h` [T,B,H], c_t (LSTM) in `cache.c`.
 */
export function unrollForward(
  kind: CellKind, p: CellParams, xs: Mat, h0: Mat, c0: Mat | null, reverse: boolean, lengths: Int32Array | null = null,
): DirectionCache {
  const [T, B] = xs.shape;
  const H = p.weight_hh.shape[1];
  const hs = zeros([T, B, H]);
  const prev = (t: number): number => (reverse ? t + 1 : t - 1); // the step whose state step t reads
  const first = reverse ? T - 1 : 0;
  const hPrevOf = (t: number): Mat => (t === first ? h0 : hs.pick(prev(t)));
  const order = Array.from({ length: T }, (_, n) => (reverse ? T - 1 - n : n)); // time steps in processing order

  if (kind === 'lstm') {
    if (!c0) throw new ValueError('unrollForward c0: an LSTM needs an initial cell state [B,H], got null');
    const gates = zeros([T, B, 4 * H]), c = zeros([T, B, H]);
    const steps: LstmStep[] = [];
    for (let t = 0; t < T; t++) {
      const cPrev = t === first ? c0 : c.pick(prev(t));
      steps.push({ x: xs.pick(t), hPrev: hPrevOf(t), cPrev, gates: gates.pick(t), c: c.pick(t), h: hs.pick(t) });
    }
    checkLstmStep(p, steps[0], 'lstm layer');
    const work = createLstmWork(p, B);
    for (const t of order) {
      const s = steps[t];
      lstmCellForward(p, s, work);
      if (lengths) holdPaddedRows(s.h, s.hPrev, lengths, t); //                    (PACK-1)
      if (lengths) holdPaddedRows(s.c, s.cPrev, lengths, t); //                    (PACK-1)
    }
    return { cell: 'lstm', reverse, h: hs, lengths, steps, work, c };
  }
  if (kind === 'gru') {
    const gates = zeros([T, B, 3 * H]), vn = zeros([T, B, H]);
    const steps: GruStep[] = [];
    for (let t = 0; t < T; t++) steps.push({ x: xs.pick(t), hPrev: hPrevOf(t), gates: gates.pick(t), vn: vn.pick(t), h: hs.pick(t) });
    checkGruStep(p, steps[0], 'gru layer');
    const work = createGruWork(p, B);
    for (const t of order) {
      gruCellForward(p, steps[t], work);
      if (lengths) holdPaddedRows(steps[t].h, steps[t].hPrev, lengths, t); //      (PACK-1)
    }
    return { cell: 'gru', reverse, h: hs, lengths, steps, work };
  }
  const f: RnnNonlinearity = kind === 'rnn_relu' ? 'relu' : 'tanh';
  const steps: RnnStep[] = [];
  for (let t = 0; t < T; t++) steps.push({ x: xs.pick(t), hPrev: hPrevOf(t), h: hs.pick(t) });
  checkRnnStep(p, steps[0], 'rnn layer');
  const work = createRnnWork(p, B);
  for (const t of order) {
    rnnCellForward(p, steps[t], work, f);
    if (lengths) holdPaddedRows(steps[t].h, steps[t].hPrev, lengths, t); //        (PACK-1)
  }
  return { cell: 'rnn', f, reverse, h: hs, lengths, steps, work };
}

/**
 * BPTT over one direction.
 *   dhs: [T,B,H]  ∂ℓ/∂h_t from above (the loss or the next layer), per step
 *   dxs: [T,B,D]  ∂L/∂x_t is *added* here (both directions of a layer read the same x)
 *   dhN, dcN: [B,H] or null  gradient arriving at the final state h_n (c_n)
 * Parameter gradients are added into `g`.
 */
export function unrollBackward(
  p: CellParams, g: CellParams, cache: DirectionCache, dhs: Mat, dxs: Mat, dhN: Mat | null, dcN: Mat | null,
): DirectionGrads {
  const T = cache.steps.length;
  const [B, H] = cache.steps[0].h.shape;
  const dh = zeros([B, H]); //      ∂L/∂h_t in total
  const dhNext = zeros([B, H]); //  ∂L/∂h_t through step t+1; after the cell's backward, ∂L/∂h_{t−1}
  if (dhN) copy2d(dhNext, dhN);
  const dhsAt = Array.from({ length: T }, (_, t) => dhs.pick(t)); // views made before the loop
  const dxsAt = Array.from({ length: T }, (_, t) => dxs.pick(t));
  const hGradNorms = new Float64Array(T);
  const { lengths } = cache;

  if (cache.cell === 'lstm') {
    let dcNext = zeros([B, H]); // ∂L/∂c_t through step t+1
    let dcPrev = zeros([B, H]); // filled by the cell with ∂L/∂c_{t−1}
    if (dcN) copy2d(dcNext, dcN);
    const cGradNorms = new Float64Array(T);
    for (let n = T - 1; n >= 0; n--) {
      const t = cache.reverse ? T - 1 - n : n;
      add2d(dh, dhsAt[t], dhNext); //                                          (BPTT-1)
      zero2d(dcPrev);
      if (lengths) {
        zeroPaddedRows(dh, lengths, t); //            padded rows: nothing from above (PACK-2)
        zeroValidRows(dhNext, lengths, t); //         and their dhNext passes over the step (PACK-2)
        movePaddedRows(dcPrev, dcNext, lengths, t); // so does their dcNext               (PACK-2)
      } else {
        zero2d(dhNext);
      }
      hGradNorms[t] = norm2d(dh);
      lstmCellBackward(p, g, cache.steps[t], dh, dcNext, dxsAt[t], dhNext, dcPrev, cache.work); // (BPTT-2)
      cGradNorms[t] = norm2d(cache.work.dc);
      const swap = dcNext;
      dcNext = dcPrev;
      dcPrev = swap;
    }
    return { dh0: dhNext, dc0: dcNext, hGradNorms, cGradNorms }; //              (BPTT-3)
  }

  for (let n = T - 1; n >= 0; n--) {
    const t = cache.reverse ? T - 1 - n : n;
    add2d(dh, dhsAt[t], dhNext); //                                            (BPTT-1)
    if (lengths) {
      zeroPaddedRows(dh, lengths, t); //     padded rows: nothing from above        (PACK-2)
      zeroValidRows(dhNext, lengths, t); //  and their dhNext passes over the step  (PACK-2)
    } else {
      zero2d(dhNext);
    }
    hGradNorms[t] = norm2d(dh);
    if (cache.cell === 'gru') gruCellBackward(p, g, cache.steps[t], dh, dxsAt[t], dhNext, cache.work); // (BPTT-2)
    else rnnCellBackward(p, g, cache.steps[t], dh, dxsAt[t], dhNext, cache.work, cache.f); //            (BPTT-2)
  }
  return { dh0: dhNext, dc0: null, hGradNorms, cGradNorms: null }; //            (BPTT-3)
}
