import * as fs from 'fs';
import * as path from 'path';
import { ScheduleConfig, PlateauState, checkSchedule, learningRateAt, plateauAfter, freshPlateau } from '../../lib/training/schedules';

interface TraceCase {
  name: string;
  baseLr: number;
  steps: number;
  evalEvery?: number;
  losses?: number[];
  schedule: ScheduleConfig;
  lrs: number[];
}

const file = path.join(__dirname, '..', 'fixtures', 'golden-schedules', 'schedules.json');
const golden = JSON.parse(fs.readFileSync(file, 'utf8')) as { format: string; cases: TraceCase[] };

/** The rate of every update, as the Trainer computes it: validation after every `evalEvery` updates. */
function trace(c: TraceCase): number[] {
  const schedule = checkSchedule(c.schedule, c.name);
  let state: PlateauState = freshPlateau();
  const lrs: number[] = [];
  for (let t = 0, k = 0; t < c.steps; t++) {
    const lr = learningRateAt(schedule, c.baseLr, t, state);
    lrs.push(lr);
    if (schedule.plateau && c.evalEvery && (t + 1) % c.evalEvery === 0) state = plateauAfter(schedule.plateau, state, c.losses![k++], lr);
  }
  return lrs;
}

describe("learning-rate schedules against PyTorch's traces (scripts/make-schedule-golden.py)", () => {
  it('has the cases: LinearLR warm-up alone and chained with cosine, ReduceLROnPlateau alone and after a warm-up', () => {
    expect(golden.format).toBe('schedule-golden');
    expect(golden.cases.map((c) => c.name)).toEqual(['warmup_constant', 'warmup_cosine', 'plateau', 'warmup_plateau']);
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s: the rate of every update, to 1e-12 relative', (_name, c) => {
    const lrs = trace(c);
    expect(lrs.length).toBe(c.lrs.length);
    lrs.forEach((lr, t) => expect({ t, ok: Math.abs(lr - c.lrs[t]) <= 1e-12 * c.lrs[t] + 1e-18 }).toEqual({ t, ok: true }));
    // The trace moves: a schedule that did nothing would not pass.
    expect(new Set(c.lrs.map((v) => v.toPrecision(6))).size).toBeGreaterThan(2);
  });

  it('refuses bad settings, naming the field', () => {
    expect(() => checkSchedule({ type: 'constant', warmup: { steps: 0, startFactor: 0.5 } }, 'schedule')).toThrow('schedule.warmup.steps: expected an integer >= 1, got 0');
    expect(() => checkSchedule({ type: 'constant', warmup: { steps: 3, startFactor: 0 } }, 'schedule')).toThrow('schedule.warmup.startFactor: expected a number in (0, 1], got 0');
    expect(() => checkSchedule({ type: 'constant', plateau: { factor: 1, patience: 1, threshold: 0, cooldown: 0, minLr: 0 } }, 'schedule')).toThrow('schedule.plateau.factor: expected a number in (0, 1), got 1');
    expect(() => checkSchedule({ type: 'constant', plateau: { factor: 0.5, patience: -1, threshold: 0, cooldown: 0, minLr: 0 } }, 's')).toThrow('s.plateau.patience: expected an integer >= 0, got -1');
  });
});
