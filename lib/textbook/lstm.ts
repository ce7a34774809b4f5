/**
 * The LSTM step as it is taught: forward, and right below it backward, which ADDS the weights' gradients
 * inside the step. Read this first; lib/cells/lstm-cell.ts does the same arithmetic, split for speed (a
 * spec holds the two engines equal).                                          docs: docs/cells/lstm.md
 *
 * Gate order i, f, g, o (PyTorch's): row block k of weight_ih, weight_hh, bias_ih, bias_hh is gate k.
 *   (LSTM-1)  a_t = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh        a_t: [B,4H] = [a_i | a_f | a_g | a_o]
 *   (LSTM-2)  i_t = σ(a_i)   f_t = σ(a_f)   o_t = σ(a_o)            input, forget, output gates  [B,H]
 *   (LSTM-3)  g_t = tanh(a_g)                                       candidate cell values       [B,H]
 *   (LSTM-4)  c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t                        keep some old memory, write some new
 *   (LSTM-5)  h_t = o_t ⊙ tanh(c_t)                                  show a gated view of the memory
 * Backward, given dh = ∂L/∂h_t and dc_next = ∂L/∂c_t through step t+1:
 *   (LSTM-5') d_o = dh ⊙ tanh(c_t)      dc = dc_next + dh ⊙ o_t ⊙ (1 − tanh²(c_t))
 *   (LSTM-4') d_i = dc ⊙ g_t   d_g = dc ⊙ i_t   d_f = dc ⊙ c_{t−1}   dc_{t−1} = dc ⊙ f_t
 *   (LSTM-2') da_i = d_i ⊙ i(1−i)   da_f = d_f ⊙ f(1−f)   da_o = d_o ⊙ o(1−o)
 *   (LSTM-3') da_g = d_g ⊙ (1 − g²)
 *   (LSTM-1') dW_ih += daᵀ·x_t   dW_hh += daᵀ·h_{t−1}   db_ih, db_hh += Σ_b da
 *             dx_t = da·W_ih      dh_{t−1} = da·W_hh
 * dc_{t−1} = dc ⊙ f_t is the "gradient highway": with f_t near 1 the gradient reaches far back unchanged.
 */
import { Mat, zeros } from '../kernels/tensor';
import { matmulAdd, transposed } from '../kernels/matmul';
import { sigmoid } from '../kernels/activations';
import { CellParams } from '../cells/cell-params';
import { Trace, addInto, addRowSums, addToRows, block, map, write, zip } from './ops';

/** What an LSTM carries from one step to the next: the output h and the memory c. */
export interface LstmState {
  h: Mat; // [B,H]
  c: Mat; // [B,H]
}

/** What backward needs of a step. */
export interface LstmCache {
  x: Mat; // [B,I]  x_t
  hPrev: Mat; // [B,H]  h_{t−1}
  cPrev: Mat; // [B,H]  c_{t−1}
  i: Mat; // [B,H]  input gate
  f: Mat; // [B,H]  forget gate
  g: Mat; // [B,H]  candidate
  o: Mat; // [B,H]  output gate
  tanhC: Mat; // [B,H]  tanh(c_t)
}

/** One step: (LSTM-1) … (LSTM-5). */
export function lstmForward(p: CellParams, x: Mat, state: LstmState, trace: Trace = null): { state: LstmState; cache: LstmCache } {
  const [B, H] = state.h.shape;
  const xW = zeros([B, 4 * H]), hW = zeros([B, 4 * H]);
  matmulAdd(xW, x, transposed(p.weight_ih)); //       [B,4H] = [B,I]·[I,4H]    (LSTM-1)
  matmulAdd(hW, state.h, transposed(p.weight_hh)); // [B,4H] = [B,H]·[H,4H]    (LSTM-1)
  const a = zeros([B, 4 * H]);
  if (p.bias_ih) addToRows(a, p.bias_ih); //          [B,4H] += [4H] per row   (LSTM-1)
  if (p.bias_hh) addToRows(a, p.bias_hh); //          [B,4H] += [4H] per row   (LSTM-1)
  addInto(a, xW); //                                  a = b + x·W_ihᵀ          (LSTM-1)
  addInto(a, hW); //                                    + h·W_hhᵀ              (LSTM-1)
  trace?.('LSTM-1', 'a_t', a);
  const i = map(block(a, 0, H), sigmoid); //          [B,H]                    (LSTM-2)
  trace?.('LSTM-2', 'i_t', i);
  const f = map(block(a, 1, H), sigmoid); //          [B,H]                    (LSTM-2)
  trace?.('LSTM-2', 'f_t', f);
  const g = map(block(a, 2, H), Math.tanh); //        [B,H]                    (LSTM-3)
  trace?.('LSTM-3', 'g_t', g);
  const o = map(block(a, 3, H), sigmoid); //          [B,H]                    (LSTM-2)
  trace?.('LSTM-2', 'o_t', o);
  const c = zip(zip(f, state.c, (fv, cv) => fv * cv), zip(i, g, (iv, gv) => iv * gv), (kept, written) => kept + written); // (LSTM-4)
  trace?.('LSTM-4', 'c_t', c);
  const tanhC = map(c, Math.tanh); //                 [B,H]
  const h = zip(o, tanhC, (ov, tc) => ov * tc); //    [B,H]                    (LSTM-5)
  trace?.('LSTM-5', 'h_t', h);
  return { state: { h, c }, cache: { x, hPrev: state.h, cPrev: state.c, i, f, g, o, tanhC } };
}

