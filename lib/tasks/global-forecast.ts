/**
 * One recurrent forecaster for a whole collection of series (a "global" model, as the M4 winners were),
 * trained on windows cut from every series' training part.                      docs: docs/forecasting.md
 *
 * Each series is made comparable with the others before the network sees it:
 *   1. seasonally adjusted as the classical methods are (FC-4 … FC-7): a_t = x_t / s_{t mod m};
 *   2. taken to logs, and each window expressed relative to its last value:
 *        input   u_j = ln a_{t−L+1+j} − ln a_t,  j = 0 … L−1  (before the series' start: its first value)
 *        target  v_k = ln a_{t+k} − ln a_t,       k = 1 … h
 *      so a level of 100 or 100,000 and growth of 1 % a month look the same to the network;
 *   3. forecast directly: the last step's output is the h values v̂_1 … v̂_h at once, and
 *        x̂_{t+k} = a_t·exp(v̂_k)·s_{(t+k) mod m}.
 *   With `base: 'theta'` the network learns a correction to Theta instead: the target is v_k − θ_k, where
 *   θ_k = ln(Theta's forecast of a_{t+k} from a_0 … a_t / a_t), and the forecast is a_t·exp(θ_k + v̂_k)·s.
 *   A network that outputs zeros is then Theta itself.
 * Validation: the last h values of every training part are held out (the model learns from the rest),
 * which is what chooses the epoch and how the model is combined with Theta; the test part is never read.
 */
import { zeros, ValueError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { Batch, Objective } from '../models/objectives';
import { Dataset, TrainResult } from '../training/trainer';
import { deseasonalize, Deseasonalized } from '../forecast/seasonality';
import { thetaLines } from '../forecast/baselines';
import { FitOptions, buildModel, fit } from './fit';

/** A series as the network reads it: ln a_t over its known values, and the seasonality taken out. */
export interface PreparedSeries {
  logAdjusted: number[];
  season: Deseasonalized;
}

/** Adjusts and logs the known part `x` (all values must be > 0). */
export function prepareSeries(x: readonly number[], m: number, name: string): PreparedSeries {
  const bad = x.findIndex((v) => !(v > 0));
  if (bad >= 0) throw new ValueError(`global forecaster: series ${name} has x[${bad}] = ${x[bad]}; the model reads log ratios, so every value must be > 0`);
  const season = deseasonalize(x, m);
  return { logAdjusted: season.adjusted.map(Math.log), season };
}

export type ForecastBase = 'last' | 'theta';

/** θ_k = ln(Theta's forecast k steps after z_0 … z_t, over a_t), k = 1 … h, for a log-adjusted series z. */
export function thetaBase(z: readonly number[], t: number, h: number): Float64Array {
  const a = z.slice(0, t + 1).map(Math.exp);
  return Float64Array.from(thetaLines(a, h), (v) => (v > 0 ? Math.log(v / a[t]) : 0)); // a non-positive Theta forecast: fall back to the last value
}

/** Windows (series, origin t) of prepared series: x [L,B,1] of u, target [B,h] of v − base (mse_last). */
export class GlobalWindows implements Dataset {
  readonly base: Float64Array[] | null;

  constructor(readonly series: readonly number[][], readonly origins: readonly [number, number][], readonly lookBack: number, readonly horizon: number, base: ForecastBase = 'last') {
    this.base = base === 'theta' ? origins.map(([s, t]) => thetaBase(series[s], t, horizon)) : null;
  }

  get size(): number {
    return this.origins.length;
  }

  batch(idx: readonly number[]): { batch: Batch; objective: Objective } {
    const L = this.lookBack, h = this.horizon, B = idx.length;
    const x = zeros([L, B, 1]), target = zeros([B, h]);
    idx.forEach((i, b) => {
      const [s, t] = this.origins[i], z = this.series[s], ref = z[t];
      for (let j = 0; j < L; j++) x.set(j, b, 0, z[Math.max(0, t - L + 1 + j)] - ref);
      for (let k = 0; k < h; k++) target.set(b, k, z[t + 1 + k] - ref - (this.base ? this.base[i][k] : 0));
    });
    return { batch: { x }, objective: { type: 'mse_last', target } };
  }
}

/** Every origin t of series z with h values after it: t = 0 … len − 1 − h (shorter windows are padded). */
export function windowOriginsOf(lengths: readonly number[], h: number, minHistory = 1): [number, number][] {
  const out: [number, number][] = [];
  lengths.forEach((n, s) => {
    for (let t = minHistory - 1; t + h <= n - 1; t++) out.push([s, t]);
  });
  return out;
}

/** v̂ (plus the base) for windows ending at the last value of each prepared series: [series][h]. */
export function forecastLogRatios(model: SequenceModel, series: readonly number[][], lookBack: number, h: number, base: ForecastBase = 'last'): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < series.length; start += 512) {
    const part = series.slice(start, start + 512);
    // a window at the last value has no target: pad with h copies of that value so the batcher can be reused (the target is not read)
    const padded = part.map((z) => [...z, ...new Array<number>(h).fill(z[z.length - 1])]);
    const { batch } = new GlobalWindows(padded, part.map((z, s) => [s, z.length - 1] as [number, number]), lookBack, h).batch(part.map((_, s) => s));
    const y = model.forward(batch.x).y!; // [B,h]
    part.forEach((z, b) => {
      const theta = base === 'theta' ? thetaBase(z, z.length - 1, h) : null;
      out.push(Array.from({ length: h }, (__, k) => y.get(b, k) + (theta ? theta[k] : 0)));
    });
  }
  return out;
}

