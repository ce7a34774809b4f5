/**
 * A forecasting benchmark over a collection of series (M3's monthly series by default): every classical
 * baseline, and one global recurrent forecaster (lib/tasks/global-forecast.ts), scored on the test parts
 * by sMAPE and MASE, in total and by horizon.                                   docs: docs/forecasting.md
 *
 * How the network is chosen, with the test parts unread: the last h values of every training part are
 * held out; an ensemble of networks (one per seed, the median of their forecasts) learns from the rest,
 * each stopping early on that validation part; then on the same part the ensemble, Theta, and their
 * average are compared, and the best of the three by validation sMAPE is what forecasts the test part,
 * from each series' whole training part. Each network is then trained again, from the same seed, on
 * windows of the whole training parts for the number of epochs validation chose (the last h values are
 * the most recent behaviour of every series: leaving them out of the final model costs accuracy), and
 * that network forecasts the test parts. The time budget is split evenly between the two trainings.
 */
import { ValueError } from '../kernels/tensor';
import { BASELINES, theta } from '../forecast/baselines';
import { Accuracy, HorizonAccuracy, benchmarkAccuracy, seriesSmape } from '../forecast/accuracy';
import { ForecastInterval, errorsByStep, forecastIntervals } from './forecast-intervals';
import { Benchmark, horizonRanges } from '../data/benchmark';
import { FitOptions } from './fit';
import { ForecastBase, prepareSeries, trainGlobal, forecastLogRatios, toOriginalUnits } from './global-forecast';

export type Scores = Accuracy & { byHorizon: HorizonAccuracy[] };
export type Choice = 'network' | 'average' | 'theta';

export interface BenchmarkOptions extends FitOptions {
  lookBack: number;
  seeds: number; // networks in the ensemble
  base?: ForecastBase; // what the network's output is relative to (default 'last')
  refit?: boolean; // train each network again on the whole training parts for its best number of epochs, to forecast the test parts (default true)
  say?: (obj: Record<string, unknown>, text: string) => void;
}

export interface BenchmarkReport {
  series: number;
  horizon: number;
  network: Scores; // the ensemble alone
  average: Scores; // the ensemble and Theta averaged
  chosen: Choice; // by validation sMAPE
  final: Scores; // what was chosen, on the test parts
  forecasts: number[][]; // what was chosen: [series][k]
  baselines: Record<string, Scores>;
  beatsTheta: number; // the share of series where the chosen forecast's sMAPE is below Theta's
  validation: Record<Choice, number>; // sMAPE on the held-out ends of the training parts
  intervals: ForecastInterval[]; // empirical prediction intervals from the validation part's log errors ln(y/ŷ) by horizon, with their test coverage
  epochs: number[];
  windows: number;
}

const median = (v: number[]) => {
  const s = v.slice().sort((a, b) => a - b), k = s.length >> 1;
  return s.length % 2 ? s[k] : 0.5 * (s[k - 1] + s[k]);
};

/** The elementwise median over seeds of [seed][series][k]. */
function ensemble(runs: number[][][]): number[][] {
  return runs[0].map((row, i) => row.map((_, k) => median(runs.map((r) => r[i][k]))));
}

const meanSmape = (ys: readonly (readonly number[])[], fs: readonly (readonly number[])[]) => ys.reduce((a, y, i) => a + seriesSmape(y, fs[i]), 0) / ys.length;