/**
 * Backward of one step, given dState = (∂L/∂h_t, ∂L/∂c_t through step t+1). Adds ∂L/∂W into `grads`;
 * returns dx_t and (∂L/∂h_{t−1}, ∂L/∂c_{t−1}).
 */
export function lstmBackward(p: CellParams, grads: CellParams, k: LstmCache, dState: LstmState, trace: Trace = null): { dx: Mat; dStatePrev: LstmState } {
  const [B, H] = k.i.shape;
  const d_o = zip(dState.h, k.tanhC, (dh, tc) => dh * tc); //                                  (LSTM-5')
  trace?.("LSTM-5'", 'd_o', d_o);
  const dhThroughTanh = zip(zip(dState.h, k.o, (dh, o) => dh * o), k.tanhC, (dho, tc) => dho * (1 - tc * tc)); // dh ⊙ o ⊙ (1 − tanh²c)
  const dc = zip(dState.c, dhThroughTanh, (dcNext, fromH) => dcNext + fromH); //              (LSTM-5')
  trace?.("LSTM-5'", 'dc', dc);
  const d_i = zip(dc, k.g, (d, g) => d * g); //                                                (LSTM-4')
  trace?.("LSTM-4'", 'd_i', d_i);
  const d_g = zip(dc, k.i, (d, i) => d * i); //                                                (LSTM-4')
  trace?.("LSTM-4'", 'd_g', d_g);
  const d_f = zip(dc, k.cPrev, (d, cPrev) => d * cPrev); //                                    (LSTM-4')
  trace?.("LSTM-4'", 'd_f', d_f);
  const dcPrev = zip(dc, k.f, (d, f) => d * f); //                          the gradient highway (LSTM-4')
  trace?.("LSTM-4'", 'dc_{t−1}', dcPrev);
  const da = zeros([B, 4 * H]); //                                          [da_i | da_f | da_g | da_o]
  write(block(da, 0, H), zip(d_i, k.i, (d, i) => d * i * (1 - i))); //                         (LSTM-2')
  trace?.("LSTM-2'", 'da_i', block(da, 0, H));
  write(block(da, 1, H), zip(d_f, k.f, (d, f) => d * f * (1 - f))); //                         (LSTM-2')
  trace?.("LSTM-2'", 'da_f', block(da, 1, H));
  write(block(da, 2, H), zip(d_g, k.g, (d, g) => d * (1 - g * g))); //                         (LSTM-3')
  trace?.("LSTM-3'", 'da_g', block(da, 2, H));
  write(block(da, 3, H), zip(d_o, k.o, (d, o) => d * o * (1 - o))); //                         (LSTM-2')
  trace?.("LSTM-2'", 'da_o', block(da, 3, H));
  matmulAdd(grads.weight_ih, transposed(da), k.x); //     dW_ih += daᵀ·x_t       [4H,I] += [4H,B]·[B,I]   (LSTM-1')
  trace?.("LSTM-1'", 'dW_ih', grads.weight_ih);
  matmulAdd(grads.weight_hh, transposed(da), k.hPrev); // dW_hh += daᵀ·h_{t−1}   [4H,H] += [4H,B]·[B,H]   (LSTM-1')
  trace?.("LSTM-1'", 'dW_hh', grads.weight_hh);
  if (grads.bias_ih) addRowSums(grads.bias_ih, da); //    db_ih += Σ_b da        [4H]                     (LSTM-1')
  if (grads.bias_hh) addRowSums(grads.bias_hh, da); //    db_hh += Σ_b da        [4H]                     (LSTM-1')
  const dx = zeros(k.x.shape);
  matmulAdd(dx, da, p.weight_ih); //                      dx_t = da·W_ih         [B,I] = [B,4H]·[4H,I]    (LSTM-1')
  trace?.("LSTM-1'", 'dx_t', dx);
  const dhPrev = zeros([B, H]);
  matmulAdd(dhPrev, da, p.weight_hh); //                  dh_{t−1} = da·W_hh     [B,H] = [B,4H]·[4H,H]    (LSTM-1')
  trace?.("LSTM-1'", 'dh_{t−1}', dhPrev);
  return { dx, dStatePrev: { h: dhPrev, c: dcPrev } };
}