/** x̂_{n−1+k} = a_{n−1}·exp(v̂_k)·s_{(n−1+k) mod m} for a prepared series of n known values. */
export function toOriginalUnits(p: PreparedSeries, v: readonly number[]): number[] {
  const n = p.logAdjusted.length, last = p.logAdjusted[n - 1];
  const s = p.season.indices;
  return v.map((vk, k) => Math.exp(last + vk) * (s ? s[(n + k) % p.season.m] : 1));
}

export interface GlobalFit {
  model: SequenceModel;
  training: TrainResult;
  windows: number;
  bestEpoch: number | null; // the epoch of the best validation loss (the weights kept), or null without validation
}

/**
 * Trains one network on windows of `series` (their known parts), validated on `validation` (the same
 * series' next h values) when given.
 */
export function trainGlobal(known: readonly PreparedSeries[], validation: readonly number[][] | null, h: number, lookBack: number, base: ForecastBase, o: FitOptions): GlobalFit {
  const logs = known.map((p) => p.logAdjusted);
  const train = new GlobalWindows(logs, windowOriginsOf(logs.map((z) => z.length), h), lookBack, h, base);
  if (train.size === 0) throw new ValueError(`global forecaster: no series has more than h = ${h} known values to learn from`);
  let val: GlobalWindows | null = null;
  if (validation) {
    const joined = known.map((p, i) => {
      const n = p.logAdjusted.length, s = p.season.indices;
      const bad = validation[i].findIndex((v) => !(v > 0));
      if (bad >= 0) throw new ValueError(`global forecaster: validation value ${bad} of series ${i} is ${validation[i][bad]}; every value must be > 0`);
      return [...p.logAdjusted, ...validation[i].map((v, k) => Math.log(v / (s ? s[(n + k) % p.season.m] : 1)))];
    });
    val = new GlobalWindows(joined, known.map((p, i) => [i, p.logAdjusted.length - 1] as [number, number]), lookBack, h, base);
  }
  const model = buildModel(o, 1, h);
  const { trainer, result } = fit(model, train, val, o, null);
  const perEpoch = Math.ceil(train.size / Math.min(o.batchSize ?? 32, train.size));
  const bestEpoch = trainer.book.bestStep === null ? null : Math.max(1, Math.round(trainer.book.bestStep / perEpoch));
  return { model, training: result, windows: train.size, bestEpoch };
}
