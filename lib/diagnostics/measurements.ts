/**
 * Per-step and per-tensor gradient measurements, cheap enough to take at every training step, and a
 * compact text summary of them for the terminal.
 *
 *   per parameter tensor   ‖∂L/∂W‖, ‖W‖ and their ratio (how large a step the gradient asks for, relative
 *                          to the weights), and the global norm over all tensors
 *   per layer/direction    the temporal profile (profile.ts) as a one-line sparkline, its horizon and rate
 */
import { LayerProfile, VerdictReport, sparkline } from './profile';

export type { ParameterStat } from '../training/stats';
export { parameterStats } from '../training/stats';

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
