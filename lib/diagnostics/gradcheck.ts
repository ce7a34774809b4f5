/**
 * Gradient check: every analytic gradient against central finite differences, in float64.
 *
 *   numerical ∂L/∂θ_k ≈ (L(θ + ε e_k) − L(θ − ε e_k)) / 2ε        ε = 1e-5
 *   relative error of a tensor = max_k |a_k − n_k| / max(max_k |a_k|, max_k |n_k|, 1e-8)
 *
 * A tensor passes when its relative error is below 1e-6. The error is relative to the tensor's scale,
 * not to each element's own magnitude: rounding in L(θ ± εe_k) puts an absolute error of about
 * |L|·1e-16/ε ≈ 1e-11 on *every* numerical entry, so an entry of 1e-8 would show a "relative error"
 * of 1e-3 that is noise, not a bug. (Each element is held to 1e-9 of its own size by the PyTorch
 * conformance cases instead.) The check perturbs the model's own parameters in place and restores
 * them exactly, so it tests the code that runs, not a copy.
 */
import { Mat, zeros, clone, forEachIndex, toFlat, ShapeError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { Batch, Objective, lossAndGradients, lossOnly } from '../models/objectives';

export const GRADCHECK_EPS = 1e-5;
export const GRADCHECK_THRESHOLD = 1e-6;
const DENOMINATOR_FLOOR = 1e-8;

export interface CheckedTensor {
  name: string; // e.g. "weight_hh_l1_reverse", "x", "h0"
  value: Mat; // the tensor that is perturbed in place
  analytic: Mat; // ∂L/∂value from backward, same shape
}

export interface GradcheckRow {
  name: string;
  count: number; // number of elements checked
  maxRelError: number;
  maxAbsGrad: number; // the largest |∂L/∂θ_k|, to show the scale the error is relative to
  ok: boolean; // maxRelError < 1e-6
}

/**
 * Central differences of `loss` with respect to every element of `theta` (perturbed in place and
 * restored bit for bit).
 */
export function numericalGradient(loss: () => number, theta: Mat, eps = GRADCHECK_EPS): Mat {
  const grad = zeros(theta.shape);
  forEachIndex(theta, (i, k) => {
    const saved = theta.data[i];
    theta.data[i] = saved + eps;
    const plus = loss();
    theta.data[i] = saved - eps;
    const minus = loss();
    theta.data[i] = saved;
    grad.data[k] = (plus - minus) / (2 * eps);
  });
  return grad;
}

/** max_k |a_k − n_k| / max(max_k |a_k|, max_k |n_k|, 1e-8); NaN anywhere gives Infinity. */
export function maxRelError(analytic: Mat, numerical: Mat): number {
  const a = toFlat(analytic), n = toFlat(numerical);
  if (a.length !== n.length) throw new ShapeError(`maxRelError: ${a.length} analytic vs ${n.length} numerical entries`);
  let maxDiff = 0, scale = DENOMINATOR_FLOOR;
  for (let k = 0; k < a.length; k++) {
    const diff = Math.abs(a[k] - n[k]);
    if (!(diff <= maxDiff)) maxDiff = Number.isNaN(diff) ? Infinity : diff;
    scale = Math.max(scale, Math.abs(a[k]), Math.abs(n[k]));
  }
  return Number.isFinite(maxDiff) ? maxDiff / scale : Infinity;
}

/** Checks each tensor's analytic gradient against central differences of `loss`. */
export function checkGradients(loss: () => number, tensors: CheckedTensor[], eps = GRADCHECK_EPS): GradcheckRow[] {
  return tensors.map(({ name, value, analytic }) => {
    const numerical = numericalGradient(loss, value, eps);
    const maxRel = maxRelError(analytic, numerical);
    let maxAbsGrad = 0;
    for (const v of toFlat(analytic)) maxAbsGrad = Math.max(maxAbsGrad, Math.abs(v));
    return { name, count: value.size, maxRelError: maxRel, maxAbsGrad, ok: maxRel < GRADCHECK_THRESHOLD };
  });
}

/**
 * Checks every gradient of a model under an objective: each parameter, the input x, h0 and (LSTM) c0.
 * When h0 / c0 are absent, zero initial states are passed explicitly so their gradients are checked too.
 */
export function gradcheckModel(model: SequenceModel, batch: Batch, objective: Objective): GradcheckRow[] {
  const { x, h0 = null, c0 = null, lengths = null } = batch;
  const { hiddenSize: H, numLayers: L, mode } = model.rnn.config;
  const B = x.shape[1];
  const LD = L * model.rnn.numDirections;
  const h0v = h0 ? clone(h0) : zeros([LD, B, model.rnn.stateSize]);
  const c0v = mode === 'lstm' ? (c0 ? clone(c0) : zeros([LD, B, H])) : null;
  const xv = clone(x);
  const r = lossAndGradients(model, { x: xv, h0: h0v, c0: c0v, lengths }, objective);
  const trained = model.namedParameters().filter((p) => !p.frozen); // a frozen tensor has no gradient to check
  const tensors: CheckedTensor[] = trained.map((p) => ({ name: p.name, value: p.value, analytic: clone(p.grad) }));
  tensors.push({ name: 'x', value: xv, analytic: r.grads.dx });
  tensors.push({ name: 'h0', value: h0v, analytic: r.grads.dh0 });
  if (c0v && r.grads.dc0) tensors.push({ name: 'c0', value: c0v, analytic: r.grads.dc0 });
  return checkGradients(() => lossOnly(model, { x: xv, h0: h0v, c0: c0v, lengths }, objective), tensors);
}
