import { ValueError } from '../../lib/kernels/tensor';
import { trainForecaster, forecastNext } from '../../lib/tasks/forecast';
import { candidateRecipes, chooseRecipe } from '../../lib/tasks/forecast-recipe';
import { errorsByStep, forecastIntervals } from '../../lib/tasks/forecast-intervals';
import { errorMetrics } from '../../lib/tasks/metrics';
import { asCommandLine } from '../../lib/cli/flags';

// A monthly-like series: trend, a season of 6, and a little deterministic wobble.
const series = Array.from({ length: 90 }, (_, t) => 50 + 0.8 * t + 10 * Math.sin((2 * Math.PI * t) / 6) + 2 * Math.sin(0.7 * t * t));
const quick = { epochs: 60, hidden: 12, batchSize: 8, lr: 0.01, patience: 15, seed: 3 };

describe('trainForecaster', () => {
  const r = trainForecaster(series, { ...quick, lookBack: 6, season: 6, difference: 1 }, 'sales');

  it('measures the baselines on exactly the test points, by their definitions', () => {
    const { testStart } = r.split;
    expect(r.test.origins[0]).toBe(testStart - 1);
    expect(r.test.actual.map((row) => row[0])).toEqual(series.slice(testStart));
    const persistence = series.slice(testStart).map((_, i) => [series[testStart + i - 1]]);
    const seasonal = series.slice(testStart).map((_, i) => [series[testStart + i - 6]]);
    const mean = series.slice(0, testStart).reduce((a, v) => a + v, 0) / testStart;
    expect(r.metrics.persistence).toEqual(errorMetrics(r.test.actual, persistence));
    expect(r.metrics.seasonalNaive).toEqual(errorMetrics(r.test.actual, seasonal));
    expect(r.metrics.mean.rmse).toBeCloseTo(errorMetrics(r.test.actual, r.test.actual.map(() => [mean])).rmse, 10);
  });

  it('learns the season: its test RMSE is below both persistence and seasonal naive', () => {
    expect(r.metrics.model.rmse).toBeLessThan(r.metrics.persistence.rmse);
    expect(r.metrics.model.rmse).toBeLessThan((r.metrics.seasonalNaive as { rmse: number }).rmse);
  });

  it('the saved task forecasts what the model forecast on the test part, from the same past', () => {
    const t = r.test.origins[5];
    const again = forecastNext(r.model, r.task, series.slice(0, t + 1));
    expect(again[0]).toBeCloseTo(r.test.model[5][0], 10);
    expect(r.task.tail).toEqual(series.slice(series.length - 7));
  });

  it('is repeatable under a seed', () => {
    const again = trainForecaster(series, { ...quick, lookBack: 6, season: 6, difference: 1, epochs: 3 }, 'sales');
    const twice = trainForecaster(series, { ...quick, lookBack: 6, season: 6, difference: 1, epochs: 3 }, 'sales');
    expect(again.test.model).toEqual(twice.test.model);
  });

  it('forecasts several steps at once with a direct head, and checks every step', () => {
    const h = trainForecaster(series, { ...quick, epochs: 5, lookBack: 6, horizon: 3, season: 6 });
    expect(h.test.model[0]).toHaveLength(3);
    expect(h.metrics.model.n).toBe(3 * h.test.origins.length);
    expect(h.test.origins[h.test.origins.length - 1]).toBe(series.length - 4);
  });
});

describe('recursive multi-step forecasts', () => {
  const r = trainForecaster(series, { ...quick, epochs: 8, lookBack: 6, horizon: 3, season: 6, strategy: 'recursive', log: true });

  it('train a one-step model and feed its forecasts back: step k+1 is the forecast after appending step k', () => {
    expect(r.model.head?.outFeatures).toBe(1);
    expect(r.task.strategy).toBe('recursive');
    const i = 4, t = r.test.origins[i];
    const [x1, x2, x3] = r.test.model[i];
    const past = series.slice(0, t + 1);
    expect(forecastNext(r.model, r.task, past)).toEqual([x1, x2, x3]);
    const again = forecastNext(r.model, r.task, [...past, x1]);
    expect(again[0]).toBeCloseTo(x2, 9);
    expect(forecastNext(r.model, r.task, [...past, x1, x2])[0]).toBeCloseTo(x3, 9);
  });

  it('score every step ahead of every test origin, as the direct head does', () => {
    expect(r.metrics.model.n).toBe(3 * r.test.origins.length);
    expect(r.windows.train).toBeGreaterThan(trainForecaster(series, { ...quick, epochs: 1, lookBack: 6, horizon: 3 }).windows.train);
  });
});

