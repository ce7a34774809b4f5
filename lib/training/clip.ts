/**
 * Gradient clipping, with PyTorch's semantics (`clip_grad_norm_`, `clip_grad_value_`). Both return what
 * they did, so training can log it.                                          docs: docs/training/optimizers.md
 *
 *   (CLIP-1)  total = ‖(‖g_1‖₂, …, ‖g_n‖₂)‖₂ (norm 2: all tensors as one vector)   or  max |g| (norm ∞)
 *   (CLIP-2)  coef = min(1, max_norm / (total + 1e-6));   every g = g · coef   (always multiplied;
 *             coef = 1 changes nothing, bit for bit)
 *   (CLIP-3)  by value: g = min(max(g, −clip_value), clip_value)
 */
import { ValueError } from '../kernels/tensor';
import { NamedParameter } from '../kernels/parameter';

export interface ClipResult {
  normBefore: number; // the global norm before clipping (PyTorch's return value), in the norm used
  normAfter: number; // the global norm after clipping
  clipped: boolean; // whether any gradient changed
  coef: number; // clip_grad_norm_: the factor every gradient was multiplied by; by value: 1
}

/** Global norm of all gradients together: 2-norm, or the largest |g| for 'inf'. */
export function gradNorm(params: NamedParameter[], normType: 2 | 'inf' = 2): number {
  if (normType === 'inf') {
    let max = 0;
    for (const p of params) {
      const g = p.grad.data;
      for (let k = 0; k < g.length; k++) max = Math.max(max, Math.abs(g[k])); // NaN propagates through Math.max
    }
    return max;
  }
  let sumOfSquares = 0;
  for (const p of params) {
    const g = p.grad.data;
    let s = 0;
    for (let k = 0; k < g.length; k++) s += g[k] * g[k];
    const n = Math.sqrt(s); // ‖g_i‖₂, then the 2-norm of these norms, as PyTorch         (CLIP-1)
    sumOfSquares += n * n;
  }
  return Math.sqrt(sumOfSquares); //                                                        (CLIP-1)
}

/**
 * Scales every gradient so that the global norm is at most `maxNorm` (PyTorch's clip_grad_norm_).
 * `norm`: the global norm when the caller has just computed it by the same arithmetic (`gradNorm`, or
 * `parameterStats`'s globalNorm for the 2-norm), so it is not taken again over every gradient.
 */
export function clipGradNorm(params: NamedParameter[], maxNorm: number, normType: 2 | 'inf' = 2, norm: number | null = null): ClipResult {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) throw new ValueError(`clipGradNorm maxNorm: expected a finite number > 0, got ${maxNorm}`);
  if (normType !== 2 && normType !== 'inf') throw new ValueError(`clipGradNorm normType: expected 2 or 'inf', got ${JSON.stringify(normType)}`);
  const total = norm ?? gradNorm(params, normType);
  const coef = Math.min(1, (1 / (total + 1e-6)) * maxNorm); // evaluated in PyTorch's order   (CLIP-2)
  if (coef === 1) return { normBefore: total, normAfter: total, clipped: false, coef }; // g·1 = g exactly: nothing to do
  // The 2-norm after clipping is summed as the scaled values are written, in gradNorm's order (the same
  // bits as calling it afterwards, one pass fewer).
  let sumOfSquares = 0;
  for (const p of params) {
    const g = p.grad.data;
    let s = 0;
    for (let k = 0; k < g.length; k++) {
      const scaled = g[k] * coef; //                                                         (CLIP-2)
      g[k] = scaled;
      s += scaled * scaled;
    }
    const n = Math.sqrt(s);
    sumOfSquares += n * n;
  }
  const normAfter = normType === 2 ? Math.sqrt(sumOfSquares) : gradNorm(params, normType);
  return { normBefore: total, normAfter, clipped: true, coef };
}

/** Clamps every gradient element to [−clipValue, clipValue] (PyTorch's clip_grad_value_). */
export function clipGradValue(params: NamedParameter[], clipValue: number): ClipResult {
  if (!(clipValue > 0) || !Number.isFinite(clipValue)) throw new ValueError(`clipGradValue clipValue: expected a finite number > 0, got ${clipValue}`);
  const normBefore = gradNorm(params);
  let clipped = false;
  for (const p of params) {
    const g = p.grad.data;
    for (let k = 0; k < g.length; k++) {
      if (g[k] > clipValue || g[k] < -clipValue) clipped = true;
      g[k] = Math.min(Math.max(g[k], -clipValue), clipValue); //                             (CLIP-3)
    }
  }
  return { normBefore, normAfter: gradNorm(params), clipped, coef: 1 };
}
