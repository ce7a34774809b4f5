/**
 * A parameter as everything after the layers sees it: a tensor, its gradient (same shape), and its
 * PyTorch state_dict name. Optimizers, clipping, checkpoints and the checkers walk lists of these.
 */
import { Mat } from './tensor';

export interface NamedParameter {
  name: string; // e.g. "weight_hh_l0", "decoder.out.bias"
  value: Mat;
  grad: Mat; // ∂L/∂value; backward passes add into it, zeroGrad clears it
  frozen?: boolean; // kept as it is: no gradient, and optimizers pass it by (a frozen embedding)
}
