/**
 * What a recurrent layer is built from (lib/layers/recurrent.ts): its options, their defaults and checks.
 */
import { ValueError } from '../kernels/tensor';
import { CellKind, assertCellKind } from '../cells/cell-params';
import { checkDropout } from './dropout';

export interface RecurrentOptions {
  mode: CellKind; // 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru'
  inputSize: number; // I
  hiddenSize: number; // H
  numLayers?: number; // L, default 1
  bidirectional?: boolean; // D = 2 if true, default false
  bias?: boolean; // default true
  seed?: number; // for the U(−1/√H, 1/√H) initialisation, default 0
  trackGradNorms?: boolean; // record ‖∂L/∂h_t‖ per step in every backward pass (cheap), default true
  engine?: Engine; // default 'fast'
  dropout?: number; // p of (DROP-1) on every layer's output but the last's, as PyTorch's `dropout=`; default 0
  recurrentDropout?: number; // p of (DROP-2) on h_{t−1} in every layer and direction (variational); default 0
}

/**
 * Which engine runs the layer: 'fast' (lib/layers/unroll.ts: hoisted products, packed weights, pooled
 * buffers) or 'textbook' (lib/textbook: whole cells, plain products, dW added inside the reverse loop;
 * many times slower, for reading and for checking the fast one). Both give the same numbers.
 */
export type Engine = 'fast' | 'textbook';
export const ENGINES: readonly Engine[] = ['fast', 'textbook'];

export type RecurrentConfig = Required<Omit<RecurrentOptions, 'seed' | 'trackGradNorms' | 'engine'>>;

/** The options with their defaults filled in, checked. */
export function checkOptions(o: RecurrentOptions): RecurrentConfig {
  assertCellKind(o.mode, 'Recurrent mode');
  const positiveInt = (v: unknown, what: string): void => {
    if (!Number.isInteger(v) || (v as number) < 1) throw new ValueError(`Recurrent ${what}: expected an integer >= 1, got ${v}`);
  };
  positiveInt(o.inputSize, 'inputSize');
  positiveInt(o.hiddenSize, 'hiddenSize');
  const numLayers = o.numLayers ?? 1;
  positiveInt(numLayers, 'numLayers');
  const dropout = checkDropout(o.dropout ?? 0, 'Recurrent dropout');
  const recurrentDropout = checkDropout(o.recurrentDropout ?? 0, 'Recurrent recurrentDropout');
  return {
    mode: o.mode, inputSize: o.inputSize, hiddenSize: o.hiddenSize, numLayers, bidirectional: o.bidirectional ?? false, bias: o.bias ?? true,
    dropout, recurrentDropout,
  };
}
