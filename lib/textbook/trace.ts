/**
 * The trace: every tagged quantity of a tiny network's forward and backward pass, step by step, with its
 * equation's tag, its shape, its values and the line of lib/textbook that computed it.   docs: docs/textbook.md
 *
 * The network is one layer of the chosen cell, input width I = 1, one sequence (B = 1), weights drawn as
 * PyTorch draws them (U(−1/√H, 1/√H)) from a seeded generator, h0 = 0 (c0 = 0), inputs x_t ~ N(0, 1) and
 * targets y_t ~ N(0, 1) from the same generator, and the loss
 *   L = Σ_t ℓ_t,   ℓ_t = ½ ‖h_t − y_t‖²,   so ∂ℓ_t/∂h_t = h_t − y_t
 * small enough to follow by hand (docs/bptt-by-hand.md), large enough to show every equation.
 */
import { Mat, zeros, clone, toFlat, ValueError } from '../kernels/tensor';
import { Rng, fillNormal } from '../kernels/random';
import { CellKind, CellParams, initCellParams, zeroCellParams, assertCellKind, cellTensors } from '../cells/cell-params';
import { bpttForward, bpttBackward, StepTrace } from './bptt';
import { readFirstExisting } from '../platform/files';

export interface TraceEntry {
  phase: 'forward' | 'backward';
  t: number; // the time step
  tag: string; // the equation, e.g. "LSTM-4'" 
  name: string; // the quantity, e.g. "dc_{t−1}"
  shape: number[];
  values: number[]; // row-major
  source: { file: string; line: number; text: string } | null; // the lines that computed it, `line` the last (null if the source is not at hand)
  equation: string | null; // the tagged equation as the file's header states it
}

export interface TraceOptions {
  cell: CellKind;
  steps: number; // T
  hidden: number; // H
  seed: number;
  /**
   * Values to use instead of the seeded draws (a page that lets its reader edit a number): x [T], y [T][H],
   * params in NAMES order, each row-major. Whatever is left out is drawn from the seed as usual.
   */
  given?: { x?: readonly number[]; y?: readonly (readonly number[])[]; params?: readonly (readonly number[])[] };
  /**
   * The text of lib/textbook/{rnn,lstm,gru,bptt}.ts by base name, for the source lines and equations. By
   * default they are read from beside this file; a browser page, which has no files, passes them.
   */
  sources?: Readonly<Record<string, string>>;
}

export interface Trace {
  options: TraceOptions;
  params: { name: string; shape: number[]; values: number[] }[]; // weight_ih_l0 … as PyTorch names them
  x: number[]; // x_t, t = 0 … T−1 (I = 1)
  y: number[][]; // y_t [H]
  loss: number;
  entries: TraceEntry[];
}

const NAMES = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'];

/** Runs the tiny network forward and backward through the textbook engine and records every tagged quantity. */
export function recordTrace(o: TraceOptions): Trace {
  assertCellKind(o.cell, 'recordTrace cell');
  for (const k of ['steps', 'hidden'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1 || o[k] > 16) throw new ValueError(`recordTrace ${k}: expected an integer in [1, 16] (a trace is for reading), got ${o[k]}`);
  }
  const { cell, steps: T, hidden: H } = o;
  const rng = new Rng(o.seed);
  const p: CellParams = initCellParams(cell, 1, H, true, rng);
  const g: CellParams = zeroCellParams(cell, 1, H, true);
  const xs = zeros([T, 1, 1]), ys = zeros([T, 1, H]);
  fillNormal(xs, rng);
  fillNormal(ys, rng);
  useGiven(o, p, xs, ys);
  const lines = (base: string) => (o.sources ? o.sources[base]?.split('\n') ?? null : linesBeside(base));
  const entries: TraceEntry[] = [];
  const record: StepTrace = (phase, t, tag, name, value) => {
    entries.push({ phase, t, tag, name, shape: value.shape.slice(), values: Array.from(toFlat(clone(value))), source: sourceOf(lines, tag, name), equation: equationOf(lines, tag) });
  };
  const run = bpttForward(cell, p, xs, zeros([1, H]), cell === 'lstm' ? zeros([1, H]) : null, false, null, record);
  // ℓ_t = ½‖h_t − y_t‖²: its gradient at h_t is h_t − y_t, what the loss puts there at step t.
  const dhs = zeros([T, 1, H]);
  let loss = 0;
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < H; j++) {
      const e = run.states[t].h.get(0, j) - ys.get(t, 0, j);
      loss += 0.5 * e * e;
      dhs.set(t, 0, j, e);
    }
  }
  bpttBackward(p, g, run, dhs, null, null, 1, record);
  return {
    options: { ...o },
    params: cellTensors(p).map((m: Mat, k) => ({ name: NAMES[k], shape: m.shape.slice(), values: Array.from(toFlat(m)) })),
    x: Array.from(toFlat(xs)), y: Array.from({ length: T }, (_, t) => Array.from({ length: H }, (_, j) => ys.get(t, 0, j))),
    loss, entries,
  };
}

