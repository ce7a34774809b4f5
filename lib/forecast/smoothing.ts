/**
 * Exponential smoothing fitted by least squares: simple (SES) and Holt's linear trend with damping.
 *                                                                            docs: docs/forecasting.md
 *
 * One-step forecasts ŷ_t of x_0 … x_{n−1}; the parameters minimise SSE = Σ_t (x_t − ŷ_t)², as statsmodels
 * and the forecast package fit them. For fixed smoothing parameters every ŷ_t is linear in the initial
 * state (ℓ_{−1}, b_{−1}), so the SSE is a quadratic in it and its best value is solved exactly; only
 * the smoothing parameters are searched for (a grid, then Nelder–Mead inside their bounds).
 *
 *   SES           ŷ_t = ℓ_{t−1}                 ℓ_t = α·x_t + (1 − α)·ℓ_{t−1}                   α ∈ [0, 1]
 *   damped Holt   ŷ_t = ℓ_{t−1} + φ·b_{t−1}      ℓ_t = α·x_t + (1 − α)·(ℓ_{t−1} + φ·b_{t−1})
 *                                              b_t = β·(ℓ_t − ℓ_{t−1}) + (1 − β)·φ·b_{t−1}     0 ≤ β ≤ α ≤ 1, φ ∈ [0.8, 0.995]
 *   forecasts     SES: x̂_{n−1+k} = ℓ_{n−1};  damped: x̂_{n−1+k} = ℓ_{n−1} + (φ + φ² + … + φ^k)·b_{n−1}
 */
import { ValueError } from '../kernels/tensor';

export interface SesFit {
  alpha: number;
  level0: number; // ℓ_{−1}, the level before the first value
  level: number; // ℓ_{n−1}, the level the forecasts continue
  sse: number;
}

export interface DampedFit {
  alpha: number;
  beta: number;
  phi: number;
  level0: number;
  trend0: number;
  level: number;
  trend: number;
  sse: number;
}

function checkSeries(x: readonly number[], what: string, least: number): void {
  if (x.length < least) throw new ValueError(`${what} x: expected at least ${least} values, got ${x.length}`);
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ValueError(`${what} x[${bad}]: expected a finite number, got ${x[bad]}`);
}

/** Runs damped Holt (SES when beta = 0, phi = 1 and trend0 = 0) from (level0, trend0): the SSE and the last state. */
export function holtRun(x: readonly number[], alpha: number, beta: number, phi: number, level0: number, trend0: number): { sse: number; level: number; trend: number } {
  let l = level0, b = trend0, sse = 0;
  for (let t = 0; t < x.length; t++) {
    const yHat = l + phi * b;
    sse += (x[t] - yHat) ** 2;
    const lNew = alpha * x[t] + (1 - alpha) * yHat; // (FC-8)
    b = beta * (lNew - l) + (1 - beta) * phi * b; // (FC-10)
    l = lNew;
  }
  return { sse, level: l, trend: b };
}

/**
 * The initial state that minimises the SSE for fixed (α, β, φ): ŷ_t = c_t + p_t·ℓ_{−1} + q_t·b_{−1}, with
 * c, p, q the one-step forecasts of three runs of the (linear) recursion; then the 2×2 (or 1×1) normal equations.
 */
function bestStart(x: readonly number[], alpha: number, beta: number, phi: number, withTrend: boolean): [number, number] {
  const n = x.length;
  let pp = 0, pq = 0, qq = 0, pr = 0, qr = 0;
  let lc = 0, bc = 0, lp = 1, bp = 0, lq = 0, bq = 1;
  for (let t = 0; t < n; t++) {
    const c = lc + phi * bc, p = lp + phi * bp, q = lq + phi * bq;
    const r = x[t] - c;
    pp += p * p; pq += p * q; qq += q * q; pr += p * r; qr += q * r;
    const lcNew = alpha * x[t] + (1 - alpha) * c, lpNew = (1 - alpha) * p, lqNew = (1 - alpha) * q; // the recursion on each part
    bc = beta * (lcNew - lc) + (1 - beta) * phi * bc;
    bp = beta * (lpNew - lp) + (1 - beta) * phi * bp;
    bq = beta * (lqNew - lq) + (1 - beta) * phi * bq;
    lc = lcNew;
    lp = lpNew;
    lq = lqNew;
  }
  if (!withTrend) return [pp > 0 ? pr / pp : x[0], 0];
  const det = pp * qq - pq * pq;
  if (Math.abs(det) <= 1e-12 * pp * qq) return [pp > 0 ? pr / pp : x[0], 0];
  return [(qq * pr - pq * qr) / det, (pp * qr - pq * pr) / det];
}

/**
 * Minimises f over the box [0, 1]^d from `start`: Nelder–Mead on unbounded z with p = sin²(z), which
 * reaches the edges smoothly (clamping instead flattens the simplex against a wall). Deterministic.
 */
