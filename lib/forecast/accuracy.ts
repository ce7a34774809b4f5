/**
 * The accuracy measures of the forecasting competitions, over many series.      docs: docs/forecasting.md
 *
 *   sMAPE_i   (1/h) Σ_k 200·|y_k − ŷ_k| / (|y_k| + |ŷ_k|)       per series, in percent (a term with y = ŷ = 0 counts 0)
 *   MASE_i    (1/h) Σ_k |y_k − ŷ_k|  /  (1/(n−m)) Σ_{t≥m} |x_t − x_{t−m}|
 *             the forecast's mean absolute error over the in-sample error of seasonal naive (lag 1 when
 *             m = 1 or the series is shorter than m + 1)
 *   both then averaged over the series, as in the M3 and M4 papers; "by horizon" restricts k to a range.
 */
import { ValueError } from '../kernels/tensor';

/** The denominator of MASE: the in-sample mean absolute m-step difference of x. */
export function maseScale(x: readonly number[], m: number): number {
  const lag = m > 1 && x.length > m ? m : 1;
  let s = 0;
  for (let t = lag; t < x.length; t++) s += Math.abs(x[t] - x[t - lag]);
  return s / Math.max(1, x.length - lag); // (FC-15)
}

/** One series' sMAPE over the horizons [from, to) (1-based from, inclusive to, as "1–6"). */
export function seriesSmape(y: readonly number[], f: readonly number[], from = 1, to = y.length): number {
  let s = 0;
  for (let k = from - 1; k < to; k++) {
    const d = Math.abs(y[k]) + Math.abs(f[k]);
    s += d === 0 ? 0 : (200 * Math.abs(y[k] - f[k])) / d; // (FC-14)
  }
  return s / (to - from + 1);
}

/** One series' MASE over the horizons from … to, given its scale. */
export function seriesMase(y: readonly number[], f: readonly number[], scale: number, from = 1, to = y.length): number {
  let s = 0;
  for (let k = from - 1; k < to; k++) s += Math.abs(y[k] - f[k]);
  return s / (to - from + 1) / scale; // (FC-15)
}

export interface Accuracy {
  smape: number;
  mase: number;
}

export interface HorizonAccuracy extends Accuracy {
  from: number;
  to: number;
}

/** A series of a benchmark: its training part, its test part, and the season used for MASE. */
export interface BenchmarkSeries {
  name: string;
  x: number[];
  y: number[];
}

/**
 * Mean sMAPE and MASE over the series, in total and by horizon range (`ranges`, 1-based and inclusive,
 * e.g. [[1, 6], [7, 12], [13, 18]]); `forecasts[i]` is series i's forecast of y.
 */
export function benchmarkAccuracy(series: readonly BenchmarkSeries[], forecasts: readonly (readonly number[])[], m: number, ranges: readonly [number, number][] = []): Accuracy & { byHorizon: HorizonAccuracy[] } {
  if (series.length !== forecasts.length) throw new ValueError(`benchmarkAccuracy: ${series.length} series but ${forecasts.length} forecasts`);
  if (series.length === 0) throw new ValueError('benchmarkAccuracy: no series');
  const scales = series.map((s) => maseScale(s.x, m));
  series.forEach((s, i) => {
    if (forecasts[i].length !== s.y.length) throw new ValueError(`benchmarkAccuracy: series ${s.name} has ${s.y.length} test values but its forecast ${forecasts[i].length}`);
    if (!(scales[i] > 0)) throw new ValueError(`benchmarkAccuracy: series ${s.name} has a constant training part, so MASE's scale is 0`);
  });
  const over = (from: number | null, to: number | null): Accuracy => {
    let sm = 0, ma = 0;
    series.forEach((s, i) => {
      const a = from ?? 1, b = to ?? s.y.length;
      sm += seriesSmape(s.y, forecasts[i], a, b);
      ma += seriesMase(s.y, forecasts[i], scales[i], a, b);
    });
    return { smape: sm / series.length, mase: ma / series.length };
  };
  return { ...over(null, null), byHorizon: ranges.map(([from, to]) => ({ from, to, ...over(from, to) })) };
}

/** The p-quantile of sorted values, linearly interpolated (numpy's default). */
export function quantile(sorted: readonly number[], p: number): number {
  const at = p * (sorted.length - 1), i = Math.floor(at);
  return i + 1 < sorted.length ? sorted[i] + (at - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** The central `level` interval of a sample of errors: [q_{(1−level)/2}, q_{(1+level)/2}]. */
export function errorInterval(errors: readonly number[], level: number): [number, number] {
  if (errors.length === 0) throw new ValueError('errorInterval: no errors to take quantiles of');
  const s = errors.slice().sort((a, b) => a - b);
  return [quantile(s, (1 - level) / 2), quantile(s, (1 + level) / 2)];
}
