/**
 * The shared weights' gradients of one recurrent layer and direction, summed over every step at once
 * (BPTT-4 of docs/layers/bptt.md): what lib/layers/unroll.ts and lib/layers/stepwise.ts do after their
 * reverse loops.
 */
import { Mat, zeros } from '../kernels/tensor';
import { gemm, GemmWorkspace } from '../kernels/gemm';
import { addRowVectorBackward } from '../kernels/bias';
import { CellParams } from '../cells/cell-params';

/**
 * (BPTT-4) The shared weights' gradients, summed over every step and row as one product each, from the
 * rows of all steps stacked: DA, DV [N,G·H] (the same tensor for RNN and LSTM), the inputs X [N,I] and
 * the states before each step H_prev [N,H]. Adds into `g`.
 */
export function addWeightGrads(g: CellParams, DA: Mat, DV: Mat, X: Mat, Hprev: Mat, ws: GemmWorkspace): void {
  const GH = DA.shape[1];
  gemm(g.weight_ih, DA.transpose(1, 0), X, ws); //      [G·H,I] += [G·H,N]·[N,I]       (BPTT-4)
  gemm(g.weight_hh, DV.transpose(1, 0), Hprev, ws); //  [G·H,H] += [G·H,N]·[N,H]       (BPTT-4)
  if (g.bias_ih && g.bias_hh && DV === DA) {
    // RNN and LSTM: both biases enter only as b_ih + b_hh, so their gradients are the same sum; take it once.
    const db = zeros([GH]);
    addRowVectorBackward(db, DA); //                    [G·H] = Σ over N rows          (BPTT-4)
    for (let k = 0; k < GH; k++) {
      g.bias_ih.data[g.bias_ih.offset + k * g.bias_ih.stride[0]] += db.data[k];
      g.bias_hh.data[g.bias_hh.offset + k * g.bias_hh.stride[0]] += db.data[k];
    }
  } else {
    if (g.bias_ih) addRowVectorBackward(g.bias_ih, DA); // [G·H] += Σ over N rows       (BPTT-4)
    if (g.bias_hh) addRowVectorBackward(g.bias_hh, DV); // [G·H] += Σ over N rows       (BPTT-4)
  }
}
