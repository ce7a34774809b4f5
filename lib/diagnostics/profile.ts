/**
 * The temporal gradient profile: how much of a gradient injected at the last time step reaches each
 * earlier step, per layer and direction, and the verdict it supports.      docs: docs/layers/bptt.md
 *
 *   probe       L_T = ⟨u, y_last⟩ with ‖u‖ = 1: a unit vector on each direction's output at its own last
 *               step (forward: t = T−1; reverse: t = 0), top layer
 *   profile     p(t) = ‖∂L_T/∂h_t‖ for every t, per layer and direction (from the layer's BPTT); for an
 *               LSTM, whose state is the pair (h_t, c_t), p(t) = √(‖∂L_T/∂h_t‖² + ‖∂L_T/∂c_t‖²): the memory
 *               path through c is how an LSTM carries a signal, and it must count
 *   horizon     how many steps back the profile stays ≥ ε · p(last step)  (ε = 1e-3 by default)
 *   rate        the mean factor per step back, (p(first step) / p(last step))^(1/(T−1)):
 *               < 1 the signal decays, > 1 it grows
 * The weight gradients are left exactly as they were: the probe's backward adds into them, and they are
 * restored afterwards.
 */
import { Mat, zeros, ValueError } from '../kernels/tensor';
import { Recurrent } from '../layers/recurrent';

export interface LayerProfile {
  layer: number;
  direction: 0 | 1;
  norms: number[]; // the state gradient's norm indexed by time t (h and, for an LSTM, c together)
  hNorms: number[]; // ‖∂L_T/∂h_t‖
  cNorms: number[] | null; // ‖∂L_T/∂c_t‖ (LSTM)
  stepsBack: number[]; // the same, ordered from the probed step (0 steps back) to the farthest
  horizon: number; // steps back the signal stays ≥ ε of its value at the probed step (T − 1 = all the way)
  ratePerStep: number; // geometric mean factor per step back
  finite: boolean;
}

export interface ProfileOptions {
  epsilon?: number; // default 1e-3
  h0?: Mat | null;
  c0?: Mat | null;
}

/** Forward over x [T,B,I], then BPTT from a unit probe at the last step; the layer's gradients are untouched. */
export function temporalProfile(layer: Recurrent, x: Mat, options: ProfileOptions = {}): LayerProfile[] {
  const epsilon = options.epsilon ?? 1e-3;
  if (!(epsilon > 0 && epsilon < 1)) throw new ValueError(`temporalProfile epsilon: expected a number in (0, 1), got ${epsilon}`);
  const { hiddenSize: H } = layer.config;
  const D = layer.numDirections;
  const { output, cache } = layer.forward(x, options.h0 ?? null, options.c0 ?? null);
  const [T, B] = output.shape;
  const probe = zeros([T, B, D * H]);
  const unit = 1 / Math.sqrt(B * H); // each direction's probe has norm 1
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      probe.set(T - 1, b, j, unit); // forward direction: its last step is T − 1
      if (D === 2) probe.set(0, b, H + j, unit); // reverse direction: its last step is 0
    }
  }
  const saved = layer.namedParameters().map((p) => Float64Array.from(p.grad.data));
  const { stepGradNorms } = layer.backward(cache, probe);
  layer.namedParameters().forEach((p, k) => p.grad.data.set(saved[k]));
  return stepGradNorms.map((s) => {
    const hNorms = Array.from(s.h);
    const cNorms = s.c ? Array.from(s.c) : null;
    const norms = cNorms ? hNorms.map((h, t) => Math.sqrt(h * h + cNorms[t] * cNorms[t])) : hNorms;
    const stepsBack = s.direction === 1 ? norms.slice() : norms.slice().reverse();
    return { layer: s.layer, direction: s.direction, norms, hNorms, cNorms, stepsBack, ...summarize(stepsBack, epsilon) };
  });
}

