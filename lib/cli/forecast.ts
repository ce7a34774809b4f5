/**
 * `unrolled forecast`: trains a forecaster on one column of a CSV file and compares it on the test part
 * with persistence, seasonal naive and the training mean; writes a chart and a checkpoint.
 */
import * as fs from 'fs';
import { ValueError } from '../kernels/tensor';
import { parseCsv, seriesFromTable, FillMethod } from '../data/csv';
import { ScalerKind } from '../data/series';
import { ErrorMetrics } from '../tasks/metrics';
import { ForecastResult, ForecastStrategy, trainForecaster } from '../tasks/forecast';
import { Recipe, RecipeTrial, candidateRecipes, chooseRecipe } from '../tasks/forecast-recipe';
import { formatSeconds } from '../training/progress';
import { lineChart } from '../charts/svg';
import { OptionSpec, parseArgs, formatOptions, Parsed } from './args';
import { BENCHMARKS, runForecastBenchmark } from './forecast-benchmark';
import { modelOptions, outputOptions, fitOptionsFrom, attachProgress, writeOutputs, checkDataFile, registered, Out } from './model-options';

/** The example the command runs with no --data: the registry's airline data set. */
const EXAMPLE = { dataset: 'airline', column: 'Passengers', dateColumn: 'Month', season: 12 };

export const FORECAST_OPTIONS: Record<string, OptionSpec> = {
  data: { kind: 'string', help: `CSV file with a header row (default: the registry's ${EXAMPLE.dataset} data set, season 12)` },
  column: { kind: 'string', help: 'the value column (default: the second of a two-column file)' },
  'date-column': { kind: 'string', help: 'a date or label column, for the chart and the report (default: the first of a two-column file)' },
  features: { kind: 'string', help: 'other columns to read alongside the history, comma-separated (their past values, scaled on the training part)' },
  fill: { kind: 'string', help: 'missing values: an error, or filled from the previous value or linearly', default: 'none', choices: ['none', 'previous', 'linear'] },
  'look-back': { kind: 'int', help: 'input window: past values the model reads', default: 12, min: 0 },
  horizon: { kind: 'int', help: 'values ahead to forecast (default 1; a benchmark: the file\'s h)', min: 1 },
  strategy: { kind: 'string', help: 'several values ahead: a direct h-output head, or a one-step model fed its own forecasts', default: 'direct', choices: ['direct', 'recursive'] },
  season: { kind: 'int', help: 'season length S, for the seasonal naive baseline (e.g. 12 for monthly data)', min: 1 },
  'test-fraction': { kind: 'number', help: 'the last part of the series held out for test', default: 0.33, positive: true },
  'val-fraction': { kind: 'number', help: 'the last part of the rest used for validation (early stopping)', default: 0.15, min: 0 },
  recipe: { kind: 'string', help: 'choose: try logs or not, differences 0, 1 and S, look-backs L and S, and keep the best on the validation part (a flag given fixes its part); given: use --log, --difference, --look-back as they are', default: 'choose', choices: ['choose', 'given'] },
  log: { kind: 'string', help: 'log-transform first (auto: when every value is > 0)', default: 'auto', choices: ['auto', 'yes', 'no'] },
  difference: { kind: 'int', help: 'difference at this lag (1 removes a trend; S a season; 0: none)', default: 1, min: 0 },
  'seasonal-difference': { kind: 'int', help: 'then difference again at this lag (with --difference 1 and S: a trend and a season; 0: none)', default: 0, min: 0 },
  scaler: { kind: 'string', help: 'scaling fitted on the training part', default: 'standard', choices: ['standard', 'minmax', 'none'] },
  benchmark: { kind: 'string', help: 'forecast a whole collection instead: one global network against the classical methods', choices: Object.keys(BENCHMARKS) },
  'benchmark-file': { kind: 'string', help: 'a collection in the M3 JSON layout ({ NAME: { x, xx, h, period } }), with --period' },
  period: { kind: 'string', help: 'the benchmark file\'s series to use (MONTHLY, QUARTERLY, YEARLY, OTHER, …)' },
  seeds: { kind: 'int', help: 'a benchmark: networks in the ensemble (default 3)', min: 1 },
  first: { kind: 'int', help: 'a benchmark: only its first N series (by name)', min: 1 },
  'no-refit': { kind: 'flag', help: 'a benchmark: forecast the test parts with the networks that learned without the validation part, instead of retraining them on the whole training parts' },
  base: { kind: 'string', help: 'a benchmark: the network forecasts the change from the last value, or a correction to Theta\'s forecast', default: 'last', choices: ['last', 'theta'] },
  ...modelOptions({ hidden: 32, batch: 16, epochs: 300, lr: 0.005, patience: 30 }),
  ...outputOptions('runs/forecast'),
};

