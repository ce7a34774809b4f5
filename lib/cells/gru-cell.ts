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
 *
 * u_t, the input half of (GRU-1), is computed by the layer for all steps before the time loop; of
 * (GRU-1'), the cell does dh_{t−1} += dv·W_hh and the layer sums the rest over t after the loop
 * (docs/layers/bptt.md, BPTT-0 and BPTT-4).
 */
import { Mat, assertShape, assertRowContiguous, zeros } from '../kernels/tensor';
import { T } from '../kernels/matmul';
import { gemmPacked, packB, PackedB, GemmWorkspace } from '../kernels/gemm';
import { setRowsToBias } from '../kernels/bias';
import { sigmoid, tanh } from '../kernels/activations';
import { CellParams, remember } from './cell-params';
import { ScratchPool } from '../kernels/scratch';

/**
 * Views for one time step. Kept for backward: h_{t−1}, the gate values r, z, n (written over u_t) and
 * v_n (the hidden projection of the candidate, which the reset gate multiplied).
 */
export interface GruStep {
  gates: Mat; // [B,3H]  u_t on entry; [r | z | n] after forward
  hPrev: Mat; // [B,H]   h_{t−1}
  vn: Mat; // [B,H]   v_n = h_{t−1}·W_hnᵀ + b_hn
  h: Mat; // [B,H]   h_t, written by forward
}

/** Made once per sequence and reused at every step: no buffer or view is created in the time loop. */
export interface GruWork {
  gemm: GemmWorkspace; // packing space of the fast matrix product
  W_hhT: PackedB; // [H,3H]  weight_hhᵀ, packed once per sequence for the products in the loop
  W_hh: PackedB; // [3H,H]  weight_hh, packed likewise
  v: Mat; // [B,3H]  v_t = h_{t−1}·W_hhᵀ + b_hh
}

/** One GRU step: turns u_t in `s.gates` into [r | z | n], and fills `s.vn` and `s.h`. */
export function gruCellForward(p: CellParams, s: GruStep, work: GruWork): void {
  const u = s.gates, v = work.v;
  const [B, H3] = u.shape;
  const H = H3 / 3;
  setRowsToBias(v, p.bias_hh, null); //          [B,3H] = b_hh per row              (GRU-1)
  gemmPacked(v, s.hPrev, work.W_hhT, work.gemm); //    [B,3H] += [B,H]·[H,3H]             (GRU-1)
  const U = u.data, V = v.data, VN = s.vn.data, Hd = s.h.data, Hp = s.hPrev.data; // contiguous rows (checkGruStep)
  for (let b = 0; b < B; b++) {
    const ur = u.offset + b * u.stride[0], vr = v.offset + b * v.stride[0]; // r block at +0, z at +H, n at +2H
    const nr = s.vn.offset + b * s.vn.stride[0], hr = s.h.offset + b * s.h.stride[0], pr = s.hPrev.offset + b * s.hPrev.stride[0];
    for (let j = 0; j < H; j++) {
      const r = sigmoid(U[ur + j] + V[vr + j]); //                             (GRU-2)
      const z = sigmoid(U[ur + H + j] + V[vr + H + j]); //                     (GRU-3)
      const vn = V[vr + 2 * H + j];
      const n = tanh(U[ur + 2 * H + j] + r * vn); //                           (GRU-4)
      U[ur + j] = r;
      U[ur + H + j] = z;
      U[ur + 2 * H + j] = n;
      VN[nr + j] = vn;
      Hd[hr + j] = (1 - z) * n + z * Hp[pr + j]; //                            (GRU-5)
    }
  }
}

/**
 * Given dh = ∂L/∂h_t [B,H], writes du = ∂L/∂u_t and dv = ∂L/∂v_t into `du`, `dv` [B,3H], and adds
 * ∂L/∂h_{t−1} into `dhPrev` [B,H] (the caller zeroes it).
 */
export function gruCellBackward(s: GruStep, dh: Mat, du: Mat, dv: Mat, dhPrev: Mat, work: GruWork): void {
  const [B, H3] = du.shape;
  const H = H3 / 3;
  assertRowContiguous(dh, 'gruCellBackward dh'); // O(1), and no allocation: these run at every step
  assertRowContiguous(du, 'gruCellBackward du');
  assertRowContiguous(dv, 'gruCellBackward dv');
  assertRowContiguous(dhPrev, 'gruCellBackward dhPrev');
  const G = s.gates.data, Hp = s.hPrev.data, VN = s.vn.data;
  const DH = dh.data, DU = du.data, DV = dv.data, DHp = dhPrev.data;
  for (let b = 0; b < B; b++) {
    const gr = s.gates.offset + b * s.gates.stride[0], pr = s.hPrev.offset + b * s.hPrev.stride[0], nr = s.vn.offset + b * s.vn.stride[0];
    const dhr = dh.offset + b * dh.stride[0], dur = du.offset + b * du.stride[0], dvr = dv.offset + b * dv.stride[0];
    const dpr = dhPrev.offset + b * dhPrev.stride[0];
    for (let j = 0; j < H; j++) {
      const r = G[gr + j], z = G[gr + H + j], n = G[gr + 2 * H + j];
      const dhv = DH[dhr + j];
      const dn = dhv * (1 - z); //                                             (GRU-5')
      const dz = dhv * (Hp[pr + j] - n); //                                    (GRU-5')
      DHp[dpr + j] += dhv * z; //                                              (GRU-5')
      const dun = dn * (1 - n * n); //                                         (GRU-4')
      const dr = dun * VN[nr + j]; //                                          (GRU-4')
      const dar = dr * r * (1 - r); //                                         (GRU-2')
      const daz = dz * z * (1 - z); //                                         (GRU-3')
      DU[dur + j] = dar;
      DV[dvr + j] = dar;
      DU[dur + H + j] = daz;
      DV[dvr + H + j] = daz;
      DU[dur + 2 * H + j] = dun;
      DV[dvr + 2 * H + j] = dun * r; //                                        (GRU-4')
    }
  }
  gemmPacked(dhPrev, dv, work.W_hh, work.gemm); //       [B,H] += [B,3H]·[3H,H]      (GRU-1')
}

/** The workspace for these parameters and a batch of B rows; `pool` lends buffers kept from earlier calls. */
export function createGruWork(p: CellParams, B: number, pool: ScratchPool | null = null): GruWork {
  return remember(pool, {
    gemm: pool?.gemm ?? new GemmWorkspace(),
    W_hhT: packB(T(p.weight_hh), pool?.packed.get('W_hhT') ?? null), // repacked into last call's buffer
    W_hh: packB(p.weight_hh, pool?.packed.get('W_hh') ?? null),
    v: zeros([B, 3 * p.weight_hh.shape[1]]),
  });
}

/** Checks the shapes of one step against the parameters (called once per sequence, not per step). */
export function checkGruStep(p: CellParams, s: GruStep, what: string): void {
  const H = p.weight_hh.shape[1];
  const B = s.h.shape[0];
  assertShape(s.gates, [B, 3 * H], `${what} gates`);
  assertShape(s.hPrev, [B, H], `${what} h_{t-1}`);
  assertShape(s.vn, [B, H], `${what} v_n`);
  assertShape(s.h, [B, H], `${what} h_t`);
  for (const [m, name] of [[s.gates, 'gates'], [s.hPrev, 'h_{t-1}'], [s.vn, 'v_n'], [s.h, 'h_t']] as const) assertRowContiguous(m, `${what} ${name}`);
}
