/**
 * The GRU step as it is taught: forward, and right below it backward, which ADDS the weights' gradients
 * inside the step. Read this first; lib/cells/gru-cell.ts does the same arithmetic, split for speed (a
 * spec holds the two engines equal).                                          docs: docs/cells/gru.md
 *
 * Gate order r, z, n (PyTorch's). The input and hidden projections stay apart, because b_hn sits inside
 * the reset gate's product:
 *   (GRU-1)  u_t = x_t·W_ihᵀ + b_ih      v_t = h_{t−1}·W_hhᵀ + b_hh      u, v: [B,3H] = [·_r | ·_z | ·_n]
 *   (GRU-2)  r_t = σ(u_r + v_r)                                            reset gate   [B,H]
 *   (GRU-3)  z_t = σ(u_z + v_z)                                            update gate  [B,H]
 *   (GRU-4)  n_t = tanh(u_n + r_t ⊙ v_n)                                   candidate    [B,H]
 *   (GRU-5)  h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
 * Backward, given dh = ∂L/∂h_t:
 *   (GRU-5') dn = dh ⊙ (1 − z_t)    dz = dh ⊙ (h_{t−1} − n_t)    dh_{t−1} = dh ⊙ z_t + (the products below)
 *   (GRU-4') du_n = dn ⊙ (1 − n_t²)    dv_n = du_n ⊙ r_t    dr = du_n ⊙ v_n
 *   (GRU-3') du_z = dv_z = dz ⊙ z(1−z)
 *   (GRU-2') du_r = dv_r = dr ⊙ r(1−r)
 *   (GRU-1') dW_ih += duᵀ·x_t   db_ih += Σ_b du   dx_t = du·W_ih
 *            dW_hh += dvᵀ·h_{t−1}   db_hh += Σ_b dv   dh_{t−1} += dv·W_hh
 * z_t near 1 copies h_{t−1} through (GRU-5): the GRU's path for a gradient to travel far back.
 */
import { Mat, zeros, clone } from '../kernels/tensor';
import { matmulAdd, transposed } from '../kernels/matmul';
import { sigmoid } from '../kernels/activations';
import { CellParams } from '../cells/cell-params';
import { Trace, addRowSums, addToRows, block, write, zip } from './ops';

/** What a GRU carries from one step to the next. */
export interface GruState {
  h: Mat; // [B,H]
}

/** What backward needs of a step. */
export interface GruCache {
  x: Mat; // [B,I]  x_t
  hPrev: Mat; // [B,H]  h_{t−1}
  r: Mat; // [B,H]  reset gate
  z: Mat; // [B,H]  update gate
  n: Mat; // [B,H]  candidate
  vn: Mat; // [B,H]  v_n = h_{t−1}·W_hnᵀ + b_hn, which the reset gate multiplied
}

/** One step: (GRU-1) … (GRU-5). */
export function gruForward(p: CellParams, x: Mat, state: GruState, trace: Trace = null): { state: GruState; cache: GruCache } {
  const [B, H] = state.h.shape;
  const u = zeros([B, 3 * H]), v = zeros([B, 3 * H]);
  matmulAdd(u, x, transposed(p.weight_ih)); //        [B,3H] += [B,I]·[I,3H]   (GRU-1)
  if (p.bias_ih) addToRows(u, p.bias_ih); //          [B,3H] += [3H] per row   (GRU-1)
  trace?.('GRU-1', 'u_t', u);
  matmulAdd(v, state.h, transposed(p.weight_hh)); //  [B,3H] += [B,H]·[H,3H]   (GRU-1)
  if (p.bias_hh) addToRows(v, p.bias_hh); //          [B,3H] += [3H] per row   (GRU-1)
  trace?.('GRU-1', 'v_t', v);
  const r = zip(block(u, 0, H), block(v, 0, H), (ur, vr) => sigmoid(ur + vr)); //            (GRU-2)
  trace?.('GRU-2', 'r_t', r);
  const z = zip(block(u, 1, H), block(v, 1, H), (uz, vz) => sigmoid(uz + vz)); //            (GRU-3)
  trace?.('GRU-3', 'z_t', z);
  const vn = clone(block(v, 2, H)); //                [B,H]  v_n, kept for backward
  const n = zip(block(u, 2, H), zip(r, vn, (rj, vnj) => rj * vnj), (un, rv) => Math.tanh(un + rv)); // (GRU-4)
  trace?.('GRU-4', 'n_t', n);
  const h = zip(zip(z, n, (zj, nj) => (1 - zj) * nj), zip(z, state.h, (zj, hj) => zj * hj), (a, b) => a + b); // (GRU-5)
  trace?.('GRU-5', 'h_t', h);
  return { state: { h }, cache: { x, hPrev: state.h, r, z, n, vn } };
}

