/**
 * Where did the first NaN or ±Infinity appear? A non-finite loss or gradient is reported with the place
 * it first appeared, in the order the engine computed things:
 *   forward   layer by layer, each direction in its own time order, and within a step the gates (by
 *             name), then the cell state c_t, then h_t; then the head's output
 *   loss      the loss value itself, when every forward value was finite
 *   backward  the head's gradients first, then each layer from the top, each direction in backward time
 *             order, as ‖∂L/∂h_t‖; then the parameter gradients by name
 */
import { Mat } from '../kernels/tensor';
import { SequenceModel, SequenceModelOutput } from '../models/sequence-model';
import { RecurrentGrads } from '../layers/recurrent';
import { computedAt } from '../textbook/bptt';

export interface NonFiniteReport {
  phase: 'forward' | 'loss' | 'backward';
  tensor: string; // e.g. "h_t", "gate f", "∂L/∂h_t", "weight_hh_l0", "loss"
  layer: number | null;
  direction: 0 | 1 | null;
  step: number | null; // time step t
  value: number; // the first non-finite value found
  message: string; // one line naming all of the above
}

/** The first non-finite value of a forward pass, or null if it is all finite. */
export function findNonFiniteForward(forward: SequenceModelOutput): NonFiniteReport | null {
  for (const [l, dirs] of (forward.cache.rnn.textbook?.runs ?? []).entries()) { // the textbook engine's steps
    for (const [d, run] of dirs.entries()) {
      const T = run.caches.length;
      for (let n = 0; n < T; n++) {
        const t = run.reverse ? T - 1 - n : n;
        for (const [name, m] of computedAt(run, t)) {
          const bad = firstNonFinite(m);
          if (bad !== null) return report('forward', name, l, d, t, bad);
        }
      }
    }
  }
  for (const [l, layer] of forward.cache.rnn.layers.entries()) {
    for (const [d, dir] of layer.dirs.entries()) {
      const T = dir.steps.length;
      for (let n = 0; n < T; n++) {
        const t = dir.reverse ? T - 1 - n : n;
        for (const [name, m] of dir.cell.computed(dir.steps[t])) { // the gates by name, then c_t, then h_t
          const bad = firstNonFinite(m);
          if (bad !== null) return report('forward', name, l, d, t, bad);
        }
      }
    }
  }
  if (forward.y) {
    const bad = firstNonFinite(forward.y);
    if (bad !== null) return report('forward', 'head output', null, null, null, bad);
  }
  return null;
}

/** The first non-finite value of a backward pass (after the loss), or null if it is all finite. */
export function findNonFiniteBackward(model: SequenceModel, grads: RecurrentGrads): NonFiniteReport | null {
  const params = model.namedParameters();
  for (const p of params.filter((q) => q.name.startsWith('head.'))) {
    const bad = firstNonFinite(p.grad);
    if (bad !== null) return report('backward', `gradient of ${p.name}`, null, null, null, bad);
  }
  const byLayer = [...grads.stepGradNorms].sort((a, b) => b.layer - a.layer || a.direction - b.direction);
  for (const s of byLayer) {
    const T = s.h.length;
    for (let n = 0; n < T; n++) {
      const t = s.direction === 1 ? n : T - 1 - n; // backward time order
      if (s.c && !Number.isFinite(s.c[t])) return report('backward', '∂L/∂c_t', s.layer, s.direction, t, s.c[t]);
      if (!Number.isFinite(s.h[t])) return report('backward', '∂L/∂h_t', s.layer, s.direction, t, s.h[t]);
    }
  }
  for (const p of params) {
    const bad = firstNonFinite(p.grad);
    if (bad !== null) return report('backward', `gradient of ${p.name}`, null, null, null, bad);
  }
  return null;
}

/** Forward values, then the loss, then the gradients: the first non-finite value of a whole step. */
export function findNonFinite(
  model: SequenceModel, forward: SequenceModelOutput, loss: number, grads: RecurrentGrads | null,
): NonFiniteReport | null {
  const f = findNonFiniteForward(forward);
  if (f) return f;
  if (!Number.isFinite(loss)) return report('loss', 'loss', null, null, null, loss);
  return grads ? findNonFiniteBackward(model, grads) : null;
}

function firstNonFinite(m: Mat): number | null {
  const [R, C] = m.shape;
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < (C ?? 1); j++) {
      const v = C === undefined ? m.get(i) : m.get(i, j);
      if (!Number.isFinite(v)) return v;
    }
  }
  return null;
}

function report(phase: NonFiniteReport['phase'], tensor: string, layer: number | null, direction: number | null, step: number | null, value: number): NonFiniteReport {
  const where = [
    layer !== null ? `layer ${layer}` : null,
    direction !== null ? (direction === 1 ? 'reverse direction' : 'forward direction') : null,
    step !== null ? `time step ${step}` : null,
  ].filter(Boolean).join(', ');
  return {
    phase, tensor, layer, direction: direction as 0 | 1 | null, step, value,
    message: `non-finite value ${value} first appeared in the ${phase} pass: ${tensor}${where ? ` (${where})` : ''}`,
  };
}
