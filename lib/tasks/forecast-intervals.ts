/**
 * Empirical prediction intervals for a single-series forecaster: the model's errors on the validation
 * part, step by step ahead, give the interval's ends; their coverage is then counted on the test part.
 *                                                                              docs: docs/use-cases.md
 *
 *   e_{t,k} = x_{t+k} − x̂_{t+k} over the validation origins t (values before the test part only)
 *   interval at level p for step k:  [x̂ + q_{(1−p)/2}(e_{·,k}),  x̂ + q_{(1+p)/2}(e_{·,k})]
 * A step with no validation error (the validation part is shorter than the horizon) takes the farthest
 * step that has some. Few validation points make rough quantiles: the coverage says how rough.
 */
import { ValueError } from '../kernels/tensor';
import { errorInterval } from '../forecast/accuracy';

export interface ForecastInterval {
  level: number; // 0.8, 0.95
  lower: number[]; // by step ahead, added to the forecast
  upper: number[];
  coverage: number; // the share of test values inside
}

/** Errors by step ahead: `actual[i]` and `forecast[i]` are the rows of origin i (rows may be cut short). */
export function errorsByStep(actual: readonly (readonly number[])[], forecast: readonly (readonly number[])[], h: number): number[][] {
  const out = Array.from({ length: h }, () => [] as number[]);
  actual.forEach((row, i) => row.forEach((a, k) => out[k].push(a - forecast[i][k])));
  return out;
}

/** Intervals at 80 % and 95 % from validation errors by step, and their coverage of the test points. */
export function forecastIntervals(validationErrors: number[][], testActual: readonly (readonly number[])[], testForecast: readonly (readonly number[])[]): ForecastInterval[] {
  let farthest = -1; // rows are cut from their far end, so the steps with errors are 0 … farthest
  validationErrors.forEach((e, k) => (farthest = e.length ? k : farthest));
  if (farthest < 0) throw new ValueError('forecastIntervals: no validation errors to calibrate on');
  const errors = validationErrors.map((e) => (e.length ? e : validationErrors[farthest]));
  return [0.8, 0.95].map((level) => {
    const ends = errors.map((e) => errorInterval(e, level));
    let inside = 0, count = 0;
    testActual.forEach((row, i) => row.forEach((a, k) => {
      const e = a - testForecast[i][k];
      count++;
      if (e >= ends[k][0] && e <= ends[k][1]) inside++;
    }));
    return { level, lower: ends.map((x) => x[0]), upper: ends.map((x) => x[1]), coverage: count ? inside / count : NaN };
  });
}
