/**
 * The scalar objectives the engine is trained and checked with (the golden cases use the first five):
 *
 *   probe     L = Σ output ⊙ G + Σ h_n ⊙ Gh [+ Σ c_n ⊙ Gc]   fixed tensors: dOutput = G, dh_n = Gh, dc_n = Gc
 *   mse_last  L = mean((Linear(output at each sequence's last step) − target)²)     many-to-one regression
 *   mse_all   L = mean over valid (t,b,k) of (Linear(output[t,b]) − target[t,b])²   many-to-many regression
 *   ce_all    L = mean over valid (t,b) of −log softmax(Linear(output[t,b]))[target_{t,b}]   many-to-many
 *   ce_last   L = mean over b of −log softmax(Linear(output at b's last step))[target_b]    many-to-one
 *             (classification), optionally weighted per class: (CE-2) in lib/layers/losses.ts
 *   ctc       L = mean over b of CTC loss_b / max(1, U_b): per-step logits against an unaligned label
 *             list (speech), (CTC-4), (CTC-6) in lib/layers/ctc.ts; an impossible target counts 0
 *
 * With `lengths`, ce_all and mse_all ignore padded positions (the mean is over valid ones only) and
 * mse_last reads each sequence at its own last step.
 */
import { Mat, assertShape, fromArray, toFlat, isOwned, ShapeError, ValueError } from '../kernels/tensor';
import { mseLoss, softmaxCrossEntropy, IGNORE_INDEX } from '../layers/losses';
import { ctcLoss } from '../layers/ctc';
import { RecurrentGrads } from '../layers/recurrent';
import { SequenceModel, SequenceModelOutput, SequenceModelUpstream, ONE_PER_SEQUENCE } from './sequence-model';

/** One batch of input: x [T,B,I], optional initial states [L·D,B,H] and per-sequence lengths [B]. */
export interface Batch {
  x: Mat;
  h0?: Mat | null;
  c0?: Mat | null;
  lengths?: ArrayLike<number> | null;
}

export type Objective =
  | { type: 'probe'; G: Mat; Gh: Mat; Gc: Mat | null }
  | { type: 'mse_last'; target: Mat } // [B,K]
  | { type: 'mse_all'; target: Mat } // [T,B,K]
  | { type: 'ce_all'; targets: ArrayLike<number> } // T·B class indices, row-major over [T,B]
  | { type: 'ce_last'; targets: ArrayLike<number>; classWeights?: ArrayLike<number> | null } // B class indices
  | { type: 'ctc'; targets: readonly (readonly number[])[]; blank?: number }; // B label lists, unaligned to the steps (lib/layers/ctc.ts)

/** One batch of a SequenceModel with the objective to minimise on it: what its datasets give the Trainer. */
export interface SequenceBatch {
  batch: Batch;
  objective: Objective;
}

export interface LossAndGradients {
  loss: number;
  forward: SequenceModelOutput;
  grads: RecurrentGrads; // dx, dh0, dc0, step gradient norms; parameter gradients are in the model
}

/**
 * Forward, loss, and BPTT in one call. Zeroes the model's gradients first, so on return every
 * `namedParameters()[k].grad` holds ∂L/∂param for this batch alone.
 */
export function lossAndGradients(model: SequenceModel, batch: Batch, objective: Objective): LossAndGradients {
  checkObjectiveFitsModel(model, objective);
  model.zeroGrad();
  const forward = model.forward(batch.x, batch.h0 ?? null, batch.c0 ?? null, batch.lengths ?? null);
  const { loss, upstream } = evaluateObjective(forward, objective, batch.lengths ?? null);
  return { loss, forward, grads: model.backward(forward.cache, upstream) };
}

/** Forward and loss only, no backward: what a finite-difference check evaluates many times. */
export function lossOnly(model: SequenceModel, batch: Batch, objective: Objective): number {
  return lossAndOutput(model, batch, objective).loss;
}

/** Forward and loss, no backward, with the forward's outputs (e.g. the final states, to carry on). */
export function lossAndOutput(model: SequenceModel, batch: Batch, objective: Objective): { loss: number; forward: SequenceModelOutput } {
  checkObjectiveFitsModel(model, objective);
  const forward = model.forward(batch.x, batch.h0 ?? null, batch.c0 ?? null, batch.lengths ?? null);
  return { loss: evaluateObjective(forward, objective, batch.lengths ?? null).loss, forward };
}

