/**
 * LSTM cell: one time step forward, and its backward right below.             docs: docs/cells/lstm.md
 * Read lib/textbook/lstm.ts first: the same step whole, with dW added inside it, as it is taught. This
 * file is its fast twin, split for speed; a spec holds the two engines equal.
 *
 * Gate order i, f, g, o (PyTorch's): row block k of weight_ih, weight_hh, bias_ih, bias_hh belongs to gate k.
 *   (LSTM-1)  a_t = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh        a_t: [B,4H] = [a_i | a_f | a_g | a_o]
 *   (LSTM-2)  i_t = σ(a_i)   f_t = σ(a_f)   o_t = σ(a_o)            input, forget, output gates  [B,H]
 *   (LSTM-3)  g_t = tanh(a_g)                                       candidate cell values       [B,H]
 *   (LSTM-4)  c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t                        keep some old memory, write some new
 *   (LSTM-5)  h_t = o_t ⊙ tanh(c_t)                                  show a gated view of the memory
 *
 * Backward, given dh = ∂L/∂h_t and dcNext = ∂L/∂c_t through step t+1 (and c_n):
 *   (LSTM-5') d_o = dh ⊙ tanh(c_t)      dc = dcNext + dh ⊙ o_t ⊙ (1 − tanh²(c_t))
 *   (LSTM-4') d_i = dc ⊙ g_t   d_g = dc ⊙ i_t   d_f = dc ⊙ c_{t−1}   dc_{t−1} += dc ⊙ f_t
 *   (LSTM-2') da_i = d_i ⊙ i(1−i)   da_f = d_f ⊙ f(1−f)   da_o = d_o ⊙ o(1−o)
 *   (LSTM-3') da_g = d_g ⊙ (1 − g²)
 *   (LSTM-1') dW_ih += daᵀ·x_t   dW_hh += daᵀ·h_{t−1}   db_ih, db_hh += Σ_b da
 *             dx_t += da·W_ih    dh_{t−1} += da·W_hh
 *
 * As in every cell, the input half of (LSTM-1) and both biases, u_t = x_t·W_ihᵀ + b_ih + b_hh, are
 * computed by the layer for all steps before the time loop, and the (LSTM-1') terms other than dh_{t−1}
 * are summed over t after it (docs/layers/bptt.md, BPTT-0 and BPTT-4). The layer owns every buffer
 * (lib/cells/cell.ts): each [B,·] tensor here is row-major from offset 0, so (b, j) is b·H + j in a [B,H]
 * tensor, and gate j of row b sits at 4H·b + (block) + j in a [B,4H] one.
 */
import { Mat, assertShape } from '../kernels/tensor';
import { gemmPacked } from '../kernels/gemm';
import { sigmoid, tanh } from '../kernels/activations';
import { CellParams } from './cell-params';
import { Cell, RecurrentWeights, StepBase, StepGrads, assertPlain } from './cell';

/**
 * One time step. Kept for backward: h_{t−1}, c_{t−1}, the four gate values (after their nonlinearities),
 * c_t and tanh(c_t) (kept rather than recomputed: a tanh costs more than the memory).
 */
export interface LstmStep extends StepBase {
  cPrev: Mat; // [B,H]   c_{t−1}
  c: Mat; // [B,H]   c_t, written by forward
  gates: Mat; // [B,4H]  [i | f | g | o], written by forward
  tc: Mat; // [B,H]   tanh(c_t), written by forward
}

/**
 * One LSTM step: adds h_{t−1}·W_hhᵀ into `a` [B,4H] (u_t on entry, a_t = [a_i | a_f | a_g | a_o] after),
 * and fills the gate values, `s.c`, `s.tc` and `s.h`.
 */
export function lstmCellForward(_p: CellParams, w: RecurrentWeights, a_t: Mat, s: LstmStep): void {
  gemmPacked(a_t, s.hIn, w.W_hhT, w.gemm); //          [B,4H] += [B,H]·[H,4H]             (LSTM-1)
  const [B, H] = s.h.shape;
  const a = a_t.data, gate = s.gates.data, cPrev = s.cPrev.data, c = s.c.data, tc = s.tc.data, h = s.h.data;
  for (let b = 0; b < B; b++) {
    const iAt = 4 * H * b, fAt = iAt + H, gAt = iAt + 2 * H, oAt = iAt + 3 * H; // row b's i, f, g, o blocks
    for (let j = 0; j < H; j++) {
      const k = H * b + j; // (b, j) in every [B,H] tensor
      const i = sigmoid(a[iAt + j]); //                                          (LSTM-2)
      const f = sigmoid(a[fAt + j]); //                                          (LSTM-2)
      const g = tanh(a[gAt + j]); //                                             (LSTM-3)
      const o = sigmoid(a[oAt + j]); //                                          (LSTM-2)
      gate[iAt + j] = i;
      gate[fAt + j] = f;
      gate[gAt + j] = g;
      gate[oAt + j] = o;
      const c_t = f * cPrev[k] + i * g; //                                     (LSTM-4)
      const tanh_c = tanh(c_t);
      c[k] = c_t;
      tc[k] = tanh_c;
      h[k] = o * tanh_c; //                                                    (LSTM-5)
    }
  }
}

