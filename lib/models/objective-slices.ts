/**
 * What an objective (objectives.ts) says about the rows of its batch, for code that splits a batch over
 * threads (lib/training/parallel.ts): which rows of each of its tensors belong to batch items b0 … b1−1,
 * and how many terms its mean is over, so that slice losses and gradients can be weighted back into the
 * whole batch's. The objectives know their own layout; nothing else re-derives it.
 */
import { Mat, zeros, toFlat } from '../kernels/tensor';
import { IGNORE_INDEX } from '../layers/losses';
import { Batch, Objective } from './objectives';

/** Batch items b0 … b1−1 of a tensor whose batch axis is `axis`, as an owned copy. */
function rowsOf(m: Mat, axis: number, b0: number, b1: number): Mat {
  const lo = m.shape.map((_, k) => (k === axis ? b0 : 0));
  const hi = m.shape.map((n, k) => (k === axis ? b1 : n));
  const view = m.hi(...hi).lo(...lo);
  const out = zeros(view.shape);
  out.data.set(toFlat(view));
  return out;
}

/** Batch items b0 … b1−1 of a batch: x [T,B,I], h0 and c0 [L·D,B,H] along axis 1, and their lengths. */
export function sliceBatch(batch: Batch, b0: number, b1: number): Batch {
  return {
    x: rowsOf(batch.x, 1, b0, b1),
    h0: batch.h0 ? rowsOf(batch.h0, 1, b0, b1) : null,
    c0: batch.c0 ? rowsOf(batch.c0, 1, b0, b1) : null,
    lengths: batch.lengths ? Array.from(batch.lengths).slice(b0, b1) : null,
  };
}

/**
 * The objective of batch items b0 … b1−1 of a batch of B items and T steps.
 *   probe     G [T,B,·], Gh and Gc [L·D,B,H]: batch axis 1
 *   mse_last  target [B,K]: axis 0          mse_all  target [T,B,K]: axis 1
 *   ce_all    targets, T·B indices row-major over [T,B]        ce_last  targets [B]; the class weights are shared
 *   ctc       targets, one label list per item
 */
export function sliceObjective(o: Objective, b0: number, b1: number, T: number, B: number): Objective {
  switch (o.type) {
    case 'probe':
      return { type: 'probe', G: rowsOf(o.G, 1, b0, b1), Gh: rowsOf(o.Gh, 1, b0, b1), Gc: o.Gc ? rowsOf(o.Gc, 1, b0, b1) : null };
    case 'mse_last':
      return { type: 'mse_last', target: rowsOf(o.target, 0, b0, b1) };
    case 'mse_all':
      return { type: 'mse_all', target: rowsOf(o.target, 1, b0, b1) };
    case 'ce_all': {
      const targets: number[] = [];
      for (let t = 0; t < T; t++) for (let b = b0; b < b1; b++) targets.push(o.targets[t * B + b]);
      return { type: 'ce_all', targets };
    }
    case 'ce_last':
      return { type: 'ce_last', targets: Array.from(o.targets).slice(b0, b1), classWeights: o.classWeights ? Array.from(o.classWeights) : null };
    case 'ctc':
      return { type: 'ctc', targets: o.targets.slice(b0, b1), blank: o.blank };
  }
}

/**
 * How many terms the objective's loss is the mean of, on a batch of T steps and B items (with lengths,
 * only the valid steps count): the weight of a slice's loss and gradients in the whole batch's. The probe
 * is a sum, not a mean: its slices add with weight 1 each (`isSum`).
 */
export function objectiveTerms(o: Objective, T: number, B: number, lengths: ArrayLike<number> | null): number {
  const valid = lengths ? Array.from(lengths).reduce((a, n) => a + n, 0) : T * B;
  switch (o.type) {
    case 'probe':
      return 1;
    case 'mse_last':
      return o.target.size;
    case 'mse_all':
      return valid * o.target.shape[2];
    case 'ce_all': {
      let n = 0;
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if ((!lengths || t < lengths[b]) && o.targets[t * B + b] !== IGNORE_INDEX) n++;
      return n;
    }
    case 'ctc':
      return B; // the mean over sequences of loss_b / max(1, U_b) (CTC-6)
    case 'ce_last': {
      let n = 0; // Σ_b w_{k_b}, the denominator of (CE-2)
      for (let b = 0; b < B; b++) if (o.targets[b] !== IGNORE_INDEX) n += o.classWeights ? o.classWeights[o.targets[b]] : 1;
      return n;
    }
  }
}

/** Whether the objective is a sum over its terms (its slices add) rather than a mean (they are weighted). */
export function isSum(o: Objective): boolean {
  return o.type === 'probe';
}
