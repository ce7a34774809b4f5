import * as fs from 'fs';
import * as path from 'path';
import { acf, isSeasonal, seasonalIndices, deseasonalize, reseasonalize } from '../../lib/forecast/seasonality';
import { fitSes, fitDampedHolt, dampedForecast, holtRun, minimizeInBox } from '../../lib/forecast/smoothing';
import { naive, seasonalNaive, naive2, ses, theta, dampedHolt, thetaLines, linearSlope, BASELINES } from '../../lib/forecast/baselines';
import { benchmarkAccuracy, maseScale, seriesSmape } from '../../lib/forecast/accuracy';

interface GoldenCase {
  name: string; m: number; h: number; x: number[]; acf: number[]; seasonal: boolean; indices: number[];
  ses: { alpha: number; level0: number; sse: number; forecast: number[] };
  damped: { alpha: number; beta: number; phi: number; level0: number; trend0: number; sse: number; forecast: number[] };
  theta: { alpha: number; b0: number; forecast: number[] };
}

/** Cases made by scripts/make-forecast-golden.py with statsmodels. */
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/forecast-golden.json'), 'utf8')) as { cases: GoldenCase[] };

const close = (a: readonly number[], b: readonly number[], tol: number) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]))));
};

describe('seasonality (statsmodels cases)', () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))('%s: acf, the 90 %% test, the classical multiplicative indices', (_, c) => {
    close(acf(c.x, c.m), c.acf, 1e-12);
    expect(isSeasonal(c.x, c.m)).toBe(c.seasonal);
    close(seasonalIndices(c.x, c.m), c.indices, 1e-12);
  });

  it('deseasonalises only what the test finds seasonal, and puts the season back by phase', () => {
    const x = Array.from({ length: 60 }, (_, t) => (100 + t) * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 12)));
    const d = deseasonalize(x, 12);
    expect(d.indices).not.toBeNull();
    const back = reseasonalize(d.adjusted.slice(48), { ...d }, 48);
    close(back, x.slice(48), 1e-12);
    expect(deseasonalize(Array.from({ length: 60 }, (_, t) => 100 + t), 12).indices).toBeNull(); // a line has no season
    expect(deseasonalize(x, 1).indices).toBeNull();
    expect(() => seasonalIndices([1, 2, 3], 12)).toThrow('seasonalIndices x: expected at least two seasons (24 values), got 3');
    expect(() => seasonalIndices([...x.slice(0, 30), -1], 12)).toThrow('seasonalIndices x[30]: multiplicative seasonality needs values > 0, got -1');
  });
});

describe('exponential smoothing (statsmodels cases)', () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))('%s: the recursions give statsmodels\' SSE and forecasts at its parameters; our fit is at least as good', (_, c) => {
    const s = holtRun(c.x, c.ses.alpha, 0, 1, c.ses.level0, 0);
    expect(Math.abs(s.sse - c.ses.sse)).toBeLessThanOrEqual(1e-9 * c.ses.sse);
    close(new Array(c.h).fill(s.level), c.ses.forecast, 1e-9);
    expect(fitSes(c.x).sse).toBeLessThanOrEqual(c.ses.sse * (1 + 1e-9));

    const d = c.damped;
    const r = holtRun(c.x, d.alpha, d.beta, d.phi, d.level0, d.trend0);
    expect(Math.abs(r.sse - d.sse)).toBeLessThanOrEqual(1e-9 * d.sse);
    close(dampedForecast({ ...d, level: r.level, trend: r.trend }, c.h), d.forecast, 1e-9);
    const mine = fitDampedHolt(c.x);
    expect(mine.sse).toBeLessThanOrEqual(d.sse * (1 + 1e-9));
    expect(mine.beta).toBeLessThanOrEqual(mine.alpha);
    expect(mine.phi).toBeGreaterThanOrEqual(0.8);
    expect(mine.phi).toBeLessThanOrEqual(0.995);
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s: Theta on the adjusted series equals statsmodels\' ThetaModel at its α', (_, c) => {
    const adjusted = c.x.map((v, t) => v / c.indices[t % c.m]);
    expect(Math.abs(linearSlope(adjusted) - c.theta.b0)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(c.theta.b0)));
    const f = reseasonalize(thetaLines(adjusted, c.h, c.theta.alpha), { adjusted, indices: c.indices, m: c.m }, c.x.length);
    close(f, c.theta.forecast, 1e-9);
    const ours = fitSes(adjusted, adjusted[0]), theirs = holtRun(adjusted, c.theta.alpha, 0, 1, adjusted[0], 0);
    expect(ours.sse).toBeLessThanOrEqual(theirs.sse * (1 + 1e-9));
  });

  it('SES with a known start fixes ℓ₋₁; the optimiser finds a quadratic\'s minimum inside the box and on its edge', () => {
    const x = [10, 12, 11, 13, 12, 14];
    expect(fitSes(x, 10).level0).toBe(10);
    const p = minimizeInBox((q) => (q[0] - 0.3) ** 2 + (q[1] - 0.7) ** 2, [0.5, 0.5]);
    expect(Math.abs(p[0] - 0.3) + Math.abs(p[1] - 0.7)).toBeLessThan(1e-4);
    const edge = minimizeInBox((q) => (q[0] - 1.5) ** 2 + (q[1] - 0.2) ** 2, [0.5, 0.5]);
    expect(1 - edge[0]).toBeLessThan(1e-9); // on the wall, which sin² reaches smoothly
    expect(Math.abs(edge[1] - 0.2)).toBeLessThan(1e-4);
    expect(() => fitSes([])).toThrow('fitSes x: expected at least 1 values, got 0');
    expect(() => fitDampedHolt([1, NaN, 3])).toThrow('fitDampedHolt x[1]: expected a finite number, got NaN');
  });
});