export function forecastHelp(): string {
  return `usage: unrolled forecast [--data FILE.csv --column NAME] [options]

Trains a recurrent network to forecast a series from its last --look-back values, then reports RMSE, MAE
and sMAPE on the test part, in the original units, beside baselines on exactly the same points:
persistence (the last value), seasonal naive (the value one season earlier), the training mean, and
Naive2, Theta and damped Holt fitted on each origin's past. The recipe (logs or not, difference 0, 1
or S, look-back L or S) is chosen on the validation part unless --recipe given.
Writes forecast.svg and checkpoint.json into --out; \`unrolled predict --checkpoint FILE\` reloads it.

  unrolled forecast --benchmark m3-monthly [--max-seconds S] [--seeds K] [--json]
  unrolled forecast --benchmark-file FILE.json --period MONTHLY [--horizon H]
forecasts every series of a collection (the M3 competition's layout) with one network trained on
windows of all their training parts (a GRU, H = 32, look-back 24, 3 seeds, 1,500 s, 2 threads when
there are 2 cores, unless given), and
prints sMAPE and MASE by horizon beside naive, seasonal naive, Naive2, SES, damped Holt and Theta.

${formatOptions(FORECAST_OPTIONS)}`;
}

export function runForecast(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, FORECAST_OPTIONS, 'forecast');
  if (a.help) {
    out.write(forecastHelp() + '\n');
    return 0;
  }
  if (a.benchmark !== null || a['benchmark-file'] !== null) return runForecastBenchmark(a, out);
  if ((a['look-back'] as number) < 1) throw new ValueError(`forecast --look-back: expected at least 1 past value for the model to read, got ${a['look-back']}`);
  const example = a.data === null;
  const file = example ? registered(EXAMPLE.dataset, '--data FILE.csv') : (a.data as string);
  checkDataFile(file, 'forecast --data');
  const table = parseCsv(fs.readFileSync(file, 'utf8'), file);
  const two = table.header.length === 2;
  const column = (a.column as string | null) ?? (example ? EXAMPLE.column : two ? table.header[1] : null);
  if (column === null) throw new ValueError(`forecast --column: ${file} has ${table.header.length} columns (${table.header.join(', ')}); say which one to forecast`);
  const dateColumn = (a['date-column'] as string | null) ?? (example ? EXAMPLE.dateColumn : two && a.column === null ? table.header[0] : null);
  const series = seriesFromTable(table, { column, dateColumn, fill: a.fill as FillMethod }, file);
  const season = (a.season as number | null) ?? (example ? EXAMPLE.season : null);
  const log = a.log === 'yes' || (a.log === 'auto' && series.values.every((v) => v > 0));

  const featureNames = a.features === null ? [] : (a.features as string).split(',').map((c) => c.trim()).filter(Boolean);
  for (const f of featureNames) if (f === column) throw new ValueError(`forecast --features: ${JSON.stringify(f)} is the column being forecast; its history is read already`);
  const features = featureNames.map((name) => ({ name, values: seriesFromTable(table, { column: name, dateColumn: null, fill: a.fill as FillMethod }, file).values }));
  const fitOpts = fitOptionsFrom(a);
  const options = {
    ...fitOpts, lookBack: a['look-back'] as number, horizon: (a.horizon as number | null) ?? 1, strategy: a.strategy as ForecastStrategy, season, log,
    testFraction: a['test-fraction'] as number, valFraction: a['val-fraction'] as number,
    difference: a.difference as number, seasonalDifference: a['seasonal-difference'] as number, scaler: a.scaler as ScalerKind, features,
  };
  const n = series.values.length, started = Date.now();
  const tty = !a.json && out.isTTY === true;
  if (tty) out.write(`forecasting ${column} of ${file} (${n} values${series.missing.length ? `, ${series.missing.length} missing filled` : ''})\n`);
  let r: ForecastResult, trials: RecipeTrial[] = [];
  if (a.recipe === 'choose') {
    const fixed = {
      ...(a._given.has('log') && a.log !== 'auto' ? { log: a.log === 'yes' } : {}),
      ...(a._given.has('difference') ? { difference: a.difference as number } : {}),
      ...(a._given.has('seasonal-difference') ? { seasonalDifference: a['seasonal-difference'] as number } : {}),
      ...(a._given.has('look-back') ? { lookBack: a['look-back'] as number } : {}),
    };
    const candidates = candidateRecipes(series.values, season, a['look-back'] as number, fixed);
    const chosen = chooseRecipe(series.values, options, candidates, column, series.dates, (t) => {
      const text = `  recipe ${recipeText(t.recipe)}: ${t.validationRmse === null ? `does not fit (${t.problem})` : `validation RMSE ${t.validationRmse.toPrecision(4)}`}`;
      if (a.json) out.write(JSON.stringify({ recipe: t.recipe, validationRmse: t.validationRmse, ...(t.problem ? { problem: t.problem } : {}) }) + '\n');
      else if (tty) out.write(text + '\n');
    });
    r = chosen.best;
    trials = chosen.trials;
  } else {
    const trainWindows = Math.max(1, Math.floor(n * (1 - options.testFraction) * (1 - options.valFraction)) - options.lookBack);
    const progress = attachProgress(options, a, out, Math.ceil(trainWindows / Math.min(fitOpts.batchSize as number, trainWindows)));
    r = trainForecaster(series.values, options, column, series.dates);
    progress.finish();
  }

  const chart = forecastChart(r, series.values, series.dates, file);
  const ckpt = r.trainer.toCheckpoint(); // the model at its best validated weights
  const [chartFile, ckptFile] = writeOutputs(a.out as string, { 'forecast.svg': chart, 'checkpoint.json': JSON.stringify(ckpt) });

  const m = r.metrics;
  const metricJson = (e: ErrorMetrics | null) => (e ? { rmse: e.rmse, mae: e.mae, smape: e.smape } : null);
  const summary = {
    task: 'forecast', data: file, column, n, lookBack: r.task.lookBack, horizon: options.horizon, strategy: options.strategy, season, log: r.task.transform.log, difference: r.task.transform.lag, seasonalDifference: r.task.transform.seasonalLag ?? 0,
    recipe: a.recipe, trials: trials.map((t) => ({ ...t.recipe, validationRmse: t.validationRmse })), validationRmse: r.validation?.rmse ?? null,
    intervals: r.intervals?.map((i) => ({ level: i.level, coverage: i.coverage, relative: i.relative, lower: i.lower, upper: i.upper })) ?? null,
    cell: fitOpts.cell, hidden: fitOpts.hidden, split: r.split, windows: r.windows, epochs: r.training.epochs, steps: r.training.steps,
    valLoss: r.training.valLoss, testRmse: m.model.rmse, testMae: m.model.mae, testSmape: m.model.smape,
    baselines: {
      persistence: metricJson(m.persistence), seasonalNaive: metricJson(m.seasonalNaive), mean: metricJson(m.mean),
      naive2: metricJson(m.classical.naive2), theta: metricJson(m.classical.theta), dampedHolt: metricJson(m.classical.dampedHolt),
    },
    chart: chartFile, checkpoint: ckptFile, seconds: r.training.seconds, commandSeconds: (Date.now() - started) / 1000,
  };
  if (!tty) {
    out.write(JSON.stringify(summary) + '\n');
    return 0;
  }
  out.write(report(r, a, file, column, season, trials) + `chart: ${chartFile}\ncheckpoint: ${ckptFile} (reload with: unrolled predict --checkpoint ${ckptFile})\n`);
  return 0;
}

