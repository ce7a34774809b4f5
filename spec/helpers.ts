/** Small helpers shared by the specs: seeded random tensors and conversions to plain arrays for mathjs. */
import { Mat, zeros, toNested } from '../lib/kernels/tensor';
import { Rng, fillNormal } from '../lib/kernels/random';
import { asCommandLine } from '../lib/cli/flags';

/** A new owned tensor with N(0, 1) entries from `rng`. */
export function randn(shape: number[], rng: Rng): Mat {
  const m = zeros(shape);
  fillNormal(m, rng);
  return m;
}

/** A 2-D tensor (any view) as number[][] for mathjs. */
export function toRows(m: Mat): number[][] {
  return toNested(m) as number[][];
}

/** max |a − b| over two equal-length nested arrays or tensors given as number[][]. */
export function maxAbsDiff(a: number[][] | number[], b: number[][] | number[]): number {
  const fa = (a as unknown[]).flat(2) as number[];
  const fb = (b as unknown[]).flat(2) as number[];
  if (fa.length !== fb.length) throw new Error(`maxAbsDiff: ${fa.length} vs ${fb.length} values`);
  let worst = 0;
  for (let k = 0; k < fa.length; k++) worst = Math.max(worst, Math.abs(fa[k] - fb[k]));
  return Number.isNaN(fa.concat(fb).reduce((s, v) => s + v, 0)) ? Infinity : worst;
}

/**
 * Runs `f` as a command would fail: a thrown error's message rewritten as the command line says it
 * (the API arguments a library message names become the flags that set them; lib/cli/flags.ts).
 */
export function asCommand(f: () => unknown): () => void {
  return () => {
    try {
      f();
    } catch (err) {
      const e = err as Error;
      const Same = e.constructor as new (message: string) => Error;
      throw new Same(asCommandLine(e.message));
    }
  };
}

/**
 * Expects the rate of every step of epoch e (`lrs[e]`) to be what ReduceLROnPlateau's rule gives from the
 * validation losses before it (mode min, relative threshold 1e-4, patience 0: the best so far must be
 * beaten by 0.01 %, else the rate is multiplied by `decay`), starting from `lr`. Returns how many drops.
 */
export function expectPlateauRates(lrs: readonly number[][], vals: readonly number[], lr: number, decay: number): number {
  let best = Infinity, expected = lr, drops = 0;
  for (let e = 0; e < vals.length; e++) {
    for (const r of lrs[e]) expect(r).toBe(expected); // halving is exact in binary
    if (vals[e] < best * (1 - 1e-4)) best = vals[e];
    else {
      expected *= decay;
      drops++;
    }
  }
  return drops;
}
