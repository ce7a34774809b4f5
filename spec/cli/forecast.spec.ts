import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValueError } from '../../lib/kernels/tensor';
import { runForecast } from '../../lib/cli/forecast';
import { runPredict } from '../../lib/cli/predict';

function capture(isTTY = false) {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY }, text: () => text };
}
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'forecast-'));
const quick = ['--epochs', '3', '--hidden', '4'];

describe('unrolled forecast', () => {
  it('runs on the bundled airline data by default; the last JSON line holds the test errors beside the baselines', () => {
    const out = path.join(tmp(), 'run'), c = capture();
    expect(runForecast([...quick, '--out', out, '--json'], c.out)).toBe(0);
    const last = JSON.parse(c.text().trim().split('\n').pop() as string);
    expect(last).toMatchObject({ task: 'forecast', column: 'Passengers', n: 144, season: 12, log: true, split: { testStart: 96 }, windows: { test: 48 } });
    for (const k of ['testRmse', 'testMae', 'testSmape', 'seconds']) expect(Number.isFinite(last[k])).toBe(true);
    expect(last.baselines.persistence.rmse).toBeCloseTo(48.041, 3); // the last 48 months
    expect(last.baselines.seasonalNaive.rmse).toBeCloseTo(41.854, 3);
    expect(last.baselines.mean.rmse).toBeCloseTo(214.341, 3);
    expect(fs.readFileSync(path.join(out, 'forecast.svg'), 'utf8')).toMatch(/^<svg[\s\S]*seasonal naive[\s\S]*<\/svg>$/);

    const p = capture();
    expect(runPredict(['--checkpoint', path.join(out, 'checkpoint.json'), '--json'], p.out)).toBe(0);
    const pred = JSON.parse(p.text());
    expect(pred).toMatchObject({ task: 'forecast', column: 'Passengers', after: '1960-12' });
    expect(pred.forecast).toHaveLength(1);
    expect(pred.forecast[0]).toBeGreaterThan(200);
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
    const run = (args: string[]) => () => runForecast([...quick, '--out', out, ...args], capture().out);
    const file = path.join(dir, 'p.csv');
    fs.writeFileSync(file, 'date,price,volume\nd1,10,5\nd2,x,6\n');
    expect(run(['--data', path.join(dir, 'none.csv')])).toThrow(new ValueError(`forecast --data: no such file "${path.join(dir, 'none.csv')}"`));
    expect(run(['--data', file])).toThrow(`forecast --column: ${file} has 3 columns (date, price, volume); say which one to forecast`);
    expect(run(['--data', file, '--column', 'close'])).toThrow(`--column: no column "close" in ${file}; its columns are "date", "price", "volume"`);
    expect(run(['--data', file, '--column', 'price'])).toThrow(`${file} line 3: column "price" holds "x", which is not a number`);
    expect(run(['--look-back', '0'])).toThrow('forecast --look-back: expected at least 1 past value for the model to read, got 0');
    expect(run(['--look-back', '90'])).toThrow('the series has 144 values; the training part (the first 82) is too short for --look-back 90');
    expect(run(['--data', 'data/monthly-sunspots.csv', '--log', 'yes'])).toThrow('Sunspots: --log needs every value > 0');
    expect(fs.existsSync(out)).toBe(false);
  });
});
