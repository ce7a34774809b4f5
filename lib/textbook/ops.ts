/**
 * The few tensor operations the textbook cells are written with, each a plain loop over (b, j) through
 * `get`/`set`, so that a reader can step through every one. Slow on purpose: the fast engine
 * (lib/kernels, lib/cells) does the same arithmetic with packed products and fused loops.
 *
 * Row-vector convention, as everywhere in the engine: a batch is [B,N], one row per sequence.
 */
import { Mat, zeros } from '../kernels/tensor';

/**
 * Where a cell reports what it computed, for the trace (lib/textbook/trace.ts): each tagged quantity by its
 * equation's tag and its name, right after the line that computes it. Null (the default) records nothing.
 */
export type Trace = ((tag: string, name: string, value: Mat) => void) | null;

/** Block k of width H of every row: a view of columns k·H … (k+1)·H − 1 of m [B,G·H] (no copy). */
export function block(m: Mat, k: number, H: number): Mat {
  return m.lo(0, k * H).hi(m.shape[0], H);
}

/** A new [B,N] tensor holding f(m) element by element. */
export function map(m: Mat, f: (v: number) => number): Mat {
  const [B, N] = m.shape;
  const out = zeros([B, N]);
  for (let b = 0; b < B; b++) for (let j = 0; j < N; j++) out.set(b, j, f(m.get(b, j)));
  return out;
}

/** A new [B,N] tensor holding f(a, b) of two [B,N] tensors, element by element. */
export function zip(a: Mat, b: Mat, f: (x: number, y: number) => number): Mat {
  const [B, N] = a.shape;
  const out = zeros([B, N]);
  for (let r = 0; r < B; r++) for (let j = 0; j < N; j++) out.set(r, j, f(a.get(r, j), b.get(r, j)));
  return out;
}

/** m += v on every row: m [B,N], v [N] (a bias). */
export function addToRows(m: Mat, v: Mat): void {
  const [B, N] = m.shape;
  for (let b = 0; b < B; b++) for (let j = 0; j < N; j++) m.set(b, j, m.get(b, j) + v.get(j));
}

/** m += d, element by element (both [B,N]). */
export function addInto(m: Mat, d: Mat): void {
  const [B, N] = m.shape;
  for (let b = 0; b < B; b++) for (let j = 0; j < N; j++) m.set(b, j, m.get(b, j) + d.get(b, j));
}

/** dv += Σ_b dm[b]: the gradient of a bias added to every row. */
export function addRowSums(dv: Mat, dm: Mat): void {
  const [B, N] = dm.shape;
  for (let j = 0; j < N; j++) {
    let s = 0;
    for (let b = 0; b < B; b++) s += dm.get(b, j);
    dv.set(j, dv.get(j) + s);
  }
}

/** Writes src [B,N] into dst [B,N] (dst may be a view, e.g. a gate block of a bigger tensor). */
export function write(dst: Mat, src: Mat): void {
  const [B, N] = src.shape;
  for (let b = 0; b < B; b++) for (let j = 0; j < N; j++) dst.set(b, j, src.get(b, j));
}
