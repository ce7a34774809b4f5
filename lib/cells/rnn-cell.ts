/**
 * Elman RNN cell: one time step forward, and its backward right below.        docs: docs/cells/rnn.md
 *
 *   (RNN-1)  a_t = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh       x_t: [B,D]  W_ih: [H,D]  a_t: [B,H]
 *   (RNN-2)  h_t = φ(a_t),   φ = tanh or relu                    h_t: [B,H]
 *
 * Backward, given dh = ∂L/∂h_t (everything that reaches h_t: the loss at t and step t+1):
 *   (RNN-2') da = dh ⊙ φ'(a_t)      φ' from the output: 1 − h_t² (tanh), [h_t > 0] (relu)
 *   (RNN-1') dW_ih += daᵀ·x_t   dW_hh += daᵀ·h_{t−1}   db_ih += Σ_b da   db_hh += Σ_b da
 *            dx_t += da·W_ih    dh_{t−1} += da·W_hh
 *
 * The layer allocates every buffer and view before its time loop; these functions only fill them.
 */
import { Mat, assertShape, zeros } from '../kernels/tensor';
import { T } from '../kernels/matmul';
import { gemm, GemmWorkspace } from '../kernels/gemm';
import { setRowsToBias, addRowVectorBackward } from '../kernels/bias';
import { activateInPlace, activationBackward } from '../kernels/activations';
import { CellParams } from './cell-params';

export type RnnNonlinearity = 'tanh' | 'relu';

/**
 * Views for one time step. Kept for backward: x_t, h_{t−1} and h_t (φ' is computed from h_t, so a_t is
 * not kept: it is computed in the `h` buffer and overwritten by φ).
 */
export interface RnnStep {
  x: Mat; // [B,D]  x_t
  hPrev: Mat; // [B,H]  h_{t−1}
  h: Mat; // [B,H]  h_t, written by forward
}

/**
 * Made once per sequence and reused at every step, so the time loop creates no buffers and no views:
 * the transposed weight views the products need, and backward's scratch space.
 */
export interface RnnWork {
  gemm: GemmWorkspace; // packing space of the fast matrix product
  W_ihT: Mat; // [D,H]  view of weight_ihᵀ
  W_hhT: Mat; // [H,H]  view of weight_hhᵀ
  da: Mat; //    [B,H]  ∂L/∂a_t
  daT: Mat; //   [H,B]  view of daᵀ
}

/** h_t = φ(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh), written into `s.h`. */
export function rnnCellForward(p: CellParams, s: RnnStep, work: RnnWork, f: RnnNonlinearity): void {
  const a = s.h; // a_t is built in place, then turned into h_t
  setRowsToBias(a, p.bias_ih, p.bias_hh); // [B,H] = b_ih + b_hh per row        (RNN-1)
  gemm(a, s.x, work.W_ihT, work.gemm); //          [B,H] += [B,D]·[D,H]              (RNN-1)
  gemm(a, s.hPrev, work.W_hhT, work.gemm); //      [B,H] += [B,H]·[H,H]              (RNN-1)
  activateInPlace(a, f); //                  h_t = φ(a_t)                        (RNN-2)
}

/**
 * Given dh = ∂L/∂h_t [B,H], adds step t's share into the parameter gradients `g`, and adds
 * ∂L/∂x_t into `dx` [B,D] and ∂L/∂h_{t−1} into `dhPrev` [B,H]. Never overwrites: the caller zeroes.
 */
export function rnnCellBackward(
  p: CellParams, g: CellParams, s: RnnStep, dh: Mat, dx: Mat, dhPrev: Mat, work: RnnWork, f: RnnNonlinearity,
): void {
  const { da, daT } = work;
  activationBackward(da, dh, s.h, f); //             da = dh ⊙ φ'(a_t)           (RNN-2')
  gemm(g.weight_ih, daT, s.x, work.gemm); //               [H,D] += [H,B]·[B,D]        (RNN-1')
  gemm(g.weight_hh, daT, s.hPrev, work.gemm); //           [H,H] += [H,B]·[B,H]        (RNN-1')
  if (g.bias_ih) addRowVectorBackward(g.bias_ih, da); // [H] += Σ_b [B,H]        (RNN-1')
  if (g.bias_hh) addRowVectorBackward(g.bias_hh, da); // [H] += Σ_b [B,H]        (RNN-1')
  gemm(dx, da, p.weight_ih, work.gemm); //                 [B,D] += [B,H]·[H,D]        (RNN-1')
  gemm(dhPrev, da, p.weight_hh, work.gemm); //             [B,H] += [B,H]·[H,H]        (RNN-1')
}

/** The workspace for a batch of B rows, with views of `p`'s weights (so it belongs to these parameters). */
export function createRnnWork(p: CellParams, B: number): RnnWork {
  const da = zeros([B, p.weight_hh.shape[1]]);
  return { gemm: new GemmWorkspace(), W_ihT: T(p.weight_ih), W_hhT: T(p.weight_hh), da, daT: T(da) };
}

/** Checks the shapes of one step against the parameters (called once per sequence, not per step). */
export function checkRnnStep(p: CellParams, s: RnnStep, what: string): void {
  const [H, D] = p.weight_ih.shape;
  const B = s.h.shape[0];
  assertShape(s.x, [B, D], `${what} x_t`);
  assertShape(s.hPrev, [B, H], `${what} h_{t-1}`);
  assertShape(s.h, [B, H], `${what} h_t`);
}
