/**
 * Per-step and per-tensor gradient measurements, cheap enough to take at every training step, and a
 * compact text summary of them for the terminal.
 *
 *   per parameter tensor   ‖∂L/∂W‖, ‖W‖ and their ratio (how large a step the gradient asks for, relative
 *                          to the weights), and the global norm over all tensors
 *   per layer/direction    the temporal profile (profile.ts) as a one-line sparkline, its horizon and rate
 */
import { NamedParameter } from '../layers/recurrent';
import { LayerProfile, VerdictReport, sparkline } from './profile';

export interface ParameterStat {
  name: string;
  gradNorm: number;
  weightNorm: number;
  ratio: number; // gradNorm / weightNorm (Infinity when the weights are all zero and the gradient is not)
}

/** ‖grad‖₂, ‖value‖₂ and their ratio for every tensor, and the global gradient norm. */
export function parameterStats(params: NamedParameter[]): { tensors: ParameterStat[]; globalNorm: number } {
  let total = 0;
  const tensors = params.map((p) => {
    let g = 0, w = 0;
    for (const v of p.grad.data) g += v * v;
    for (const v of p.value.data) w += v * v;
    total += g;
    const gradNorm = Math.sqrt(g), weightNorm = Math.sqrt(w);
    return { name: p.name, gradNorm, weightNorm, ratio: weightNorm > 0 ? gradNorm / weightNorm : gradNorm > 0 ? Infinity : 0 };
  });
  return { tensors, globalNorm: Math.sqrt(total) };
}

/** A few lines for the terminal: the verdict with its reasons, then one sparkline per layer and direction. */
export function formatProfile(label: string, profiles: LayerProfile[], verdict: VerdictReport): string {
  const lines = [`${label}: ${verdict.verdict}`];
  for (const r of verdict.reasons) lines.push(`  ${r}`);
  for (const p of profiles) {
    const name = `layer ${p.layer}${p.direction === 1 ? ' rev' : ''}`.padEnd(12);
    const first = p.stepsBack[0], last = p.stepsBack[p.stepsBack.length - 1];
    lines.push(`  ${name} ${sparkline([...p.stepsBack].reverse())}  ‖∂L/∂h‖ ${last.toExponential(1)} (farthest step) … ${first.toExponential(1)} (probed step)`);
  }
  return lines.join('\n');
}
