/**
 * Progress of a training run, for a person or for a program.
 *   terminal   one line redrawn in place: step, a bar, loss, validation loss, steps/s and ETA
 *   otherwise  (not a terminal, or json: true) one JSON object per report line
 */
import { StepInfo, EvalInfo } from './trainer';

export interface ProgressOptions {
  json: boolean;
  out: { write(text: string): unknown; isTTY?: boolean };
  maxSteps: number | null;
  maxSeconds: number | null;
  reportEvery: number; // steps between JSON step lines
}

export class Progress {
  private readonly started = Date.now();
  private startStep: number | null = null;
  private lastDraw = 0;
  private valLoss: number | null = null;
  private lossAvg: number | null = null;
  private readonly tty: boolean;

  constructor(private readonly o: ProgressOptions) {
    this.tty = !o.json && o.out.isTTY === true;
  }

  step(info: StepInfo): void {
    if (this.startStep === null) this.startStep = info.step - 1;
    if (info.applied) this.lossAvg = this.lossAvg === null ? info.loss : 0.95 * this.lossAvg + 0.05 * info.loss;
    if (info.nonFinite) this.line({ event: 'non-finite', step: info.step, skipped: true, message: info.nonFinite.message });
    const now = Date.now();
    if (this.tty) {
      if (now - this.lastDraw >= 100 || info.step === this.o.maxSteps) {
        this.lastDraw = now;
        this.o.out.write(`\r${this.render(info.step)}\x1b[K`);
      }
    } else if (info.step % this.o.reportEvery === 0) {
      this.line({ event: 'step', step: info.step, epoch: info.epoch, loss: info.loss, lossAvg: this.lossAvg, valLoss: this.valLoss, lr: info.lr, gradNorm: info.gradNorm, clipped: info.clip?.clipped ?? false, ...this.rates(info.step) });
    }
  }

  eval(info: EvalInfo): void {
    this.valLoss = info.valLoss;
    if (!this.tty) this.line({ event: 'eval', step: info.step, valLoss: info.valLoss, bestValLoss: info.bestValLoss, improved: info.improved });
  }

  /** Ends the progress line (terminal) before other output. */
  finish(): void {
    if (this.tty) this.o.out.write('\n');
  }

  private line(obj: Record<string, unknown>): void {
    if (this.tty) this.o.out.write(`\r\x1b[K${String(obj.message ?? JSON.stringify(obj))}\n`);
    else this.o.out.write(JSON.stringify(obj) + '\n');
  }

  private rates(step: number): { stepsPerSecond: number; etaSeconds: number | null; seconds: number } {
    const seconds = (Date.now() - this.started) / 1000;
    const done = step - (this.startStep ?? 0);
    const stepsPerSecond = seconds > 0 ? done / seconds : 0;
    let eta: number | null = null;
    if (this.o.maxSteps !== null && stepsPerSecond > 0) eta = (this.o.maxSteps - step) / stepsPerSecond;
    if (this.o.maxSeconds !== null) eta = Math.min(eta ?? Infinity, Math.max(0, this.o.maxSeconds - seconds));
    return { stepsPerSecond, etaSeconds: eta, seconds };
  }

  private render(step: number): string {
    const { stepsPerSecond, etaSeconds } = this.rates(step);
    const width = 20;
    const frac = this.o.maxSteps ? Math.min(1, step / this.o.maxSteps) : 0;
    const bar = this.o.maxSteps ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ` : '';
    const total = this.o.maxSteps ? `/${this.o.maxSteps}` : '';
    const fmt = (v: number | null) => (v === null ? '-' : v.toPrecision(4));
    return `step ${step}${total} ${bar}loss ${fmt(this.lossAvg)}  val ${fmt(this.valLoss)}  ${stepsPerSecond.toFixed(1)} steps/s  ETA ${formatSeconds(etaSeconds)}`;
  }
}

export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '-';
  const m = Math.floor(s / 60), sec = Math.round(s % 60);
  return m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}
