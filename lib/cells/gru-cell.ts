/**
 * GRU cell: one time step forward, and its backward right below.              docs: docs/cells/gru.md
 *
 * Gate order r, z, n (PyTorch's). The input and hidden projections are kept apart, because b_hn sits
 * inside the reset gate's product:
 *   (GRU-1)  u_t = x_t·W_ihᵀ + b_ih      v_t = h_{t−1}·W_hhᵀ + b_hh      u, v: [B,3H] = [·_r | ·_z | ·_n]
 *   (GRU-2)  r_t = σ(u_r + v_r)                                            reset gate   [B,H]
 *   (GRU-3)  z_t = σ(u_z + v_z)                                            update gate  [B,H]
 *   (GRU-4)  n_t = tanh(u_n + r_t ⊙ v_n),   v_n = h_{t−1}·W_hnᵀ + b_hn      candidate    [B,H]
 *   (GRU-5)  h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
 *
 * Backward, given dh = ∂L/∂h_t:
 *   (GRU-5') dn = dh ⊙ (1 − z_t)    dz = dh ⊙ (h_{t−1} − n_t)    dh_{t−1} += dh ⊙ z_t
 *   (GRU-4') du_n = dn ⊙ (1 − n_t²)    dv_n = du_n ⊙ r_t    dr = du_n ⊙ v_n
 *   (GRU-3') du_z = dv_z = dz ⊙ z(1−z)
 *   (GRU-2') du_r = dv_r = dr ⊙ r(1−r)
 *   (GRU-1') dW_ih += duᵀ·x_t   db_ih += Σ_b du   dx_t += du·W_ih
 *            dW_hh += dvᵀ·h_{t−1}   db_hh += Σ_b dv   dh_{t−1} += dv·W_hh
 */
import { Mat, assertShape, zeros } from '../kernels/tensor';
import { T } from '../kernels/matmul';
import { gemm, GemmWorkspace } from '../kernels/gemm';
import { setRowsToBias, addRowVectorBackward } from '../kernels/bias';
import { sigmoid, tanh } from '../kernels/activations';
import { CellParams } from './cell-params';

/**
 * Views for one time step. Kept for backward: x_t, h_{t−1}, the gate values r, z, n and v_n (the
 * hidden projection of the candidate, which the reset gate multiplied). u and v themselves are not kept.
 */
export interface GruStep {
  x: Mat; // [B,D]   x_t
  hPrev: Mat; // [B,H]   h_{t−1}
  gates: Mat; // [B,3H]  [r | z | n] after σ / tanh
  vn: Mat; // [B,H]   v_n = h_{t−1}·W_hnᵀ + b_hn
  h: Mat; // [B,H]   h_t, written by forward
}

/**
 * Made once per sequence and reused at every step, so the time loop creates no buffers and no views:
 * the transposed weight views, u and v in forward, du and dv in backward.
 */
export interface GruWork {
  gemm: GemmWorkspace; // packing space of the fast matrix product
  W_ihT: Mat; // [D,3H]  view of weight_ihᵀ
  W_hhT: Mat; // [H,3H]  view of weight_hhᵀ
  u: Mat; //     [B,3H]  x_t·W_ihᵀ + b_ih, then ∂L/∂u in backward
  v: Mat; //     [B,3H]  h_{t−1}·W_hhᵀ + b_hh, then ∂L/∂v in backward
  uT: Mat; //    [3H,B]  view of uᵀ
  vT: Mat; //    [3H,B]  view of vᵀ
}

/** One GRU step: fills `s.gates`, `s.vn` and `s.h` from `s.x` and `s.hPrev`. */
export function gruCellForward(p: CellParams, s: GruStep, work: GruWork): void {
  const { u, v } = work;
  const [B, H3] = u.shape;
  const H = H3 / 3;
  setRowsToBias(u, p.bias_ih, null); //      [B,3H] = b_ih per row              (GRU-1)
  gemm(u, s.x, work.W_ihT, work.gemm); //          [B,3H] += [B,D]·[D,3H]             (GRU-1)
  setRowsToBias(v, p.bias_hh, null); //      [B,3H] = b_hh per row              (GRU-1)
  gemm(v, s.hPrev, work.W_hhT, work.gemm); //      [B,3H] += [B,H]·[H,3H]             (GRU-1)
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const r = sigmoid(u.get(b, j) + v.get(b, j)); //                         (GRU-2)
      const z = sigmoid(u.get(b, H + j) + v.get(b, H + j)); //                 (GRU-3)
      const vn = v.get(b, 2 * H + j);
      const n = tanh(u.get(b, 2 * H + j) + r * vn); //                         (GRU-4)
      s.gates.set(b, j, r);
      s.gates.set(b, H + j, z);
      s.gates.set(b, 2 * H + j, n);
      s.vn.set(b, j, vn);
      s.h.set(b, j, (1 - z) * n + z * s.hPrev.get(b, j)); //                  (GRU-5)
    }
  }
}