describe('the baselines', () => {
  const x = Array.from({ length: 48 }, (_, t) => (50 + 0.5 * t) * (1 + 0.2 * Math.cos((2 * Math.PI * t) / 12)));

  it('naive repeats the last value; seasonal naive the last season; Naive2 the last adjusted value, re-seasonalised', () => {
    expect(naive([1, 2, 3], 2, 1)).toEqual([3, 3]);
    expect(seasonalNaive([1, 2, 3, 4, 5], 5, 2)).toEqual([4, 5, 4, 5, 4]);
    const d = deseasonalize(x, 12);
    expect(d.indices).not.toBeNull();
    close(naive2(x, 13, 12), Array.from({ length: 13 }, (_, k) => d.adjusted[47] * d.indices![(48 + k) % 12]), 1e-12);
    close(naive2(x.map((_, t) => 10 + t), 3, 12), [57, 57, 57], 0); // no season: naive2 is naive
  });

  it('on a seasonal series with a trend, the trend-aware baselines beat the naive ones', () => {
    const future = Array.from({ length: 18 }, (_, k) => (50 + 0.5 * (48 + k)) * (1 + 0.2 * Math.cos((2 * Math.PI * (48 + k)) / 12)));
    const err = (f: number[]) => seriesSmape(future, f);
    expect(err(theta(x, 18, 12))).toBeLessThan(err(naive2(x, 18, 12)));
    expect(err(dampedHolt(x, 18, 12))).toBeLessThan(err(naive2(x, 18, 12)));
    expect(err(naive2(x, 18, 12))).toBeLessThan(err(naive(x, 18, 12)));
    expect(err(ses(x, 18, 12))).toBeLessThan(err(naive(x, 18, 12)));
  });

  it('every baseline refuses bad input by name', () => {
    for (const [name, f] of Object.entries(BASELINES)) {
      expect(() => f([], 3, 12)).toThrow(`${name} x: expected at least one value, got none`);
      expect(() => f([1, 2], 0, 12)).toThrow(`${name} h: expected an integer >= 1, got 0`);
      expect(() => f([1, Infinity], 2, 1)).toThrow(`${name} x[1]: expected a finite number, got Infinity`);
    }
  });
});

describe('accuracy over many series', () => {
  it('sMAPE per series then over series; MASE over the in-sample seasonal-naive error; by horizon', () => {
    const series = [
      { name: 'a', x: [1, 2, 3, 4, 5], y: [6, 7] },
      { name: 'b', x: [10, 10, 12, 12], y: [12, 14] },
    ];
    const forecasts = [[5, 7], [12, 12]];
    expect(maseScale(series[0].x, 2)).toBe(2);
    expect(maseScale(series[1].x, 2)).toBe(2);
    const a = benchmarkAccuracy(series, forecasts, 2, [[1, 1], [2, 2]]);
    const s1 = (200 * 1) / 11 / 2, s2 = (200 * 2) / 26 / 2;
    expect(a.smape).toBeCloseTo((s1 + s2) / 2, 12);
    expect(a.mase).toBeCloseTo((0.5 / 2 + 1 / 2) / 2, 12);
    expect(a.byHorizon[0]).toEqual({ from: 1, to: 1, smape: (200 / 11) / 2, mase: (1 / 2) / 2 });
    expect(a.byHorizon[1].smape).toBeCloseTo((200 * 2) / 26 / 2, 12);
    expect(() => benchmarkAccuracy(series, [[1]], 2)).toThrow('2 series but 1 forecasts');
    expect(() => benchmarkAccuracy([{ name: 'c', x: [3, 3, 3], y: [1] }], [[1]], 1)).toThrow('series c has a constant training part');
  });
});
