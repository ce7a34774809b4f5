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
  projSize?: number; // LSTM only: project h_t to this many values, P < H (PyTorch's proj_size; lib/cells/lstm-proj-cell.ts); default 0, none
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
    projSize: checkProjSize(o, 'Recurrent projSize'),
  };
}

function checkProjSize(o: RecurrentOptions, what: string): number {
  const P = o.projSize ?? 0;
  if (P === 0) return 0;
  if (o.mode !== 'lstm') throw new ValueError(`${what}: only an LSTM has a projection, this layer is ${o.mode}`);
  if (!Number.isInteger(P) || P < 0 || P >= o.hiddenSize) throw new ValueError(`${what}: expected an integer in [0, hiddenSize) = [0, ${o.hiddenSize}), got ${P}`);
  return P;
}

/** Validates a time-major x [T,B,I] and the initial states h0 [L·D,B,R], c0 [L·D,B,H] against the layer; returns [T, B]. */
export function checkInput(config: RecurrentConfig, x: Mat, h0: Mat | null, c0: Mat | null): [number, number] {
  const { mode, inputSize: I, hiddenSize: H, numLayers: L } = config;
  const R = config.projSize || H; // the state's size
  const D = config.bidirectional ? 2 : 1;
  if (x.dimension !== 3) throw new ShapeError(`Recurrent.forward x: expected [T,B,${I}] (time-major), got ${shapeString(x.shape)}`);
  const [T, B, width] = x.shape;
  if (T === 0) throw new ValueError(`Recurrent.forward x: sequence length T must be >= 1, got T = 0 (shape ${shapeString(x.shape)})`);
  if (B === 0) throw new ValueError(`Recurrent.forward x: batch size B must be >= 1, got B = 0 (shape ${shapeString(x.shape)})`);
  if (width !== I) throw new ShapeError(`Recurrent.forward x: expected input width ${I} (input_size), got [${T},${B},${width}]`);
  assertFinite(x, 'Recurrent.forward x');
  if (h0) {
    assertShape(h0, [L * D, B, R], 'Recurrent.forward h0');
    assertFinite(h0, 'Recurrent.forward h0');
  }
  if (c0 && mode !== 'lstm') throw new ValueError(`Recurrent.forward c0: only an LSTM has a cell state, this layer is ${mode}`);
  if (c0) {
    assertShape(c0, [L * D, B, H], 'Recurrent.forward c0');
    assertFinite(c0, 'Recurrent.forward c0');
  }
  return [T, B];
}

/** ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) for one layer and direction, indexed by time t: the raw material of diagnostics. */
export interface StepGradNorms {
  layer: number;
  direction: 0 | 1;
  h: Float64Array; // [T]
  c: Float64Array | null; // [T] (LSTM)
}

export interface RecurrentGrads {
  dx: Mat; // [T,B,I]
  dh0: Mat; // [L·D,B,H]
  dc0: Mat | null; // [L·D,B,H] (LSTM)
  stepGradNorms: StepGradNorms[];
}

/** The configuration keys a checkpoint names only when they differ from their defaults. */
type OptionalKey = 'dropout' | 'recurrentDropout' | 'batchFirst' | 'mergeMode' | 'projSize';

export type StoredRecurrentConfig = Omit<RecurrentConfig, OptionalKey> & Partial<Pick<RecurrentConfig, OptionalKey>>;

/** The configuration as a checkpoint stores it: an option at its default is left out, so a layer that does
 *  not use it has the configuration it always had. */
export function storedConfig(config: RecurrentConfig): StoredRecurrentConfig {
  const { dropout, recurrentDropout, batchFirst, mergeMode, projSize, ...rest } = config;
  return {
    ...rest, ...(dropout > 0 ? { dropout } : {}), ...(recurrentDropout > 0 ? { recurrentDropout } : {}), ...(batchFirst ? { batchFirst } : {}),
    ...(mergeMode !== 'concat' ? { mergeMode } : {}), ...(projSize > 0 ? { projSize } : {}),
  };
}
