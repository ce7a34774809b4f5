/**
 * Losses, each returning the scalar and its gradient with respect to its input.   docs: docs/layers/heads.md
 *
 *   (MSE-1)   L = (1/N) Σ (y − target)²            over all N elements of y (padded rows left out)
 *   (MSE-1')  dy = (2/N) (y − target)
 *   (CE-1)    L = −(1/N) Σ_n log softmax(z_n)[k_n]   z: [N,K] logits, k_n ∈ {0 … K−1}, mean over rows
 *             log softmax(z)[k] = z_k − m − log Σ_j e^(z_j − m),  m = max_j z_j  (log-sum-exp, never overflows)
 *   (CE-1')   dz_n = (softmax(z_n) − onehot(k_n)) / N
 * A row whose target is IGNORE_INDEX (−100, PyTorch's default) is left out: it adds nothing, gets dz = 0,
 * and N counts only the other rows.
 * With class weights w (PyTorch's `weight=`, e.g. to count a rare class more), the mean is weighted:
 *   (CE-2)    L = −Σ_n w_{k_n} log softmax(z_n)[k_n] / Σ_n w_{k_n}
 *   (CE-2')   dz_n = w_{k_n} (softmax(z_n) − onehot(k_n)) / Σ_n w_{k_n}
 * which is (CE-1) when every weight is 1.
 */
import { Mat, zeros, assertShape, ShapeError, ValueError, shapeString } from '../kernels/tensor';

/**
 * Mean squared error over every element of y [N,K]: returns the loss and dy. With `keepRow`, rows where it
 * is false (padding) are left out: they add nothing, get dy = 0, and N counts only the kept rows.
 */
export function mseLoss(y: Mat, target: Mat, keepRow: ArrayLike<boolean> | null = null): { loss: number; dy: Mat } {
  assertShape(target, y.shape, 'mseLoss target');
  if (y.dimension !== 2) throw new ShapeError(`mseLoss y: expected a 2-D [N,K] tensor, got ${shapeString(y.shape)}`);
  const [N, K] = y.shape;
  if (keepRow && keepRow.length !== N) throw new ShapeError(`mseLoss keepRow: expected ${N} flags, got ${keepRow.length}`);
  let rows = 0;
  for (let n = 0; n < N; n++) if (!keepRow || keepRow[n]) rows++;
  if (rows === 0) throw new ValueError(`mseLoss keepRow: every one of the ${N} rows is left out, so the mean is undefined`);
  const count = rows * K;
  const dy = zeros([N, K]);
  let sum = 0;
  for (let n = 0; n < N; n++) {
    if (keepRow && !keepRow[n]) continue; // padding: no loss, no gradient
    for (let k = 0; k < K; k++) {
      const diff = y.get(n, k) - target.get(n, k);
      sum += diff * diff; //                              (MSE-1)
      dy.set(n, k, (2 / count) * diff); //                (MSE-1')
    }
  }
  return { loss: sum / count, dy };
}

/** The target value that marks a row to leave out of the cross-entropy (padding), as PyTorch's ignore_index. */
export const IGNORE_INDEX = -100;

/**
 * Softmax cross-entropy, mean over the rows that are not ignored: logits [N,K], targets N integers in
 * [0, K) or IGNORE_INDEX, optional class weights [K] (> 0). Returns the loss and dlogits [N,K].
 */
export function softmaxCrossEntropy(logits: Mat, targets: ArrayLike<number>, classWeights: ArrayLike<number> | null = null): { loss: number; dlogits: Mat } {
  if (logits.dimension !== 2) throw new ShapeError(`softmaxCrossEntropy logits: expected [N,K], got ${shapeString(logits.shape)}`);
  const [N, K] = logits.shape;
  if (targets.length !== N) throw new ShapeError(`softmaxCrossEntropy targets: expected ${N} class indices (one per row of logits [${N},${K}]), got ${targets.length}`);
  for (let n = 0; n < N; n++) {
    const k = targets[n];
    if (k === IGNORE_INDEX) continue;
    if (!Number.isInteger(k) || k < 0 || k >= K) {
      throw new ValueError(`softmaxCrossEntropy targets[${n}]: expected an integer class index in [0, ${K - 1}], got ${k}`);
    }
  }
  if (classWeights) {
    if (classWeights.length !== K) throw new ShapeError(`softmaxCrossEntropy classWeights: expected ${K} weights (one per class), got ${classWeights.length}`);
    for (let k = 0; k < K; k++) {
      if (!(classWeights[k] > 0 && Number.isFinite(classWeights[k]))) throw new ValueError(`softmaxCrossEntropy classWeights[${k}]: expected a finite number > 0, got ${classWeights[k]}`);
    }
  }
  const w = (n: number) => (classWeights ? classWeights[targets[n]] : 1);
  let count = 0; // Σ_n w_{k_n}: the number of rows that count, when unweighted
  for (let n = 0; n < N; n++) if (targets[n] !== IGNORE_INDEX) count += w(n);
  if (count === 0) throw new ValueError(`softmaxCrossEntropy targets: every one of the ${N} rows is ignored, so the mean is undefined`);
  const dlogits = zeros([N, K]);
  const z = logits.data, s0 = logits.stride[0], s1 = logits.stride[1], dz = dlogits.data;
  let total = 0;
  for (let n = 0; n < N; n++) {
    if (targets[n] === IGNORE_INDEX) continue; // padding: no loss, no gradient
    const at = logits.offset + n * s0; // z_{n,k} is z[at + k·s1]; dz_{n,k} is dz[n·K + k]
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, z[at + k * s1]); // subtract the max so no exp overflows
    let sumExp = 0;
    for (let k = 0; k < K; k++) sumExp += dz[n * K + k] = Math.exp(z[at + k * s1] - m); // e^(z_k − m), kept
    const logSumExp = m + Math.log(sumExp);
    const wn = w(n), target = targets[n];
    total -= wn * (z[at + target * s1] - logSumExp); //                         (CE-1), (CE-2)
    for (let k = 0; k < K; k++) {
      const p = dz[n * K + k] / sumExp; //                                          softmax(z_n)_k
      dz[n * K + k] = (wn * (p - (k === target ? 1 : 0))) / count; //              (CE-1'), (CE-2')
    }
  }
  return { loss: total / count, dlogits };
}