export function minimizeInBox(f: (p: number[]) => number, start: number[], iterations = 400): number[] {
  const toBox = (z: number[]) => z.map((v) => Math.sin(v) ** 2);
  const g = (z: number[]) => f(toBox(z));
  const d = start.length;
  const z0 = start.map((v) => Math.asin(Math.sqrt(Math.min(1, Math.max(0, v)))));
  let simplex = [z0, ...z0.map((_, i) => z0.map((v, j) => (j === i ? v + 0.25 : v)))];
  let values = simplex.map(g);
  for (let it = 0; it < iterations; it++) {
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
    simplex = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    if (values[d] - values[0] <= 1e-13 * (1e-300 + Math.abs(values[0])) && it > 0) break;
    const centroid = Array.from({ length: d }, (_, j) => simplex.slice(0, d).reduce((a, p) => a + p[j], 0) / d);
    const toward = (k: number) => centroid.map((c, j) => c + k * (simplex[d][j] - c));
    const reflected = toward(-1), fr = g(reflected);
    if (fr < values[0]) {
      const expanded = toward(-2), fe = g(expanded);
      [simplex[d], values[d]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[d - 1]) {
      [simplex[d], values[d]] = [reflected, fr];
    } else {
      const contracted = toward(fr < values[d] ? -0.5 : 0.5), fc = g(contracted);
      if (fc < Math.min(fr, values[d])) {
        [simplex[d], values[d]] = [contracted, fc];
      } else {
        simplex = simplex.map((p) => p.map((v, j) => simplex[0][j] + 0.5 * (v - simplex[0][j])));
        values = simplex.map(g);
      }
    }
  }
  return toBox(simplex[values.indexOf(Math.min(...values))]);
}

/** SES with α and ℓ_{−1} chosen by least squares; `level0` given fixes the start (Theta's ℓ_{−1} = x_0). */
export function fitSes(x: readonly number[], level0: number | null = null): SesFit {
  checkSeries(x, 'fitSes', 1);
  const run = (alpha: number) => {
    const l0 = level0 ?? bestStart(x, alpha, 0, 1, false)[0];
    return { l0, ...holtRun(x, alpha, 0, 1, l0, 0) };
  };
  let best = 0, bestSse = Infinity; // a grid first: the SSE in α can have more than one minimum
  for (let k = 0; k <= 20; k++) {
    const s = run(k / 20).sse;
    if (s < bestSse) [best, bestSse] = [k / 20, s];
  }
  let lo = Math.max(0, best - 0.05), hi = Math.min(1, best + 0.05); // then golden-section search around it
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 40; it++) {
    const a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    if (run(a).sse <= run(b).sse) hi = b;
    else lo = a;
  }
  const alpha = run((lo + hi) / 2).sse <= bestSse ? (lo + hi) / 2 : best; // (FC-9)
  const r = run(alpha);
  return { alpha, level0: r.l0, level: r.level, sse: r.sse };
}

/** Holt's damped trend with (α, β, φ) by least squares within 0 ≤ β ≤ α ≤ 1, 0.8 ≤ φ ≤ 0.995. */
export function fitDampedHolt(x: readonly number[]): DampedFit {
  checkSeries(x, 'fitDampedHolt', 3);
  const params = (p: number[]) => ({ alpha: p[0], beta: p[0] * p[1], phi: Math.min(0.995, 0.8 + 0.195 * p[2]) }); // β = α·u keeps β ≤ α
  const run = (p: number[]) => {
    const { alpha, beta, phi } = params(p);
    const [l0, b0] = bestStart(x, alpha, beta, phi, true);
    return { l0, b0, ...holtRun(x, alpha, beta, phi, l0, b0) };
  };
  const grid: { p: number[]; sse: number }[] = [];
  for (const a of [0.05, 0.2, 0.4, 0.6, 0.8, 1]) {
    for (const u of [0, 0.1, 0.4, 1]) {
      for (const v of [0, 0.5, 1]) grid.push({ p: [a, u, v], sse: run([a, u, v]).sse });
    }
  }
  grid.sort((a, b) => a.sse - b.sse);
  let p = grid[0].p, best = grid[0].sse;
  for (const g of grid.slice(0, 3)) { // the SSE surface can have several valleys: search from the three best points, then once more from the best found
    const q = minimizeInBox((z) => run(z).sse, g.p), s = run(q).sse;
    if (s < best) [p, best] = [q, s];
  }
  const again = minimizeInBox((z) => run(z).sse, p);
  if (run(again).sse < best) p = again; // (FC-9)
  const r = run(p);
  return { ...params(p), level0: r.l0, trend0: r.b0, level: r.level, trend: r.trend, sse: r.sse };
}

/** x̂_{n−1+k} = ℓ + (φ + … + φ^k)·b for k = 1 … h. */
export function dampedForecast(fit: DampedFit, h: number): number[] {
  let sum = 0, power = 1;
  return Array.from({ length: h }, () => {
    power *= fit.phi;
    sum += power;
    return fit.level + sum * fit.trend; // (FC-11)
  });
}
