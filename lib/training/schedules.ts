/**
 * Learning-rate schedules: the rate as a function of the step count (and, for reduce-on-plateau, of the
 * validations so far, whose state a checkpoint keeps), so a resumed run continues exactly.
 *                                                                            docs: docs/training/training.md
 *   constant   lr_t = lr
 *   step       lr_t = lr · γ^⌊t / stepSize⌋                       (PyTorch's StepLR, stepped once per update)
 *   cosine     lr_t = minLr + (lr − minLr) · (1 + cos(π · min(t, T) / T)) / 2     (CosineAnnealingLR, T = totalSteps)
 * and, on top of any of them (multiplied, as PyTorch's ChainedScheduler chains them):
 *   warmup     × (f + (1 − f) · min(t, N) / N)     (LinearLR(start_factor = f, end_factor = 1, total_iters = N))
 *   plateau    × s, where s starts at 1 and becomes s · factor when the validation loss has not improved
 *              on its best by more than `threshold` (relative) for more than `patience` validations
 *              (ReduceLROnPlateau, mode 'min', threshold_mode 'rel'); a reduced rate is never below minLr;
 *              after a reduction, `cooldown` validations are not counted
 */
import { ValueError } from '../kernels/tensor';

/** PyTorch's LinearLR warm-up: the factor rises from `startFactor` to 1 over the first `steps` updates. */
export interface Warmup {
  steps: number;
  startFactor: number;
}

/** PyTorch's ReduceLROnPlateau (mode 'min', relative threshold), read at every validation. */
export interface Plateau {
  factor: number; // in (0, 1)
  patience: number; // validations without improvement that are tolerated
  threshold: number; // relative: an improvement is a loss below best · (1 − threshold)
  cooldown: number; // validations after a reduction that are not counted
  minLr: number; // a reduced rate never goes below it
}

/** Where reduce-on-plateau stands: what a checkpoint keeps for an exact resume. */
export interface PlateauState {
  best: number | null;
  bad: number; // validations in a row without improvement
  cooldown: number; // validations left before they are counted again
  scale: number; // the product of the reductions so far
}

export type ScheduleConfig = (
  | { type: 'constant' }
  | { type: 'step'; stepSize: number; gamma: number }
  | { type: 'cosine'; totalSteps: number; minLr: number }
) & { warmup?: Warmup; plateau?: Plateau };

export const freshPlateau = (): PlateauState => ({ best: null, bad: 0, cooldown: 0, scale: 1 });

/** Reduce-on-plateau with this factor and patience, and PyTorch's defaults for the rest. */
export const plateauWith = (factor: number, patience: number): Plateau => ({ factor, patience, threshold: 1e-4, cooldown: 0, minLr: 0 });

/** The learning rate for update number `step` (0-based); `plateau` is where reduce-on-plateau stands. */
export function learningRateAt(schedule: ScheduleConfig, baseLr: number, step: number, plateau: PlateauState | null = null): number {
  let lr = scheduledRate(schedule, baseLr, step);
  const w = schedule.warmup;
  if (w) lr *= w.startFactor + (1 - w.startFactor) * Math.min(step, w.steps) / w.steps;
  if (schedule.plateau && plateau && plateau.scale < 1) lr = Math.max(lr * plateau.scale, schedule.plateau.minLr);
  return lr;
}

