import { Rng } from '../../lib/kernels/random';
import {
  fitScaler, scale, unscale, applyTransform, invertTransform, chronologicalSplit, windowOrigins,
} from '../../lib/data/series';

describe('scalers', () => {
  it('min-max maps the fitted part to [0, 1]; standard to mean 0, deviation 1; both invert exactly', () => {
    const fit = [3, 7, 5, 11];
    const mm = fitScaler('minmax', fit), st = fitScaler('standard', fit);
    expect(fit.map((v) => scale(mm, v))).toEqual([0, 0.5, 0.25, 1]);
    const z = fit.map((v) => scale(st, v));
    expect(z.reduce((a, v) => a + v, 0)).toBeCloseTo(0, 14);
    expect(z.reduce((a, v) => a + v * v, 0) / 4).toBeCloseTo(1, 14);
    for (const s of [mm, st]) for (const v of [-40, 3, 6.5, 1e3]) expect(unscale(s, scale(s, v))).toBeCloseTo(v, 11);
  });

  it('uses only the values it is fitted on (later, larger values map outside [0, 1])', () => {
    const s = fitScaler('minmax', [0, 10]);
    expect(scale(s, 20)).toBe(2);
  });

  it('gives a constant part scale 1 instead of dividing by zero', () => {
    expect(fitScaler('minmax', [4, 4])).toEqual({ kind: 'minmax', shift: 4, scale: 1 });
    expect(fitScaler('standard', [4, 4])).toEqual({ kind: 'standard', shift: 4, scale: 1 });
  });
});

describe('log and differencing', () => {
  const rng = new Rng(3);
  const x = Array.from({ length: 40 }, (_, t) => 100 * Math.exp(0.02 * t) * (1 + 0.2 * Math.sin((2 * Math.PI * t) / 12)) + rng.uniform());

  it.each([[false, 0], [false, 1], [true, 1], [true, 12], [false, 12]])('log %s, lag %i: the true future comes back exactly from the observed past', (log, lag) => {
    const d = applyTransform(x, { log, lag });
    expect(d.slice(0, lag).every(Number.isNaN)).toBe(true);
    for (const t of [lag + 2, 20, 30]) {
      const h = 5;
      const back = invertTransform(x.slice(0, t + 1), d.slice(t + 1, t + 1 + h), { log, lag });
      back.forEach((v, k) => expect(Math.abs(v - x[t + 1 + k])).toBeLessThanOrEqual(1e-12 * x[t + 1 + k]));
    }
  });

  it.each([[false, 1, 12], [true, 1, 12], [false, 0, 12], [true, 1, 4]])('log %s, lag %i then %i: the true future comes back exactly, over a horizon longer than the season', (log, lag, seasonalLag) => {
    const tr = { log, lag, seasonalLag };
    const d = applyTransform(x, tr);
    expect(d.slice(0, lag + seasonalLag).every(Number.isNaN)).toBe(true);
    const u = x.map((v) => (log ? Math.log(v) : v));
    const t0 = lag + seasonalLag + 3;
    expect(d[t0]).toBeCloseTo((u[t0] - (lag ? u[t0 - lag] : 0)) - (u[t0 - seasonalLag] - (lag ? u[t0 - lag - seasonalLag] : 0)), 12); // (SER-4)
    for (const t of [lag + seasonalLag + 1, 22]) {
      const back = invertTransform(x.slice(0, t + 1), d.slice(t + 1, t + 1 + 15), tr);
      back.forEach((v, k) => expect(Math.abs(v - x[t + 1 + k])).toBeLessThanOrEqual(1e-11 * x[t + 1 + k]));
    }
    expect(() => invertTransform(x.slice(0, lag + seasonalLag - 1), [0], tr)).toThrow(`invertTransform past: expected at least ${lag + seasonalLag} observed values (the lags)`);
  });

  it('builds a multi-step forecast on its own earlier steps when the lag is shorter than the horizon', () => {
    // lag 1: x̂_{t+k} = x_t + Σ d̂; a constant forecast difference of 2 from x_t = 10 gives 12, 14, 16
    expect(invertTransform([7, 10], [2, 2, 2], { log: false, lag: 1 })).toEqual([12, 14, 16]);
  });

  it('refuses log of a value that is not positive, and says which', () => {
    expect(() => applyTransform([3, 0, 2], { log: true, lag: 0 }, 'Sunspots')).toThrow('Sunspots: --log needs every value > 0, but value 2 is 0; leave out --log');
  });
});

describe('chronological split and windows', () => {
  it('keeps ⌊n·0.67⌋ values before the test part, as the usual tutorial split does', () => {
    expect(chronologicalSplit(144, 0.33, 0.15)).toEqual({ n: 144, valStart: 82, testStart: 96 });
    expect(chronologicalSplit(36, 0.33, 0)).toEqual({ n: 36, valStart: 24, testStart: 24 });
  });

  it('windows: targets inside the part, inputs inside the transformed series', () => {
    // lag 1 (first valid time 1), look-back 3, horizon 2, targets in [10, 14): origins 9, 10, 11
    expect(windowOrigins(1, 10, 14, 3, 2)).toEqual([9, 10, 11]);
    // the first part: inputs need times ≥ 1, so the first origin is 1 + 3 − 1 = 3
    expect(windowOrigins(1, 1, 8, 3, 1)[0]).toBe(3);
    expect(windowOrigins(0, 0, 3, 3, 1)).toEqual([]);
  });
});
