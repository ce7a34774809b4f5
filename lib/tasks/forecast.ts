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
import { ValueError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { TrainResult, Trainer } from '../training/trainer';
import {
  Scaler, ScalerKind, SeriesTransform, ChronoSplit, fitScaler, scale, unscale, applyTransform, invertTransform,
  chronologicalSplit, windowOrigins, transformSpan,
} from '../data/series';
import { FitOptions, buildModel, fit } from './fit';
import { WindowDataset, forecastScaled } from './forecast-windows';
import { BASELINES } from '../forecast/baselines';
import { ForecastInterval, errorsByStep, forecastIntervals } from './forecast-intervals';
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
  seasonalDifference?: number; // S: a second difference at lag S (SER-4); default 0, none
  scaler?: ScalerKind; // default 'standard'
  features?: ExogenousSeries[]; // other columns, read alongside the target's history (their past values only)
}

/** Another column of the same rows, given to the model as an input: standard-scaled on the training part. */
export interface ExogenousSeries {
  name: string;
  values: number[];
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
  tail: number[]; // the last lookBack + lag (+ S) observed values
  lastDate: string | null;
  features?: { name: string; scaler: Scaler; tail: number[] }[]; // each exogenous column: its scaler and last lookBack values
}

export interface ForecastPoints {
  origins: number[]; // the last observed time of each forecast
  actual: number[][]; // [origin][k] x_{t+1+k}
  model: number[][];
  persistence: number[][];
  seasonalNaive: number[][] | null; // null without a season
  mean: number[][];
  classical: Record<ClassicalName, number[][]> | null; // from each origin's whole past (lib/forecast/baselines.ts, m = the season or 1)
}

/** The classical methods reported beside the model (docs/forecasting.md). */
export const CLASSICAL = ['naive2', 'theta', 'dampedHolt'] as const;
export type ClassicalName = (typeof CLASSICAL)[number];

export interface ForecastMetrics {
  model: ErrorMetrics;
  persistence: ErrorMetrics;
  seasonalNaive: ErrorMetrics | null;
  mean: ErrorMetrics;
  classical: Record<ClassicalName, ErrorMetrics>;
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
  validation: ErrorMetrics | null; // the model on the validation part, original units (its values only: what chooses a recipe)
  intervals: ForecastInterval[] | null; // 80 % and 95 %, from the validation errors by step (null: no validation part)
}

/** Checks the options against a series of n values, and says what to change when they do not fit. */
function resolve(o: ForecastOptions, n: number) {
  const r = {
    lookBack: o.lookBack, horizon: o.horizon ?? 1, strategy: o.strategy ?? 'direct', season: o.season ?? null, testFraction: o.testFraction ?? 0.33,
    valFraction: o.valFraction ?? 0.15, transform: { log: o.log ?? false, lag: o.difference ?? 1, ...(o.seasonalDifference ? { seasonalLag: o.seasonalDifference } : {}) }, scaler: o.scaler ?? 'standard',
  };
  if (!Number.isInteger(r.lookBack) || r.lookBack < 1) throw new ValueError(`trainForecaster lookBack: expected an integer >= 1 (the input window), got ${r.lookBack}`);
  if (!Number.isInteger(r.horizon) || r.horizon < 1) throw new ValueError(`trainForecaster horizon: expected an integer >= 1, got ${r.horizon}`);
  if (r.strategy !== 'direct' && r.strategy !== 'recursive') throw new ValueError(`trainForecaster strategy: expected direct or recursive, got ${JSON.stringify(r.strategy)}`);
  if (r.season !== null && (!Number.isInteger(r.season) || r.season < 1)) throw new ValueError(`trainForecaster season: expected an integer >= 1, got ${r.season}`);
  const split = chronologicalSplit(n, r.testFraction, r.valFraction);
  const first = transformSpan(r.transform);
  const fitted = r.strategy === 'recursive' ? 1 : r.horizon; // the steps the model itself outputs
  const origins = {
    train: windowOrigins(first, first, split.valStart, r.lookBack, fitted),
    validation: windowOrigins(first, split.valStart, split.testStart, r.lookBack, fitted),
    test: windowOrigins(first, split.testStart, n, r.lookBack, r.horizon),
  };
  const need = `lookBack ${r.lookBack} + difference ${r.transform.lag}${r.transform.seasonalLag ? ` + seasonalDifference ${r.transform.seasonalLag}` : ''} + horizon ${r.horizon}`;
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
  for (const f of o.features ?? []) {
    if (f.values.length !== n) throw new ValueError(`trainForecaster features: column ${JSON.stringify(f.name)} has ${f.values.length} values, the series ${n}`);
    const bad = f.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ValueError(`trainForecaster features: column ${JSON.stringify(f.name)} value ${bad} is ${f.values[bad]}, expected a finite number`);
  }
  if ((o.features ?? []).length && r.strategy === 'recursive') throw new ValueError('trainForecaster features: a recursive forecast would need the features\' future values; use the direct strategy');
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
  const scaler = fitScaler(r.scaler, d.slice(transformSpan(transform), split.valStart)); // the training part only
  const z = d.map((v) => scale(scaler, v));
  const features = (o.features ?? []).map((f) => {
    const fs = fitScaler('standard', f.values.slice(0, split.valStart)); // the training part only, like the target's
    return { name: f.name, scaler: fs, tail: f.values.slice(values.length - r.lookBack), z: f.values.map((v) => scale(fs, v)) };
  });
  const fz = features.map((f) => f.z);
  const train = new WindowDataset(z, fz, r.origins.train, r.lookBack, r.fitted);
  const validation = r.origins.validation.length ? new WindowDataset(z, fz, r.origins.validation, r.lookBack, r.fitted) : null;

  const task: ForecastTask = {
    name: 'forecast', column, lookBack: r.lookBack, horizon: r.horizon, strategy: r.strategy, season: r.season, transform, scaler,
    tail: values.slice(values.length - r.lookBack - transformSpan(transform)), lastDate: dates ? dates[dates.length - 1] : null,
    ...(features.length ? { features: features.map(({ name, scaler: sc, tail }) => ({ name, scaler: sc, tail })) } : {}),
  };
  const model = buildModel(o, 1 + features.length, r.fitted);
  const { trainer, result } = fit(model, train, validation, o, task);

  const test = forecastPoints(model, task, values, z, fz, r.origins.test, split.testStart, true);
  const classical = test.classical as Record<ClassicalName, number[][]>;
  const metrics: ForecastMetrics = {
    model: errorMetrics(test.actual, test.model),
    persistence: errorMetrics(test.actual, test.persistence),
    seasonalNaive: test.seasonalNaive ? errorMetrics(test.actual, test.seasonalNaive) : null,
    mean: errorMetrics(test.actual, test.mean),
    classical: Object.fromEntries(CLASSICAL.map((c) => [c, errorMetrics(test.actual, classical[c])])) as Record<ClassicalName, ErrorMetrics>,
  };
  const windows = { train: r.origins.train.length, validation: r.origins.validation.length, test: r.origins.test.length };
  const v = validationPoints(model, task, values, z, fz, r.origins.validation, split);
  const relative = transform.log; // a model of the logs: relative errors (all its values are > 0)
  const intervals = v ? forecastIntervals(errorsByStep(v.actual, v.model, r.horizon, relative), test.actual, test.model, relative) : null;
  return { model, trainer, task, split, windows, training: result, test, metrics, validation: v ? errorMetrics(v.actual, v.model) : null, intervals };
}