export function runBenchmark(b: Benchmark, o: BenchmarkOptions): BenchmarkReport {
  const h = b.horizon, m = b.season, say = o.say ?? (() => {}), base = o.base ?? 'last';
  if (!(Number.isInteger(o.seeds) && o.seeds >= 1)) throw new ValueError(`runBenchmark seeds: expected an integer >= 1, got ${o.seeds}`);
  const ranges = horizonRanges(h);
  const score = (f: number[][]) => benchmarkAccuracy(b.series, f, m, ranges);
  const baselineForecasts: Record<string, number[][]> = {};
  for (const [name, f] of Object.entries(BASELINES)) baselineForecasts[name] = b.series.map((s) => f(s.x, h, m));
  const baselines = Object.fromEntries(Object.entries(baselineForecasts).map(([k, f]) => [k, score(f)]));
  say({ baselines: Object.fromEntries(Object.entries(baselines).map(([k, v]) => [k, { smape: v.smape, mase: v.mase }])) },
    `baselines on ${b.series.length} series: ${Object.entries(baselines).map(([k, v]) => `${k} ${v.smape.toFixed(2)}`).join(', ')} (sMAPE)`);

  const usable = b.series.filter((s) => s.x.length >= h + 2); // enough to hold h out and learn from the rest
  if (usable.length === 0) throw new ValueError(`runBenchmark: no series is longer than h + 1 = ${h + 1}, so none can be validated`);
  const known = usable.map((s) => prepareSeries(s.x.slice(0, s.x.length - h), m, s.name));
  const held = usable.map((s) => s.x.slice(s.x.length - h));
  const full = b.series.map((s) => prepareSeries(s.x, m, s.name));
  const valRuns: number[][][] = [], testRuns: number[][][] = [], epochs: number[] = [];
  let windows = 0;
  const refit = o.refit ?? true;
  const maxSeconds = o.maxSeconds ? o.maxSeconds / o.seeds / (refit ? 2 : 1) : null; // the budget, shared by every training
  for (let k = 0; k < o.seeds; k++) {
    const seed = (o.seed ?? 1) + k;
    const g = trainGlobal(known, held, h, o.lookBack, base, { ...o, seed, maxSeconds });
    windows = g.windows;
    epochs.push(g.training.epochs);
    valRuns.push(forecastLogRatios(g.model, known.map((p) => p.logAdjusted), o.lookBack, h, base).map((v, i) => toOriginalUnits(known[i], v)));
    say({ seed, epochs: g.training.epochs, bestEpoch: g.bestEpoch, validationSmape: meanSmape(held, valRuns[k]) },
      `network ${k + 1} of ${o.seeds} (seed ${seed}): ${g.training.epochs} epochs, best ${g.bestEpoch}, validation sMAPE ${meanSmape(held, valRuns[k]).toFixed(3)}`);
    let forTest = g.model;
    if (refit) {
      const again = trainGlobal(full, null, h, o.lookBack, base, { ...o, seed, maxSeconds, epochs: g.bestEpoch ?? g.training.epochs });
      forTest = again.model;
      say({ seed, refit: true, epochs: again.training.epochs, windows: again.windows, seconds: again.training.seconds },
        `  trained again on the whole training parts (${again.windows} windows): ${again.training.epochs} epochs in ${again.training.seconds.toFixed(0)} s`);
    }
    testRuns.push(forecastLogRatios(forTest, full.map((p) => p.logAdjusted), o.lookBack, h, base).map((v, i) => toOriginalUnits(full[i], v)));
  }
  const valNet = ensemble(valRuns), valTheta = usable.map((s) => theta(s.x.slice(0, s.x.length - h), h, m));
  const avg = (a: number[][], c: number[][]) => a.map((r, i) => r.map((v, k) => 0.5 * (v + c[i][k])));
  const validation: Record<Choice, number> = { network: meanSmape(held, valNet), average: meanSmape(held, avg(valNet, valTheta)), theta: meanSmape(held, valTheta) };
  const chosen = (Object.keys(validation) as Choice[]).reduce((a, c) => (validation[c] < validation[a] ? c : a), 'network' as Choice);
  const net = ensemble(testRuns), average = avg(net, baselineForecasts.theta);
  const finalForecasts = chosen === 'network' ? net : chosen === 'average' ? average : baselineForecasts.theta;
  const heldChosen = chosen === 'network' ? valNet : chosen === 'average' ? avg(valNet, valTheta) : valTheta;
  const ivs = forecastIntervals(errorsByStep(held, heldChosen, h, true), b.series.map((s) => s.y), finalForecasts, true); // log errors ln(y/ŷ) by horizon
  const beats = b.series.filter((s, i) => seriesSmape(s.y, finalForecasts[i]) < seriesSmape(s.y, baselineForecasts.theta[i])).length;
  return {
    series: b.series.length, horizon: h, network: score(net), average: score(average), chosen, final: score(finalForecasts), forecasts: finalForecasts,
    baselines, beatsTheta: beats / b.series.length, validation, intervals: ivs, epochs, windows,
  };
}
