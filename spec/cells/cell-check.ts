/**
 * One cell step, made into a scalar loss for gradient checks:
 *   L = Σ h_t ⊙ R  (+ Σ c_t ⊙ Rc for an LSTM),   so dh = R and dcNext = Rc exactly.
 * The step's inputs are u_t (the input projection the layer computes for every step, with the biases
 * for RNN and LSTM), h_{t−1}, c_{t−1}, and the recurrent parameters: W_hh, and for the GRU b_hh. From the cell's da_t (GRU: du_t, dv_t) the check forms
 * dW_hh = daᵀ·h_{t−1} and db_hh = Σ_b da as the layer does, and checks them all.
 * Sizes all differ (B = 2, H = 5; the gates are G·H wide) so that a swapped axis cannot pass by luck.
 */
import { Mat, zeros, clone, copyInto } from '../../lib/kernels/tensor';
import { matmulAdd, T } from '../../lib/kernels/matmul';
import { addRowVectorBackward } from '../../lib/kernels/bias';
import { Rng } from '../../lib/kernels/random';
import { CellKind, CellParams, gateCount, initCellParams } from '../../lib/cells/cell-params';
import { rnnCellForward, rnnCellBackward, createRnnWork } from '../../lib/cells/rnn-cell';
import { lstmCellForward, lstmCellBackward, createLstmWork } from '../../lib/cells/lstm-cell';
import { gruCellForward, gruCellBackward, createGruWork } from '../../lib/cells/gru-cell';
import { CheckedTensor } from '../../lib/diagnostics/gradcheck';
import { randn } from '../helpers';

export const B = 2, D = 4, H = 5;

export interface CellSetup {
  kind: CellKind;
  p: CellParams;
  u: Mat; // [B,G·H] the step's input projection (kept; copied into the step's buffer before each forward)
  hPrev: Mat;
  cPrev: Mat | null;
  /** Forward only, on the current values: the scalar loss. */
  loss: () => number;
  /** Forward then backward: ∂L/∂u, ∂L/∂h_{t−1}, ∂L/∂c_{t−1}, and the recurrent parameters' gradients. */
  backward: (dhPrevStart?: Mat) => { du: Mat; dhPrev: Mat; dcPrev: Mat | null; dW_hh: Mat; db_hh: Mat | null };
}

export function setupCell(kind: CellKind, bias: boolean, seed: number): CellSetup {
  const rng = new Rng(seed);
  const p = initCellParams(kind, D, H, bias, rng);
  const GH = gateCount(kind) * H;
  const u = randn([B, GH], rng), hPrev = randn([B, H], rng);
  const cPrev = kind === 'lstm' ? randn([B, H], rng) : null;
  const R = randn([B, H], rng), Rc = randn([B, H], rng);
  const gates = zeros([B, GH]), h = zeros([B, H]), c = zeros([B, H]), tc = zeros([B, H]), vn = zeros([B, H]);
  const f = kind === 'rnn_relu' ? 'relu' : 'tanh';

  const forward = (): void => {
    copyInto(gates, u); // the step turns its input projection into gate values in place
    if (kind === 'lstm') lstmCellForward({ gates, hPrev, cPrev: cPrev as Mat, c, tc, h }, createLstmWork(p, B));
    else if (kind === 'gru') gruCellForward(p, { gates, hPrev, vn, h }, createGruWork(p, B));
    else rnnCellForward({ u: gates, hPrev, h }, createRnnWork(p), f);
  };
  const dot = (a: Mat, b: Mat): number => a.data.reduce((s, v, k) => s + v * b.data[k], 0);
  const loss = (): number => {
    forward();
    return dot(h, R) + (kind === 'lstm' ? dot(c, Rc) : 0);
  };
  const backward = (dhPrevStart?: Mat) => {
    forward();
    const du = zeros([B, GH]), dv = zeros([B, GH]), dcPrev = cPrev ? zeros([B, H]) : null;
    const dhPrev = dhPrevStart ? clone(dhPrevStart) : zeros([B, H]);
    if (kind === 'lstm') lstmCellBackward({ gates, hPrev, cPrev: cPrev as Mat, c, tc, h }, R, Rc, du, dhPrev, dcPrev as Mat, createLstmWork(p, B));
    else if (kind === 'gru') gruCellBackward({ gates, hPrev, vn, h }, R, du, dv, dhPrev, createGruWork(p, B));
    else rnnCellBackward({ u: gates, hPrev, h }, R, du, dhPrev, createRnnWork(p), f);
    const dRec = kind === 'gru' ? dv : du; // what multiplies the recurrent weights
    const dW_hh = zeros(p.weight_hh.shape);
    matmulAdd(dW_hh, T(dRec), hPrev); // the step's share of (·-1'): [G·H,H] += [G·H,B]·[B,H]
    const db_hh = p.bias_hh ? zeros([GH]) : null;
    if (db_hh) addRowVectorBackward(db_hh, dRec);
    return { du, dhPrev, dcPrev, dW_hh, db_hh };
  };
  return { kind, p, u, hPrev, cPrev, loss, backward };
}

/** Every input of the step with its analytic gradient: u_t, h_{t−1}, c_{t−1}, W_hh, b_hh. */
export function cellTensorsToCheck(s: CellSetup): CheckedTensor[] {
  const g = s.backward();
  const out: CheckedTensor[] = [
    { name: 'u', value: s.u, analytic: g.du },
    { name: 'hPrev', value: s.hPrev, analytic: g.dhPrev },
    { name: 'weight_hh', value: s.p.weight_hh, analytic: g.dW_hh },
  ];
  if (s.cPrev && g.dcPrev) out.push({ name: 'cPrev', value: s.cPrev, analytic: g.dcPrev });
  // Only the GRU's step reads b_hh (inside the reset gate's product); RNN and LSTM fold it into u_t.
  if (s.kind === 'gru' && s.p.bias_hh && g.db_hh) out.push({ name: 'bias_hh', value: s.p.bias_hh, analytic: g.db_hh });
  return out;
}
