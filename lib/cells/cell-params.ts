/**
 * The parameters of one recurrent cell (one layer, one direction), stored as PyTorch stores them.
 *
 *   weight_ih  [G·H, I]   input → gates       (I = the layer's input width)
 *   weight_hh  [G·H, H]   hidden → gates
 *   bias_ih    [G·H]      (absent when bias = false)
 *   bias_hh    [G·H]
 *   weight_hr  [P, H]     LSTM with a projection (PyTorch's proj_size = P) only: h_t = (o ⊙ tanh c_t)·W_hrᵀ,
 *                         and then weight_hh is [G·H, P], since h_{t−1} has P values
 *
 * G is the number of gate blocks stacked row-wise, in PyTorch's order:
 *   RNN  G = 1
 *   LSTM G = 4   rows [0,H) i, [H,2H) f, [2H,3H) g, [3H,4H) o
 *   GRU  G = 3   rows [0,H) r, [H,2H) z, [2H,3H) n
 * Gradients use this same type (`g.weight_ih` is ∂L/∂weight_ih), so a parameter and its gradient
 * always have the same shape and name.
 */
import { Mat, zeros, ValueError } from '../kernels/tensor';
import { Rng, fillUniform } from '../kernels/random';
import { PackedB } from '../kernels/gemm';
import type { ScratchPool } from '../kernels/scratch';

export type CellKind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

export const CELL_KINDS: readonly CellKind[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];

export interface CellParams {
  weight_ih: Mat; // [G·H, I]
  weight_hh: Mat; // [G·H, H]
  bias_ih: Mat | null; // [G·H]
  bias_hh: Mat | null; // [G·H]
  weight_hr?: Mat; // [P, H], present only with a projection (lib/cells/lstm-proj-cell.ts)
}

/** Number of gate blocks G: 1 (RNN), 4 (LSTM), 3 (GRU). */
export function gateCount(kind: CellKind): number {
  switch (kind) {
    case 'rnn_tanh':
    case 'rnn_relu':
      return 1;
    case 'lstm':
      return 4;
    case 'gru':
      return 3;
  }
}

/** Throws unless `kind` is one of the four cell kinds (for values that arrive from JSON or the command line). */
export function assertCellKind(kind: unknown, what: string): asserts kind is CellKind {
  if (!CELL_KINDS.includes(kind as CellKind)) {
    throw new ValueError(`${what}: expected one of ${CELL_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
}

/** All-zero parameters (or gradients) of the given sizes. */
export function zeroCellParams(kind: CellKind, inputSize: number, hiddenSize: number, bias: boolean, projSize = 0): CellParams {
  const GH = gateCount(kind) * hiddenSize;
  return {
    weight_ih: zeros([GH, inputSize]),
    weight_hh: zeros([GH, projSize || hiddenSize]),
    bias_ih: bias ? zeros([GH]) : null,
    bias_hh: bias ? zeros([GH]) : null,
    ...(projSize ? { weight_hr: zeros([projSize, hiddenSize]) } : {}),
  };
}

/**
 * Parameters initialised as PyTorch does: every entry ~ U(−1/√H, 1/√H), drawn in state_dict order
 * (weight_ih, weight_hh, bias_ih, bias_hh, weight_hr) from the seeded `rng`.
 */
export function initCellParams(kind: CellKind, inputSize: number, hiddenSize: number, bias: boolean, rng: Rng, projSize = 0): CellParams {
  const p = zeroCellParams(kind, inputSize, hiddenSize, bias, projSize);
  const k = 1 / Math.sqrt(hiddenSize);
  for (const m of cellTensors(p)) fillUniform(m, -k, k, rng);
  return p;
}

/** The tensors of a cell in state_dict order, skipping absent biases (and projection). */
export function cellTensors(p: CellParams): Mat[] {
  const out = [p.weight_ih, p.weight_hh];
  if (p.bias_ih) out.push(p.bias_ih);
  if (p.bias_hh) out.push(p.bias_hh);
  if (p.weight_hr) out.push(p.weight_hr);
  return out;
}

/** The state_dict names (without the layer suffix) of `cellTensors(p)`, in the same order. */
export function cellTensorNames(p: CellParams): string[] {
  return ['weight_ih', 'weight_hh', ...(p.bias_ih ? ['bias_ih'] : []), ...(p.bias_hh ? ['bias_hh'] : []), ...(p.weight_hr ? ['weight_hr'] : [])];
}

/** Keeps a work object's packed weights in the pool for the next call (a no-op without a pool). */
export function remember<W extends { W_hhT: PackedB; W_hh: PackedB }>(pool: ScratchPool | null, work: W): W {
  pool?.packed.set('W_hhT', work.W_hhT);
  pool?.packed.set('W_hh', work.W_hh);
  return work;
}
