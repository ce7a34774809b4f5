import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '../../lib/kernels/random';
import { benchmarkFromJson, readBenchmark, horizonRanges } from '../../lib/data/benchmark';
import { GlobalWindows, windowOriginsOf, prepareSeries, thetaBase, toOriginalUnits } from '../../lib/tasks/global-forecast';
import { runBenchmark } from '../../lib/tasks/forecast-benchmark';
import { thetaLines } from '../../lib/forecast/baselines';
import { runForecast } from '../../lib/cli/forecast';

/** A collection in the M3 layout: seasonal series with trends of either sign, levels from 50 to 5,000. */
function collection(count: number, h: number, seed = 1): Record<string, unknown> {
  const rng = new Rng(seed);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const n = 40 + rng.int(30), level = 50 * 10 ** (2 * rng.uniform()), growth = 0.01 * (rng.uniform() - 0.3), season = 0.3 * rng.uniform();
    const v = Array.from({ length: n + h }, (_, t) => level * Math.exp(growth * t) * (1 + season * Math.sin((2 * Math.PI * t) / 12)) * (1 + 0.03 * rng.normal()));
    out[`S${String(i).padStart(3, '0')}`] = { period: ['MONTHLY'], h: [h], n: [n], x: v.slice(0, n), xx: v.slice(n) };
  }
  out.Y001 = { period: ['YEARLY'], h: [2], x: [1, 2, 3, 4, 5, 6], xx: [7, 8] };
  return out;
}

describe('benchmark files', () => {
  it('reads one period, h from the file, test parts cut to the horizon; says what is wrong with a file', () => {
    const b = benchmarkFromJson(collection(5, 6), 'MONTHLY', null, 'c.json');
    expect(b.series.map((s) => s.name)).toEqual(['S000', 'S001', 'S002', 'S003', 'S004']);
    expect([b.horizon, b.season]).toEqual([6, 12]);
    expect(benchmarkFromJson(collection(5, 6), 'MONTHLY', 4, 'c.json').series[0].y.length).toBe(4);
    expect(() => benchmarkFromJson(collection(5, 6), 'WEEKLY', null, 'c.json')).toThrow('c.json --period: no series of period "WEEKLY"; the file has MONTHLY (5), YEARLY (1)');
    expect(() => benchmarkFromJson(collection(5, 6), 'MONTHLY', 7, 'c.json')).toThrow('c.json series S000: its test part has 6 values, fewer than the horizon 7');
    expect(() => benchmarkFromJson([1, 2], 'MONTHLY', null, 'c.json')).toThrow('expected an object of series keyed by name');
    expect(() => benchmarkFromJson({ A: { period: ['MONTHLY'], h: [2], x: [1, null], xx: [1, 2] } }, 'MONTHLY', null, 'c.json')).toThrow('c.json series A: value 1 of x then xx is null, expected a finite number');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-bench-file-'));
    fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify(collection(3, 6)));
    fs.writeFileSync(path.join(dir, 'bad.json'), '{ "S000": ');
    expect(readBenchmark(path.join(dir, 'c.json'), 'MONTHLY').series).toHaveLength(3);
    expect(() => readBenchmark(path.join(dir, 'bad.json'), 'MONTHLY')).toThrow(`readBenchmark file: ${path.join(dir, 'bad.json')} could not be read as JSON`);
    expect(horizonRanges(18)).toEqual([[1, 6], [7, 12], [13, 18]]);
    expect(horizonRanges(8)).toEqual([[1, 3], [4, 5], [6, 8]]);
    expect(horizonRanges(2)).toEqual([[1, 2]]);
  });
});

