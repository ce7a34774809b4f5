/**
 * LSTM cell with a projection (PyTorch's `proj_size`): the LSTM step of lstm-cell.ts, then its output
 * projected to P < H values, which is what the next step and the next layer read.
 *                                                                            docs: docs/cells/lstm.md
 *
 *   (LSTM-1…5)  the LSTM step, reading h_{t−1} [B,P] through weight_hh [4H,P], giving c_t [B,H] and
 *               m_t = o_t ⊙ tanh(c_t) [B,H] (what a plain LSTM calls h_t)
 *   (PROJ-1)    h_t = m_t·W_hrᵀ                          W_hr = weight_hr [P,H], h_t [B,P]
 * Backward, given dh = ∂L/∂h_t [B,P]:
 *   (PROJ-1')   dm = dh·W_hr [B,H],   dW_hr += dhᵀ·m_t [P,H]
 *               then (LSTM-5'…1') with dm in the place of dh
 *
 * Written as a wrapper: each step keeps an inner LSTM step whose "h" is m_t, so the LSTM's own forward
 * and backward loops run unchanged, and this file adds only the product and its gradient. The layer's
 * state buffers hold the P-value h_t; c_t keeps H values.
 */
import { Mat, assertShape, zeros } from '../kernels/tensor';
import { gemm, gemmPacked } from '../kernels/gemm';
import { CellParams } from './cell-params';
import { Cell, RecurrentWeights, StepBase, StepGrads, assertPlain } from './cell';
import { LstmStep, lstmCell, lstmCellForward, lstmCellBackward } from './lstm-cell';

/** One step: the projected h_t (in the base), and the LSTM step whose h is m_t. */
export interface LstmProjStep extends StepBase {
  inner: LstmStep; // gates, c_t, tanh c_t and m_t (as inner.h) [B,H]
}

/** Scratch reused at every step: dm, and the inner step's gradients (fields set per step, nothing made). */
export interface LstmProjWork {
  dm: Mat; // [B,H]
  d: StepGrads;
}

/** h_t = m_t·W_hrᵀ after the LSTM step (PROJ-1). */
export function lstmProjForward(p: CellParams, w: RecurrentWeights, a: Mat, s: LstmProjStep): void {
  lstmCellForward(p, w, a, s.inner); //                         gates, c_t, m_t   (LSTM-1…5)
  s.h.data.fill(0);
  gemmPacked(s.h, s.inner.h, w.W_hrT!, w.gemm); //            [B,P] += [B,H]·[H,P]   (PROJ-1)
}

/** dm = dh·W_hr, dW_hr += dhᵀ·m (PROJ-1'), then the LSTM's backward from dm. */
export function lstmProjBackward(w: RecurrentWeights, s: LstmProjStep, d: StepGrads, work: LstmProjWork): void {
  work.dm.data.fill(0);
  gemmPacked(work.dm, d.dh, w.W_hr!, w.gemm); //               [B,H] += [B,P]·[P,H]   (PROJ-1')
  if (d.dW_hr) gemm(d.dW_hr, d.dh.transpose(1, 0), s.inner.h, w.gemm); // [P,H] += [P,B]·[B,H]   (PROJ-1')
  const inner = work.d;
  inner.da = d.da;
  inner.dv = d.dv;
  inner.dcNext = d.dcNext;
  inner.dcPrev = d.dcPrev;
  inner.dc = d.dc;
  inner.dhPrev = d.dhPrev;
  inner.dhIn = d.dhIn;
  lstmCellBackward(w, s.inner, inner); //                      (LSTM-5'…1'), adds dh_{t−1} [B,P] into d.dhIn
}

/** Checks one step's views against the parameters (once per sequence). */
export function checkLstmProjStep(p: CellParams, s: LstmProjStep, what: string): void {
  const GH = p.weight_hh.shape[0], H = GH / 4, P = p.weight_hh.shape[1];
  const B = s.h.shape[0];
  assertShape(p.weight_hr ?? zeros([0]), [P, H], `${what} weight_hr`);
  for (const [m, name, shape] of [[s.hPrev, 'h_{t-1}', [B, P]], [s.h, 'h_t', [B, P]], [s.inner.h, 'm_t', [B, H]], [s.inner.gates, 'gates', [B, GH]], [s.cPrev, 'c_{t-1}', [B, H]]] as const) {
    assertShape(m as Mat, shape, `${what} ${name}`);
    assertPlain(m as Mat, `${what} ${name}`);
  }
}

/** The projecting LSTM as the layer runs it. */
export const lstmProjCell: Cell<LstmProjStep, LstmProjWork> = {
  name: 'lstm',
  gateCount: 4,
  hasCellState: true,
  splitBiases: false,
  makeStep(base, take) {
    const H = (base.c as Mat).shape[1], B = base.h.shape[0];
    const m = take([B, H]);
    const inner = lstmCell.makeStep({ hPrev: base.hPrev, hIn: base.hIn, h: m, cPrev: base.cPrev, c: base.c }, take);
    return { ...base, inner };
  },
  check: checkLstmProjStep,
  createWork(B, H) {
    const dm = zeros([B, H]), unset = zeros([0]); // the other fields are set at every step
    return { dm, d: { dh: dm, dhPrev: unset, dhIn: unset, dcNext: unset, dcPrev: unset, dc: unset, da: unset, dv: unset } };
  },
  forward: lstmProjForward,
  backward: lstmProjBackward,
  computed(s) {
    return [...lstmCell.computed(s.inner).map(([name, m]): [string, Mat] => [name === 'h_t' ? 'm_t' : name, m]), ['h_t', s.h]];
  },
};
