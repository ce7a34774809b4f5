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
 * The layer allocates every buffer before its time loop; these functions only fill them.
 */
import { Mat, assertShape, zeros } from '../kernels/tensor';
import { matmulAdd, T } from '../kernels/matmul';
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

/** Scratch space for backward, one per sequence, reused at every step. */
export interface RnnWork {
  da: Mat; // [B,H]  ∂L/∂a_t
}

/** h_t = φ(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh), written into `s.h`. */
export function rnnCellForward(p: CellParams, s: RnnStep, f: RnnNonlinearity): void {
  const a = s.h; // a_t is built in place, then turned into h_t
  setRowsToBias(a, p.bias_ih, p.bias_hh); // [B,H] = b_ih + b_hh per row        (RNN-1)
  matmulAdd(a, s.x, T(p.weight_ih)); //      [B,H] += [B,D]·[D,H]              (RNN-1)
  matmulAdd(a, s.hPrev, T(p.weight_hh)); //  [B,H] += [B,H]·[H,H]              (RNN-1)
  activateInPlace(a, f); //                  h_t = φ(a_t)                        (RNN-2)
}

/**
 * Given dh = ∂L/∂h_t [B,H], adds step t's share into the parameter gradients `g`, and adds
 * ∂L/∂x_t into `dx` [B,D] and ∂L/∂h_{t−1} into `dhPrev` [B,H]. Never overwrites: the caller zeroes.
 */
export function rnnCellBackward(
  p: CellParams, g: CellParams, s: RnnStep, dh: Mat, dx: Mat, dhPrev: Mat, work: RnnWork, f: RnnNonlinearity,
): void {
  const { da } = work;
  activationBackward(da, dh, s.h, f); //             da = dh ⊙ φ'(a_t)           (RNN-2')
  matmulAdd(g.weight_ih, T(da), s.x); //             [H,D] += [H,B]·[B,D]        (RNN-1')
  matmulAdd(g.weight_hh, T(da), s.hPrev); //         [H,H] += [H,B]·[B,H]        (RNN-1')
  if (g.bias_ih) addRowVectorBackward(g.bias_ih, da); // [H] += Σ_b [B,H]        (RNN-1')
  if (g.bias_hh) addRowVectorBackward(g.bias_hh, da); // [H] += Σ_b [B,H]        (RNN-1')
  matmulAdd(dx, da, p.weight_ih); //                 [B,D] += [B,H]·[H,D]        (RNN-1')
  matmulAdd(dhPrev, da, p.weight_hh); //             [B,H] += [B,H]·[H,H]        (RNN-1')
}

/** Allocates the backward scratch space for a batch of B rows and hidden size H. */
export function createRnnWork(B: number, H: number): RnnWork {
  return { da: zeros([B, H]) };
}

/** Checks the shapes of one step against the parameters (called once per sequence, not per step). */
export function checkRnnStep(p: CellParams, s: RnnStep, what: string): void {
  const [H, D] = p.weight_ih.shape;
  const B = s.h.shape[0];
  assertShape(s.x, [B, D], `${what} x_t`);
  assertShape(s.hPrev, [B, H], `${what} h_{t-1}`);
  assertShape(s.h, [B, H], `${what} h_t`);
}
