/**
 * Views of a Dataset: a subset of its samples, and a seeded split into training and validation parts.
 */
import { ValueError } from '../kernels/tensor';
import { Rng } from '../kernels/random';
import { Dataset } from './learner';

/** The samples `indices` of `d`, renumbered 0 … indices.length − 1 (no copy of the data). */
export function subset<B>(d: Dataset<B>, indices: readonly number[]): Dataset<B> {
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= d.size) throw new ValueError(`subset: sample index ${i} is outside [0, ${d.size})`);
  }
  const map = indices.slice();
  const lengthOf = d.lengthOf?.bind(d);
  return { size: map.length, batch: (idx, rng) => d.batch(idx.map((i) => map[i]), rng), ...(lengthOf ? { lengthOf: (i: number) => lengthOf(map[i]) } : {}) };
}

/** A seeded random split: `valFraction` of the samples (at least one) for validation, the rest for training. */
export function randomSplit<B>(d: Dataset<B>, valFraction: number, seed: number): { train: Dataset<B>; validation: Dataset<B> } {
  if (!(valFraction > 0 && valFraction < 1)) throw new ValueError(`randomSplit valFraction: expected a number in (0, 1), got ${valFraction}`);
  if (d.size < 2) throw new ValueError(`randomSplit: need at least 2 samples to split, got ${d.size}`);
  const order = new Rng(seed).permutation(d.size);
  const nVal = Math.min(d.size - 1, Math.max(1, Math.round(valFraction * d.size)));
  return { train: subset(d, order.slice(nVal)), validation: subset(d, order.slice(0, nVal)) };
}