function scheduledRate(schedule: ScheduleConfig, baseLr: number, step: number): number {
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

/**
 * Reduce-on-plateau after a validation loss `loss`, whose rate before was `lr`: the new state (PyTorch's
 * ReduceLROnPlateau.step, mode 'min', threshold_mode 'rel', eps 1e-8).
 */
export function plateauAfter(p: Plateau, state: PlateauState, loss: number, lr: number): PlateauState {
  let { best, bad, cooldown, scale } = state;
  if (best === null || loss < best * (1 - p.threshold)) {
    best = loss;
    bad = 0;
  } else {
    bad++;
  }
  if (cooldown > 0) {
    cooldown--;
    bad = 0; // ignore bad epochs in cooldown
  }
  if (bad > p.patience) {
    if (lr - Math.max(lr * p.factor, p.minLr) > 1e-8) scale *= p.factor;
    cooldown = p.cooldown;
    bad = 0;
  }
  return { best, bad, cooldown, scale };
}

/** Checks a schedule that came from JSON or the command line. */
export function checkSchedule(s: unknown, what = 'schedule'): ScheduleConfig {
  const o = s as Record<string, unknown>;
  const positiveInt = (k: string) => {
    if (!Number.isInteger(o[k]) || (o[k] as number) < 1) throw new ValueError(`${what}.${k}: expected an integer >= 1, got ${JSON.stringify(o[k])}`);
  };
  const extras = { ...(o?.warmup !== undefined ? { warmup: checkWarmup(o.warmup, `${what}.warmup`) } : {}), ...(o?.plateau !== undefined ? { plateau: checkPlateau(o.plateau, `${what}.plateau`) } : {}) };
  switch (o?.type) {
    case 'constant':
      return { type: 'constant', ...extras };
    case 'step':
      positiveInt('stepSize');
      if (typeof o.gamma !== 'number' || !(o.gamma > 0 && o.gamma <= 1)) throw new ValueError(`${what}.gamma: expected a number in (0, 1], got ${JSON.stringify(o.gamma)}`);
      return { type: 'step', stepSize: o.stepSize as number, gamma: o.gamma, ...extras };
    case 'cosine':
      positiveInt('totalSteps');
      if (typeof o.minLr !== 'number' || !(o.minLr >= 0)) throw new ValueError(`${what}.minLr: expected a number >= 0, got ${JSON.stringify(o.minLr)}`);
      return { type: 'cosine', totalSteps: o.totalSteps as number, minLr: o.minLr, ...extras };
    default:
      throw new ValueError(`${what}.type: expected "constant", "step" or "cosine", got ${JSON.stringify(o?.type)}`);
  }
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkWarmup(w: unknown, what: string): Warmup {
  const o = w as Record<string, unknown>;
  if (!Number.isInteger(o?.steps) || (o.steps as number) < 1) throw new ValueError(`${what}.steps: expected an integer >= 1, got ${JSON.stringify(o?.steps)}`);
  if (!isNumber(o.startFactor) || !(o.startFactor > 0 && o.startFactor <= 1)) throw new ValueError(`${what}.startFactor: expected a number in (0, 1], got ${JSON.stringify(o.startFactor)}`);
  return { steps: o.steps as number, startFactor: o.startFactor };
}

function checkPlateau(p: unknown, what: string): Plateau {
  const o = p as Record<string, unknown>;
  if (!isNumber(o?.factor) || !(o.factor > 0 && o.factor < 1)) throw new ValueError(`${what}.factor: expected a number in (0, 1), got ${JSON.stringify(o?.factor)}`);
  for (const k of ['patience', 'cooldown']) {
    if (!Number.isInteger(o[k]) || (o[k] as number) < 0) throw new ValueError(`${what}.${k}: expected an integer >= 0, got ${JSON.stringify(o[k])}`);
  }
  for (const k of ['threshold', 'minLr']) {
    if (!isNumber(o[k]) || (o[k] as number) < 0) throw new ValueError(`${what}.${k}: expected a number >= 0, got ${JSON.stringify(o[k])}`);
  }
  return { factor: o.factor, patience: o.patience as number, threshold: o.threshold as number, cooldown: o.cooldown as number, minLr: o.minLr as number };
}

/** Checks a reduce-on-plateau state from a checkpoint. */
export function checkPlateauState(s: unknown, what: string): PlateauState {
  const o = s as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) throw new ValueError(`${what}: expected an object`);
  if (o.best !== null && !isNumber(o.best)) throw new ValueError(`${what}.best: expected null or a finite number, got ${JSON.stringify(o.best)}`);
  for (const k of ['bad', 'cooldown']) if (!Number.isInteger(o[k]) || (o[k] as number) < 0) throw new ValueError(`${what}.${k}: expected an integer >= 0, got ${JSON.stringify(o[k])}`);
  if (!isNumber(o.scale) || !(o.scale > 0 && o.scale <= 1)) throw new ValueError(`${what}.scale: expected a number in (0, 1], got ${JSON.stringify(o.scale)}`);
  return { best: o.best as number | null, bad: o.bad as number, cooldown: o.cooldown as number, scale: o.scale };
}
