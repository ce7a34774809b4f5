/**
 * The four cell kinds and the operations that run each: the one table the layer looks a cell up in, once
 * per sequence (never inside the time loop).
 */
import { CellKind } from './cell-params';
import { Cell, StepBase } from './cell';
import { rnnTanhCell, rnnReluCell } from './rnn-cell';
import { lstmCell } from './lstm-cell';
import { gruCell } from './gru-cell';
import { lstmProjCell } from './lstm-proj-cell';

const CELLS: Record<CellKind, Cell<StepBase, unknown>> = {
  rnn_tanh: rnnTanhCell,
  rnn_relu: rnnReluCell,
  lstm: lstmCell as Cell<StepBase, unknown>,
  gru: gruCell as Cell<StepBase, unknown>,
};

/** The operations of one kind of cell; an LSTM with a projection (proj_size) is its own cell. */
export function cellFor(kind: CellKind, projected = false): Cell<StepBase, unknown> {
  return projected && kind === 'lstm' ? (lstmProjCell as Cell<StepBase, unknown>) : CELLS[kind];
}
