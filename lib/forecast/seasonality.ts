/**
 * Seasonality for the classical forecasting methods: is a series seasonal, and if so, its multiplicative
 * seasonal indices (classical decomposition), the seasonally adjusted series and the re-seasonalised
 * forecast. The M3 and M4 competitions' benchmarks deseasonalise this way.      docs: docs/forecasting.md
 *
 * x is the training part, x_0 … x_{n−1}; m the season length (12 for monthly data); a phase is t mod m.
 */
import { ValueError } from '../kernels/tensor';

/** Sample autocorrelations r_0 … r_maxLag (r_0 = 1). */
export function acf(x: readonly number[], maxLag: number): number[] {
  const n = x.length;
  const mean = x.reduce((a, v) => a + v, 0) / n;
  let c0 = 0;
  for (const v of x) c0 += (v - mean) ** 2;
  return Array.from({ length: maxLag + 1 }, (_, k) => {
    let ck = 0;
    for (let t = k; t < n; t++) ck += (x[t] - mean) * (x[t - k] - mean);
    return c0 > 0 ? ck / c0 : k === 0 ? 1 : 0; // (FC-3)
  });
}

/**
 * The competitions' 90 % test: seasonal when |r_m| > 1.645·√((1 + 2·Σ_{k=1}^{m−1} r_k²) / n), Bartlett's
 * bound on the lag-m autocorrelation of a series with no correlation beyond lag m − 1. Series shorter
 * than three seasons are not tested (not seasonal), nor is m = 1.
 */
export function isSeasonal(x: readonly number[], m: number): boolean {
  if (m <= 1 || x.length < 3 * m) return false;
  const r = acf(x, m);
  let s = 0;
  for (let k = 1; k < m; k++) s += r[k] * r[k];
  return Math.abs(r[m]) > 1.645 * Math.sqrt((1 + 2 * s) / x.length); // (FC-4)
}

/**
 * Multiplicative seasonal indices s_0 … s_{m−1} by phase (classical decomposition):
 * the centred moving average of one season is the trend (for even m, a 2×m average: weights ½, 1, …, 1, ½
 * over m + 1 values), x_t / trend_t the detrended ratios, their mean over each phase the raw index, and
 * the indices rescaled to average 1. Needs two full seasons and positive values.
 */
export function seasonalIndices(x: readonly number[], m: number): number[] {
  const n = x.length;
  if (!(Number.isInteger(m) && m >= 2)) throw new ValueError(`seasonalIndices m: expected an integer >= 2, got ${m}`);
  if (n < 2 * m) throw new ValueError(`seasonalIndices x: expected at least two seasons (${2 * m} values), got ${n}`);
  const bad = x.findIndex((v) => !(v > 0));
  if (bad >= 0) throw new ValueError(`seasonalIndices x[${bad}]: multiplicative seasonality needs values > 0, got ${x[bad]}`);
  const half = Math.floor(m / 2);
  const sums = new Array<number>(m).fill(0), counts = new Array<number>(m).fill(0);
  for (let t = half; t < n - half; t++) {
    let trend = 0;
    if (m % 2 === 0) {
      trend = 0.5 * (x[t - half] + x[t + half]);
      for (let j = t - half + 1; j < t + half; j++) trend += x[j];
    } else {
      for (let j = t - half; j <= t + half; j++) trend += x[j];
    }
    trend /= m; // (FC-5)
    sums[t % m] += x[t] / trend;
    counts[t % m] += 1;
  }
  const raw = sums.map((s, p) => s / counts[p]);
  const mean = raw.reduce((a, v) => a + v, 0) / m;
  return raw.map((v) => v / mean); // (FC-6)
}

/** A series with its seasonality taken out, and what puts it back. */
export interface Deseasonalized {
  adjusted: number[]; // x_t / s_{t mod m}, or x itself when not seasonal
  indices: number[] | null; // by phase; null: not seasonal (or m = 1)
  m: number;
}

/** Tests x for seasonality (FC-4) and, when seasonal, divides out the classical indices. */
export function deseasonalize(x: readonly number[], m: number): Deseasonalized {
  if (!isSeasonal(x, m) || x.some((v) => !(v > 0))) return { adjusted: x.slice(), indices: null, m };
  const indices = seasonalIndices(x, m);
  return { adjusted: x.map((v, t) => v / indices[t % m]), indices, m }; // (FC-7)
}

/** Forecasts of the adjusted series for times n, n + 1, … times the index of their phase. */
export function reseasonalize(forecast: readonly number[], d: Deseasonalized, n: number): number[] {
  const s = d.indices;
  return s ? forecast.map((v, k) => v * s[(n + k) % d.m]) : forecast.slice(); // (FC-7)
}
