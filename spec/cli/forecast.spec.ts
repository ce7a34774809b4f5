import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../../lib/kernels/tensor';
import { runForecast } from '../../lib/cli/forecast';
import { runPredict } from '../../lib/cli/predict';
import { monthlySeries, tmpDir, withoutData, writeMonthlyCsv } from '../synthetic';
import { asCommand } from '../helpers';

function capture(isTTY = false) {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY }, text: () => text };
}
const tmp = () => tmpDir('forecast-');
const quick = ['--epochs', '3', '--hidden', '4'];

describe('unrolled forecast', () => {
  it('forecasts a monthly CSV; the last JSON line holds the test errors beside the baselines', () => {
    const dir = tmp(), out = path.join(dir, 'run'), c = capture();
    const file = writeMonthlyCsv(dir);
    expect(runForecast([...quick, '--data', file, '--season', '12', '--out', out, '--json'], c.out)).toBe(0);
    const last = JSON.parse(c.text().trim().split('\n').pop() as string);
    expect(last).toMatchObject({ task: 'forecast', column: 'Units', n: 144, season: 12, recipe: 'choose', split: { testStart: 96 }, windows: { test: 48 } });
    // the recipe was chosen on the validation part: logs or not × differences none, 1, 12, 1 then 12 (the look-back is the season)
    expect(last.trials).toHaveLength(8);
    const best = last.trials.reduce((a: { validationRmse: number }, t: { validationRmse: number }) => (t.validationRmse < a.validationRmse ? t : a));
    expect([last.log, last.difference, last.seasonalDifference, last.lookBack, last.validationRmse]).toEqual([best.log, best.difference, best.seasonalDifference, best.lookBack, best.validationRmse]);
    for (const k of ['naive2', 'theta', 'dampedHolt']) expect(Number.isFinite(last.baselines[k].rmse)).toBe(true);
    for (const k of ['testRmse', 'testMae', 'testSmape', 'seconds']) expect(Number.isFinite(last[k])).toBe(true);
    // The test part is 4 whole years of x_t = 200 + 2t + 20 sin(2πt/12) (spec/synthetic.ts), where the
    // baselines' errors follow from the formula: seasonal naive misses by x_t − x_{t−12} = 2·12 = 24 every
    // month; persistence by x_t − x_{t−1} = 2 + 20(sin(2πt/12) − sin(2π(t−1)/12)), whose mean square over whole
    // years is 2² + ½·(2·20·sin(π/12))² = 4 + 400(1 − cos(π/6)) (the cross term averages to 0).
    expect(last.baselines.seasonalNaive.rmse).toBeCloseTo(24, 10);
    expect(last.baselines.persistence.rmse).toBeCloseTo(Math.sqrt(4 + 400 * (1 - Math.cos(Math.PI / 6))), 10);
    const { values } = monthlySeries();
    const mean = values.slice(0, 96).reduce((s, v) => s + v, 0) / 96; // 200 + 2·47.5: the sines cancel over 8 years
    expect(mean).toBeCloseTo(295, 10);
    const meanRmse = Math.sqrt(values.slice(96).reduce((s, v) => s + (v - 295) ** 2, 0) / 48);
    expect(last.baselines.mean.rmse).toBeCloseTo(meanRmse, 10);
    expect(fs.readFileSync(path.join(out, 'forecast.svg'), 'utf8')).toMatch(/^<svg[\s\S]*seasonal naive[\s\S]*<\/svg>$/);

    const p = capture();
    expect(runPredict(['--checkpoint', path.join(out, 'checkpoint.json'), '--json'], p.out)).toBe(0);
    const pred = JSON.parse(p.text());
    expect(pred).toMatchObject({ task: 'forecast', column: 'Units', after: '2012-12' });
    expect(pred.forecast).toHaveLength(1);
    expect(pred.forecast[0]).toBeGreaterThan(300); // the last value is 466; a log-difference model stays near it
  });

  it('a flag given fixes its part of the recipe; --recipe given uses the flags as they are', () => {
    const dir = tmp(), file = writeMonthlyCsv(dir);
    const run = (args: string[]) => {
      const c = capture();
      expect(runForecast([...quick, '--data', file, '--season', '12', '--out', path.join(dir, 'o'), '--json', ...args], c.out)).toBe(0);
      return JSON.parse(c.text().trim().split('\n').pop() as string);
    };
    const fixed = run(['--difference', '1']);
    expect(fixed.trials.map((t: { difference: number }) => t.difference)).toEqual([1, 1]);
    const given = run(['--recipe', 'given', '--log', 'no', '--difference', '12', '--look-back', '6']);
    expect([given.log, given.difference, given.lookBack, given.trials]).toEqual([false, 12, 6, []]);
    expect(Number.isFinite(given.validationRmse)).toBe(true);
  });

  it('without --data it reads the airline data set from the registry, and says in one line how to get it when it is not there', () => {
    const out = path.join(tmp(), 'never');
    expect(() => withoutData(() => runForecast([...quick, '--out', out], capture().out))).toThrow(
      /^the airline data set is not downloaded: it is not in UNROLLED_DATA \(.*\) nor in the cache \(.*\); run `npx unrolled data download airline`, or set UNROLLED_DATA to a folder that holds airline-passengers.csv, or give --data FILE.csv$/,
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  it('prints a table for a person, with a note of which baselines the model does not beat', () => {
    const dir = tmp(), c = capture(true);
    const file = path.join(dir, 's.csv');
    fs.writeFileSync(file, 'when,units\n' + Array.from({ length: 60 }, (_, t) => `${t},${100 + 10 * Math.sin(t)}`).join('\n'));
    expect(runForecast([...quick, '--data', file, '--look-back', '4', '--out', path.join(dir, 'o')], c.out)).toBe(0);
    expect(c.text()).toMatch(/model \(lstm\)\s+[\d.]+\s+[\d.]+\s+[\d.]+\n  persistence/);
    expect(c.text()).toMatch(/seasonal naive\s+n\/a: give --season/);
    expect(c.text()).toMatch(/the model's RMSE is (not below|below every)/);
  });

  it('one-line errors for bad input, and nothing written', () => {
    const dir = tmp(), out = path.join(dir, 'never');
    const monthly = writeMonthlyCsv(dir);
    const counts = path.join(dir, 'counts.csv');
    fs.writeFileSync(counts, 'month,Count\n' + Array.from({ length: 60 }, (_, t) => `${t},${t === 10 ? 0 : 5 + (t % 4)}`).join('\n'));
    const run = (args: string[]) => asCommand(() => runForecast([...quick, '--out', out, ...args], capture().out)); // errors as the command line says them
    const file = path.join(dir, 'p.csv');
    fs.writeFileSync(file, 'date,price,volume\nd1,10,5\nd2,x,6\n');
    expect(run(['--data', path.join(dir, 'none.csv')])).toThrow(new ValueError(`forecast --data: no such file "${path.join(dir, 'none.csv')}"`));
    expect(run(['--data', file])).toThrow(`forecast --column: ${file} has 3 columns (date, price, volume); say which one to forecast`);
    expect(run(['--data', file, '--column', 'close'])).toThrow(`--column: no column "close" in ${file}; its columns are "date", "price", "volume"`);
    expect(run(['--data', file, '--column', 'price'])).toThrow(`${file} line 3: column "price" holds "x", which is not a number`);
    expect(run(['--look-back', '0'])).toThrow('forecast --look-back: expected at least 1 past value for the model to read, got 0');
    expect(run(['--data', monthly, '--look-back', '90'])).toThrow('the series has 144 values; the training part (the first 82) is too short for --look-back 90');
    expect(run(['--data', counts, '--log', 'yes'])).toThrow('Count: --log needs every value > 0');
    expect(fs.existsSync(out)).toBe(false);
  });
});