describe('trainForecaster: input that cannot work says what to change', () => {
  it('a look-back too long for the training part, a look-back of 0, a test part shorter than the horizon', () => {
    const short = series.slice(0, 36);
    expect(() => trainForecaster(short, { lookBack: 24 })).toThrow(new ValueError('the series has 36 values; the training part (the first 20) is too short for lookBack 24 + difference 1 + horizon 1 (it holds 0 window(s)); lower lookBack or testFraction'));
    // the same message as the command line says it: the arguments named by the flags that set them
    expect(asCommandLine('the series has 36 values; the training part (the first 20) is too short for lookBack 24 + difference 1 + horizon 1 (it holds 0 window(s)); lower lookBack or testFraction'))
      .toBe('the series has 36 values; the training part (the first 20) is too short for --look-back 24 + --difference 1 + --horizon 1 (it holds 0 window(s)); lower --look-back or --test-fraction');
    expect(() => trainForecaster(short, { lookBack: 0 })).toThrow('trainForecaster lookBack: expected an integer >= 1 (the input window), got 0');
    expect(() => trainForecaster(short, { lookBack: 3, horizon: 13, valFraction: 0 })).toThrow('the test part (the last 12) is shorter than horizon 13; raise testFraction');
    expect(() => trainForecaster([1, 2, NaN, 4], { lookBack: 1 })).toThrow('trainForecaster values[2]: expected a finite number, got NaN');
  });
});

describe('trainForecaster with exogenous features', () => {
  // y_{t+1} = 10 + 3·f_t + noise, f white noise: the target's own history says nothing of its next value; f does
  const rng = { s: 7, next() { this.s = (this.s * 16807) % 2147483647; return this.s / 2147483647; } };
  const f = Array.from({ length: 240 }, () => Math.sqrt(-2 * Math.log(rng.next())) * Math.cos(2 * Math.PI * rng.next()));
  const y = f.map((_, t) => 10 + (t > 0 ? 3 * f[t - 1] : 0) + 0.1 * (rng.next() - 0.5));
  const o = { epochs: 40, hidden: 8, batchSize: 16, lr: 0.01, patience: 40, seed: 2, lookBack: 3, difference: 0 };

  it('reads the feature beside the history, and its error falls far below the model without it', () => {
    const without = trainForecaster(y, o);
    const withF = trainForecaster(y, { ...o, features: [{ name: 'promo', values: f }] });
    expect(withF.model.rnn.config.inputSize).toBe(2);
    expect(withF.metrics.model.rmse).toBeLessThan(0.3 * without.metrics.model.rmse);
    expect(withF.task.features?.map((x) => [x.name, x.tail.length])).toEqual([['promo', 3]]);
    // the next value, from the checkpoint's own tails, and from given ones
    const i = 5, t = withF.test.origins[i];
    expect(forecastNext(withF.model, withF.task, y.slice(0, t + 1), [f.slice(0, t + 1)])[0]).toBeCloseTo(withF.test.model[i][0], 9);
    expect(forecastNext(withF.model, withF.task, y)).toEqual(forecastNext(withF.model, withF.task, y, [f]));
    expect(() => forecastNext(withF.model, withF.task, y, [])).toThrow('forecast: the model reads 1 feature column(s) (promo), got 0');
  });

  it('refuses features of another length, with gaps, or with the recursive strategy', () => {
    expect(() => trainForecaster(y, { ...o, features: [{ name: 'p', values: f.slice(1) }] })).toThrow('trainForecaster features: column "p" has 239 values, the series 240');
    expect(() => trainForecaster(y, { ...o, features: [{ name: 'p', values: [NaN, ...f.slice(1)] }] })).toThrow('trainForecaster features: column "p" value 0 is NaN, expected a finite number');
    expect(() => trainForecaster(y, { ...o, horizon: 2, strategy: 'recursive', features: [{ name: 'p', values: f }] })).toThrow('a recursive forecast would need the features\' future values');
  });
});

