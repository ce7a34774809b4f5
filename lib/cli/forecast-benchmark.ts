/**
 * `unrolled forecast --benchmark m3-monthly` (or `--benchmark-file FILE.json --period MONTHLY`): the
 * classical baselines and one global recurrent forecaster over a whole collection of series, scored by
 * sMAPE and MASE by horizon.                                                    docs: docs/forecasting.md
 */
import { ValueError } from '../kernels/tensor';
import { Benchmark, readBenchmark } from '../data/benchmark';
import { BenchmarkReport, Scores, runBenchmark } from '../tasks/forecast-benchmark';
import { ForecastBase } from '../tasks/global-forecast';
import { Parsed } from './args';
import { CELLS, Out, checkDataFile, registered } from './model-options';
import { defaultWorkers } from './train-options';

/** The named benchmarks: the registry's M3 file and one of its periods. */
export const BENCHMARKS: Record<string, { dataset: string; period: string }> = {
  'm3-monthly': { dataset: 'm3', period: 'MONTHLY' },
  'm3-quarterly': { dataset: 'm3', period: 'QUARTERLY' },
  'm3-yearly': { dataset: 'm3', period: 'YEARLY' },
  'm3-other': { dataset: 'm3', period: 'OTHER' },
};

/** What the network is when an option is not given (the single-series defaults suit one short series). */
const DEFAULTS: Record<string, number | string> = { cell: 'gru', hidden: 32, 'look-back': 24, batch: 256, lr: 0.003, epochs: 30, patience: 3, seeds: 3, 'max-seconds': 1500 };

const BASELINE_LABELS: [string, string][] = [['theta', 'Theta'], ['dampedHolt', 'damped Holt'], ['ses', 'SES'], ['naive2', 'Naive2'], ['seasonalNaive', 'seasonal naive'], ['naive', 'naive']];

export function runForecastBenchmark(a: Parsed, out: Out): number {
  const started = Date.now();
  const pick = (name: string) => (a._given.has(name) ? a[name] : DEFAULTS[name]) as never;
  const bench = a.benchmark as string | null, file0 = a['benchmark-file'] as string | null;
  if (bench !== null && file0 !== null) throw new ValueError('forecast: give --benchmark NAME or --benchmark-file FILE, not both');
  if (bench !== null && !(bench in BENCHMARKS)) throw new ValueError(`forecast --benchmark: expected one of ${Object.keys(BENCHMARKS).join(', ')}, got ${JSON.stringify(bench)}`);
  const file = bench !== null ? registered(BENCHMARKS[bench].dataset, '--benchmark-file FILE.json') : (file0 as string);
  if (bench === null && a.period === null) throw new ValueError('forecast --benchmark-file: say which series with --period (e.g. MONTHLY)');
  const period = bench !== null ? BENCHMARKS[bench].period : (a.period as string);
  checkDataFile(file, bench !== null ? 'forecast --benchmark' : 'forecast --benchmark-file');
  const b: Benchmark = readBenchmark(file, period, a._given.has('horizon') ? (a.horizon as number) : null);
  if (a.first !== null) b.series = b.series.slice(0, a.first as number);
  const jsonOut = (a.json as boolean) || !out.isTTY;
  const say = (obj: Record<string, unknown>, text: string) => out.write((jsonOut ? JSON.stringify(obj) : text) + '\n');
  if (!jsonOut) out.write(`${file}: ${b.series.length} ${period} series, horizon ${b.horizon}, season ${b.season}\n`);
  const r = runBenchmark(b, {
    cell: CELLS[pick('cell') as string], hidden: pick('hidden'), layers: a.layers as number, lookBack: pick('look-back'), batchSize: pick('batch'),
    lr: pick('lr'), epochs: pick('epochs'), patience: pick('patience'), seeds: pick('seeds'), maxSeconds: pick('max-seconds'), clip: a.clip as number,
    seed: a.seed as number, workers: a._given.has('workers') ? (a.workers as number) : defaultWorkers(pick('batch') as number), base: a.base as ForecastBase, refit: !(a['no-refit'] as boolean), say,
    onEval: (e) => say({ step: e.step, valLoss: e.valLoss, improved: e.improved }, `  step ${e.step}: validation loss ${e.valLoss.toFixed(5)}${e.improved ? ' (best)' : ''}`),
  });
  const seconds = (Date.now() - started) / 1000;
  const brief = (s: Scores) => ({ smape: s.smape, mase: s.mase });
  const summary = {
    task: 'forecast-benchmark', file, period, series: r.series, horizon: r.horizon, smape: r.final.smape, mase: r.final.mase, chosen: r.chosen,
    byHorizon: r.final.byHorizon, network: { ...brief(r.network), byHorizon: r.network.byHorizon }, average: brief(r.average),
    baselines: Object.fromEntries(Object.entries(r.baselines).map(([k, v]) => [k, { ...brief(v), byHorizon: v.byHorizon }])), beatsTheta: r.beatsTheta, validation: r.validation,
    intervals: r.intervals.map((i) => ({ level: i.level, coverage: i.coverage })),
    epochs: r.epochs, windows: r.windows, seconds,
  };
  out.write(jsonOut ? JSON.stringify(summary) + '\n' : benchmarkTable(r, pick('cell') as string) + `\n${seconds.toFixed(0)} s in all\n`);
  return 0;
}

