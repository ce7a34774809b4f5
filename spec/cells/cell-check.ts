/**
 * One cell step, made into a scalar loss for gradient checks:
 *   L = Σ h_t ⊙ R  (+ Σ c_t ⊙ Rc for an LSTM),   so dh = R and dcNext = Rc exactly.
 * Sizes all differ (B = 2, D = 4, H = 5) so that a swapped axis cannot pass by luck.
 */
import { Mat, zeros, clone } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { CellKind, CellParams, initCellParams, zeroCellParams, cellTensors } from '../../lib/cells/cell-params';
import { RnnStep, rnnCellForward, rnnCellBackward, createRnnWork } from '../../lib/cells/rnn-cell';
import { LstmStep, lstmCellForward, lstmCellBackward, createLstmWork } from '../../lib/cells/lstm-cell';
import { GruStep, gruCellForward, gruCellBackward, createGruWork } from '../../lib/cells/gru-cell';
import { CheckedTensor } from '../../lib/diagnostics/gradcheck';
import { randn } from '../helpers';

export const B = 2, D = 4, H = 5;

export interface CellSetup {
  p: CellParams;
  x: Mat;
  hPrev: Mat;
  cPrev: Mat | null;
  /** Forward only, on the current values: the scalar loss. */
  loss: () => number;
  /** Forward then backward into `g` (added), returning ∂L/∂x, ∂L/∂h_{t−1}, ∂L/∂c_{t−1}. */
  backward: (g: CellParams) => { dx: Mat; dhPrev: Mat; dcPrev: Mat | null };
}

export function setupCell(kind: CellKind, bias: boolean, seed: number): CellSetup {
  const rng = new Rng(seed);
  const p = initCellParams(kind, D, H, bias, rng);
  const x = randn([B, D], rng), hPrev = randn([B, H], rng);
  const cPrev = kind === 'lstm' ? randn([B, H], rng) : null;
  const R = randn([B, H], rng), Rc = randn([B, H], rng);
  const G = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
  const h = zeros([B, H]), c = zeros([B, H]), gates = zeros([B, G * H]), vn = zeros([B, H]);
  const rnnStep: RnnStep = { x, hPrev, h };
  const lstmStep: LstmStep | null = cPrev ? { x, hPrev, cPrev, gates, c, h } : null;
  const gruStep: GruStep = { x, hPrev, gates, vn, h };
  const rnnWork = createRnnWork(p, B), lstmWork = createLstmWork(p, B), gruWork = createGruWork(p, B);
  const f = kind === 'rnn_relu' ? 'relu' : 'tanh';

  const forward = (): void => {
    if (lstmStep) lstmCellForward(p, lstmStep, lstmWork);
    else if (kind === 'gru') gruCellForward(p, gruStep, gruWork);
    else rnnCellForward(p, rnnStep, rnnWork, f);
  };
  const dot = (a: Mat, b: Mat): number => a.data.reduce((s, v, k) => s + v * b.data[k], 0);
  const loss = (): number => {
    forward();
    return dot(h, R) + (lstmStep ? dot(c, Rc) : 0);
  };
  const backward = (g: CellParams) => {
    forward();
    const dx = zeros([B, D]), dhPrev = zeros([B, H]), dcPrev = lstmStep ? zeros([B, H]) : null;
    if (lstmStep && dcPrev) lstmCellBackward(p, g, lstmStep, R, Rc, dx, dhPrev, dcPrev, lstmWork);
    else if (kind === 'gru') gruCellBackward(p, g, gruStep, R, dx, dhPrev, gruWork);
    else rnnCellBackward(p, g, rnnStep, R, dx, dhPrev, rnnWork, f);
    return { dx, dhPrev, dcPrev };
  };
  return { p, x, hPrev, cPrev, loss, backward };
}

/** Every tensor of the step, with its analytic gradient: the parameters, x_t, h_{t−1}, c_{t−1}. */
export function cellTensorsToCheck(kind: CellKind, bias: boolean, s: CellSetup): CheckedTensor[] {
  const g = zeroCellParams(kind, D, H, bias);
  const { dx, dhPrev, dcPrev } = s.backward(g);
  const names = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'];
  const grads = cellTensors(g);
  const out: CheckedTensor[] = cellTensors(s.p).map((value, k) => ({ name: names[k], value, analytic: clone(grads[k]) }));
  out.push({ name: 'x', value: s.x, analytic: dx });
  out.push({ name: 'hPrev', value: s.hPrev, analytic: dhPrev });
  if (s.cPrev && dcPrev) out.push({ name: 'cPrev', value: s.cPrev, analytic: dcPrev });
  return out;
}
