/**
 * One cell step, made into a scalar loss for gradient checks:
 *   L = Σ h_t ⊙ R  (+ Σ c_t ⊙ Rc for an LSTM),   so dh = R and dcNext = Rc exactly.
 * Two views of the same step:
 *  - the cell alone, through its record of operations (`cellFor(kind)`): the gradients the cell itself
 *    writes, ∂L/∂u_t (its `da`), ∂L/∂h_{t−1} and ∂L/∂c_{t−1};
 *  - the step as the layer runs it (`unrollForward`/`unrollBackward` over T = 1): the parameters'
 *    gradients as the engine sums them (BPTT-4), and ∂L/∂x_t, so no gradient here is formed by the spec.
 * Sizes all differ (B = 2, I = 4, H = 5; the gates are G·H wide) so that a swapped axis cannot pass by luck.
 */
import { Mat, zeros, clone, copyInto } from '../../lib/kernels/tensor';
import { GemmWorkspace, packB } from '../../lib/kernels/gemm';
import { Rng } from '../../lib/kernels/random';
import { CellKind, CellParams, gateCount, initCellParams, zeroCellParams } from '../../lib/cells/cell-params';
import { RecurrentWeights, StepBase, StepGrads } from '../../lib/cells/cell';
import { cellFor } from '../../lib/cells/cells';
import { unrollForward, unrollBackward } from '../../lib/layers/unroll';
import { CheckedTensor } from '../../lib/diagnostics/gradcheck';
import { randn } from '../helpers';

export const B = 2, I = 4, H = 5;

const dot = (a: Mat, b: Mat): number => a.data.reduce((s, v, k) => s + v * b.data[k], 0);

/** The recurrent weights packed as the layer packs them (again on every call: a check perturbs them). */
export function packed(p: CellParams): RecurrentWeights {
  return { gemm: new GemmWorkspace(), W_hhT: packB(p.weight_hh.transpose(1, 0)), W_hh: packB(p.weight_hh) };
}

/** The cell alone: one step through its operations, on plain [B,·] tensors. */
export interface CellStepSetup {
  kind: CellKind;
  p: CellParams;
  u: Mat; // [B,G·H] the step's input projection (kept; copied into the step's buffer before each forward)
  hPrev: Mat; // [B,H]
  cPrev: Mat | null; // [B,H] (LSTM)
  loss: () => number;
  /** Forward then backward, with ∂L/∂h_{t−1} and ∂L/∂c_{t−1} starting from the given values (default 0). */
  backward: (dhPrevStart?: Mat, dcPrevStart?: Mat) => { du: Mat; dhPrev: Mat; dcPrev: Mat | null };
}

export function setupCellStep(kind: CellKind, bias: boolean, seed: number): CellStepSetup {
  const rng = new Rng(seed);
  const cell = cellFor(kind);
  const p = initCellParams(kind, I, H, bias, rng);
  const GH = gateCount(kind) * H;
  const u = randn([B, GH], rng), hPrev = randn([B, H], rng);
  const cPrev = cell.hasCellState ? randn([B, H], rng) : null;
  const R = randn([B, H], rng), Rc = randn([B, H], rng);
  const a = zeros([B, GH]);
  const base: StepBase = { hPrev, hIn: hPrev, h: zeros([B, H]), cPrev, c: cPrev ? zeros([B, H]) : null };
  const s = cell.makeStep(base, zeros);
  const work = cell.createWork(B, H);
  const forward = (): RecurrentWeights => {
    const w = packed(p);
    copyInto(a, u); // the step adds its recurrent half into its own copy of u_t
    cell.forward(p, w, a, s, work);
    return w;
  };
  const loss = (): number => {
    forward();
    return dot(base.h, R) + (base.c ? dot(base.c, Rc) : 0);
  };
  const backward = (dhPrevStart?: Mat, dcPrevStart?: Mat) => {
    const w = forward();
    const du = zeros([B, GH]);
    const dhPrev = dhPrevStart ? clone(dhPrevStart) : zeros([B, H]);
    const d: StepGrads = {
      dh: clone(R), dcNext: clone(Rc), da: du, dv: cell.splitBiases ? zeros([B, GH]) : du, dc: zeros([B, H]),
      dhPrev, dhIn: dhPrev, dcPrev: dcPrevStart ? clone(dcPrevStart) : zeros([B, H]),
    };
    cell.backward(w, s, d, work);
    return { du, dhPrev: d.dhPrev, dcPrev: cPrev ? d.dcPrev : null };
  };
  return { kind, p, u, hPrev, cPrev, loss, backward };
}

/** The cell's own gradients: ∂L/∂u_t, ∂L/∂h_{t−1}, ∂L/∂c_{t−1}. */
export function cellStepTensors(s: CellStepSetup): CheckedTensor[] {
  const g = s.backward();
  const out: CheckedTensor[] = [
    { name: 'u', value: s.u, analytic: g.du },
    { name: 'hPrev', value: s.hPrev, analytic: g.dhPrev },
  ];
  if (s.cPrev && g.dcPrev) out.push({ name: 'cPrev', value: s.cPrev, analytic: g.dcPrev });
  return out;
}

/** One step as the layer runs it: every parameter, x_t, h_{t−1} and c_{t−1}, with the engine's gradients. */
export function layerStepTensors(kind: CellKind, bias: boolean, seed: number): { loss: () => number; tensors: CheckedTensor[] } {
  const rng = new Rng(seed);
  const p = initCellParams(kind, I, H, bias, rng);
  const x = randn([1, B, I], rng), h0 = randn([B, H], rng);
  const c0 = kind === 'lstm' ? randn([B, H], rng) : null;
  const R = randn([1, B, H], rng), Rc = randn([B, H], rng);
  const loss = (): number => {
    const cache = unrollForward(cellFor(kind), p, x, h0, c0, false);
    return dot(clone(cache.h), R) + (cache.c ? dot(clone(cache.c.pick(0)), Rc) : 0); // c_1 is c_n: dcN = Rc
  };
  const cache = unrollForward(cellFor(kind), p, x, h0, c0, false);
  const g = zeroCellParams(kind, I, H, bias);
  const dx = zeros([1, B, I]);
  const r = unrollBackward(p, g, cache, R, dx, null, c0 ? Rc : null);
  const tensors: CheckedTensor[] = [
    { name: 'x', value: x, analytic: dx },
    { name: 'h0', value: h0, analytic: r.dh0 },
    { name: 'weight_ih', value: p.weight_ih, analytic: g.weight_ih },
    { name: 'weight_hh', value: p.weight_hh, analytic: g.weight_hh },
  ];
  if (c0 && r.dc0) tensors.push({ name: 'c0', value: c0, analytic: r.dc0 });
  if (p.bias_ih && g.bias_ih) tensors.push({ name: 'bias_ih', value: p.bias_ih, analytic: g.bias_ih });
  if (p.bias_hh && g.bias_hh) tensors.push({ name: 'bias_hh', value: p.bias_hh, analytic: g.bias_hh });
  return { loss, tensors };
}