/** Writes `o.given` over the seeded draws, each checked against its shape. */
function useGiven(o: TraceOptions, p: CellParams, xs: Mat, ys: Mat): void {
  const g = o.given;
  if (!g) return;
  const T = o.steps;
  const fill = (m: Mat, values: readonly number[], what: string) => {
    const n = m.shape.reduce((a, b) => a * b, 1);
    if (values.length !== n) throw new ValueError(`recordTrace given.${what}: expected ${n} numbers, got ${values.length}`);
    values.forEach((v, k) => {
      if (!Number.isFinite(v)) throw new ValueError(`recordTrace given.${what}[${k}]: expected a finite number, got ${v}`);
      m.data[m.offset + k] = v; // every tensor here is fresh and contiguous
    });
  };
  if (g.x) fill(xs, g.x, 'x');
  if (g.y) {
    if (g.y.length !== T) throw new ValueError(`recordTrace given.y: expected ${T} rows (one per step), got ${g.y.length}`);
    g.y.forEach((row, t) => fill(ys.pick(t), row, `y[${t}]`));
  }
  if (g.params) {
    const tensors = cellTensors(p);
    if (g.params.length !== tensors.length) throw new ValueError(`recordTrace given.params: expected ${tensors.length} tensors (${NAMES.join(', ')}), got ${g.params.length}`);
    tensors.forEach((m, k) => fill(m, g.params![k], NAMES[k]));
  }
}

/** The file of lib/textbook that computes a tag's quantities. */
function fileOf(tag: string): string {
  const prefix = tag.split('-')[0];
  return { RNN: 'rnn', LSTM: 'lstm', GRU: 'gru', BPTT: 'bptt' }[prefix] ?? 'bptt';
}

type Lines = (base: string) => string[] | null;
const sources = new Map<string, string[] | null>();

/** The lines of lib/textbook/`base` beside this file (the .ts source, or the compiled .js of an installed package). */
function linesBeside(base: string): string[] | null {
  if (!sources.has(base)) {
    const here = typeof __dirname === 'string' ? __dirname : null; // a browser bundle has no __dirname
    const text = here === null ? null : readFirstExisting(['.ts', '.js'].map((ext) => `${here}/${base}${ext}`));
    sources.set(base, text === null ? null : text.split('\n'));
  }
  return sources.get(base) ?? null;
}

/** The equation tagged `tag` in its file's header comment: " *   (LSTM-4)  c_t = …" gives "c_t = …". */
function equationOf(linesOf: Lines, tag: string): string | null {
  const lines = linesOf(fileOf(tag));
  const line = lines?.find((l) => l.trimStart().startsWith('*') && l.includes(`(${tag})`));
  return line ? line.slice(line.indexOf(`(${tag})`) + tag.length + 2).trim().replace(/\s{8,}.*$/, '').replace(/\s{3,}/g, '   ') : null; // commentary after a long gap dropped
}

/** The line that computed (tag, name): the one right above its `trace?.(…)` call (or `atStep?.(…)` in bptt.ts). */
function sourceOf(linesOf: Lines, tag: string, name: string): TraceEntry['source'] {
  const base = fileOf(tag);
  const lines = linesOf(base);
  if (!lines) return null;
  const call = lines.findIndex((l) => /(trace|atStep)\?\.\(/.test(l) && l.includes(`'${name}'`) && (l.includes(`'${tag}'`) || l.includes(`"${tag}"`)));
  if (call <= 0) return null;
  // The block that computed it: up from the line above the call to the last reported quantity, a blank
  // line or the head of the function or loop.
  const isTrace = (l: string) => /(trace|atStep)\?\.\(/.test(l);
  let from = call - 1;
  while (from > 0 && !isTrace(lines[from - 1]) && lines[from - 1].trim() !== '' && !lines[from - 1].trimEnd().endsWith('{')) from--;
  const text = lines.slice(from, call).map((l) => l.trimEnd()).join('\n');
  const indent = Math.min(...lines.slice(from, call).map((l) => l.length - l.trimStart().length));
  // `call` is 0-based, so the line right above it is line `call` (1-based): the one that finished the quantity.
  return { file: `lib/textbook/${base}.ts`, line: call, text: text.split('\n').map((l) => l.slice(indent)).join('\n') };
}
