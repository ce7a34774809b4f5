/**
 * Forecasting a univariate series (many-to-one), compared honestly with the baselines a forecaster tries
 * first.                                                                      docs: docs/use-cases.md
 *
 * The series is cut chronologically: train | validation | test. The transforms' scaler is fitted on the
 * training part alone. A window of the last L (transformed, scaled) values goes into the recurrent network,
 * and h values ahead are forecast one of two ways:
 *   direct     the head reads the last step and writes the next h values at once (h outputs)
 *   recursive  a one-step model; its forecast is appended to the window and fed back, h times
 * Forecasts are turned back into original units with the observed past (lib/data/series.ts), and every
 * error is measured there, on the test part, for the model and for three baselines on exactly the same
 * points:
 *   persistence      x̂_{t+k} = x_t                          (the last value)
 *   seasonal naive   x̂_{t+k} = x_{t+k−S·⌈k/S⌉}             (the value one season earlier)
 *   mean             x̂_{t+k} = mean of x over train and validation
 */
import { zeros, ValueError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { Batch, Objective } from '../models/objectives';
import { Dataset, TrainResult, Trainer } from '../training/trainer';
import {
  Scaler, ScalerKind, SeriesTransform, ChronoSplit, fitScaler, scale, unscale, applyTransform, invertTransform,
  chronologicalSplit, windowOrigins,
} from '../data/series';
import { FitOptions, buildModel, fit } from './fit';
import { ErrorMetrics, errorMetrics } from './metrics';

export type ForecastStrategy = 'direct' | 'recursive';

export interface ForecastOptions extends FitOptions {
  lookBack: number; // L, input steps
  horizon?: number; // h, values ahead (default 1)
  strategy?: ForecastStrategy; // how h > 1 values are forecast (default 'direct')
  season?: number | null; // S, for the seasonal naive baseline
  testFraction?: number; // default 0.33
  valFraction?: number; // of the part before the test part; default 0.15
  log?: boolean; // default false
  difference?: number; // lag, 0 for none; default 1
  scaler?: ScalerKind; // default 'standard'
}

/** What a checkpoint keeps to forecast again: the transforms, the fitted scaler, and the series' tail. */
export interface ForecastTask {
  name: 'forecast';
  column: string;
  lookBack: number;
  horizon: number;
  strategy: ForecastStrategy;
  season: number | null;
  transform: SeriesTransform;
  scaler: Scaler;
  tail: number[]; // the last lookBack + lag observed values
  lastDate: string | null;
}

export interface ForecastPoints {
  origins: number[]; // the last observed time of each forecast
  actual: number[][]; // [origin][k] x_{t+1+k}
  model: number[][];
  persistence: number[][];
  seasonalNaive: number[][] | null; // null without a season
  mean: number[][];
}

export interface ForecastMetrics {
  model: ErrorMetrics;
  persistence: ErrorMetrics;
  seasonalNaive: ErrorMetrics | null;
  mean: ErrorMetrics;
}

export interface ForecastResult {
  model: SequenceModel;
  trainer: Trainer;
  task: ForecastTask;
  split: ChronoSplit;
  windows: { train: number; validation: number; test: number };
  training: TrainResult;
  test: ForecastPoints;
  metrics: ForecastMetrics;
}

/** Windows of the scaled, transformed series z as a Dataset: x [L,B,1], target [B,h] (mse_last). */
class WindowDataset implements Dataset {
  constructor(readonly z: readonly number[], readonly origins: readonly number[], readonly lookBack: number, readonly horizon: number) {}

  get size(): number {
    return this.origins.length;
  }

  batch(indices: readonly number[]): { batch: Batch; objective: Objective } {
    const L = this.lookBack, h = this.horizon, B = indices.length;
    const x = zeros([L, B, 1]);
    const target = zeros([B, h]);
    indices.forEach((i, b) => {
      const t = this.origins[i];
      for (let s = 0; s < L; s++) x.set(s, b, 0, this.z[t - L + 1 + s]);
      for (let k = 0; k < h; k++) target.set(b, k, this.z[t + 1 + k]);
    });
    return { batch: { x }, objective: { type: 'mse_last', target } };
  }
}

/** Checks the options against a series of n values, and says what to change when they do not fit. */
function resolve(o: ForecastOptions, n: number) {
  const r = {
    lookBack: o.lookBack, horizon: o.horizon ?? 1, strategy: o.strategy ?? 'direct', season: o.season ?? null, testFraction: o.testFraction ?? 0.33,
    valFraction: o.valFraction ?? 0.15, transform: { log: o.log ?? false, lag: o.difference ?? 1 }, scaler: o.scaler ?? 'standard',
  };
  if (!Number.isInteger(r.lookBack) || r.lookBack < 1) throw new ValueError(`trainForecaster lookBack: expected an integer >= 1 (the input window), got ${r.lookBack}`);
  if (!Number.isInteger(r.horizon) || r.horizon < 1) throw new ValueError(`trainForecaster horizon: expected an integer >= 1, got ${r.horizon}`);
  if (r.strategy !== 'direct' && r.strategy !== 'recursive') throw new ValueError(`trainForecaster strategy: expected direct or recursive, got ${JSON.stringify(r.strategy)}`);
  if (r.season !== null && (!Number.isInteger(r.season) || r.season < 1)) throw new ValueError(`trainForecaster season: expected an integer >= 1, got ${r.season}`);
  const split = chronologicalSplit(n, r.testFraction, r.valFraction);
  const first = r.transform.lag;
  const fitted = r.strategy === 'recursive' ? 1 : r.horizon; // the steps the model itself outputs
  const origins = {
    train: windowOrigins(first, first, split.valStart, r.lookBack, fitted),
    validation: windowOrigins(first, split.valStart, split.testStart, r.lookBack, fitted),
    test: windowOrigins(first, split.testStart, n, r.lookBack, r.horizon),
  };
  const need = `lookBack ${r.lookBack} + difference ${first} + horizon ${r.horizon}`;
  if (origins.train.length < 2) {
    throw new ValueError(`the series has ${n} values; the training part (the first ${split.valStart}) is too short for ${need} (it holds ${origins.train.length} window(s)); lower lookBack or testFraction`);
  }
  if (r.valFraction > 0 && origins.validation.length < 1) {
    throw new ValueError(`the series has ${n} values; the validation part (values ${split.valStart + 1}-${split.testStart}) holds no window with horizon ${r.horizon}; raise valFraction or set it to 0`);
  }
  if (origins.test.length < 1) throw new ValueError(`the series has ${n} values; the test part (the last ${n - split.testStart}) is shorter than horizon ${r.horizon}; raise testFraction`);
  if (origins.test[0] !== split.testStart - 1) {
    throw new ValueError(`the series has ${n} values; the first test value ${split.testStart + 1} has no full input window before it (${need}); lower lookBack or testFraction`);
  }
  if (r.season !== null && split.testStart < r.season) throw new ValueError(`trainForecaster season ${r.season}: the seasonal naive baseline needs a season of history before the test part, which starts at value ${split.testStart + 1}`);
  return { ...r, split, origins, fitted };
}

/** Trains a forecaster on `values` and measures it and the baselines on the test part. */
export function trainForecaster(values: readonly number[], o: ForecastOptions, column = 'value', dates: readonly string[] | null = null): ForecastResult {
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ValueError(`trainForecaster values[${bad}]: expected a finite number, got ${values[bad]}`);
  const r = resolve(o, values.length);
  const { split, transform } = r;
  const d = applyTransform(values, transform, column);
  const scaler = fitScaler(r.scaler, d.slice(transform.lag, split.valStart)); // the training part only
  const z = d.map((v) => scale(scaler, v));
  const train = new WindowDataset(z, r.origins.train, r.lookBack, r.fitted);
  const validation = r.origins.validation.length ? new WindowDataset(z, r.origins.validation, r.lookBack, r.fitted) : null;

  const task: ForecastTask = {
    name: 'forecast', column, lookBack: r.lookBack, horizon: r.horizon, strategy: r.strategy, season: r.season, transform, scaler,
    tail: values.slice(values.length - r.lookBack - transform.lag), lastDate: dates ? dates[dates.length - 1] : null,
  };
  const model = buildModel(o, 1, r.fitted);
  const { trainer, result } = fit(model, train, validation, o, task);

  const test = forecastPoints(model, task, values, z, r.origins.test, split.testStart);
  const metrics: ForecastMetrics = {
    model: errorMetrics(test.actual, test.model),
    persistence: errorMetrics(test.actual, test.persistence),
    seasonalNaive: test.seasonalNaive ? errorMetrics(test.actual, test.seasonalNaive) : null,
    mean: errorMetrics(test.actual, test.mean),
  };
  const windows = { train: r.origins.train.length, validation: r.origins.validation.length, test: r.origins.test.length };
  return { model, trainer, task, split, windows, training: result, test, metrics };
}

/** The model's and the baselines' forecasts, in original units, from every origin in `origins`. */
function forecastPoints(model: SequenceModel, task: ForecastTask, x: readonly number[], z: readonly number[], origins: number[], trainEnd: number): ForecastPoints {
  const h = task.horizon, S = task.season;
  const zHat = forecastScaled(model, task, origins.map((t) => z.slice(t - task.lookBack + 1, t + 1)));
  let mean = 0;
  for (let t = 0; t < trainEnd; t++) mean += x[t] / trainEnd;
  const out: ForecastPoints = { origins, actual: [], model: [], persistence: [], seasonalNaive: S ? [] : null, mean: [] };
  origins.forEach((t, b) => {
    out.model.push(invertTransform(x.slice(0, t + 1), zHat[b].map((v) => unscale(task.scaler, v)), task.transform));
    out.actual.push(x.slice(t + 1, t + 1 + h));
    out.persistence.push(Array(h).fill(x[t]));
    out.seasonalNaive?.push(Array.from({ length: h }, (_, k) => x[t + 1 + k - (S as number) * Math.ceil((k + 1) / (S as number))]));
    out.mean.push(Array(h).fill(mean));
  });
  return out;
}

/**
 * The scaled forecasts ẑ_{t+1 … t+h} of a batch of windows (each the last L scaled values).
 * Direct: one forward pass, h outputs. Recursive: h passes of the one-step model, each window shifted
 * by one and ending in the forecast just made.
 */
function forecastScaled(model: SequenceModel, task: ForecastTask, windows: number[][]): number[][] {
  const L = task.lookBack, h = task.horizon, B = windows.length;
  const out = windows.map(() => [] as number[]);
  const current = windows.map((w) => w.slice());
  for (let k = 0; k < (task.strategy === 'recursive' ? h : 1); k++) {
    const x = zeros([L, B, 1]);
    current.forEach((w, b) => w.forEach((v, s) => x.set(s, b, 0, v)));
    const y = model.forward(x).y!; // [B,h] direct, [B,1] recursive
    for (let b = 0; b < B; b++) {
      if (task.strategy === 'recursive') {
        out[b].push(y.get(b, 0));
        current[b].shift();
        current[b].push(y.get(b, 0)); // fed back as the newest input
      } else {
        for (let j = 0; j < h; j++) out[b].push(y.get(b, j));
      }
    }
  }
  return out;
}

/** The next `horizon` values after `past` (original units), from a trained model and its task. */
export function forecastNext(model: SequenceModel, task: ForecastTask, past: readonly number[]): number[] {
  const need = task.lookBack + task.transform.lag;
  if (past.length < need) throw new ValueError(`forecast: need the last ${need} values of the series (look-back ${task.lookBack} + lag ${task.transform.lag}), got ${past.length}`);
  const recent = past.slice(past.length - need);
  const z = applyTransform(recent, task.transform, task.column).map((v) => scale(task.scaler, v));
  const [zHat] = forecastScaled(model, task, [z.slice(need - task.lookBack)]);
  return invertTransform(recent, zHat.map((v) => unscale(task.scaler, v)), task.transform);
}