/** Horizon and rate of a profile ordered by steps back. */
export function summarize(stepsBack: number[], epsilon: number): { horizon: number; ratePerStep: number; finite: boolean } {
  const finite = stepsBack.every(Number.isFinite);
  const ref = stepsBack[0];
  let horizon = 0;
  while (horizon + 1 < stepsBack.length && stepsBack[horizon + 1] >= epsilon * ref) horizon++;
  const K = stepsBack.length - 1;
  const last = stepsBack[K];
  const ratePerStep = K === 0 ? 1 : ref > 0 && last > 0 ? Math.pow(last / ref, 1 / K) : last === 0 ? 0 : NaN;
  return { horizon, ratePerStep, finite };
}

export type Verdict = 'EXPLODING' | 'VANISHING' | 'HEALTHY';

export interface VerdictThresholds {
  epsilon: number; // the horizon's fraction, default 1e-3
  maxGrowthPerStep: number; // EXPLODING when the profile grows faster than this per step, default 1.1
  maxGlobalNorm: number; // EXPLODING when the global gradient norm exceeds this, default 1e3
}

export const DEFAULT_THRESHOLDS: VerdictThresholds = { epsilon: 1e-3, maxGrowthPerStep: 1.1, maxGlobalNorm: 1e3 };

export interface VerdictReport {
  verdict: Verdict;
  reasons: string[]; // the numbers that led to it
}

/**
 * EXPLODING: a non-finite value, a profile growing by more than `maxGrowthPerStep` per step, or a global
 * gradient norm above `maxGlobalNorm`. VANISHING: a horizon shorter than the sequence. HEALTHY otherwise.
 */
export function verdictOf(profiles: LayerProfile[], globalNorm: number | null = null, t: Partial<VerdictThresholds> = {}): VerdictReport {
  const th = { ...DEFAULT_THRESHOLDS, ...t };
  const where = (p: LayerProfile) => `layer ${p.layer}${p.direction === 1 ? ' reverse' : ''}`;
  const exploding: string[] = [];
  for (const p of profiles) {
    if (!p.finite) exploding.push(`${where(p)}: non-finite ‖∂L/∂h_t‖ in the profile`);
    else if (p.ratePerStep > th.maxGrowthPerStep) exploding.push(`${where(p)}: grows ×${p.ratePerStep.toPrecision(3)} per step (bound ×${th.maxGrowthPerStep})`);
  }
  if (globalNorm !== null && !(globalNorm <= th.maxGlobalNorm)) exploding.push(`global gradient norm ${globalNorm.toPrecision(3)} (bound ${th.maxGlobalNorm})`);
  if (exploding.length) return { verdict: 'EXPLODING', reasons: exploding };
  const vanishing = profiles
    .filter((p) => p.horizon < p.stepsBack.length - 1)
    .map((p) => `${where(p)}: horizon ${p.horizon} of ${p.stepsBack.length - 1} steps (the signal falls below ${th.epsilon} of its value at the last step ${p.stepsBack.length - 1 - p.horizon} step(s) short of the first; VANISHING means it does not reach them all), ×${p.ratePerStep.toPrecision(3)} per step`);
  if (vanishing.length) return { verdict: 'VANISHING', reasons: vanishing };
  return {
    verdict: 'HEALTHY',
    reasons: profiles.map((p) => `${where(p)}: horizon ${p.horizon} of ${p.stepsBack.length - 1} steps, ×${p.ratePerStep.toPrecision(3)} per step`),
  };
}

/** A one-line picture of a profile on a log scale: ▁ for the smallest value, █ for the largest. */
export function sparkline(values: number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const logs = values.map((v) => (v > 0 && Number.isFinite(v) ? Math.log10(v) : NaN));
  const finite = logs.filter(Number.isFinite);
  if (finite.length === 0) return '·'.repeat(values.length);
  const lo = Math.min(...finite), hi = Math.max(...finite);
  return logs.map((l) => (Number.isFinite(l) ? bars[hi === lo ? bars.length - 1 : Math.round(((l - lo) / (hi - lo)) * (bars.length - 1))] : '!')).join('');
}