/** The model's forecasts of the validation part in original units, each cut where the test part begins. */
function validationPoints(model: SequenceModel, task: ForecastTask, x: readonly number[], z: readonly number[], fz: readonly number[][], origins: number[], split: ChronoSplit): { actual: number[][]; model: number[][] } | null {
  if (origins.length === 0) return null;
  const p = forecastPoints(model, task, x, z, fz, origins, split.valStart, false);
  const keep = (rows: number[][]) => rows.map((row, i) => row.slice(0, Math.max(0, split.testStart - 1 - origins[i]))).filter((row) => row.length > 0);
  return { actual: keep(p.actual), model: keep(p.model) };
}

/** The model's and the baselines' forecasts, in original units, from every origin in `origins`. */
function forecastPoints(model: SequenceModel, task: ForecastTask, x: readonly number[], z: readonly number[], fz: readonly number[][], origins: number[], trainEnd: number, withClassical: boolean): ForecastPoints {
  const h = task.horizon, S = task.season, L = task.lookBack;
  const zHat = forecastScaled(model, task, origins.map((t) => z.slice(t - L + 1, t + 1)), origins.map((t) => fz.map((f) => f.slice(t - L + 1, t + 1))));
  let mean = 0;
  for (let t = 0; t < trainEnd; t++) mean += x[t] / trainEnd;
  const out: ForecastPoints = { origins, actual: [], model: [], persistence: [], seasonalNaive: S ? [] : null, mean: [], classical: withClassical ? { naive2: [], theta: [], dampedHolt: [] } : null };
  origins.forEach((t, b) => {
    out.model.push(invertTransform(x.slice(0, t + 1), zHat[b].map((v) => unscale(task.scaler, v)), task.transform));
    out.actual.push(x.slice(t + 1, t + 1 + h));
    out.persistence.push(Array(h).fill(x[t]));
    out.seasonalNaive?.push(Array.from({ length: h }, (_, k) => x[t + 1 + k - (S as number) * Math.ceil((k + 1) / (S as number))]));
    out.mean.push(Array(h).fill(mean));
    for (const c of CLASSICAL) out.classical?.[c].push(BASELINES[c](x.slice(0, t + 1), h, S ?? 1));
  });
  return out;
}

/**
 * The next `horizon` values after `past` (original units), from a trained model and its task; a model
 * trained with features also needs their last values (`pastFeatures[j]`, default: the checkpoint's own tail).
 */
export function forecastNext(model: SequenceModel, task: ForecastTask, past: readonly number[], pastFeatures: readonly (readonly number[])[] | null = null): number[] {
  const need = task.lookBack + transformSpan(task.transform), L = task.lookBack;
  if (past.length < need) throw new ValueError(`forecast: need the last ${need} values of the series (look-back ${task.lookBack} + lags ${transformSpan(task.transform)}), got ${past.length}`);
  const feats = task.features ?? [];
  const given = pastFeatures ?? feats.map((f) => f.tail);
  if (given.length !== feats.length) throw new ValueError(`forecast: the model reads ${feats.length} feature column(s) (${feats.map((f) => f.name).join(', ') || 'none'}), got ${given.length}`);
  given.forEach((g, j) => {
    if (g.length < L) throw new ValueError(`forecast: need the last ${L} values of feature ${JSON.stringify(feats[j].name)}, got ${g.length}`);
  });
  const recent = past.slice(past.length - need);
  const z = applyTransform(recent, task.transform, task.column).map((v) => scale(task.scaler, v));
  const fz = given.map((g, j) => g.slice(g.length - L).map((v) => scale(feats[j].scaler, v)));
  const [zHat] = forecastScaled(model, task, [z.slice(need - L)], [fz]);
  return invertTransform(recent, zHat.map((v) => unscale(task.scaler, v)), task.transform);
}
