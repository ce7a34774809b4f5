/**
 * The adding problem (Hochreiter & Schmidhuber, 1997), a test of long-range memory.   docs: docs/training/training.md
 *
 * Each sequence has T steps of two features: a value drawn from U(0, 1), and a marker that is 1 at exactly
 * two steps, one in each half of the sequence, and 0 elsewhere. The target, read at the last step, is the
 * sum of the two marked values. Always answering 1 (the mean of the target) scores MSE = 1/6 ≈ 0.167, so a
 * model only beats that by carrying the first marked value across at least T/2 steps.
 */
import { zeros, ValueError } from '../kernels/tensor';
import { Rng } from '../kernels/random';
import { Dataset } from '../training/trainer';
import { Objective, Batch } from '../models/objectives';

export const ADDING_BASELINE_MSE = 1 / 6;

export interface AddingTaskOptions {
  seqLen: number; // T
  trainSize: number;
  valSize: number;
  dataSeed: number;
}

/** A fixed set of `n` adding-problem sequences drawn from `rng`. */
export class AddingProblem implements Dataset {
  readonly size: number;
  readonly seqLen: number;
  private readonly inputs: Float64Array; // [n, T, 2]
  private readonly targets: Float64Array; // [n]

  constructor(n: number, seqLen: number, rng: Rng) {
    if (!Number.isInteger(seqLen) || seqLen < 2) throw new ValueError(`AddingProblem seqLen: expected an integer >= 2, got ${seqLen}`);
    if (!Number.isInteger(n) || n < 1) throw new ValueError(`AddingProblem size: expected an integer >= 1, got ${n}`);
    this.size = n;
    this.seqLen = seqLen;
    this.inputs = new Float64Array(n * seqLen * 2);
    this.targets = new Float64Array(n);
    const half = Math.floor(seqLen / 2);
    for (let s = 0; s < n; s++) {
      const first = rng.int(half), second = half + rng.int(seqLen - half); // one mark in each half
      for (let t = 0; t < seqLen; t++) {
        const at = (s * seqLen + t) * 2;
        this.inputs[at] = rng.uniform();
        this.inputs[at + 1] = t === first || t === second ? 1 : 0;
      }
      this.targets[s] = this.inputs[(s * seqLen + first) * 2] + this.inputs[(s * seqLen + second) * 2];
    }
  }

  /** x [T,B,2] and the many-to-one MSE objective with target [B,1]. */
  batch(indices: readonly number[]): { batch: Batch; objective: Objective } {
    const T = this.seqLen, B = indices.length;
    const x = zeros([T, B, 2]);
    const target = zeros([B, 1]);
    indices.forEach((s, b) => {
      if (!(s >= 0 && s < this.size)) throw new ValueError(`AddingProblem.batch: sample index ${s} is outside [0, ${this.size})`);
      for (let t = 0; t < T; t++) {
        x.set(t, b, 0, this.inputs[(s * T + t) * 2]);
        x.set(t, b, 1, this.inputs[(s * T + t) * 2 + 1]);
      }
      target.set(b, 0, this.targets[s]);
    });
    return { batch: { x }, objective: { type: 'mse_last', target } };
  }

  /** The targets, for baselines. */
  targetValues(): Float64Array {
    return this.targets.slice();
  }
}

/** The training and validation sets of the task, both drawn from `dataSeed` (so a checkpoint can rebuild them). */
export function addingDatasets(o: AddingTaskOptions): { train: AddingProblem; validation: AddingProblem } {
  const rng = new Rng(o.dataSeed);
  return { train: new AddingProblem(o.trainSize, o.seqLen, rng), validation: new AddingProblem(o.valSize, o.seqLen, rng) };
}
