/**
 * Splitting labelled samples and weighing their classes: pure functions (no files), shared by the
 * classification, names and captioning tasks and the browser build.
 */
import { ValueError } from '../kernels/tensor';
import { Rng } from '../kernels/random';

/**
 * A seeded split that keeps each class's share: within every class, a shuffled `testFraction` of its
 * samples goes to test and `valFraction` to validation (rounded, at least one sample left for training).
 */
export function stratifiedSplit(labels: readonly number[], numClasses: number, testFraction: number, valFraction: number, seed: number): { train: number[]; validation: number[]; test: number[] } {
  if (!(testFraction > 0 && valFraction >= 0 && testFraction + valFraction < 1)) {
    throw new ValueError(`stratifiedSplit testFraction ${testFraction}, valFraction ${valFraction}: expected test > 0, validation >= 0 and together < 1`);
  }
  const rng = new Rng(seed);
  const out = { train: [] as number[], validation: [] as number[], test: [] as number[] };
  for (let c = 0; c < numClasses; c++) {
    const members = labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
    const order = rng.permutation(members.length).map((k) => members[k]);
    const nTest = Math.min(Math.round(members.length * testFraction), Math.max(0, members.length - 1));
    const nVal = Math.min(Math.round(members.length * valFraction), Math.max(0, members.length - 1 - nTest));
    out.test.push(...order.slice(0, nTest));
    out.validation.push(...order.slice(nTest, nTest + nVal));
    out.train.push(...order.slice(nTest + nVal));
  }
  for (const part of Object.values(out)) part.sort((a, b) => a - b);
  return out;
}

/** Per-class counts of `indices`. */
export function classCounts(labels: readonly number[], indices: readonly number[], numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const i of indices) counts[labels[i]]++;
  return counts;
}

/** Balanced class weights, n / (K · n_c) (scikit-learn's 'balanced'): every class then weighs the same in the loss. */
export function balancedClassWeights(counts: readonly number[]): number[] {
  const n = counts.reduce((a, c) => a + c, 0), K = counts.length;
  const missing = counts.findIndex((c) => c === 0);
  if (missing >= 0) throw new ValueError(`balancedClassWeights: class ${missing} has no training samples`);
  return counts.map((c) => n / (K * c));
}