/**
 * Backward of one step, given dState.h = ∂L/∂h_t. Adds ∂L/∂W into `grads`; returns dx_t and ∂L/∂h_{t−1}.
 */
export function gruBackward(p: CellParams, grads: CellParams, k: GruCache, dState: GruState, trace: Trace = null): { dx: Mat; dStatePrev: GruState } {
  const [B, H] = k.r.shape;
  const dh = dState.h;
  const dn = zip(dh, k.z, (d, z) => d * (1 - z)); //                                           (GRU-5')
  trace?.("GRU-5'", 'dn', dn);
  const dz = zip(dh, zip(k.hPrev, k.n, (hp, n) => hp - n), (d, diff) => d * diff); //          (GRU-5')
  trace?.("GRU-5'", 'dz', dz);
  const du_n = zip(dn, k.n, (d, n) => d * (1 - n * n)); //                                     (GRU-4')
  trace?.("GRU-4'", 'du_n', du_n);
  const dr = zip(du_n, k.vn, (d, vn) => d * vn); //                                            (GRU-4')
  trace?.("GRU-4'", 'dr', dr);
  const du_z = zip(dz, k.z, (d, z) => d * z * (1 - z)); //                                     (GRU-3')
  trace?.("GRU-3'", 'du_z', du_z);
  const du_r = zip(dr, k.r, (d, r) => d * r * (1 - r)); //                                     (GRU-2')
  trace?.("GRU-2'", 'du_r', du_r);
  const du = zeros([B, 3 * H]), dv = zeros([B, 3 * H]); //   [du_r | du_z | du_n], [dv_r | dv_z | dv_n]
  write(block(du, 0, H), du_r);
  write(block(du, 1, H), du_z);
  write(block(du, 2, H), du_n);
  write(block(dv, 0, H), du_r); //                          r and z add u and v: the same gradient
  write(block(dv, 1, H), du_z);
  write(block(dv, 2, H), zip(du_n, k.r, (d, r) => d * r)); //                  dv_n = du_n ⊙ r  (GRU-4')
  matmulAdd(grads.weight_ih, transposed(du), k.x); //     dW_ih += duᵀ·x_t       [3H,I] += [3H,B]·[B,I]   (GRU-1')
  trace?.("GRU-1'", 'dW_ih', grads.weight_ih);
  if (grads.bias_ih) addRowSums(grads.bias_ih, du); //    db_ih += Σ_b du        [3H]                     (GRU-1')
  matmulAdd(grads.weight_hh, transposed(dv), k.hPrev); // dW_hh += dvᵀ·h_{t−1}   [3H,H] += [3H,B]·[B,H]   (GRU-1')
  trace?.("GRU-1'", 'dW_hh', grads.weight_hh);
  if (grads.bias_hh) addRowSums(grads.bias_hh, dv); //    db_hh += Σ_b dv        [3H]                     (GRU-1')
  const dx = zeros(k.x.shape);
  matmulAdd(dx, du, p.weight_ih); //                      dx_t = du·W_ih         [B,I] = [B,3H]·[3H,I]    (GRU-1')
  trace?.("GRU-1'", 'dx_t', dx);
  const dhPrev = zip(dh, k.z, (d, z) => d * z); //        dh ⊙ z_t, straight through (GRU-5)          (GRU-5')
  matmulAdd(dhPrev, dv, p.weight_hh); //                  dh_{t−1} += dv·W_hh    [B,H] += [B,3H]·[3H,H]   (GRU-1')
  trace?.("GRU-1'", 'dh_{t−1}', dhPrev);
  return { dx, dStatePrev: { h: dhPrev } };
}
