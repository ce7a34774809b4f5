/**
 * GRU cell: one time step forward, and its backward right below.              docs: docs/cells/gru.md
 * Read lib/textbook/gru.ts first: the same step whole, with dW added inside it, as it is taught. This
 * file is its fast twin, split for speed; a spec holds the two engines equal.
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
 * Under recurrent dropout the product of (GRU-1) reads s.hIn = m ⊙ h_{t−1} (lib/cells/cell.ts) and its
 * gradient goes to d.dhIn; (GRU-5) and (GRU-5') keep h_{t−1} itself.
 * u_t, the input half of (GRU-1), is computed by the layer for all steps before the time loop; of
 * (GRU-1'), the cell does dh_{t−1} += dv·W_hh and the layer sums the rest over t after the loop
 * (docs/layers/bptt.md, BPTT-0 and BPTT-4). The layer owns every buffer (lib/cells/cell.ts): each [B,·]
 * tensor here is row-major from offset 0, so (b, j) is b·H + j in a [B,H] tensor, and gate j of row b
 * sits at 3H·b + (block) + j in a [B,3H] one.
 */
import { Mat, assertShape, zeros } from '../kernels/tensor';
import { gemmPacked } from '../kernels/gemm';
import { setRowsToBias } from '../kernels/bias';
import { sigmoid, tanh } from '../kernels/activations';
import { CellParams } from './cell-params';
import { Cell, RecurrentWeights, StepBase, StepGrads, assertPlain } from './cell';

/**
 * One time step. Kept for backward: h_{t−1}, the gate values r, z, n and v_n (the hidden projection of
 * the candidate, which the reset gate multiplied).
 */
export interface GruStep extends StepBase {
  gates: Mat; // [B,3H]  [r | z | n], written by forward
  vn: Mat; // [B,H]   v_n = h_{t−1}·W_hnᵀ + b_hn, written by forward
}

/** Scratch reused at every step. */
export interface GruWork {
  v: Mat; // [B,3H]  v_t = h_{t−1}·W_hhᵀ + b_hh = [v_r | v_z | v_n]
}

/** One GRU step: from u_t = [u_r | u_z | u_n] in `u_t` [B,3H] (only read), fills the gate values [r | z | n], `s.vn` and `s.h`. */
export function gruCellForward(p: CellParams, w: RecurrentWeights, u_t: Mat, s: GruStep, work: GruWork): void {
  setRowsToBias(work.v, p.bias_hh, null); //             [B,3H] = b_hh per row              (GRU-1)
  gemmPacked(work.v, s.hIn, w.W_hhT, w.gemm); //         [B,3H] += [B,H]·[H,3H]             (GRU-1)
  const [B, H] = s.h.shape;
  const u = u_t.data, v = work.v.data, gate = s.gates.data, vn = s.vn.data, h = s.h.data, hPrev = s.hPrev.data;
  for (let b = 0; b < B; b++) {
    const rAt = 3 * H * b, zAt = rAt + H, nAt = rAt + 2 * H; // row b's r, z, n blocks in u_t, v_t and the gate values
    for (let j = 0; j < H; j++) {
      const k = H * b + j; // (b, j) in every [B,H] tensor
      const r = sigmoid(u[rAt + j] + v[rAt + j]); //                             (GRU-2)
      const z = sigmoid(u[zAt + j] + v[zAt + j]); //                             (GRU-3)
      const v_n = v[nAt + j];
      const n = tanh(u[nAt + j] + r * v_n); //                                   (GRU-4)
      gate[rAt + j] = r;
      gate[zAt + j] = z;
      gate[nAt + j] = n;
      vn[k] = v_n;
      h[k] = (1 - z) * n + z * hPrev[k]; //                                      (GRU-5)
    }
  }
}

/**
 * Given d.dh = ∂L/∂h_t, writes d.da = ∂L/∂u_t and d.dv = ∂L/∂v_t [B,3H], and adds ∂L/∂h_{t−1} into
 * d.dhPrev [B,H].
 */
export function gruCellBackward(w: RecurrentWeights, s: GruStep, d: StepGrads): void {
  const [B, H] = s.h.shape;
  const gate = s.gates.data, hPrev = s.hPrev.data, vn = s.vn.data;
  const dh = d.dh.data, du = d.da.data, dv = d.dv.data, dhPrev = d.dhPrev.data;
  for (let b = 0; b < B; b++) {
    const rAt = 3 * H * b, zAt = rAt + H, nAt = rAt + 2 * H; // row b's r, z, n blocks in the gate values, du and dv
    for (let j = 0; j < H; j++) {
      const k = H * b + j;
      const r = gate[rAt + j], z = gate[zAt + j], n = gate[nAt + j];
      const dh_t = dh[k];
      const d_n = dh_t * (1 - z); //                                            (GRU-5')
      const d_z = dh_t * (hPrev[k] - n); //                                     (GRU-5')
      dhPrev[k] += dh_t * z; //                                                 (GRU-5')
      const du_n = d_n * (1 - n * n); //                                        (GRU-4')
      const d_r = du_n * vn[k]; //                                              (GRU-4')
      const du_r = d_r * r * (1 - r); //                                        (GRU-2')
      const du_z = d_z * z * (1 - z); //                                        (GRU-3')
      du[rAt + j] = du_r;
      dv[rAt + j] = du_r;
      du[zAt + j] = du_z;
      dv[zAt + j] = du_z;
      du[nAt + j] = du_n;
      dv[nAt + j] = du_n * r; //                                                (GRU-4')
    }
  }
  gemmPacked(d.dhIn, d.dv, w.W_hh, w.gemm); //           [B,H] += [B,3H]·[3H,H]      (GRU-1')
}

/** Checks one step's views against the parameters (once per sequence, not per step). */
export function checkGruStep(p: CellParams, s: GruStep, what: string): void {
  const H = p.weight_hh.shape[1];
  const B = s.h.shape[0];
  assertShape(s.gates, [B, 3 * H], `${what} gates`);
  assertShape(s.hPrev, [B, H], `${what} h_{t-1}`);
  assertShape(s.vn, [B, H], `${what} v_n`);
  assertShape(s.h, [B, H], `${what} h_t`);
  const views = [[s.gates, 'gates'], [s.hPrev, 'h_{t-1}'], [s.vn, 'v_n'], [s.h, 'h_t']] as const;
  for (const [m, name] of views) assertPlain(m, `${what} ${name}`);
}

const GATES = ['r', 'z', 'n'];

/** The GRU as the layer runs it. */
export const gruCell: Cell<GruStep, GruWork> = {
  name: 'gru',
  gateCount: 3,
  hasCellState: false,
  splitBiases: true,
  makeStep(base, take) {
    const [B, H] = base.h.shape;
    return { ...base, gates: take([B, 3 * H]), vn: take([B, H]) };
  },
  check: checkGruStep,
  createWork: (B, H) => ({ v: zeros([B, 3 * H]) }),
  forward: gruCellForward,
  backward: gruCellBackward,
  computed(s) {
    const [B, H] = s.h.shape;
    const gates = GATES.map((name, k): [string, Mat] => [`gate ${name}`, s.gates.hi(B, (k + 1) * H).lo(0, k * H)]);
    return [...gates, ['h_t', s.h]];
  },
};
