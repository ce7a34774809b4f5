/**
 * LSTM cell: one time step forward, and its backward right below.             docs: docs/cells/lstm.md
 *
 * Gate order i, f, g, o (PyTorch's): row block k of weight_ih, weight_hh, bias_ih, bias_hh belongs to gate k.
 *   (LSTM-1)  a_t = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh        a_t: [B,4H] = [a_i | a_f | a_g | a_o]
 *   (LSTM-2)  i_t = σ(a_i)   f_t = σ(a_f)   o_t = σ(a_o)            input, forget, output gates  [B,H]
 *   (LSTM-3)  g_t = tanh(a_g)                                       candidate cell values       [B,H]
 *   (LSTM-4)  c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t                        keep some old memory, write some new
 *   (LSTM-5)  h_t = o_t ⊙ tanh(c_t)                                  show a gated view of the memory
 *
 * Backward, given dh = ∂L/∂h_t and dcNext = ∂L/∂c_t through step t+1 (and c_n):
 *   (LSTM-5') do = dh ⊙ tanh(c_t)      dc = dcNext + dh ⊙ o_t ⊙ (1 − tanh²(c_t))
 *   (LSTM-4') di = dc ⊙ g_t   dg = dc ⊙ i_t   df = dc ⊙ c_{t−1}   dc_{t−1} += dc ⊙ f_t
 *   (LSTM-2') da_i = di ⊙ i(1−i)   da_f = df ⊙ f(1−f)   da_o = do ⊙ o(1−o)
 *   (LSTM-3') da_g = dg ⊙ (1 − g²)
 *   (LSTM-1') dW_ih += daᵀ·x_t   dW_hh += daᵀ·h_{t−1}   db_ih, db_hh += Σ_b da
 *             dx_t += da·W_ih    dh_{t−1} += da·W_hh
 *
 * As in every cell, the input half of (LSTM-1) and both biases, u_t = x_t·W_ihᵀ + b_ih + b_hh, are
 * computed by the layer for all steps before the time loop, and the (LSTM-1') terms other than dh_{t−1} are summed over t after it
 * (docs/layers/bptt.md, BPTT-0 and BPTT-4).
 */
import { Mat, assertShape, assertRowContiguous, zeros } from '../kernels/tensor';
import { T } from '../kernels/matmul';
import { gemmPacked, packB, PackedB, GemmWorkspace } from '../kernels/gemm';
import { sigmoid, tanh } from '../kernels/activations';
import { CellParams, remember } from './cell-params';
import { ScratchPool } from '../kernels/scratch';

/**
 * Views for one time step. Kept for backward: h_{t−1}, c_{t−1}, the four gate values (after their
 * nonlinearities), c_t and tanh(c_t) (kept rather than recomputed: a tanh costs more than the memory).
 */
export interface LstmStep {
  gates: Mat; // [B,4H]  u_t on entry; a_t, then [i | f | g | o] after their nonlinearities
  hPrev: Mat; // [B,H]   h_{t−1}
  cPrev: Mat; // [B,H]   c_{t−1}
  c: Mat; // [B,H]   c_t, written by forward
  tc: Mat; // [B,H]   tanh(c_t), written by forward
  h: Mat; // [B,H]   h_t, written by forward
}

/** Made once per sequence and reused at every step: no buffer or view is created in the time loop. */
export interface LstmWork {
  gemm: GemmWorkspace; // packing space of the fast matrix product
  W_hhT: PackedB; // [H,4H]  weight_hhᵀ, packed once per sequence for the products in the loop
  W_hh: PackedB; // [4H,H]  weight_hh, packed likewise
  dc: Mat; // [B,H]   ∂L/∂c_t in total (from step t+1 and through h_t); its norm is a diagnostic
}

/** One LSTM step: turns u_t in `s.gates` into the gate values, and fills `s.c` and `s.h`. */
export function lstmCellForward(s: LstmStep, work: LstmWork): void {
  const a = s.gates;
  const [B, H4] = a.shape;
  const H = H4 / 4;
  gemmPacked(a, s.hPrev, work.W_hhT, work.gemm); //   [B,4H] += [B,H]·[H,4H]             (LSTM-1)
  const A = a.data, Cp = s.cPrev.data, C = s.c.data, TC = s.tc.data, Hd = s.h.data; // rows are contiguous (checkLstmStep)
  for (let b = 0; b < B; b++) {
    const ga = a.offset + b * a.stride[0]; // a[b, 0]: the row's i block starts here, f at +H, g at +2H, o at +3H
    const cp = s.cPrev.offset + b * s.cPrev.stride[0], cr = s.c.offset + b * s.c.stride[0], hr = s.h.offset + b * s.h.stride[0];
    const tr = s.tc.offset + b * s.tc.stride[0];
    for (let j = 0; j < H; j++) {
      const i = sigmoid(A[ga + j]); //                                         (LSTM-2)
      const f = sigmoid(A[ga + H + j]); //                                     (LSTM-2)
      const g = tanh(A[ga + 2 * H + j]); //                                    (LSTM-3)
      const o = sigmoid(A[ga + 3 * H + j]); //                                 (LSTM-2)
      const c = f * Cp[cp + j] + i * g; //                                     (LSTM-4)
      A[ga + j] = i;
      A[ga + H + j] = f;
      A[ga + 2 * H + j] = g;
      A[ga + 3 * H + j] = o;
      const tc = tanh(c);
      C[cr + j] = c;
      TC[tr + j] = tc;
      Hd[hr + j] = o * tc; //                                                  (LSTM-5)
    }
  }
}

