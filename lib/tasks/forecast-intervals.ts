/**
 * Empirical prediction intervals for a single-series forecaster: the model's errors on the validation
 * part, step by step ahead, give the interval's ends; their coverage is then counted on the test part.
 *                                                                              docs: docs/use-cases.md
 *
 *   e_{t,k} = x_{t+k} − x̂_{t+k} over the validation origins t (values before the test part only)
 *   interval at level p for step k:  [x̂ + q_{(1−p)/2}(e_{·,k}),  x̂ + q_{(1+p)/2}(e_{·,k})]
 * For a model of the logs, relative errors: e = ln x − ln x̂ and [x̂·exp(q_lo), x̂·exp(q_hi)], so the interval
 * grows with the level (a series that grows past its validation part keeps its relative uncertainty);
 * pairs with a value ≤ 0 are left out there, as their log ratio does not exist.
 * A step with no validation error (the validation part is shorter than the horizon) takes the farthest
 * step that has some. Few validation points make rough quantiles: the coverage says how rough.
 */
import { ValueError } from '../kernels/tensor';
import { errorInterval } from '../forecast/accuracy';

export interface ForecastInterval {
  level: number; // 0.8, 0.95
  relative: boolean; // lower and upper are log ratios (x̂·exp) rather than differences (x̂ +)
  lower: number[]; // by step ahead
  upper: number[];
  coverage: number; // the share of test values inside
}

const error = (a: number, f: number, relative: boolean) => (relative ? Math.log(a / f) : a - f);
const measurable = (a: number, f: number, relative: boolean) => !relative || (a > 0 && f > 0); // a log ratio needs both > 0

/** Errors by step ahead: `actual[i]` and `forecast[i]` are the rows of origin i (rows may be cut short). */
export function errorsByStep(actual: readonly (readonly number[])[], forecast: readonly (readonly number[])[], h: number, relative = false): number[][] {
  const out = Array.from({ length: h }, () => [] as number[]);
  actual.forEach((row, i) => row.forEach((a, k) => {
    if (measurable(a, forecast[i][k], relative)) out[k].push(error(a, forecast[i][k], relative));
  }));
  return out;
}

/** Intervals at 80 % and 95 % from validation errors by step, and their coverage of the test points. */
export function forecastIntervals(validationErrors: number[][], testActual: readonly (readonly number[])[], testForecast: readonly (readonly number[])[], relative = false): ForecastInterval[] {
  let farthest = -1; // rows are cut from their far end, so the steps with errors are 0 … farthest
  validationErrors.forEach((e, k) => (farthest = e.length ? k : farthest));
  if (farthest < 0) throw new ValueError('forecastIntervals: no validation errors to calibrate on');
  const errors = validationErrors.map((e) => (e.length ? e : validationErrors[farthest]));
  return [0.8, 0.95].map((level) => {
    const ends = errors.map((e) => errorInterval(e, level));
    let inside = 0, count = 0;
    testActual.forEach((row, i) => row.forEach((a, k) => {
      if (!measurable(a, testForecast[i][k], relative)) return;
      const e = error(a, testForecast[i][k], relative);
      count++;
      if (e >= ends[k][0] && e <= ends[k][1]) inside++;
    }));
    return { level, relative, lower: ends.map((x) => x[0]), upper: ends.map((x) => x[1]), coverage: count ? inside / count : NaN };
  });
}
