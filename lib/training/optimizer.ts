/**
 * What every optimizer shares: hyperparameters checked once, per-parameter state kept as plain data
 * (numbers and Float64Arrays keyed by the parameter's state_dict name), and its JSON form for checkpoints.
 *                                                                             docs: docs/training/optimizers.md
 * Each optimizer (sgd.ts, adagrad.ts, rmsprop.ts, adam.ts) writes only its update rule. Updates walk the
 * flat `.data` of each parameter, which is valid because parameters are owned, contiguous tensors.
 */
import { ValueError } from '../kernels/tensor';
import { NamedParameter } from '../kernels/parameter';

export type OptimizerName = 'SGD' | 'Adagrad' | 'RMSprop' | 'Adam' | 'AdamW';

/** One parameter's state: step counts and moment buffers (a buffer has the parameter's size, flattened). */
export type ParamState = Record<string, number | Float64Array | null>;

/** The JSON form of an optimizer: PyTorch's class name, its hyperparameters, and every parameter's state. */
export interface OptimizerStateJson {
  optimizer: OptimizerName;
  hyperparams: Record<string, number | boolean | number[]>;
  state: Record<string, Record<string, number | number[] | null>>;
}

export abstract class Optimizer {
  abstract readonly name: OptimizerName;
  /** The learning rate in use; a schedule changes it between steps. */
  lr: number;
  private readonly states = new Map<string, ParamState>();

  protected constructor(lr: number) {
    this.lr = lr;
  }

  /** The hyperparameters under PyTorch's names (lr is the base value given at construction time). */
  abstract hyperparams(): Record<string, number | boolean | number[]>;
  /** The state of a parameter before its first step. */
  protected abstract initialState(size: number): ParamState;
  /** One update of `p.value` from `p.grad`, reading and writing `s`. */
  protected abstract update(p: NamedParameter, s: ParamState): void;

  /** Applies one update to every parameter, from its current gradient. */
  step(params: NamedParameter[]): void {
    for (const p of params) {
      if (p.frozen) continue; // a frozen parameter keeps its values (no weight decay either)
      let s = this.states.get(p.name);
      if (!s) {
        s = this.initialState(p.value.size);
        this.states.set(p.name, s);
      }
      this.update(p, s);
    }
  }

  /** The state of one parameter (undefined before its first step). */
  stateOf(name: string): ParamState | undefined {
    return this.states.get(name);
  }

  /** Plain JSON: numbers, arrays of numbers, null. JSON keeps doubles exactly, so a reload is bit-exact. */
  toJSON(): OptimizerStateJson {
    const state: OptimizerStateJson['state'] = {};
    for (const [name, s] of this.states) {
      state[name] = {};
      for (const [key, v] of Object.entries(s)) state[name][key] = v instanceof Float64Array ? Array.from(v) : v;
    }
    return { optimizer: this.name, hyperparams: this.hyperparams(), state };
  }

  /**
   * Restores the per-parameter state written by `toJSON`, checked against the parameters it belongs to:
   * every key of the initial state must be present, each buffer with the parameter's size and finite values.
   * Nothing changes unless all of it is valid.
   */
  loadJSON(json: OptimizerStateJson, params: NamedParameter[], what = 'optimizer state'): void {
    if (json?.optimizer !== this.name) throw new ValueError(`${what}: expected optimizer "${this.name}", got ${JSON.stringify(json?.optimizer)}`);
    if (typeof json.state !== 'object' || json.state === null) throw new ValueError(`${what}: missing key "state"`);
    const sizes = new Map(params.map((p) => [p.name, p.value.size]));
    const loaded = new Map<string, ParamState>();
    for (const [name, entry] of Object.entries(json.state)) {
      const size = sizes.get(name);
      if (size === undefined) throw new ValueError(`${what}: state for "${name}", which is not a parameter of this model`);
      const template = this.initialState(size);
      const s: ParamState = {};
      for (const [key, init] of Object.entries(template)) {
        if (!(key in entry)) throw new ValueError(`${what} "${name}": missing key "${key}"`);
        const v = entry[key];
        if (init instanceof Float64Array || (Array.isArray(v) && init === null)) {
          if (!Array.isArray(v) || v.length !== size || !v.every((n) => typeof n === 'number' && Number.isFinite(n))) {
            throw new ValueError(`${what} "${name}".${key}: expected ${size} finite numbers, got ${describe(v)}`);
          }
          s[key] = Float64Array.from(v);
        } else if (init === null) {
          if (v !== null) throw new ValueError(`${what} "${name}".${key}: expected null or ${size} numbers, got ${describe(v)}`);
          s[key] = null;
        } else {
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ValueError(`${what} "${name}".${key}: expected a step count (integer >= 0), got ${describe(v)}`);
          s[key] = v;
        }
      }
      loaded.set(name, s);
    }
    this.states.clear();
    for (const [name, s] of loaded) this.states.set(name, s);
  }
}

/** Throws unless `value` is a finite number in [min, ∞) (or (min, ∞) when `strict`). */
export function checkHyper(optimizer: string, key: string, value: number, min: number, strict = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (strict ? value > min : value >= min);
  if (!ok) throw new ValueError(`${optimizer} ${key}: expected a number ${strict ? '>' : '>='} ${min}, got ${value}`);
  return value;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return JSON.stringify(v) ?? String(v);
}
