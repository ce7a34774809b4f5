/**
 * Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay
 * (`torch.optim.SGD`).                                                        docs: docs/training/optimizers.md
 *
 *   (SGD-1)  d = g + weight_decay · p
 *   (SGD-2)  buf = d on the first step;  buf = momentum · buf + (1 − dampening) · d afterwards
 *   (SGD-3)  d = d + momentum · buf (Nesterov)   or   d = buf                  (only when momentum ≠ 0)
 *   (SGD-4)  p = p − lr · d
 */
import { NamedParameter } from '../kernels/parameter';
import { ValueError } from '../kernels/tensor';
import { Optimizer, ParamState, checkHyper } from './optimizer';

export interface SgdOptions {
  lr: number; // no default, as in PyTorch
  momentum?: number; // 0
  dampening?: number; // 0
  weight_decay?: number; // 0
  nesterov?: boolean; // false
}

export class SGD extends Optimizer {
  readonly name = 'SGD' as const;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(o: SgdOptions) {
    super(checkHyper('SGD', 'lr', o.lr, 0, true));
    this.momentum = checkHyper('SGD', 'momentum', o.momentum ?? 0, 0);
    this.dampening = checkHyper('SGD', 'dampening', o.dampening ?? 0, 0);
    this.weightDecay = checkHyper('SGD', 'weight_decay', o.weight_decay ?? 0, 0);
    this.nesterov = o.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ValueError(`SGD nesterov: needs momentum > 0 and dampening = 0, got momentum ${this.momentum}, dampening ${this.dampening}`);
    }
  }

  hyperparams() {
    return { lr: this.lr, momentum: this.momentum, dampening: this.dampening, weight_decay: this.weightDecay, nesterov: this.nesterov };
  }

  protected initialState(): ParamState {
    return { momentum_buffer: null }; // created on the first step when momentum ≠ 0, as PyTorch
  }

  protected update(param: NamedParameter, s: ParamState): void {
    const p = param.value.data, g = param.grad.data;
    const { momentum, dampening, weightDecay, nesterov, lr } = this;
    let buf = s.momentum_buffer as Float64Array | null;
    const first = buf === null;
    if (momentum !== 0 && first) {
      buf = new Float64Array(p.length);
      s.momentum_buffer = buf;
    }
    for (let k = 0; k < p.length; k++) {
      let d = weightDecay !== 0 ? g[k] + weightDecay * p[k] : g[k]; //           (SGD-1)
      if (momentum !== 0 && buf) {
        buf[k] = first ? d : momentum * buf[k] + (1 - dampening) * d; //         (SGD-2)
        d = nesterov ? d + momentum * buf[k] : buf[k]; //                         (SGD-3)
      }
      p[k] += -lr * d; //                                                         (SGD-4)
    }
  }
}
