/**
 * Elman RNN cell: one time step forward, and its backward right below.        docs: docs/cells/rnn.md
 * Read lib/textbook/rnn.ts first: the same step whole, with dW added inside it, as it is taught. This
 * file is its fast twin, split for speed; a spec holds the two engines equal.
 *
 *   (RNN-1)  a_t = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh       x_t: [B,I]  W_ih: [H,I]  a_t: [B,H]
 *   (RNN-2)  h_t = φ(a_t),   φ = tanh or relu                    h_t: [B,H]
 *
 * Backward, given dh = ∂L/∂h_t (everything that reaches h_t: the loss at t and step t+1):
 *   (RNN-2') da = dh ⊙ φ'(a_t)      φ' from the output: 1 − h_t² (tanh), [h_t > 0] (relu)
 *   (RNN-1') dW_ih += daᵀ·x_t   dW_hh += daᵀ·h_{t−1}   db_ih += Σ_b da   db_hh += Σ_b da
 *            dx_t += da·W_ih    dh_{t−1} += da·W_hh
 *
 * The input half of (RNN-1) does not depend on h, so the layer computes u_t = x_t·W_ihᵀ + b_ih + b_hh
 * for every step at once, before the time loop (one large matrix product, see docs/layers/bptt.md,
 * BPTT-0); the cell adds the recurrent half, h_{t−1}·W_hhᵀ. Likewise the terms of (RNN-1') that only
 * need da_t are summed over t after the loop (BPTT-4); inside the loop the cell computes da_t and the one
 * term the next step needs, dh_{t−1}. The layer owns every buffer (lib/cells/cell.ts says how); these
 * functions only fill them.
 */
import { Mat, assertShape } from '../kernels/tensor';
import { gemmPacked } from '../kernels/gemm';
import { relu, tanh } from '../kernels/activations';
import { CellParams } from './cell-params';
import { Cell, RecurrentWeights, StepBase, StepGrads, assertPlain } from './cell';

export type RnnNonlinearity = 'tanh' | 'relu';

/**
 * One time step. Kept for backward: h_t (φ' is computed from h_t, so a_t is not needed after the step)
 * and h_{t−1}, which the layer keeps for (BPTT-4).
 */
export type RnnStep = StepBase;

/** h_t = tanh(a_t), with a_t = u_t + h_{t−1}·W_hhᵀ built in `a` [B,H]. */
export function rnnTanhForward(_p: CellParams, w: RecurrentWeights, a: Mat, s: RnnStep): void {
  gemmPacked(a, s.hIn, w.W_hhT, w.gemm); //            [B,H] += [B,H]·[H,H]                 (RNN-1)
  const a_t = a.data, h = s.h.data; // [B,H], offset 0 (cell.ts)
  for (let k = 0; k < h.length; k++) h[k] = tanh(a_t[k]); //           h_t = φ(a_t)   (RNN-2)
}

/** da = dh ⊙ (1 − h_t²); adds ∂L/∂h_{t−1} = da·W_hh into `d.dhIn` (`d.dhPrev`, see cell.ts). */
export function rnnTanhBackward(w: RecurrentWeights, s: RnnStep, d: StepGrads): void {
  const dh = d.dh.data, h = s.h.data, da = d.da.data; // [B,H]
  for (let k = 0; k < da.length; k++) da[k] = dh[k] * (1 - h[k] * h[k]); //   (RNN-2')
  gemmPacked(d.dhIn, d.da, w.W_hh, w.gemm); //         [B,H] += [B,H]·[H,H]         (RNN-1')
}

/** h_t = relu(a_t), with a_t = u_t + h_{t−1}·W_hhᵀ built in `a` [B,H]. */
export function rnnReluForward(_p: CellParams, w: RecurrentWeights, a: Mat, s: RnnStep): void {
  gemmPacked(a, s.hIn, w.W_hhT, w.gemm); //            [B,H] += [B,H]·[H,H]                 (RNN-1)
  const a_t = a.data, h = s.h.data;
  for (let k = 0; k < h.length; k++) h[k] = relu(a_t[k]); //           h_t = φ(a_t)   (RNN-2)
}

/** da = dh ⊙ [h_t > 0]; adds ∂L/∂h_{t−1} = da·W_hh into `d.dhIn` (`d.dhPrev`, see cell.ts). */
export function rnnReluBackward(w: RecurrentWeights, s: RnnStep, d: StepGrads): void {
  const dh = d.dh.data, h = s.h.data, da = d.da.data;
  for (let k = 0; k < da.length; k++) da[k] = dh[k] * (h[k] > 0 ? 1 : 0); //  (RNN-2') (∞·0 stays NaN)
  gemmPacked(d.dhIn, d.da, w.W_hh, w.gemm); //         [B,H] += [B,H]·[H,H]         (RNN-1')
}

/** Checks one step's views against the parameters (once per sequence, not per step). */
export function checkRnnStep(p: CellParams, s: RnnStep, what: string): void {
  const H = p.weight_hh.shape[1];
  const B = s.h.shape[0];
  assertShape(s.hPrev, [B, H], `${what} h_{t-1}`);
  assertShape(s.h, [B, H], `${what} h_t`);
  assertPlain(s.h, `${what} h_t`);
}


const rnnBase = {
  gateCount: 1,
  hasCellState: false,
  splitBiases: false,
  makeStep: (base: StepBase): RnnStep => base,
  check: checkRnnStep,
  createWork: (): null => null,
  computed: (s: RnnStep): [string, Mat][] => [['h_t', s.h]],
};

/** The tanh RNN as the layer runs it. */
export const rnnTanhCell: Cell<RnnStep, null> = { ...rnnBase, name: 'rnn', forward: rnnTanhForward, backward: rnnTanhBackward };

/** The relu RNN as the layer runs it. */
export const rnnReluCell: Cell<RnnStep, null> = { ...rnnBase, name: 'rnn', forward: rnnReluForward, backward: rnnReluBackward };