/** The loss of a forward result, and the gradients it sends into the model's outputs. */
function evaluateObjective(
  forward: SequenceModelOutput, objective: Objective, lengths: ArrayLike<number> | null,
): { loss: number; upstream: SequenceModelUpstream } {
  switch (objective.type) {
    case 'probe': {
      assertShape(objective.G, forward.output.shape, 'probe objective G');
      assertShape(objective.Gh, forward.h_n.shape, 'probe objective Gh');
      if (objective.Gc && forward.c_n) assertShape(objective.Gc, forward.c_n.shape, 'probe objective Gc');
      let loss = dot(forward.output, objective.G) + dot(forward.h_n, objective.Gh);
      if (objective.Gc && forward.c_n) loss += dot(forward.c_n, objective.Gc);
      return { loss, upstream: { dOutput: objective.G, dh_n: objective.Gh, dc_n: forward.c_n ? objective.Gc : null } };
    }
    case 'mse_last': {
      const { loss, dy } = mseLoss(forward.y as Mat, objective.target);
      return { loss, upstream: { dy } };
    }
    case 'mse_all': {
      const y = forward.y as Mat; // [T,B,K], owned
      const [T, B, K] = y.shape;
      assertShape(objective.target, [T, B, K], 'mse_all objective target');
      const keep = lengths ? Array.from({ length: T * B }, (_, r) => Math.floor(r / B) < lengths[r % B]) : null;
      const { loss, dy } = mseLoss(fromArray(y.data, [T * B, K]), fromArray(toFlat(objective.target), [T * B, K]), keep);
      return { loss, upstream: { dy: fromArray(dy.data, [T, B, K]) } };
    }
    case 'ce_all': {
      const y = forward.y as Mat; // [T,B,K], owned
      const [T, B, K] = y.shape;
      let targets = objective.targets;
      if (lengths) {
        // padded positions are ignored, as PyTorch's ignore_index
        const masked = Array.from(targets);
        for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t >= lengths[b]) masked[t * B + b] = IGNORE_INDEX;
        targets = masked;
      }
      const { loss, dlogits } = softmaxCrossEntropy(fromArray(y.data, [T * B, K]), targets);
      return { loss, upstream: { dy: fromArray(dlogits.data, [T, B, K]) } };
    }
    case 'ctc': {
      // Per-step logits [T,B,K] against unaligned label lists: PyTorch's mean reduction, and an impossible
      // target (more labels than its steps can hold) counts 0 rather than stopping the run.
      const y = forward.y as Mat;
      const [T, B] = y.shape;
      const r = ctcLoss(y, objective.targets, lengths ?? new Array<number>(B).fill(T), { blank: objective.blank ?? 0, reduction: 'mean', zeroInfinity: true });
      return { loss: r.loss, upstream: { dy: r.dLogits } };
    }
    case 'ce_last': {
      const { loss, dlogits } = softmaxCrossEntropy(forward.y as Mat, objective.targets, objective.classWeights ?? null); // [B,K]
      return { loss, upstream: { dy: dlogits } };
    }
  }
}

function checkObjectiveFitsModel(model: SequenceModel, objective: Objective): void {
  const needs = { probe: null, mse_last: 'last', mse_all: 'all', ce_all: 'all', ce_last: 'last', ctc: 'all' }[objective.type];
  const fits = needs === 'last' ? ONE_PER_SEQUENCE.includes(model.headMode) : model.headMode === needs; // 'last' or 'mean': one output per sequence
  if (needs && !fits) {
    throw new ValueError(`lossAndGradients objective: '${objective.type}' needs a model with head mode '${needs === 'last' ? "last' or 'mean" : needs}', this model has '${model.headMode}'`);
  }
}

/** Σ a ⊙ b over all elements (same shapes). */
function dot(a: Mat, b: Mat): number {
  if (a.size !== b.size) throw new ShapeError(`dot: sizes differ, ${a.size} vs ${b.size}`);
  const av = isOwned(a) ? a.data : toFlat(a), bv = isOwned(b) ? b.data : toFlat(b);
  let sum = 0;
  for (let k = 0; k < av.length; k++) sum += av[k] * bv[k];
  return sum;
}