/** sMAPE and MASE by horizon for every method, and what validation chose. */
export function benchmarkTable(r: BenchmarkReport, cell: string): string {
  const ranges = r.final.byHorizon.map((h) => `${h.from}–${h.to}`);
  const cols = (s: Scores, key: 'smape' | 'mase', digits: number) => [...s.byHorizon.map((h) => h[key]), s[key]].map((v) => v.toFixed(digits).padStart(7)).join('');
  const head = `  ${'method'.padEnd(26)}${'sMAPE'.padStart(7)}${' '.repeat(7 * ranges.length)}  ${'MASE'.padStart(7)}`;
  const sub = `  ${''.padEnd(26)}${[...ranges, 'all'].map((c) => c.padStart(7)).join('')}  ${[...ranges, 'all'].map((c) => c.padStart(7)).join('')}`;
  const row = (name: string, s: Scores) => `  ${name.padEnd(26)}${cols(s, 'smape', 2)}  ${cols(s, 'mase', 3)}`;
  const lines = [head, sub, row(`network (${cell}, ensemble)`, r.network), row('network and Theta, averaged', r.average)];
  for (const [k, label] of BASELINE_LABELS) lines.push(row(label, r.baselines[k]));
  const v = r.validation;
  lines.push('', `chosen on the validation part (the last ${r.horizon} values of each training part): ${r.chosen === 'network' ? 'the network' : r.chosen === 'average' ? 'the average of the network and Theta' : 'Theta'}`
    + ` (validation sMAPE: network ${v.network.toFixed(2)}, average ${v.average.toFixed(2)}, Theta ${v.theta.toFixed(2)})`);
  lines.push(`on the test parts it scores sMAPE ${r.final.smape.toFixed(2)}, MASE ${r.final.mase.toFixed(3)}; Theta ${r.baselines.theta.smape.toFixed(2)}, ${r.baselines.theta.mase.toFixed(3)}; it beats Theta on ${(100 * r.beatsTheta).toFixed(1)} % of the series`);
  lines.push(`prediction intervals from the validation part's errors: ${r.intervals.map((i) => `${Math.round(100 * i.level)} % covers ${(100 * i.coverage).toFixed(1)} % of the test values`).join(', ')}`);
  lines.push(`${r.epochs.length} network(s), epochs ${r.epochs.join(', ')}, ${r.windows} training windows`);
  return lines.join('\n');
}