/**
 * Given dh = ∂L/∂h_t [B,H], adds step t's share into the parameter gradients `g`, and adds ∂L/∂x_t
 * into `dx` [B,D] and ∂L/∂h_{t−1} into `dhPrev` [B,H]. Never overwrites them: the caller zeroes.
 */
export function gruCellBackward(
  p: CellParams, g: CellParams, s: GruStep, dh: Mat, dx: Mat, dhPrev: Mat, work: GruWork,
): void {
  const { u: du, v: dv, uT: duT, vT: dvT } = work;
  const [B, H3] = du.shape;
  const H = H3 / 3;
  const gates = s.gates;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const r = gates.get(b, j), z = gates.get(b, H + j), n = gates.get(b, 2 * H + j);
      const dhv = dh.get(b, j);
      const hPrev = s.hPrev.get(b, j);
      const dn = dhv * (1 - z); //                                             (GRU-5')
      const dz = dhv * (hPrev - n); //                                         (GRU-5')
      dhPrev.set(b, j, dhPrev.get(b, j) + dhv * z); //                         (GRU-5')
      const dun = dn * (1 - n * n); //                                         (GRU-4')
      const dr = dun * s.vn.get(b, j); //                                      (GRU-4')
      const dar = dr * r * (1 - r); //                                         (GRU-2')
      const daz = dz * z * (1 - z); //                                         (GRU-3')
      du.set(b, j, dar);
      dv.set(b, j, dar);
      du.set(b, H + j, daz);
      dv.set(b, H + j, daz);
      du.set(b, 2 * H + j, dun);
      dv.set(b, 2 * H + j, dun * r); //                                        (GRU-4')
    }
  }
  gemm(g.weight_ih, duT, s.x, work.gemm); //               [3H,D] += [3H,B]·[B,D]      (GRU-1')
  gemm(g.weight_hh, dvT, s.hPrev, work.gemm); //           [3H,H] += [3H,B]·[B,H]      (GRU-1')
  if (g.bias_ih) addRowVectorBackward(g.bias_ih, du); // [3H] += Σ_b [B,3H]      (GRU-1')
  if (g.bias_hh) addRowVectorBackward(g.bias_hh, dv); // [3H] += Σ_b [B,3H]      (GRU-1')
  gemm(dx, du, p.weight_ih, work.gemm); //                 [B,D] += [B,3H]·[3H,D]      (GRU-1')
  gemm(dhPrev, dv, p.weight_hh, work.gemm); //             [B,H] += [B,3H]·[3H,H]      (GRU-1')
}

/** The workspace for a batch of B rows, with views of `p`'s weights (so it belongs to these parameters). */
export function createGruWork(p: CellParams, B: number): GruWork {
  const H = p.weight_hh.shape[1];
  const u = zeros([B, 3 * H]), v = zeros([B, 3 * H]);
  return { gemm: new GemmWorkspace(), W_ihT: T(p.weight_ih), W_hhT: T(p.weight_hh), u, v, uT: T(u), vT: T(v) };
}

/** Checks the shapes of one step against the parameters (called once per sequence, not per step). */
export function checkGruStep(p: CellParams, s: GruStep, what: string): void {
  const [H3, D] = p.weight_ih.shape;
  const H = H3 / 3;
  const B = s.h.shape[0];
  assertShape(s.x, [B, D], `${what} x_t`);
  assertShape(s.hPrev, [B, H], `${what} h_{t-1}`);
  assertShape(s.gates, [B, 3 * H], `${what} gates`);
  assertShape(s.vn, [B, H], `${what} v_n`);
  assertShape(s.h, [B, H], `${what} h_t`);
}
