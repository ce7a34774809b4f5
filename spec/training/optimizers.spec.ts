import { zeros, toFlat, ValueError } from '../../lib/kernels/tensor';
import { Rng, fillNormal } from '../../lib/kernels/random';
import { NamedParameter } from '../../lib/kernels/parameter';
import { createOptimizer, OPTIMIZER_NAMES } from '../../lib/training/optimizers';
import { SGD } from '../../lib/training/sgd';
import { Adam, AdamW } from '../../lib/training/adam';

/** Two parameters with fresh random gradients at every call of `regrad`. */
function setup(seed: number) {
  const rng = new Rng(seed);
  const params: NamedParameter[] = [
    { name: 'w', value: zeros([3, 4]), grad: zeros([3, 4]) },
    { name: 'b', value: zeros([4]), grad: zeros([4]) },
  ];
  for (const p of params) fillNormal(p.value, rng);
  const regrad = () => params.forEach((p) => fillNormal(p.grad, rng));
  return { params, regrad };
}

const configs: [string, Record<string, unknown>][] = [
  ['SGD', { lr: 0.1, momentum: 0.9, nesterov: true }],
  ['SGD', { lr: 0.1, momentum: 0.5, dampening: 0.3, weight_decay: 0.01 }],
  ['Adagrad', { lr: 0.1, lr_decay: 0.01, initial_accumulator_value: 0.1 }],
  ['RMSprop', { lr: 0.01, momentum: 0.9, centered: true }],
  ['Adam', { lr: 0.01, amsgrad: true, weight_decay: 0.1 }],
  ['AdamW', { lr: 0.01 }],
];

describe('optimizers', () => {
  it('use PyTorch’s defaults', () => {
    expect(createOptimizer('Adam').hyperparams()).toEqual({ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false });
    expect(createOptimizer('AdamW').hyperparams()).toEqual({ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01, amsgrad: false });
    expect(createOptimizer('RMSprop').hyperparams()).toEqual({ lr: 0.01, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false });
    expect(createOptimizer('Adagrad').hyperparams()).toEqual({ lr: 0.01, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10 });
    expect(createOptimizer('sgd', { lr: 0.5 }).hyperparams()).toEqual({ lr: 0.5, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false });
    expect(new AdamW()).toBeInstanceOf(Adam);
  });

  it.each(configs)('%s %j: state survives JSON, and resuming is bit-exact', (name, hyper) => {
    const a = setup(1), b = setup(1);
    const optA = createOptimizer(name, hyper);
    let optB = createOptimizer(name, hyper);
    for (let k = 0; k < 5; k++) {
      a.regrad();
      optA.step(a.params);
      b.regrad();
      if (k === 3) {
        const saved = JSON.parse(JSON.stringify(optB.toJSON()));
        optB = createOptimizer(name, hyper);
        optB.loadJSON(saved, b.params);
      }
      optB.step(b.params);
    }
    a.params.forEach((p, k) => expect(toFlat(b.params[k].value)).toEqual(toFlat(p.value)));
    expect(JSON.stringify(optB.toJSON())).toBe(JSON.stringify(optA.toJSON()));
  });

  it('plain Adam (its own loop, without the per-element branches) gives the general loop\'s bits', () => {
    // AdamW with weight_decay 0 runs the general loop (p·(1 − 0) = p exactly), so it must move every
    // parameter and moment as plain Adam does, bit for bit.
    const make = () => { // 2,000 values, so that a change in the order of the arithmetic shows in some of them
      const rng = new Rng(3);
      const params: NamedParameter[] = [{ name: 'w', value: zeros([40, 50]), grad: zeros([40, 50]) }];
      fillNormal(params[0].value, rng);
      return { params, regrad: () => fillNormal(params[0].grad, rng) };
    };
    const a = make(), b = make();
    const plain = createOptimizer('Adam', { lr: 0.01 }), general = createOptimizer('AdamW', { lr: 0.01, weight_decay: 0 });
    for (let k = 0; k < 10; k++) {
      a.regrad();
      plain.step(a.params);
      b.regrad();
      general.step(b.params);
    }
    expect(toFlat(a.params[0].value)).toEqual(toFlat(b.params[0].value));
    expect(JSON.stringify(plain.toJSON().state)).toBe(JSON.stringify(general.toJSON().state));
    expect(toFlat(a.params[0].value)).not.toEqual(toFlat(make().params[0].value)); // they did move
  });

  it('moves parameters against the gradient', () => {
    for (const name of OPTIMIZER_NAMES) {
      const { params } = setup(2);
      params.forEach((p) => p.grad.data.fill(1));
      const before = toFlat(params[0].value);
      createOptimizer(name, { lr: 0.1 }).step(params);
      toFlat(params[0].value).forEach((v, k) => expect(v).toBeLessThan(before[k]));
    }
  });

  it('rejects unknown optimizers, unknown or ill-typed hyperparameters, and bad values', () => {
    expect(() => createOptimizer('Adamax')).toThrow(new ValueError('optimizer: expected one of SGD, Adagrad, RMSprop, Adam, AdamW, got "Adamax"'));
    expect(() => createOptimizer('Adam', { beta1: 0.9 })).toThrow('Adam: unknown hyperparameter "beta1"; expected one of lr, betas, eps, weight_decay, amsgrad');
    expect(() => createOptimizer('Adam', { lr: '0.1' })).toThrow('Adam lr: expected a number, got "0.1"');
    expect(() => createOptimizer('Adam', { lr: 0 })).toThrow('Adam lr: expected a number > 0, got 0');
    expect(() => createOptimizer('RMSprop', { lr: -1 })).toThrow('RMSprop lr: expected a number > 0, got -1');
    expect(() => createOptimizer('Adam', { betas: [0.9, 1] })).toThrow('Adam betas[1]: expected a number in [0, 1), got 1');
    expect(() => createOptimizer('SGD', {})).toThrow('SGD lr: required (PyTorch has no default), got nothing');
    expect(() => new SGD({ lr: 0.1, nesterov: true })).toThrow('SGD nesterov: needs momentum > 0 and dampening = 0, got momentum 0, dampening 0');
    expect(() => createOptimizer('Adam', { maximize: true })).toThrow('Adam maximize: only false is supported, got true');
  });

  it('rejects a saved state that does not fit', () => {
    const { params, regrad } = setup(3);
    const opt = createOptimizer('Adam', { lr: 0.01 });
    regrad();
    opt.step(params);
    const good = opt.toJSON();
    const fresh = () => createOptimizer('Adam', { lr: 0.01 });
    expect(() => fresh().loadJSON({ ...good, optimizer: 'SGD' }, params)).toThrow('optimizer state: expected optimizer "Adam", got "SGD"');
    const short = JSON.parse(JSON.stringify(good));
    short.state.w.exp_avg.pop();
    expect(() => fresh().loadJSON(short, params)).toThrow('optimizer state "w".exp_avg: expected 12 finite numbers, got an array of 11');
    const nan = JSON.parse(JSON.stringify(good));
    nan.state.b.exp_avg_sq[0] = null;
    expect(() => fresh().loadJSON(nan, params)).toThrow('optimizer state "b".exp_avg_sq: expected 4 finite numbers');
    const stranger = JSON.parse(JSON.stringify(good));
    stranger.state.v = stranger.state.b;
    expect(() => fresh().loadJSON(stranger, params)).toThrow('optimizer state: state for "v", which is not a parameter of this model');
    const noStep = JSON.parse(JSON.stringify(good));
    delete noStep.state.w.step;
    expect(() => fresh().loadJSON(noStep, params)).toThrow('optimizer state "w": missing key "step"');
  });
});
