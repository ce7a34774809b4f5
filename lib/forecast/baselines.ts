/**
 * The classical forecasting baselines of the M-competitions, each a function of the training part x, the
 * horizon h and the season length m, returning x̂_n … x̂_{n+h−1}.                docs: docs/forecasting.md
 *
 *   naive            x̂_{n−1+k} = x_{n−1}                                        (FC-1)
 *   seasonal naive   x̂_{n−1+k} = x_{n−1+k−m·⌈k/m⌉}: the value one season earlier (FC-2)
 *   Naive2           naive on the seasonally adjusted series, re-seasonalised    (FC-4 … FC-7)
 *   SES              simple exponential smoothing on the adjusted series, α by least squares (FC-8, FC-9)
 *   damped Holt      Holt's linear trend, damped, on the adjusted series         (FC-10, FC-11)
 *   Theta            the θ = 0 line (the linear trend) and the θ = 2 line (twice the curvature) combined:
 *                    SES on the adjusted series from ℓ_{−1} = x_0, plus half the trend's slope b₀,
 *                    x̂_{n−1+k} = ℓ_{n−1} + ½·b₀·(k − 1 + 1/α − (1 − α)^n / α)  (FC-12, FC-13)
 * "Adjusted" means: tested at 90 % for seasonality (FC-4); when seasonal, divided by the classical
 * multiplicative indices (FC-6), and the forecasts multiplied back (FC-7).
 */
import { ValueError } from '../kernels/tensor';
import { deseasonalize, reseasonalize } from './seasonality';
import { fitSes, fitDampedHolt, dampedForecast, holtRun } from './smoothing';

export type Baseline = (x: readonly number[], h: number, m: number) => number[];

function check(x: readonly number[], h: number, m: number, what: string): void {
  if (x.length < 1) throw new ValueError(`${what} x: expected at least one value, got none`);
  if (!(Number.isInteger(h) && h >= 1)) throw new ValueError(`${what} h: expected an integer >= 1, got ${h}`);
  if (!(Number.isInteger(m) && m >= 1)) throw new ValueError(`${what} m: expected an integer >= 1 (1: no season), got ${m}`);
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ValueError(`${what} x[${bad}]: expected a finite number, got ${x[bad]}`);
}

export const naive: Baseline = (x, h, m) => {
  check(x, h, m, 'naive');
  return new Array<number>(h).fill(x[x.length - 1]); // (FC-1)
};

export const seasonalNaive: Baseline = (x, h, m) => {
  check(x, h, m, 'seasonalNaive');
  if (x.length < m) return naive(x, h, 1);
  const n = x.length;
  return Array.from({ length: h }, (_, k) => x[n - m + (k % m)]); // (FC-2)
};

export const naive2: Baseline = (x, h, m) => {
  check(x, h, m, 'naive2');
  const d = deseasonalize(x, m);
  return reseasonalize(new Array<number>(h).fill(d.adjusted[x.length - 1]), d, x.length);
};

export const ses: Baseline = (x, h, m) => {
  check(x, h, m, 'ses');
  const d = deseasonalize(x, m);
  const fit = fitSes(d.adjusted);
  return reseasonalize(new Array<number>(h).fill(fit.level), d, x.length);
};

export const dampedHolt: Baseline = (x, h, m) => {
  check(x, h, m, 'dampedHolt');
  const d = deseasonalize(x, m);
  if (d.adjusted.length < 3) return reseasonalize(new Array<number>(h).fill(d.adjusted[d.adjusted.length - 1]), d, x.length);
  return reseasonalize(dampedForecast(fitDampedHolt(d.adjusted), h), d, x.length);
};

/** b₀, the slope of the least-squares line a₀ + b₀·t through y_0 … y_{n−1}. */
export function linearSlope(y: readonly number[]): number {
  const n = y.length;
  if (n < 2) return 0;
  const tMean = (n - 1) / 2, yMean = y.reduce((a, v) => a + v, 0) / n;
  let sty = 0, stt = 0;
  for (let t = 0; t < n; t++) {
    sty += (t - tMean) * (y[t] - yMean);
    stt += (t - tMean) ** 2;
  }
  return sty / stt; // (FC-12)
}

/**
 * The Theta forecast of an (adjusted) series y: SES from ℓ_{−1} = y_0 (α by least squares, or given) and
 * half the linear trend's slope. The SES line's forecast ℓ_{n−1} lags a linear trend by b₀·(1/α − (1 − α)^n/α)
 * steps' worth, which the drift term adds back.
 */
export function thetaLines(y: readonly number[], h: number, alpha: number | null = null): number[] {
  const n = y.length, b0 = linearSlope(y);
  const a = alpha ?? fitSes(y, y[0]).alpha;
  const level = holtRun(y, a, 0, 1, y[0], 0).level;
  const shift = a > 0 ? 1 / a - (1 - a) ** n / a : 0;
  return Array.from({ length: h }, (_, k) => level + 0.5 * b0 * (k + shift)); // (FC-13)
}

export const theta: Baseline = (x, h, m) => {
  check(x, h, m, 'theta');
  const d = deseasonalize(x, m);
  return reseasonalize(thetaLines(d.adjusted, h), d, x.length);
};

/** Every baseline by the name the reports use. */
export const BASELINES: Record<string, Baseline> = { naive, seasonalNaive, naive2, ses, theta, dampedHolt };
export type BaselineName = keyof typeof BASELINES;