/** The text report: the split, the training, and the table of errors. */
function report(r: ForecastResult, a: Parsed, file: string, column: string, season: number | null, trials: RecipeTrial[]): string {
  const { split, windows, training, metrics: m, task } = r;
  const tried = trials.filter((t) => t.validationRmse !== null);
  const lines = [
    ...(trials.length ? [`recipe chosen on the validation part from ${tried.length} that fit: ${recipeText({ log: task.transform.log, difference: task.transform.lag, seasonalDifference: task.transform.seasonalLag ?? 0, lookBack: task.lookBack })} (validation RMSE ${r.validation?.rmse.toPrecision(4)}; the others ${tried.filter((t) => t.validationRmse !== r.validation?.rmse).map((t) => t.validationRmse!.toPrecision(4)).join(', ') || 'none'})`] : []),
    `${file}, column ${column}: ${split.n} values; train 1-${split.valStart}, validation ${split.valStart + 1}-${split.testStart}, test ${split.testStart + 1}-${split.n}`,
    `${a.cell} H=${a.hidden}, look-back ${task.lookBack}, horizon ${task.horizon}${task.horizon > 1 ? ` (${task.strategy})` : ''}, ${task.transform.log ? 'log, ' : ''}${task.transform.lag ? `difference at lag ${task.transform.lag}${task.transform.seasonalLag ? ` then ${task.transform.seasonalLag}` : ''}, ` : ''}${task.scaler.kind} scaling; `
      + `${windows.train} training windows, ${training.epochs} epochs (${training.stoppedBy}) in ${formatSeconds(training.seconds)}; best validation MSE ${training.valLoss?.toPrecision(3) ?? '-'} (scaled)`,
    '',
    `test part: ${windows.test} forecasts × ${task.horizon} step(s), original units   RMSE        MAE    sMAPE %`,
  ];
  const row = (name: string, e: ErrorMetrics | null) => lines.push(e
    ? `  ${name.padEnd(24)} ${e.rmse.toFixed(3).padStart(12)} ${e.mae.toFixed(3).padStart(10)} ${e.smape.toFixed(2).padStart(8)}`
    : `  ${name.padEnd(24)} ${'n/a: give --season'.padStart(12)}`);
  row(`model (${a.cell})`, m.model);
  row('persistence', m.persistence);
  row(`seasonal naive${season ? ` (S=${season})` : ''}`, m.seasonalNaive);
  row('training mean', m.mean);
  row('Naive2', m.classical.naive2);
  row('Theta', m.classical.theta);
  row('damped Holt', m.classical.dampedHolt);
  const baselines: [string, ErrorMetrics | null][] = [['persistence', m.persistence], ['seasonal naive', m.seasonalNaive], ['the mean', m.mean],
    ['Naive2', m.classical.naive2], ['Theta', m.classical.theta], ['damped Holt', m.classical.dampedHolt]];
  const beaten: string[] = [], lost: string[] = [];
  for (const [name, e] of baselines) if (e) (m.model.rmse < e.rmse ? beaten : lost).push(name);
  if (r.intervals) lines.push(`prediction intervals from the validation errors: ${r.intervals.map((i) => `${Math.round(100 * i.level)} % covers ${(100 * i.coverage).toFixed(0)} % of the test values`).join(', ')}`);
  lines.push(lost.length ? `the model's RMSE is not below ${lost.join(', ')}${beaten.length ? ` (it beats ${beaten.join(', ')})` : ''}` : `the model's RMSE is below every baseline's`);
  return lines.join('\n') + '\n';
}

