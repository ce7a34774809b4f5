/**
 * Learning-rate schedules: the rate as a pure function of the step count, so a resumed run needs only the
 * step counter to continue exactly.                                          docs: docs/training/training.md
 *
 *   constant   lr_t = lr
 *   step       lr_t = lr · γ^⌊t / stepSize⌋                       (PyTorch's StepLR, stepped once per update)
 *   cosine     lr_t = minLr + (lr − minLr) · (1 + cos(π · min(t, T) / T)) / 2     (CosineAnnealingLR, T = totalSteps)
 */
import { ValueError } from '../kernels/tensor';

export type ScheduleConfig =
  | { type: 'constant' }
  | { type: 'step'; stepSize: number; gamma: number }
  | { type: 'cosine'; totalSteps: number; minLr: number };

/** The learning rate for update number `step` (0-based). */
export function learningRateAt(schedule: ScheduleConfig, baseLr: number, step: number): number {
  switch (schedule.type) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * Math.pow(schedule.gamma, Math.floor(step / schedule.stepSize));
    case 'cosine': {
      const t = Math.min(step, schedule.totalSteps);
      return schedule.minLr + (baseLr - schedule.minLr) * (1 + Math.cos((Math.PI * t) / schedule.totalSteps)) / 2;
    }
  }
}

/** Checks a schedule that came from JSON or the command line. */
export function checkSchedule(s: unknown, what = 'schedule'): ScheduleConfig {
  const o = s as Record<string, unknown>;
  const positiveInt = (k: string) => {
    if (!Number.isInteger(o[k]) || (o[k] as number) < 1) throw new ValueError(`${what}.${k}: expected an integer >= 1, got ${JSON.stringify(o[k])}`);
  };
  switch (o?.type) {
    case 'constant':
      return { type: 'constant' };
    case 'step':
      positiveInt('stepSize');
      if (typeof o.gamma !== 'number' || !(o.gamma > 0 && o.gamma <= 1)) throw new ValueError(`${what}.gamma: expected a number in (0, 1], got ${JSON.stringify(o.gamma)}`);
      return { type: 'step', stepSize: o.stepSize as number, gamma: o.gamma };
    case 'cosine':
      positiveInt('totalSteps');
      if (typeof o.minLr !== 'number' || !(o.minLr >= 0)) throw new ValueError(`${what}.minLr: expected a number >= 0, got ${JSON.stringify(o.minLr)}`);
      return { type: 'cosine', totalSteps: o.totalSteps as number, minLr: o.minLr };
    default:
      throw new ValueError(`${what}.type: expected "constant", "step" or "cosine", got ${JSON.stringify(o?.type)}`);
  }
}
