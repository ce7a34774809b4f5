/**
 * Stacked and bidirectional layers, composed from bptt.ts as a textbook draws them: layer l reads layer
 * l−1's output; a bidirectional layer runs a second direction from the last step to the first and puts
 * its h_t beside the first's, [forward ‖ reverse]. The shapes and the meaning of every tensor are those
 * of lib/layers/recurrent.ts (which runs the fast engine or this one), with D directions.
 *
 *   x [T,B,I]  →  output [T,B,D·H],  h_n and c_n [L·D,B,H] (row l·D + d; the reverse direction ends at t = 0)
 */
import { Mat, zeros } from '../kernels/tensor';
import { CellKind, CellParams } from '../cells/cell-params';
import { bpttForward, bpttBackward, TextbookRun } from './bptt';

/** The reverse loop the stack calls: a table, for the same reason as `textbookCells` (bptt.ts). */
export const textbookLoops = { backward: bpttBackward };

/** What the stack keeps for backward: every layer's input, and each direction's run. */
export interface TextbookStack {
  inputs: Mat[]; // [L]  layer l's input [T,B,I or D·H]
  runs: TextbookRun[][]; // [L][D]
}

/** Forward through `params[l][d]`, from h0/c0 [L·D,B,H] (or zeros). */
export function stackForward(kind: CellKind, params: CellParams[][], x: Mat, h0: Mat | null, c0: Mat | null, lengths: Int32Array | null): {
  output: Mat; h_n: Mat; c_n: Mat | null; cache: TextbookStack;
} {
  const [T, B] = x.shape, L = params.length, D = params[0].length, H = params[0][0].weight_hh.shape[1];
  const h_n = zeros([L * D, B, H]), c_n = kind === 'lstm' ? zeros([L * D, B, H]) : null;
  const cache: TextbookStack = { inputs: [], runs: [] };
  let input = x;
  for (let l = 0; l < L; l++) {
    const output = zeros([T, B, D * H]);
    cache.inputs.push(input);
    cache.runs.push([]);
    for (let d = 0; d < D; d++) {
      const row = l * D + d;
      const run = bpttForward(kind, params[l][d], input, h0 ? h0.pick(row) : zeros([B, H]),
        kind === 'lstm' ? (c0 ? c0.pick(row) : zeros([B, H])) : null, d === 1, lengths);
      cache.runs[l].push(run);
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          const valid = !lengths || t < lengths[b]; // a padded position's output is 0, as PyTorch's packed sequences
          for (let j = 0; j < H; j++) output.set(t, b, d * H + j, valid ? run.states[t].h.get(b, j) : 0);
        }
      }
      const last = run.states[d === 1 ? 0 : T - 1]; // where this direction ends (a finished row holds its state)
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          h_n.set(row, b, j, last.h.get(b, j));
          if (c_n && last.c) c_n.set(row, b, j, last.c.get(b, j));
        }
      }
    }
    input = output;
  }
  return { output: input, h_n, c_n, cache };
}

/**
 * Backward through the stack, top layer first: dOutput [T,B,D·H] = ∂L/∂output, dh_n and dc_n
 * [L·D,B,H] or null. Adds into `grads[l][d]`; returns dx, dh0, dc0 and ‖∂L/∂h_t‖ per layer and direction.
 */
export function stackBackward(kind: CellKind, params: CellParams[][], grads: CellParams[][], cache: TextbookStack, dOutput: Mat, dh_n: Mat | null, dc_n: Mat | null): {
  dx: Mat; dh0: Mat; dc0: Mat | null; norms: { layer: number; direction: 0 | 1; h: Float64Array }[];
} {
  const [T, B] = dOutput.shape, L = params.length, D = params[0].length, H = params[0][0].weight_hh.shape[1];
  const dh0 = zeros([L * D, B, H]), dc0 = kind === 'lstm' ? zeros([L * D, B, H]) : null;
  const norms: { layer: number; direction: 0 | 1; h: Float64Array }[] = [];
  let dOut = dOutput;
  for (let l = L - 1; l >= 0; l--) {
    const input = cache.inputs[l];
    const dx = zeros(input.shape); // both directions read the same x: their dx add up
    for (let d = 0; d < D; d++) {
      const row = l * D + d;
      const dhs = dOut.lo(0, 0, d * H).hi(T, B, H); // this direction's column block
      const r = textbookLoops.backward(params[l][d], grads[l][d], cache.runs[l][d], dhs, dh_n ? dh_n.pick(row) : null, dc_n ? dc_n.pick(row) : null, input.shape[2]);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let i = 0; i < input.shape[2]; i++) dx.set(t, b, i, dx.get(t, b, i) + r.dxs.get(t, b, i));
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          dh0.set(row, b, j, r.dh0.get(b, j));
          if (dc0 && r.dc0) dc0.set(row, b, j, r.dc0.get(b, j));
        }
      }
      norms.push({ layer: l, direction: d as 0 | 1, h: r.hGradNorms });
    }
    dOut = dx;
  }
  norms.sort((a, b) => a.layer - b.layer || a.direction - b.direction);
  return { dx: dOut, dh0, dc0, norms };
}