describe('choosing a recipe on the validation part', () => {
  it('candidates: logs only for positive series, differences 0, 1 and S, look-backs L and S; given parts stay fixed', () => {
    expect(candidateRecipes([1, 2, 3], 4, 6)).toHaveLength(2 * 4 * 2); // differences: none, 1, S, 1 then S
    expect(candidateRecipes([1, -2, 3], null, 6)).toEqual([{ log: false, difference: 0, seasonalDifference: 0, lookBack: 6 }, { log: false, difference: 1, seasonalDifference: 0, lookBack: 6 }]);
    expect(candidateRecipes([1, 2, 3], 12, 12, { log: true, difference: 12 })).toEqual([{ log: true, difference: 12, seasonalDifference: 0, lookBack: 12 }]);
    expect(candidateRecipes([1, 2, 3], 12, 12, { log: true }).map((r) => [r.difference, r.seasonalDifference])).toEqual([[0, 0], [1, 0], [12, 0], [1, 12]]);
  });

  it('keeps the lowest validation RMSE, and reports a recipe that does not fit instead of failing', () => {
    const candidates = [{ log: false, difference: 1, seasonalDifference: 0, lookBack: 6 }, { log: false, difference: 1, seasonalDifference: 6, lookBack: 6 }, { log: false, difference: 1, seasonalDifference: 0, lookBack: 80 }];
    const c = chooseRecipe(series, { ...quick, epochs: 10, season: 6 }, candidates, 'sales');
    expect(c.trials[2].validationRmse).toBeNull();
    expect(c.trials[2].problem).toMatch(/too short for lookBack 80/);
    const scored = c.trials.filter((t) => t.validationRmse !== null).map((t) => t.validationRmse as number);
    expect(c.best.validation?.rmse).toBe(Math.min(...scored));
    expect(c.recipe).toEqual(c.trials[scored.indexOf(Math.min(...scored))].recipe);
    expect(() => chooseRecipe(series, { ...quick, valFraction: 0 }, candidates)).toThrow('it needs valFraction > 0');
  });
});

describe('prediction intervals from the validation errors', () => {
  it('quantiles of the errors by step; a step the validation part does not reach takes the farthest one; coverage counted', () => {
    const errors = errorsByStep([[1, 2], [3]], [[0, 0], [1]], 3);
    expect(errors).toEqual([[1, 2], [2], []]);
    const [i80] = forecastIntervals([[0, 1, 2, 3, 4], [10, 20], []], [[2, 100, 5], [9, 0, 19]], [[0, 85, 0], [0, 0, 0]]);
    [0.4, 11, 11].forEach((v, k) => expect(i80.lower[k]).toBeCloseTo(v, 12));
    expect(i80.upper[0]).toBeCloseTo(3.6, 12);
    expect(i80.upper[2]).toBe(19);
    // test errors: step 0: 2 (in), 9 (out); step 1: 15 (in), 0 (out); step 2: 5 (out), 19 (in)
    expect(i80.coverage).toBe(3 / 6);
    expect(() => forecastIntervals([[], []], [], [])).toThrow('no validation errors to calibrate on');
    const [rel] = forecastIntervals(errorsByStep([[110], [90]], [[100], [100]], 1, true), [[105]], [[100]], true); // relative: ln(x/x̂)
    expect([rel.relative, rel.lower[0], rel.upper[0]]).toEqual([true, Math.log(0.9) + 0.1 * (Math.log(1.1) - Math.log(0.9)), Math.log(0.9) + 0.9 * (Math.log(1.1) - Math.log(0.9))]);
    expect(rel.coverage).toBe(1);
  });

  it('a trained forecaster reports 80 % and 95 % intervals, nested, with their coverage of the test part', () => {
    const r = trainForecaster(series, { ...quick, epochs: 20, lookBack: 6, horizon: 3, season: 6 });
    const [i80, i95] = r.intervals!;
    expect([i80.level, i95.level]).toEqual([0.8, 0.95]);
    for (let k = 0; k < 3; k++) expect(i95.lower[k] <= i80.lower[k] && i80.upper[k] <= i95.upper[k]).toBe(true);
    let inside = 0;
    expect(i80.relative).toBe(false); // no logs in this recipe: errors are differences
    r.test.actual.forEach((row, i) => row.forEach((a, k) => (inside += a - r.test.model[i][k] >= i80.lower[k] && a - r.test.model[i][k] <= i80.upper[k] ? 1 : 0)));
    expect(i80.coverage).toBe(inside / (3 * r.test.origins.length));
  });
});
