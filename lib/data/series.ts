/**
 * A series made ready for a forecaster, and the exact way back.               docs: docs/data.md
 *
 *   (SER-1) log         u_t = ln x_t                         (x_t > 0; turns growing seasonality into constant)
 *   (SER-2) difference  d_t = u_t − u_{t−lag}    for t ≥ lag (removes a trend, or a season when lag = S)
 *   (SER-4) both        d_t = (u_t − u_{t−lag}) − (u_{t−S} − u_{t−lag−S})   lag 1 then a seasonal lag S (Box–Jenkins' ∇∇_S)
 *   (SER-3) scale       z_t = (d_t − shift) / scale           shift, scale fitted on the training part only
 *
 * and back, for a forecast of z at future times given the observed past:
 *   (SER-3') d̂_t = ẑ_t·scale + shift
 *   (SER-2') û_t = d̂_t + u_{t−lag}, where u_{t−lag} is observed if t − lag is in the past, else its forecast
 *   (SER-4') û_t = d̂_t + u_{t−lag} + u_{t−S} − u_{t−lag−S}, the same way
 *   (SER-1') x̂_t = exp(û_t)
 * Given the true z, the way back returns the observed x (to rounding: exp(ln x) is not always x).
 *
 * Windows: the sample with origin t (the last observed time) has input z_{t−L+1 … t} (look-back L) and
 * target z_{t+1 … t+h} (horizon h).
 */
import { ValueError } from '../kernels/tensor';

export type ScalerKind = 'minmax' | 'standard' | 'none';

/** z = (v − shift) / scale: min-max maps the fitted range to [0, 1], standard to mean 0 and deviation 1. */
export interface Scaler {
  kind: ScalerKind;
  shift: number;
  scale: number;
}

/** Fits a scaler on `values` (the training part). A constant part gets scale 1, so nothing divides by 0. */
export function fitScaler(kind: ScalerKind, values: readonly number[]): Scaler {
  if (values.length === 0) throw new ValueError('fitScaler: no values to fit on');
  if (kind === 'none') return { kind, shift: 0, scale: 1 };
  if (kind === 'minmax') {
    const lo = Math.min(...values), hi = Math.max(...values);
    return { kind, shift: lo, scale: hi > lo ? hi - lo : 1 };
  }
  if (kind === 'standard') {
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    return { kind, shift: mean, scale: sd > 0 ? sd : 1 };
  }
  throw new ValueError(`fitScaler kind: expected minmax, standard or none, got ${JSON.stringify(kind)}`);
}

export const scale = (s: Scaler, v: number): number => (v - s.shift) / s.scale; //   (SER-3)
export const unscale = (s: Scaler, z: number): number => z * s.scale + s.shift; //   (SER-3')

/** The transforms before scaling. */
export interface SeriesTransform {
  log: boolean;
  lag: number; // 0: no differencing
  seasonalLag?: number; // S: a second difference at lag S after the first (0 or absent: none)
}

/** How many values the differences use up: lag + S. */
export const transformSpan = (tr: SeriesTransform): number => tr.lag + (tr.seasonalLag ?? 0);

/** u = log x (or x), then d_t = u_t − u_{t−lag}: returns d aligned with x, NaN for the first `lag` times. */
export function applyTransform(x: readonly number[], tr: SeriesTransform, what = 'series'): number[] {
  checkTransform(tr);
  if (tr.log) {
    const bad = x.findIndex((v) => !(v > 0));
    if (bad >= 0) throw new ValueError(`${what}: --log needs every value > 0, but value ${bad + 1} is ${x[bad]}; leave out --log`);
  }
  const u = tr.log ? x.map(Math.log) : x.slice(); //                                  (SER-1)
  const d = u.map((v, t) => (tr.lag === 0 ? v : t < tr.lag ? NaN : v - u[t - tr.lag])); // (SER-2)
  const S = tr.seasonalLag ?? 0;
  return S === 0 ? d : d.map((v, t) => (t < tr.lag + S ? NaN : v - d[t - S])); //   (SER-4)
}

/**
 * The forecasts x̂_{t+1 … t+h} in original units from forecasts d̂_{t+1 … t+h} of the transformed series,
 * given the observed x_0 … x_t (`past`, at least `lag` values).
 */
export function invertTransform(past: readonly number[], dHat: readonly number[], tr: SeriesTransform): number[] {
  checkTransform(tr);
  const span = transformSpan(tr), S = tr.seasonalLag ?? 0, lag = tr.lag;
  if (past.length < span) throw new ValueError(`invertTransform past: expected at least ${span} observed values (the lags), got ${past.length}`);
  const u = past.slice(past.length - span).map((v) => (tr.log ? Math.log(v) : v)); // the last `span` observed u
  const out: number[] = [];
  for (let k = 0; k < dHat.length; k++) {
    const n = u.length; // u[n − j] is u_{t−j}: observed, or forecast a step ago
    let uHat = dHat[k] + (lag ? u[n - lag] : 0); //                              (SER-2'), observed or forecast
    if (S) uHat += u[n - S] - (lag ? u[n - lag - S] : 0); //                       (SER-4')
    u.push(uHat);
    out.push(tr.log ? Math.exp(uHat) : uHat); //                                  (SER-1')
  }
  return out;
}

function checkTransform(tr: SeriesTransform): void {
  if (!Number.isInteger(tr.lag) || tr.lag < 0) throw new ValueError(`SeriesTransform lag: expected an integer lag >= 0 (the difference), got ${tr.lag}`);
  const S = tr.seasonalLag ?? 0;
  if (!Number.isInteger(S) || S < 0) throw new ValueError(`SeriesTransform seasonalLag: expected an integer >= 0 (a second difference at the season's lag), got ${S}`);
}

/** Where a series of n values is cut, chronologically: [0, valStart) train, [valStart, testStart) validation, [testStart, n) test. */
export interface ChronoSplit {
  n: number;
  valStart: number;
  testStart: number;
}

/**
 * The last `testFraction` of the times for test (the first ⌊n·(1 − testFraction)⌋ are kept before it, as
 * the usual `int(n * 0.67)` does), and the last `valFraction` of what remains for validation.
 */
export function chronologicalSplit(n: number, testFraction: number, valFraction: number): ChronoSplit {
  if (!(testFraction > 0 && testFraction < 1)) throw new ValueError(`chronologicalSplit testFraction: expected a number in (0, 1), got ${testFraction}`);
  if (!(valFraction >= 0 && valFraction < 1)) throw new ValueError(`chronologicalSplit valFraction: expected a number in [0, 1), got ${valFraction}`);
  const testStart = Math.floor(n * (1 - testFraction) + 1e-9);
  const valStart = testStart - Math.round(testStart * valFraction);
  return { n, valStart, testStart };
}

/**
 * The origins of every window whose targets all lie in [from, to) and whose inputs all exist in the
 * transformed series (which starts at time `first`, the lag).
 */
export function windowOrigins(first: number, from: number, to: number, lookBack: number, horizon: number): number[] {
  const out: number[] = [];
  for (let t = Math.max(first + lookBack - 1, from - 1); t + horizon < to; t++) out.push(t);
  return out;
}