/**
 * The series, and over the test part the model's and the baselines' forecasts (the farthest step ahead).
 * A long test part is shown by its last SHOWN points, so that the lines can still be told apart.
 */
export function forecastChart(r: ForecastResult, values: readonly number[], dates: readonly string[] | null, file: string): string {
  const SHOWN = 120;
  const k = r.task.horizon - 1;
  const count = r.test.origins.length, from = Math.max(0, count - SHOWN);
  const at = (rows: number[][]): [number, number][] => r.test.origins.slice(from).map((t, i) => [t + 1 + k, rows[from + i][k]]);
  const firstShown = from === 0 ? 0 : r.test.origins[from] + 1 + k - Math.round(SHOWN / 3);
  const series = [
    { name: 'actual', points: values.map((v, t): [number, number] => [t, v]).slice(firstShown) },
    { name: 'persistence', points: at(r.test.persistence), dashed: true },
    ...(r.test.seasonalNaive ? [{ name: 'seasonal naive', points: at(r.test.seasonalNaive), dashed: true }] : []),
    { name: 'training mean', points: at(r.test.mean), dashed: true },
    { name: `model (${r.model.rnn.config.mode})`, points: at(r.test.model) }, // drawn last, on top
  ];
  const ahead = r.task.horizon === 1 ? 'one step ahead' : `${r.task.horizon} steps ahead`;
  const shown = from === 0 ? '' : `, last ${SHOWN} of ${count}`;
  const first = dates ? ` (0 = ${dates[0]})` : '';
  return lineChart({
    title: `${r.task.column}: forecasts ${ahead} on the test part${shown} (RMSE ${r.metrics.model.rmse.toPrecision(3)} vs persistence ${r.metrics.persistence.rmse.toPrecision(3)})`,
    xLabel: `time step${first}; test from ${r.split.testStart}${dates ? ` = ${dates[r.split.testStart]}` : ''}`, yLabel: `${r.task.column} (${file.split('/').pop()})`,
    series, markers: from === 0 ? [{ x: r.split.testStart, label: 'test starts' }] : [], width: 960, height: 420,
  });
}

function recipeText(r: Recipe): string {
  const diff = r.difference ? `difference ${r.difference}${r.seasonalDifference ? ` then ${r.seasonalDifference}` : ''}` : r.seasonalDifference ? `difference ${r.seasonalDifference}` : 'no difference';
  return `${r.log ? 'log, ' : ''}${diff}, look-back ${r.lookBack}`;
}
