/**
 * Adagrad (`torch.optim.Adagrad`): per-element step sizes that shrink with the sum of squared gradients.
 *                                                                             docs: docs/training/optimizers.md
 *   (ADAGRAD-1)  step = step + 1;   d = g + weight_decay · p
 *   (ADAGRAD-2)  clr = lr / (1 + (step − 1) · lr_decay)          the first step uses lr itself
 *   (ADAGRAD-3)  sum = sum + d²                                    sum starts at initial_accumulator_value
 *   (ADAGRAD-4)  p = p − clr · d / (√sum + eps)                    eps outside the square root
 */
import { NamedParameter } from '../kernels/parameter';
import { Optimizer, ParamState, checkHyper } from './optimizer';

export interface AdagradOptions {
  lr?: number; // 0.01
  lr_decay?: number; // 0
  weight_decay?: number; // 0
  initial_accumulator_value?: number; // 0
  eps?: number; // 1e-10
}

export class Adagrad extends Optimizer {
  readonly name = 'Adagrad' as const;
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly initialAccumulatorValue: number;
  readonly eps: number;

  constructor(o: AdagradOptions = {}) {
    super(checkHyper('Adagrad', 'lr', o.lr ?? 0.01, 0, true));
    this.lrDecay = checkHyper('Adagrad', 'lr_decay', o.lr_decay ?? 0, 0);
    this.weightDecay = checkHyper('Adagrad', 'weight_decay', o.weight_decay ?? 0, 0);
    this.initialAccumulatorValue = checkHyper('Adagrad', 'initial_accumulator_value', o.initial_accumulator_value ?? 0, 0);
    this.eps = checkHyper('Adagrad', 'eps', o.eps ?? 1e-10, 0);
  }

  hyperparams() {
    return { lr: this.lr, lr_decay: this.lrDecay, weight_decay: this.weightDecay, initial_accumulator_value: this.initialAccumulatorValue, eps: this.eps };
  }

  protected initialState(size: number): ParamState {
    return { step: 0, sum: new Float64Array(size).fill(this.initialAccumulatorValue) };
  }

  protected update(param: NamedParameter, s: ParamState): void {
    const p = param.value.data, g = param.grad.data, sum = s.sum as Float64Array;
    const step = (s.step as number) + 1; //                                       (ADAGRAD-1)
    s.step = step;
    const clr = this.lr / (1 + (step - 1) * this.lrDecay); //                     (ADAGRAD-2)
    for (let k = 0; k < p.length; k++) {
      const d = this.weightDecay !== 0 ? g[k] + this.weightDecay * p[k] : g[k]; // (ADAGRAD-1)
      sum[k] += d * d; //                                                         (ADAGRAD-3)
      p[k] += -clr * (d / (Math.sqrt(sum[k]) + this.eps)); //                     (ADAGRAD-4)
    }
  }
}
