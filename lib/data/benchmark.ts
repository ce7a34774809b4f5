/**
 * Collections of series in the layout of the M-competitions' JSON (the `m3` data set): one object keyed
 * by series name, each with one-element lists `period`, `h` (and `n`, `type`, …) and the lists `x` (the
 * training part) and `xx` (the test part).                                       docs: docs/forecasting.md
 */
import { ValueError } from '../kernels/tensor';
import { BenchmarkSeries } from '../forecast/accuracy';
import { readText } from '../platform/files';

/** The season length of each period name (1: none). */
export const PERIOD_SEASON: Record<string, number> = { MONTHLY: 12, QUARTERLY: 4, YEARLY: 1, OTHER: 1, WEEKLY: 1, DAILY: 1, HOURLY: 24 };

export interface Benchmark {
  period: string;
  horizon: number;
  season: number;
  series: BenchmarkSeries[];
}

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

/**
 * The series of `period` in `json` (the parsed file), their test parts cut to `horizon` (default: the
 * file's h, which must then agree across the series). `what` names the file in errors.
 */
export function benchmarkFromJson(json: unknown, period: string, horizon: number | null, what: string): Benchmark {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ValueError(`${what}: expected an object of series keyed by name ({ "N1402": { x, xx, h, period } }), got ${Array.isArray(json) ? 'an array' : typeof json}`);
  const entries = Object.entries(json as Record<string, Record<string, unknown>>);
  const periods = new Map<string, number>();
  for (const [, s] of entries) periods.set(String(first(s?.period)), (periods.get(String(first(s?.period))) ?? 0) + 1);
  const chosen = entries.filter(([, s]) => String(first(s?.period)) === period).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (chosen.length === 0) throw new ValueError(`${what} --period: no series of period ${JSON.stringify(period)}; the file has ${[...periods].map(([p, c]) => `${p} (${c})`).join(', ')}`);
  const hs = new Set(chosen.map(([, s]) => Number(first(s.h))));
  let h = horizon;
  if (h === null) {
    if (hs.size !== 1 || !Number.isInteger([...hs][0]) || [...hs][0] < 1) throw new ValueError(`${what}: the ${period} series do not share one horizon h (${[...hs].join(', ')}); give --horizon`);
    h = [...hs][0];
  }
  const series = chosen.map(([name, s]): BenchmarkSeries => {
    const x = s.x, xx = s.xx;
    if (!Array.isArray(x) || !Array.isArray(xx)) throw new ValueError(`${what} series ${name}: expected the lists x (training part) and xx (test part)`);
    const bad = [...x, ...xx].findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) throw new ValueError(`${what} series ${name}: value ${bad} of x then xx is ${JSON.stringify([...x, ...xx][bad])}, expected a finite number`);
    if (xx.length < (h as number)) throw new ValueError(`${what} series ${name}: its test part has ${xx.length} values, fewer than the horizon ${h}`);
    return { name, x: x as number[], y: (xx as number[]).slice(0, h as number) };
  });
  return { period, horizon: h, season: PERIOD_SEASON[period] ?? 1, series };
}

/** Reads a collection file and takes the series of `period` (see benchmarkFromJson). */
export function readBenchmark(file: string, period: string, horizon: number | null = null): Benchmark {
  let json: unknown;
  try {
    json = JSON.parse(readText(file));
  } catch (err) {
    throw new ValueError(`readBenchmark file: ${file} could not be read as JSON: ${(err as Error).message}`);
  }
  return benchmarkFromJson(json, period, horizon, file);
}

/** Horizon ranges for the report: thirds of h (1–6, 7–12, 13–18 for h = 18); h < 3 gives one range. */
export function horizonRanges(h: number): [number, number][] {
  if (h < 3) return [[1, h]];
  const a = Math.round(h / 3), b = Math.round((2 * h) / 3);
  return [[1, a], [a + 1, b], [b + 1, h]];
}
