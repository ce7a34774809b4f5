/**
 * Makes an optimizer from PyTorch's class name and hyperparameters (as a checkpoint, a golden case or
 * the command line gives them). Unknown names and unknown or ill-typed hyperparameters are errors.
 */
import { ValueError } from '../kernels/tensor';
import { Optimizer, OptimizerName } from './optimizer';
import { SGD } from './sgd';
import { Adagrad } from './adagrad';
import { RMSprop } from './rmsprop';
import { Adam, AdamW } from './adam';

export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['SGD', 'Adagrad', 'RMSprop', 'Adam', 'AdamW'];

const KEYS: Record<OptimizerName, Record<string, 'number' | 'boolean' | 'betas'>> = {
  SGD: { lr: 'number', momentum: 'number', dampening: 'number', weight_decay: 'number', nesterov: 'boolean' },
  Adagrad: { lr: 'number', lr_decay: 'number', weight_decay: 'number', initial_accumulator_value: 'number', eps: 'number' },
  RMSprop: { lr: 'number', alpha: 'number', eps: 'number', weight_decay: 'number', momentum: 'number', centered: 'boolean' },
  Adam: { lr: 'number', betas: 'betas', eps: 'number', weight_decay: 'number', amsgrad: 'boolean' },
  AdamW: { lr: 'number', betas: 'betas', eps: 'number', weight_decay: 'number', amsgrad: 'boolean' },
};

/**
 * `createOptimizer('Adam', { lr: 0.01, betas: [0.9, 0.99] })`. The name is matched without regard to case
 * ('adam', 'sgd'). `maximize: false` and `foreach`, which change nothing here, are accepted and ignored.
 */
export function createOptimizer(name: string, hyperparams: Record<string, unknown> = {}): Optimizer {
  const canonical = OPTIMIZER_NAMES.find((n) => n.toLowerCase() === String(name).toLowerCase());
  if (!canonical) throw new ValueError(`optimizer: expected one of ${OPTIMIZER_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(hyperparams)) {
    if (key === 'foreach' || key === 'differentiable' || key === 'capturable') continue;
    if (key === 'maximize') {
      if (value !== false) throw new ValueError(`${canonical} maximize: only false is supported, got ${JSON.stringify(value)}`);
      continue;
    }
    const kind = KEYS[canonical][key];
    if (!kind) throw new ValueError(`${canonical}: unknown hyperparameter "${key}"; expected one of ${Object.keys(KEYS[canonical]).join(', ')}`);
    const ok = kind === 'number' ? typeof value === 'number'
      : kind === 'boolean' ? typeof value === 'boolean'
        : Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number');
    if (!ok) throw new ValueError(`${canonical} ${key}: expected ${kind === 'betas' ? 'two numbers' : `a ${kind}`}, got ${JSON.stringify(value)}`);
    options[key] = value;
  }
  switch (canonical) {
    case 'SGD':
      if (options.lr === undefined) throw new ValueError('SGD lr: required (PyTorch has no default), got nothing');
      return new SGD(options as never);
    case 'Adagrad':
      return new Adagrad(options);
    case 'RMSprop':
      return new RMSprop(options);
    case 'Adam':
      return new Adam(options);
    case 'AdamW':
      return new AdamW(options);
  }
}
