/**
 * What a recurrent layer is built from (lib/layers/recurrent.ts): its options, their defaults and checks.
 */
import { Mat, ValueError, ShapeError, assertShape, assertFinite, shapeString } from '../kernels/tensor';
import { CellKind, assertCellKind } from '../cells/cell-params';
import { checkDropout } from './dropout';
import { MergeMode, checkMergeMode } from './merge';

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
  batchFirst?: boolean; // x [B,T,I] and output [B,T,D·H], as PyTorch's batch_first (h0, h_n stay [L·D,B,H]); default false
  mergeMode?: MergeMode; // how a bidirectional layer joins its directions (lib/layers/merge.ts); default 'concat'
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
    dropout, recurrentDropout, batchFirst: o.batchFirst ?? false, mergeMode: checkMergeMode(o.mergeMode ?? 'concat', 'Recurrent mergeMode'),
  };
}

/** Validates a time-major x [T,B,I] and the initial states h0, c0 [L·D,B,H] against the layer; returns [T, B]. */
export function checkInput(config: RecurrentConfig, x: Mat, h0: Mat | null, c0: Mat | null): [number, number] {
  const { mode, inputSize: I, hiddenSize: H, numLayers: L } = config;
  const D = config.bidirectional ? 2 : 1;
  if (x.dimension !== 3) throw new ShapeError(`Recurrent.forward x: expected [T,B,${I}] (time-major), got ${shapeString(x.shape)}`);
  const [T, B, width] = x.shape;
  if (T === 0) throw new ValueError(`Recurrent.forward x: sequence length T must be >= 1, got T = 0 (shape ${shapeString(x.shape)})`);
  if (B === 0) throw new ValueError(`Recurrent.forward x: batch size B must be >= 1, got B = 0 (shape ${shapeString(x.shape)})`);
  if (width !== I) throw new ShapeError(`Recurrent.forward x: expected input width ${I} (input_size), got [${T},${B},${width}]`);
  assertFinite(x, 'Recurrent.forward x');
  if (h0) {
    assertShape(h0, [L * D, B, H], 'Recurrent.forward h0');
    assertFinite(h0, 'Recurrent.forward h0');
  }
  if (c0 && mode !== 'lstm') throw new ValueError(`Recurrent.forward c0: only an LSTM has a cell state, this layer is ${mode}`);
  if (c0) {
    assertShape(c0, [L * D, B, H], 'Recurrent.forward c0');
    assertFinite(c0, 'Recurrent.forward c0');
  }
  return [T, B];
}