/**
 * Given d.dh = ∂L/∂h_t and d.dcNext = ∂L/∂c_t from step t+1, writes d.da = ∂L/∂a_t [B,4H] and d.dc, the
 * total ∂L/∂c_t, and adds ∂L/∂h_{t−1} into d.dhIn (d.dhPrev, see cell.ts) and ∂L/∂c_{t−1} into d.dcPrev.
 */
export function lstmCellBackward(w: RecurrentWeights, s: LstmStep, d: StepGrads): void {
  const [B, H] = s.h.shape;
  const gate = s.gates.data, tc = s.tc.data, cPrev = s.cPrev.data;
  const dh = d.dh.data, dcNext = d.dcNext.data, da = d.da.data, dc = d.dc.data, dcPrev = d.dcPrev.data;
  for (let b = 0; b < B; b++) {
    const iAt = 4 * H * b, fAt = iAt + H, gAt = iAt + 2 * H, oAt = iAt + 3 * H; // row b's i, f, g, o blocks
    for (let j = 0; j < H; j++) {
      const k = H * b + j;
      const i = gate[iAt + j], f = gate[fAt + j], g = gate[gAt + j], o = gate[oAt + j];
      const dh_t = dh[k], tanh_c = tc[k];
      const d_o = dh_t * tanh_c; //                                           (LSTM-5')
      const dc_t = dcNext[k] + dh_t * o * (1 - tanh_c * tanh_c); //           (LSTM-5')
      dc[k] = dc_t;
      const d_i = dc_t * g, d_g = dc_t * i, d_f = dc_t * cPrev[k]; //         (LSTM-4')
      dcPrev[k] += dc_t * f; //                                               (LSTM-4')
      da[iAt + j] = d_i * i * (1 - i); //                                       (LSTM-2')
      da[fAt + j] = d_f * f * (1 - f); //                                       (LSTM-2')
      da[gAt + j] = d_g * (1 - g * g); //                                       (LSTM-3')
      da[oAt + j] = d_o * o * (1 - o); //                                       (LSTM-2')
    }
  }
  gemmPacked(d.dhIn, d.da, w.W_hh, w.gemm); //         [B,H] += [B,4H]·[4H,H]      (LSTM-1')
}

/** Checks one step's views against the parameters (once per sequence, not per step). */
export function checkLstmStep(p: CellParams, s: LstmStep, what: string): void {
  const H = p.weight_hh.shape[1];
  const B = s.h.shape[0];
  assertShape(s.gates, [B, 4 * H], `${what} gates`);
  assertShape(s.hPrev, [B, H], `${what} h_{t-1}`);
  assertShape(s.cPrev, [B, H], `${what} c_{t-1}`);
  assertShape(s.c, [B, H], `${what} c_t`);
  assertShape(s.tc, [B, H], `${what} tanh(c_t)`);
  assertShape(s.h, [B, H], `${what} h_t`);
  const views = [[s.gates, 'gates'], [s.cPrev, 'c_{t-1}'], [s.c, 'c_t'], [s.tc, 'tanh(c_t)'], [s.h, 'h_t']] as const;
  for (const [m, name] of views) assertPlain(m, `${what} ${name}`);
}

const GATES = ['i', 'f', 'g', 'o'];

/** The LSTM as the layer runs it. */
export const lstmCell: Cell<LstmStep, null> = {
  name: 'lstm',
  gateCount: 4,
  hasCellState: true,
  splitBiases: false,
  makeStep(base, take) {
    const [B, H] = base.h.shape;
    if (!base.cPrev || !base.c) throw new Error('lstm step: the layer must give an LSTM its cell-state views');
    return { ...base, cPrev: base.cPrev, c: base.c, gates: take([B, 4 * H]), tc: take([B, H]) };
  },
  check: checkLstmStep,
  createWork: () => null,
  forward: lstmCellForward,
  backward: lstmCellBackward,
  computed(s) {
    const [B, H] = s.h.shape;
    const gates = GATES.map((name, k): [string, Mat] => [`gate ${name}`, s.gates.hi(B, (k + 1) * H).lo(0, k * H)]);
    return [...gates, ['c_t', s.c], ['h_t', s.h]];
  },
};
