/**
 * The three scalar objectives the engine is checked with (the golden cases use the same ones):
 *
 *   probe     L = Σ output ⊙ G + Σ h_n ⊙ Gh [+ Σ c_n ⊙ Gc]   fixed tensors: dOutput = G, dh_n = Gh, dc_n = Gc
 *   mse_last  L = mean((Linear(output[T−1]) − target)²)        many-to-one regression
 *   ce_all    L = mean_{t,b} −log softmax(Linear(output[t]))[target_{t,b}]   many-to-many classification
 */
import { Mat, assertShape, fromArray, toFlat, ShapeError, ValueError } from '../kernels/tensor';
import { mseLoss, softmaxCrossEntropy } from '../layers/losses';
import { RecurrentGrads } from '../layers/recurrent';
import { SequenceModel, SequenceModelOutput } from './sequence-model';

export type Objective =
  | { type: 'probe'; G: Mat; Gh: Mat; Gc: Mat | null }
  | { type: 'mse_last'; target: Mat } // [B,K]
  | { type: 'ce_all'; targets: ArrayLike<number> }; // T·B class indices, row-major over [T,B]

export interface LossAndGradients {
  loss: number;
  forward: SequenceModelOutput;
  grads: RecurrentGrads; // dx, dh0, dc0, step gradient norms; parameter gradients are in the model
}

/**
 * Forward, loss, and BPTT in one call. Zeroes the model's gradients first, so on return every
 * `namedParameters()[k].grad` holds ∂L/∂param for this batch alone.
 */
export function lossAndGradients(
  model: SequenceModel, x: Mat, h0: Mat | null, c0: Mat | null, objective: Objective,
): LossAndGradients {
  checkObjectiveFitsModel(model, objective);
  model.zeroGrad();
  const forward = model.forward(x, h0, c0);
  switch (objective.type) {
    case 'probe': {
      assertShape(objective.G, forward.output.shape, 'probe objective G');
      assertShape(objective.Gh, forward.h_n.shape, 'probe objective Gh');
      if (objective.Gc && forward.c_n) assertShape(objective.Gc, forward.c_n.shape, 'probe objective Gc');
      let loss = dot(forward.output, objective.G) + dot(forward.h_n, objective.Gh);
      if (objective.Gc && forward.c_n) loss += dot(forward.c_n, objective.Gc);
      const grads = model.backward(forward.cache, { dOutput: objective.G, dh_n: objective.Gh, dc_n: forward.c_n ? objective.Gc : null });
      return { loss, forward, grads };
    }
    case 'mse_last': {
      const { loss, dy } = mseLoss(forward.y as Mat, objective.target);
      return { loss, forward, grads: model.backward(forward.cache, { dy }) };
    }
    case 'ce_all': {
      const y = forward.y as Mat; // [T,B,K], owned
      const [T, B, K] = y.shape;
      const { loss, dlogits } = softmaxCrossEntropy(fromArray(y.data, [T * B, K]), objective.targets);
      const dy = fromArray(dlogits.data, [T, B, K]);
      return { loss, forward, grads: model.backward(forward.cache, { dy }) };
    }
  }
}

function checkObjectiveFitsModel(model: SequenceModel, objective: Objective): void {
  const needs = { probe: null, mse_last: 'last', ce_all: 'all' }[objective.type];
  if (needs && model.headMode !== needs) {
    throw new ValueError(`lossAndGradients objective: '${objective.type}' needs a model with head mode '${needs}', this model has '${model.headMode}'`);
  }
}

/** Σ a ⊙ b over all elements (same shapes). */
function dot(a: Mat, b: Mat): number {
  if (a.size !== b.size) throw new ShapeError(`dot: sizes differ, ${a.size} vs ${b.size}`);
  const av = toFlat(a), bv = toFlat(b);
  let sum = 0;
  for (let k = 0; k < av.length; k++) sum += av[k] * bv[k];
  return sum;
}

/** Forward and loss only, no backward: what a finite-difference check evaluates many times. */
export function lossOnly(model: SequenceModel, x: Mat, h0: Mat | null, c0: Mat | null, objective: Objective): number {
  checkObjectiveFitsModel(model, objective);
  const forward = model.forward(x, h0, c0);
  switch (objective.type) {
    case 'probe': {
      let loss = dot(forward.output, objective.G) + dot(forward.h_n, objective.Gh);
      if (objective.Gc && forward.c_n) loss += dot(forward.c_n, objective.Gc);
      return loss;
    }
    case 'mse_last':
      return mseLoss(forward.y as Mat, objective.target).loss;
    case 'ce_all': {
      const y = forward.y as Mat;
      const [T, B, K] = y.shape;
      return softmaxCrossEntropy(fromArray(y.data, [T * B, K]), objective.targets).loss;
    }
  }
}
