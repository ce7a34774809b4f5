/**
 * What every cell is to the layer that unrolls it: one record of operations with the same signatures for
 * the Elman RNN, the LSTM and the GRU, so that lib/layers/unroll.ts runs one forward loop and one backward
 * loop over any of them.                                                      docs: docs/layers/bptt.md
 *
 *   makeStep(base, take)     the views of one time step: the layer's views, plus what this cell keeps
 *   check(p, s, what)        the step's shapes against the parameters (once per sequence)
 *   createWork(B, H)         scratch the cell reuses at every step (the GRU's v_t)
 *   forward(p, w, a, s, work) one step from its pre-activations' input half `a`: fills h_t (and c_t),
 *                            and whatever backward needs, in `s`
 *   backward(w, s, d, work)  its gradients: writes d.da (d.dv) and d.dc, adds into d.dhPrev (d.dcPrev)
 *
 * Who owns what. The layer that owns the time loop owns all memory: it takes every buffer from its pool
 * (or allocates it), packs the recurrent weights once per sequence, and hands each cell plain views: every
 * [B,·] tensor a cell receives is row-major with offset 0 (a `subarray` of a layer buffer), so a cell's
 * loops index `data[b·N + j]` and nothing else. A cell's forward and backward allocate nothing, a cell
 * keeps nothing between calls and knows nothing of pools: `take` in `makeStep` is the layer's allocator,
 * lent for the buffers a step keeps, and `createWork`, called once per sequence, makes the only scratch a
 * cell has (a [B,·] buffer).
 */
import { Mat, isOwned, ShapeError } from '../kernels/tensor';
import { GemmWorkspace, PackedB } from '../kernels/gemm';
import { CellParams } from './cell-params';

/** The recurrent weights as the steps' products use them: packed by the layer once per sequence. */
export interface RecurrentWeights {
  gemm: GemmWorkspace; // packing space of the fast product
  W_hhT: PackedB; // [H,G·H]  weight_hhᵀ, for h_{t−1}·W_hhᵀ in forward
  W_hh: PackedB; // [G·H,H]  weight_hh, for dv·W_hh in backward
  W_hrT?: PackedB; // [H,P]  weight_hrᵀ, for the projection m_t·W_hrᵀ (LSTM with proj_size)
  W_hr?: PackedB; // [P,H]  weight_hr, for dh·W_hr in backward
}

/** The views of step t that the layer makes for every cell. */
export interface StepBase {
  hPrev: Mat; // [B,H]  h_{t−1}
  hIn: Mat; // [B,H]  h_{t−1} as the recurrent product reads it: `hPrev` itself, or under recurrent dropout
  //          (lib/layers/dropout.ts) m ⊙ h_{t−1}, one mask m per sequence. Only the product reads it.
  h: Mat; // [B,H]  h_t, written by forward
  cPrev: Mat | null; // [B,H]  c_{t−1} (a cell with a cell state); null otherwise
  c: Mat | null; // [B,H]  c_t, written by forward; null otherwise
}

/** The gradients of one backward step. The layer makes them before the loop; the cell fills them. */
export interface StepGrads {
  dh: Mat; // [B,H]    in: ∂L/∂h_t in total (the loss at t and step t+1)
  dcNext: Mat; // [B,H]  in: ∂L/∂c_t through step t+1 (LSTM)
  da: Mat; // [B,G·H]   out: ∂L/∂u_t, the gradient at the input half of the pre-activations
  dv: Mat; // [B,G·H]   out: ∂L/∂v_t, at the recurrent half h_{t−1}·W_hhᵀ + b_hh (the same tensor as `da`
  //                       for RNN and LSTM, where both halves are added before any nonlinearity)
  dc: Mat; // [B,H]     out: ∂L/∂c_t in total (LSTM), a diagnostic
  dhPrev: Mat; // [B,H]  added into: ∂L/∂h_{t−1}
  dhIn: Mat; // [B,H]  added into: ∂L/∂hIn, the product's part: `dhPrev` itself without recurrent dropout;
  //           with it, a buffer of its own that the layer multiplies by m into dhPrev after the step
  dcPrev: Mat; // [B,H]  added into: ∂L/∂c_{t−1} (LSTM)
  dW_hr?: Mat | null; // [P,H]  the projection's weight gradient, which a projecting step adds into itself
}

/** The operations of one kind of cell. `S` is its step record, `W` its scratch. */
export interface Cell<S extends StepBase, W> {
  readonly name: string; // as in messages: 'rnn', 'lstm', 'gru'
  readonly gateCount: number; // G: the gate blocks stacked in weight_ih's rows
  readonly hasCellState: boolean; // an LSTM carries c_t beside h_t
  readonly splitBiases: boolean; // the GRU keeps b_hh inside its step; the others fold it into u_t
  makeStep(base: StepBase, take: (shape: number[]) => Mat): S;
  check(p: CellParams, s: S, what: string): void;
  createWork(B: number, H: number): W;
  /**
   * a: [B,G·H], on entry the input half of the step's pre-activations, u_t = x_t·W_ihᵀ + b_ih (+ b_hh),
   * made by the layer for every step at once (BPTT-0); RNN and LSTM add the recurrent half into it, the
   * GRU only reads it. Backward never needs it, so the layer reuses its buffer from one call to the next.
   */
  forward(p: CellParams, w: RecurrentWeights, a: Mat, s: S, work: W): void;
  backward(w: RecurrentWeights, s: S, d: StepGrads, work: W): void;
  /** The tensors of a forward step in the order it computes them, by name: what a non-finite search reads. */
  computed(s: S): [string, Mat][];
}

/** Throws unless `m` is row-major from offset 0, as every tensor a cell's loops index by b·N + j must be. */
export function assertPlain(m: Mat, what: string): void {
  if (!isOwned(m)) throw new ShapeError(`${what}: expected a row-major tensor at offset 0 (a plain view), got strides [${m.stride.join(',')}] at offset ${m.offset}`);
}