describe('the global forecaster\'s windows', () => {
  it('log ratios to the window\'s last value, padded before the start; targets h ahead; Theta as a base', () => {
    const z = [0, 1, 2, 3, 4, 5].map((v) => Math.log(10 + v));
    expect(windowOriginsOf([6, 2], 2)).toEqual([[0, 0], [0, 1], [0, 2], [0, 3]]); // a series of 2 has no value with 2 after it
    const w = new GlobalWindows([z], [[0, 1]], 3, 2);
    const { batch, objective } = w.batch([0]);
    expect([0, 1, 2].map((j) => batch.x.get(j, 0, 0))).toEqual([z[0] - z[1], z[0] - z[1], 0]); // j = 0 is before the start: the first value
    expect(objective.type === 'mse_last' && [0, 1].map((k) => objective.target.get(0, k))).toEqual([z[2] - z[1], z[3] - z[1]]);
    const t = new GlobalWindows([z], [[0, 3]], 3, 2, 'theta');
    const theta = thetaLines(z.slice(0, 4).map(Math.exp), 2);
    const tt = t.batch([0]).objective;
    expect(tt.type === 'mse_last' && tt.target.get(0, 1)).toBeCloseTo(z[5] - z[3] - Math.log(theta[1] / Math.exp(z[3])), 12);
    expect(Array.from(thetaBase(z, 3, 2))).toEqual(theta.map((v) => Math.log(v / Math.exp(z[3]))));
    const p = prepareSeries([10, 11, 12], 1, 'A');
    expect(toOriginalUnits(p, [0, Math.log(2)]).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([12, 24]);
    expect(() => prepareSeries([3, 0, 2], 12, 'N9')).toThrow('global forecaster: series N9 has x[1] = 0; the model reads log ratios, so every value must be > 0');
  });
});

describe('a benchmark run', () => {
  const b = benchmarkFromJson(collection(24, 6), 'MONTHLY', null, 'c.json');
  const options = { lookBack: 12, seeds: 2, cell: 'gru' as const, hidden: 8, lr: 0.01, batchSize: 64, epochs: 6, patience: 6, workers: 1, clip: 1 };
  const r = runBenchmark(b, options);

  it('reports every method by horizon, chooses by validation, and counts the series where the choice beats Theta', () => {
    expect(Object.keys(r.baselines).sort()).toEqual(['dampedHolt', 'naive', 'naive2', 'seasonalNaive', 'ses', 'theta']);
    expect(r.network.byHorizon.map((x) => [x.from, x.to])).toEqual([[1, 2], [3, 4], [5, 6]]);
    const v = r.validation;
    expect(v[r.chosen]).toBe(Math.min(v.network, v.average, v.theta));
    const final = r.chosen === 'network' ? r.network : r.chosen === 'average' ? r.average : r.baselines.theta;
    expect(r.final).toEqual(final);
    expect(r.beatsTheta).toBeGreaterThanOrEqual(0);
    expect(r.beatsTheta).toBeLessThanOrEqual(1);
    expect(r.epochs).toHaveLength(2);
    expect(r.network.smape).toBeLessThan(r.baselines.naive.smape); // these series trend and have seasons: the network must learn something
  });

  it('prediction intervals: validation quantiles of ln(y/ŷ) by horizon, nested, with their coverage of the test values', () => {
    expect(r.intervals.map((i) => i.level)).toEqual([0.8, 0.95]);
    const [i80, i95] = r.intervals;
    for (let k = 0; k < 6; k++) {
      expect(i95.lower[k]).toBeLessThanOrEqual(i80.lower[k]);
      expect(i80.lower[k]).toBeLessThanOrEqual(i80.upper[k]);
      expect(i80.upper[k]).toBeLessThanOrEqual(i95.upper[k]);
    }
    let inside = 0;
    b.series.forEach((s, i) => s.y.forEach((y, k) => {
      const e = Math.log(y / r.forecasts[i][k]);
      if (e >= i80.lower[k] && e <= i80.upper[k]) inside++;
    }));
    expect(i80.coverage).toBeCloseTo(inside / (24 * 6), 12);
    expect(i95.coverage).toBeGreaterThanOrEqual(i80.coverage);
  });

  it('refits each network on the whole training parts for the test (the validation figures come from the first training)', () => {
    const plain = runBenchmark(b, { ...options, refit: false });
    expect(plain.validation).toEqual(r.validation);
    expect(plain.network.smape).not.toBe(r.network.smape);
  });

  it('never reads the test parts: changing them changes the scores, not the forecasts', () => {
    const changed = { ...b, series: b.series.map((s) => ({ ...s, y: s.y.map((v) => v * 1.5) })) };
    const again = runBenchmark(changed, options);
    expect(again.validation).toEqual(r.validation);
    expect(again.chosen).toBe(r.chosen);
    expect(again.forecasts).toEqual(r.forecasts);
    expect(again.network.smape).not.toBe(r.network.smape);
  });
});

describe('unrolled forecast --benchmark-file', () => {
  it('prints progress and ends with { task: "forecast-benchmark", … }; refuses a file with no --period', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-bench-'));
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify(collection(12, 6, 3)));
    const lines: string[] = [];
    const sink = { write: (t: string) => lines.push(...t.trim().split('\n')) };
    expect(runForecast(['--benchmark-file', file, '--period', 'MONTHLY', '--seeds', '1', '--epochs', '2', '--hidden', '4', '--json'], sink)).toBe(0);
    const last = JSON.parse(lines[lines.length - 1]);
    expect(last.task).toBe('forecast-benchmark');
    expect([last.series, last.horizon]).toEqual([12, 6]);
    expect(Object.keys(last.baselines).sort()).toEqual(['dampedHolt', 'naive', 'naive2', 'seasonalNaive', 'ses', 'theta']);
    expect(typeof last.smape === 'number' && typeof last.mase === 'number' && typeof last.seconds === 'number').toBe(true);
    expect(lines.some((l) => 'baselines' in JSON.parse(l) && !('task' in JSON.parse(l)))).toBe(true);
    expect(() => runForecast(['--benchmark-file', file], sink)).toThrow('forecast --benchmark-file: say which series with --period (e.g. MONTHLY)');
    expect(() => runForecast(['--benchmark', 'm3-monthly', '--benchmark-file', file], sink)).toThrow('give --benchmark NAME or --benchmark-file FILE, not both');
  });
});
