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
 * The input half of (RNN-1) does not depend on h, so the layer computes u_t = x_t·W_ihᵀ + b_ih + b_hh
 * for every step at once, before the time loop (one large matrix product, see docs/layers/bptt.md,
 * BPTT-0); the cell adds the recurrent half, h_{t−1}·W_hhᵀ. Likewise the terms of (RNN-1') that only
 * need da_t are summed over t after the loop (BPTT-4); inside the loop the cell computes da_t and the one
 * term the next step needs, dh_{t−1}. The layer allocates every buffer and view before its time loop;
 * these functions only fill them.
 */
import { Mat, assertShape, assertRowContiguous } from '../kernels/tensor';
import { T } from '../kernels/matmul';
import { gemmPacked, packB, PackedB, GemmWorkspace } from '../kernels/gemm';
import { activationBackward, relu, tanh } from '../kernels/activations';
import { CellParams, remember } from './cell-params';
import { ScratchPool } from '../kernels/scratch';

export type RnnNonlinearity = 'tanh' | 'relu';

/**
 * Views for one time step. Kept for backward: h_{t−1} and h_t (φ' is computed from h_t, so a_t is not
 * needed after the step; it is built in the `u` buffer).
 */
export interface RnnStep {
  u: Mat; // [B,H]  u_t = x_t·W_ihᵀ + b_ih + b_hh on entry; a_t after forward
  hPrev: Mat; // [B,H]  h_{t−1}
  h: Mat; // [B,H]  h_t, written by forward
}

/** Made once per sequence and reused at every step: no buffer or view is created in the time loop. */
export interface RnnWork {
  gemm: GemmWorkspace; // packing space of the fast matrix product
  W_hhT: PackedB; // [H,H]  weight_hhᵀ, packed once per sequence for the products in the loop
  W_hh: PackedB; // [H,H]  weight_hh, packed likewise
}

/** h_t = φ(u_t + h_{t−1}·W_hhᵀ), written into `s.h`. */
export function rnnCellForward(s: RnnStep, work: RnnWork, f: RnnNonlinearity): void {
  const a = s.u; // a_t is built on u_t
  gemmPacked(a, s.hPrev, work.W_hhT, work.gemm); //    [B,H] += [B,H]·[H,H]                 (RNN-1)
  const [B, H] = a.shape;
  const A = a.data, Hd = s.h.data; // rows are contiguous (checkRnnStep)
  for (let b = 0; b < B; b++) {
    const ar = a.offset + b * a.stride[0], hr = s.h.offset + b * s.h.stride[0];
    if (f === 'relu') for (let j = 0; j < H; j++) Hd[hr + j] = relu(A[ar + j]); //  h_t = φ(a_t)  (RNN-2)
    else for (let j = 0; j < H; j++) Hd[hr + j] = tanh(A[ar + j]); //               h_t = φ(a_t)  (RNN-2)
  }
}

/**
 * Given dh = ∂L/∂h_t [B,H], writes da = ∂L/∂a_t into `da` [B,H] and adds ∂L/∂h_{t−1} into `dhPrev`.
 * The parameter and input gradients, Σ_t of the (RNN-1') terms, are formed from all the da_t by the layer.
 */
export function rnnCellBackward(s: RnnStep, dh: Mat, da: Mat, dhPrev: Mat, work: RnnWork, f: RnnNonlinearity): void {
  activationBackward(da, dh, s.h, f); //             da = dh ⊙ φ'(a_t)            (RNN-2')
  gemmPacked(dhPrev, da, work.W_hh, work.gemm); //       [B,H] += [B,H]·[H,H]         (RNN-1')
}

/** The workspace for these parameters (packed copies of their weights); `pool` lends buffers kept from earlier calls. */
export function createRnnWork(p: CellParams, pool: ScratchPool | null = null): RnnWork {
  return remember(pool, {
    gemm: pool?.gemm ?? new GemmWorkspace(),
    W_hhT: packB(T(p.weight_hh), pool?.packed.get('W_hhT') ?? null), // repacked into last call's buffer
    W_hh: packB(p.weight_hh, pool?.packed.get('W_hh') ?? null),
  });
}

/** Checks the shapes of one step against the parameters (called once per sequence, not per step). */
export function checkRnnStep(p: CellParams, s: RnnStep, what: string): void {
  const H = p.weight_hh.shape[1];
  const B = s.h.shape[0];
  assertShape(s.u, [B, H], `${what} u_t`);
  assertShape(s.hPrev, [B, H], `${what} h_{t-1}`);
  assertShape(s.h, [B, H], `${what} h_t`);
  for (const [m, name] of [[s.u, 'u_t'], [s.h, 'h_t']] as const) assertRowContiguous(m, `${what} ${name}`);
}
