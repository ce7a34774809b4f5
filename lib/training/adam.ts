/**
 * Adam and AdamW (`torch.optim.Adam`, `torch.optim.AdamW`), with AMSGrad.  docs: docs/training/optimizers.md
 *
 *   (ADAM-1)  step = step + 1
 *             Adam:  d = g + weight_decay · p            (L2 decay, through the gradient into both moments)
 *             AdamW: p = p · (1 − lr · weight_decay); d = g   (decoupled decay, applied first)
 *   (ADAM-2)  m = β₁ · m + (1 − β₁) · d                  exp_avg
 *             v = β₂ · v + (1 − β₂) · d²                 exp_avg_sq
 *   (ADAM-3)  AMSGrad: v̂ = max(v̂, v) and v̂ replaces v below (the maximum of the raw, uncorrected v)
 *   (ADAM-4)  denom = √v / √(1 − β₂^step) + eps           eps added after the bias correction
 *             p = p − (lr / (1 − β₁^step)) · m / denom
 */
import { NamedParameter } from '../kernels/parameter';
import { ValueError } from '../kernels/tensor';
import { Optimizer, ParamState, checkHyper } from './optimizer';

export interface AdamOptions {
  lr?: number; // 0.001
  betas?: [number, number]; // [0.9, 0.999]
  eps?: number; // 1e-8
  weight_decay?: number; // Adam 0, AdamW 0.01
  amsgrad?: boolean; // false
}

export class Adam extends Optimizer {
  readonly name: 'Adam' | 'AdamW' = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  /** true for AdamW: weight decay scales the parameters instead of entering the gradient. */
  protected readonly decoupled: boolean = false;

  constructor(o: AdamOptions = {}, defaultWeightDecay = 0, label = 'Adam') {
    super(checkHyper(label, 'lr', o.lr ?? 0.001, 0, true));
    const betas = o.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) throw new ValueError(`${label} betas: expected [beta1, beta2], got ${JSON.stringify(betas)}`);
    [this.beta1, this.beta2] = betas;
    for (const [k, b] of [['betas[0]', this.beta1], ['betas[1]', this.beta2]] as const) {
      if (!(b >= 0 && b < 1)) throw new ValueError(`${label} ${k}: expected a number in [0, 1), got ${b}`);
    }
    this.eps = checkHyper(label, 'eps', o.eps ?? 1e-8, 0);
    this.weightDecay = checkHyper(label, 'weight_decay', o.weight_decay ?? defaultWeightDecay, 0);
    this.amsgrad = o.amsgrad ?? false;
  }

  hyperparams() {
    return { lr: this.lr, betas: [this.beta1, this.beta2], eps: this.eps, weight_decay: this.weightDecay, amsgrad: this.amsgrad };
  }

  protected initialState(size: number): ParamState {
    const s: ParamState = { step: 0, exp_avg: new Float64Array(size), exp_avg_sq: new Float64Array(size) };
    if (this.amsgrad) s.max_exp_avg_sq = new Float64Array(size);
    return s;
  }

  protected update(param: NamedParameter, s: ParamState): void {
    const p = param.value.data, g = param.grad.data;
    const m = s.exp_avg as Float64Array, v = s.exp_avg_sq as Float64Array;
    const vMax = s.max_exp_avg_sq as Float64Array | undefined;
    const { beta1, beta2, eps, weightDecay, lr, decoupled } = this;
    const step = (s.step as number) + 1; //                                        (ADAM-1)
    s.step = step;
    const stepSize = lr / (1 - Math.pow(beta1, step)); //                          (ADAM-4)
    const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step)); //                       (ADAM-4)
    if (!decoupled && weightDecay === 0 && !vMax) {
      plainAdamUpdate(p, g, m, v, beta1, beta2, eps, stepSize, bc2Sqrt);
      return;
    }
    for (let k = 0; k < p.length; k++) {
      let d = g[k];
      if (decoupled) p[k] *= 1 - lr * weightDecay; //                              (ADAM-1)
      else if (weightDecay !== 0) d += weightDecay * p[k]; //                      (ADAM-1)
      m[k] = beta1 * m[k] + (1 - beta1) * d; //                                    (ADAM-2)
      v[k] = beta2 * v[k] + (1 - beta2) * d * d; //                                (ADAM-2)
      let second = v[k];
      if (vMax) {
        vMax[k] = Math.max(vMax[k], v[k]); //                                      (ADAM-3)
        second = vMax[k];
      }
      const denom = Math.sqrt(second) / bc2Sqrt + eps; //                          (ADAM-4)
      p[k] += -stepSize * (m[k] / denom); //                                       (ADAM-4)
    }
  }
}

/**
 * The loop above for plain Adam (no weight decay, no AMSGrad, the default), with the same arithmetic in
 * the same order, so the same bits (a spec holds it equal to the general loop); without the per-element
 * branches it takes about half the time, which a large model (the translator's 1 M parameters) feels at
 * every step.
 */
function plainAdamUpdate(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, beta1: number, beta2: number, eps: number, stepSize: number, bc2Sqrt: number): void {
  const c1 = 1 - beta1, c2 = 1 - beta2;
  for (let k = 0; k < p.length; k++) {
    const d = g[k];
    const mk = beta1 * m[k] + c1 * d; //                                           (ADAM-2)
    const vk = beta2 * v[k] + c2 * d * d; //                                       (ADAM-2)
    m[k] = mk;
    v[k] = vk;
    p[k] += -stepSize * (mk / (Math.sqrt(vk) / bc2Sqrt + eps)); //                 (ADAM-4)
  }
}

/** AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch). */
export class AdamW extends Adam {
  override readonly name = 'AdamW' as const;
  protected override readonly decoupled = true;

  constructor(o: AdamOptions = {}) {
    super(o, 0.01, 'AdamW');
  }
}
