/**
 * Linear layer (`torch.nn.Linear`), applied to every row of a batch.        docs: docs/layers/heads.md
 *
 *   (LIN-1)   y = x·Wᵀ + b          x: [N,F]  W: [K,F]  b: [K]  y: [N,K]
 *   (LIN-1')  dW += dyᵀ·x   db += Σ_n dy   dx += dy·W
 *
 * As a head on a recurrent layer's output [T,B,F]: many-to-many passes all T·B rows (`flattenRows`),
 * many-to-one passes the last step's [B,F] (`output.pick(T − 1)`).
 */
import { Mat, zeros, assertShape, ShapeError, ValueError, shapeString } from '../kernels/tensor';
import { transposed } from '../kernels/matmul';
import { gemm, GemmWorkspace } from '../kernels/gemm';
import { setRowsToBias, addRowVectorBackward } from '../kernels/bias';
import { Rng, fillUniform } from '../kernels/random';

export interface LinearParams {
  weight: Mat; // [K,F]
  bias: Mat | null; // [K]
}

export interface LinearCache {
  x: Mat; // [N,F], kept for dW
}

export class Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly params: LinearParams;
  readonly grads: LinearParams;
  private readonly work = new GemmWorkspace();

  /** Initialised as PyTorch: W and b ~ U(−1/√F, 1/√F), from the seeded `rng`. */
  constructor(inFeatures: number, outFeatures: number, options: { bias?: boolean; seed?: number; rng?: Rng } = {}) {
    for (const [v, what] of [[inFeatures, 'inFeatures'], [outFeatures, 'outFeatures']] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`Linear ${what}: expected an integer >= 1, got ${v}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const bias = options.bias ?? true;
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    this.params = { weight: zeros([outFeatures, inFeatures]), bias: bias ? zeros([outFeatures]) : null };
    this.grads = { weight: zeros([outFeatures, inFeatures]), bias: bias ? zeros([outFeatures]) : null };
    const k = 1 / Math.sqrt(inFeatures);
    fillUniform(this.params.weight, -k, k, rng);
    if (this.params.bias) fillUniform(this.params.bias, -k, k, rng);
  }

  /** y = x·Wᵀ + b for x: [N,F]; returns y [N,K] and the cache for backward. */
  forward(x: Mat): { y: Mat; cache: LinearCache } {
    if (x.dimension !== 2 || x.shape[1] !== this.inFeatures) {
      throw new ShapeError(`Linear.forward x: expected [N,${this.inFeatures}], got ${shapeString(x.shape)}`);
    }
    const y = zeros([x.shape[0], this.outFeatures]);
    setRowsToBias(y, this.params.bias, null); // [N,K] = b per row          (LIN-1)
    gemm(y, x, transposed(this.params.weight), this.work); // [N,K] += [N,F]·[F,K]  (LIN-1)
    return { y, cache: { x } };
  }

  /** Given dy = ∂L/∂y [N,K], adds into `this.grads` and returns dx = ∂L/∂x [N,F]. */
  backward(cache: LinearCache, dy: Mat): Mat {
    assertShape(dy, [cache.x.shape[0], this.outFeatures], 'Linear.backward dy');
    gemm(this.grads.weight, transposed(dy), cache.x, this.work); //              [K,F] += [K,N]·[N,F]   (LIN-1')
    if (this.grads.bias) addRowVectorBackward(this.grads.bias, dy); // [K] += Σ_n [N,K]       (LIN-1')
    const dx = zeros(cache.x.shape);
    gemm(dx, dy, this.params.weight, this.work); //                     [N,F] += [N,K]·[K,F]   (LIN-1')
    return dx;
  }
}
