/**
 * RMSprop (`torch.optim.RMSprop`), with momentum and the centered variant.  docs: docs/training/optimizers.md
 *
 *   (RMS-1)  step = step + 1;   d = g + weight_decay · p
 *   (RMS-2)  square_avg = alpha · square_avg + (1 − alpha) · d²
 *   (RMS-3)  centered: grad_avg = alpha · grad_avg + (1 − alpha) · d;  avg = √(square_avg − grad_avg²) + eps
 *            otherwise: avg = √square_avg + eps
 *   (RMS-4)  momentum > 0: buf = momentum · buf + d / avg;  p = p − lr · buf
 *            otherwise:    p = p − lr · d / avg
 */
import { NamedParameter } from '../kernels/parameter';
import { Optimizer, ParamState, checkHyper } from './optimizer';

export interface RmspropOptions {
  lr?: number; // 0.01
  alpha?: number; // 0.99
  eps?: number; // 1e-8
  weight_decay?: number; // 0
  momentum?: number; // 0
  centered?: boolean; // false
}

export class RMSprop extends Optimizer {
  readonly name = 'RMSprop' as const;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;

  constructor(o: RmspropOptions = {}) {
    super(checkHyper('RMSprop', 'lr', o.lr ?? 0.01, 0, true));
    this.alpha = checkHyper('RMSprop', 'alpha', o.alpha ?? 0.99, 0);
    this.eps = checkHyper('RMSprop', 'eps', o.eps ?? 1e-8, 0);
    this.weightDecay = checkHyper('RMSprop', 'weight_decay', o.weight_decay ?? 0, 0);
    this.momentum = checkHyper('RMSprop', 'momentum', o.momentum ?? 0, 0);
    this.centered = o.centered ?? false;
  }

  hyperparams() {
    return { lr: this.lr, alpha: this.alpha, eps: this.eps, weight_decay: this.weightDecay, momentum: this.momentum, centered: this.centered };
  }

  protected initialState(size: number): ParamState {
    const s: ParamState = { step: 0, square_avg: new Float64Array(size) };
    if (this.momentum > 0) s.momentum_buffer = new Float64Array(size);
    if (this.centered) s.grad_avg = new Float64Array(size);
    return s;
  }

  protected update(param: NamedParameter, s: ParamState): void {
    const p = param.value.data, g = param.grad.data;
    const sq = s.square_avg as Float64Array;
    const gAvg = s.grad_avg as Float64Array | undefined;
    const buf = s.momentum_buffer as Float64Array | undefined;
    const { alpha, eps, weightDecay, lr } = this;
    s.step = (s.step as number) + 1; //                                           (RMS-1), counted only
    for (let k = 0; k < p.length; k++) {
      const d = weightDecay !== 0 ? g[k] + weightDecay * p[k] : g[k]; //          (RMS-1)
      sq[k] = alpha * sq[k] + (1 - alpha) * d * d; //                             (RMS-2)
      let avg: number;
      if (gAvg) {
        gAvg[k] = alpha * gAvg[k] + (1 - alpha) * d; //                           (RMS-3)
        avg = Math.sqrt(sq[k] - gAvg[k] * gAvg[k]) + eps; //                      (RMS-3)
      } else {
        avg = Math.sqrt(sq[k]) + eps; //                                          (RMS-3)
      }
      if (buf) {
        buf[k] = this.momentum * buf[k] + d / avg; //                             (RMS-4)
        p[k] += -lr * buf[k]; //                                                  (RMS-4)
      } else {
        p[k] += -lr * (d / avg); //                                               (RMS-4)
      }
    }
  }
}