/**
 * Given dh = ∂L/∂h_t [B,H] and dcNext = ∂L/∂c_t from step t+1 [B,H], writes da = ∂L/∂a_t into `da`
 * [B,4H], and adds ∂L/∂h_{t−1} into `dhPrev` and ∂L/∂c_{t−1} into `dcPrev` (the caller zeroes them).
 * `work.dc` is left holding the total ∂L/∂c_t.
 */
export function lstmCellBackward(
  s: LstmStep, dh: Mat, dcNext: Mat, da: Mat, dhPrev: Mat, dcPrev: Mat, work: LstmWork,
): void {
  const dcTotal = work.dc;
  const [B, H4] = da.shape;
  const H = H4 / 4;
  assertRowContiguous(dh, 'lstmCellBackward dh'); // O(1), and no allocation: these run at every step
  assertRowContiguous(dcNext, 'lstmCellBackward dcNext');
  assertRowContiguous(da, 'lstmCellBackward da');
  assertRowContiguous(dcPrev, 'lstmCellBackward dcPrev');
  assertRowContiguous(dcTotal, 'lstmCellBackward work.dc');
  const G = s.gates.data, TC = s.tc.data, Cp = s.cPrev.data;
  const DH = dh.data, DCn = dcNext.data, DA = da.data, DCp = dcPrev.data, DCt = dcTotal.data;
  for (let b = 0; b < B; b++) {
    const ga = s.gates.offset + b * s.gates.stride[0], dar = da.offset + b * da.stride[0];
    const tr = s.tc.offset + b * s.tc.stride[0], cp = s.cPrev.offset + b * s.cPrev.stride[0];
    const dhr = dh.offset + b * dh.stride[0], dnr = dcNext.offset + b * dcNext.stride[0];
    const dpr = dcPrev.offset + b * dcPrev.stride[0], dtr = dcTotal.offset + b * dcTotal.stride[0];
    for (let j = 0; j < H; j++) {
      const i = G[ga + j], f = G[ga + H + j], gg = G[ga + 2 * H + j], o = G[ga + 3 * H + j];
      const tc = TC[tr + j];
      const dhv = DH[dhr + j];
      const dO = dhv * tc; //                                                  (LSTM-5')
      const dc = DCn[dnr + j] + dhv * o * (1 - tc * tc); //                    (LSTM-5')
      DCt[dtr + j] = dc;
      const di = dc * gg, dg = dc * i, df = dc * Cp[cp + j]; //                (LSTM-4')
      DCp[dpr + j] += dc * f; //                                               (LSTM-4')
      DA[dar + j] = di * i * (1 - i); //                                       (LSTM-2')
      DA[dar + H + j] = df * f * (1 - f); //                                   (LSTM-2')
      DA[dar + 2 * H + j] = dg * (1 - gg * gg); //                             (LSTM-3')
      DA[dar + 3 * H + j] = dO * o * (1 - o); //                               (LSTM-2')
    }
  }
  gemmPacked(dhPrev, da, work.W_hh, work.gemm); //       [B,H] += [B,4H]·[4H,H]      (LSTM-1')
}

/** The workspace for these parameters and a batch of B rows; `pool` lends buffers kept from earlier calls. */
export function createLstmWork(p: CellParams, B: number, pool: ScratchPool | null = null): LstmWork {
  return remember(pool, {
    gemm: pool?.gemm ?? new GemmWorkspace(),
    W_hhT: packB(T(p.weight_hh), pool?.packed.get('W_hhT') ?? null), // repacked into last call's buffer
    W_hh: packB(p.weight_hh, pool?.packed.get('W_hh') ?? null),
    dc: zeros([B, p.weight_hh.shape[1]]),
  });
}

/** Checks the shapes of one step against the parameters (called once per sequence, not per step). */
export function checkLstmStep(p: CellParams, s: LstmStep, what: string): void {
  const H = p.weight_hh.shape[1];
  const B = s.h.shape[0];
  assertShape(s.gates, [B, 4 * H], `${what} gates`);
  assertShape(s.hPrev, [B, H], `${what} h_{t-1}`);
  assertShape(s.cPrev, [B, H], `${what} c_{t-1}`);
  assertShape(s.c, [B, H], `${what} c_t`);
  assertShape(s.tc, [B, H], `${what} tanh(c_t)`);
  assertShape(s.h, [B, H], `${what} h_t`);
  for (const [m, name] of [[s.gates, 'gates'], [s.cPrev, 'c_{t-1}'], [s.c, 'c_t'], [s.tc, 'tanh(c_t)'], [s.h, 'h_t']] as const) assertRowContiguous(m, `${what} ${name}`);
}
