/**
 * The Elman RNN step as it is taught: forward, and right below it backward, which ADDS the weights'
 * gradients inside the step. Read this first; lib/cells/rnn-cell.ts does the same arithmetic, split for
 * speed (a spec holds the two engines equal).                                docs: docs/cells/rnn.md
 *
 *   (RNN-1)  a_t = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh       x_t: [B,I]  W_ih: [H,I]  a_t: [B,H]
 *   (RNN-2)  h_t = φ(a_t),   φ = tanh or relu                    h_t: [B,H]
 * Backward, given dh = ∂L/∂h_t (the loss at t plus what step t+1 sent back):
 *   (RNN-2') da = dh ⊙ φ'(a_t)        φ' from the output: 1 − h_t² (tanh), [h_t > 0] (relu)
 *   (RNN-1') dW_ih += daᵀ·x_t   dW_hh += daᵀ·h_{t−1}   db_ih += Σ_b da   db_hh += Σ_b da
 *            dx_t = da·W_ih      dh_{t−1} = da·W_hh
 */
import { Mat, zeros } from '../kernels/tensor';
import { matmulAdd, transposed } from '../kernels/matmul';
import { CellParams } from '../cells/cell-params';
import { Trace, addInto, addRowSums, addToRows, map, zip } from './ops';

export type Phi = 'tanh' | 'relu';

/** What an RNN carries from one step to the next. */
export interface RnnState {
  h: Mat; // [B,H]
}

/** What backward needs of a step: its input, the state it read, and the state it wrote. */
export interface RnnCache {
  x: Mat; // [B,I]  x_t
  hPrev: Mat; // [B,H]  h_{t−1}
  h: Mat; // [B,H]  h_t (φ' is computed from it, so a_t need not be kept)
}

/** One step: (RNN-1), (RNN-2). */
export function rnnForward(phi: Phi, p: CellParams, x: Mat, state: RnnState, trace: Trace = null): { state: RnnState; cache: RnnCache } {
  const [B, H] = state.h.shape;
  const xW = zeros([B, H]), hW = zeros([B, H]);
  matmulAdd(xW, x, transposed(p.weight_ih)); //       [B,H] = [B,I]·[I,H]      (RNN-1)
  matmulAdd(hW, state.h, transposed(p.weight_hh)); // [B,H] = [B,H]·[H,H]      (RNN-1)
  const a = zeros([B, H]);
  if (p.bias_ih) addToRows(a, p.bias_ih); //          [B,H] += [H] per row     (RNN-1)
  if (p.bias_hh) addToRows(a, p.bias_hh); //          [B,H] += [H] per row     (RNN-1)
  addInto(a, xW); //                                  a = b + x·W_ihᵀ          (RNN-1)
  addInto(a, hW); //                                    + h·W_hhᵀ              (RNN-1)
  trace?.('RNN-1', 'a_t', a);
  const h = map(a, phi === 'tanh' ? Math.tanh : (v) => Math.max(v, 0)); // [B,H]   (RNN-2)
  trace?.('RNN-2', 'h_t', h);
  return { state: { h }, cache: { x, hPrev: state.h, h } };
}

/**
 * Backward of one step, given dState.h = ∂L/∂h_t. Adds ∂L/∂W into `g`; returns dx_t = ∂L/∂x_t and
 * ∂L/∂h_{t−1} (what this step sends back to the step before it).
 */
export function rnnBackward(phi: Phi, p: CellParams, g: CellParams, c: RnnCache, dState: RnnState, trace: Trace = null): { dx: Mat; dStatePrev: RnnState } {
  const [B, H] = c.h.shape;
  const slope = phi === 'tanh' ? (h: number) => 1 - h * h : (h: number) => (h > 0 ? 1 : 0);
  const da = zip(dState.h, c.h, (dh, h) => dh * slope(h)); //                [B,H]    (RNN-2')
  trace?.("RNN-2'", 'da', da);
  matmulAdd(g.weight_ih, transposed(da), c.x); //        dW_ih += daᵀ·x_t       [H,I] += [H,B]·[B,I]   (RNN-1')
  trace?.("RNN-1'", 'dW_ih', g.weight_ih);
  matmulAdd(g.weight_hh, transposed(da), c.hPrev); //    dW_hh += daᵀ·h_{t−1}   [H,H] += [H,B]·[B,H]   (RNN-1')
  trace?.("RNN-1'", 'dW_hh', g.weight_hh);
  if (g.bias_ih) addRowSums(g.bias_ih, da); //           db_ih += Σ_b da        [H]                    (RNN-1')
  if (g.bias_hh) addRowSums(g.bias_hh, da); //           db_hh += Σ_b da        [H]                    (RNN-1')
  const dx = zeros(c.x.shape);
  matmulAdd(dx, da, p.weight_ih); //                     dx_t = da·W_ih         [B,I] = [B,H]·[H,I]    (RNN-1')
  trace?.("RNN-1'", 'dx_t', dx);
  const dhPrev = zeros([B, H]);
  matmulAdd(dhPrev, da, p.weight_hh); //                 dh_{t−1} = da·W_hh     [B,H] = [B,H]·[H,H]    (RNN-1')
  trace?.("RNN-1'", 'dh_{t−1}', dhPrev);
  return { dx, dStatePrev: { h: dhPrev } };
}
