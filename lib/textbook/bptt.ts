/**
 * Backpropagation through time as it is taught: one direction of one layer, forward over t, then the
 * reverse loop, in which every step ADDS its share of the shared weights' gradients (BPTT's Σ_t, as
 * `dWhh += dh_raw · h_{t−1}ᵀ` in min-char-rnn). Read this first; lib/layers/unroll.ts is the same
 * computation reorganised for speed.                                          docs: docs/layers/bptt.md
 *
 *   forward   for t = 0 … T−1 (T−1 … 0 for the reverse direction):  (state_t, cache_t) = cell(x_t, state_{t−1})
 *   backward  dNext = ∂L/∂state_T (from h_n, c_n; 0 if nothing reads them); then for each step from the last:
 *     (BPTT-1)  ∂L/∂h_t = ∂ℓ/∂h_t (from above) + dNext.h          ∂L/∂c_t = dNext.c (LSTM)
 *     (BPTT-2)  the cell's backward: adds dW_ih, dW_hh, db (that step's term of BPTT-4) and returns
 *               dx_t and dNext = ∂L/∂state_{t−1}
 *     (BPTT-3)  after step 0 (time order), dNext is ∂L/∂h0 (and ∂L/∂c0)
 * With `lengths` (a variable-length batch), row b has lengths[b] valid steps: at a padded step its state is
 * held (PACK-1), and backward passes its gradient over the step untouched (PACK-2).
 */
import { Mat, zeros, clone, ValueError } from '../kernels/tensor';
import { CellKind, CellParams } from '../cells/cell-params';
import { Trace } from './ops';
import { rnnForward, rnnBackward, RnnCache } from './rnn';
import { lstmForward, lstmBackward, LstmCache } from './lstm';
import { gruForward, gruBackward, GruCache } from './gru';

/** A cell's state between steps: h, and c for an LSTM (null otherwise). */
export interface State {
  h: Mat; // [B,H]
  c: Mat | null; // [B,H]
}

/** One cell as this engine runs it: its step forward, and its step backward. */
export interface TextbookCell {
  forward(p: CellParams, x: Mat, s: State, trace?: Trace): { state: State; cache: unknown };
  backward(p: CellParams, g: CellParams, cache: unknown, d: State, trace?: Trace): { dx: Mat; dStatePrev: State };
}

/** Where the loops report every tagged quantity of every step, for the trace (lib/textbook/trace.ts). */
export type StepTrace = ((phase: 'forward' | 'backward', t: number, tag: string, name: string, value: Mat) => void) | null;

/** The step functions of `kind`, with one signature for all (the state's c is null but for the LSTM). */
function cellOf(kind: CellKind): TextbookCell {
  const noC = (r: { state: { h: Mat }; cache: unknown }) => ({ state: { h: r.state.h, c: null }, cache: r.cache });
  const noCBack = (r: { dx: Mat; dStatePrev: { h: Mat } }) => ({ dx: r.dx, dStatePrev: { h: r.dStatePrev.h, c: null } });
  const c = (s: State, what: string): Mat => {
    if (!s.c) throw new ValueError(`${what}: an LSTM needs its cell state`);
    return s.c;
  };
  switch (kind) {
    case 'rnn_tanh':
    case 'rnn_relu': {
      const phi = kind === 'rnn_tanh' ? 'tanh' : 'relu';
      return {
        forward: (p, x, s, trace) => noC(rnnForward(phi, p, x, s, trace)),
        backward: (p, g, k, d, trace) => noCBack(rnnBackward(phi, p, g, k as RnnCache, d, trace)),
      };
    }
    case 'lstm':
      return {
        forward: (p, x, s, trace) => lstmForward(p, x, { h: s.h, c: c(s, 'lstmForward state') }, trace),
        backward: (p, g, k, d, trace) => lstmBackward(p, g, k as LstmCache, { h: d.h, c: c(d, 'lstmBackward dState') }, trace),
      };
    case 'gru':
      return {
        forward: (p, x, s, trace) => noC(gruForward(p, x, s, trace)),
        backward: (p, g, k, d, trace) => noCBack(gruBackward(p, g, k as GruCache, d, trace)),
      };
  }
}

/**
 * The cells this engine runs, by kind. A table rather than a fixed call so that lib/diagnostics/mutants.ts
 * can put a cell with a deliberate mistake in its place for a moment, to show what a wrong gradient looks
 * like to the checks (it always puts the right one back).
 */
export const textbookCells: Record<CellKind, TextbookCell> = {
  rnn_tanh: cellOf('rnn_tanh'), rnn_relu: cellOf('rnn_relu'), lstm: cellOf('lstm'), gru: cellOf('gru'),
};

/** What one direction keeps for its backward: each step's cache and the state it wrote, by time t. */
export interface TextbookRun {
  kind: CellKind;
  reverse: boolean;
  lengths: Int32Array | null; // [B]
  caches: unknown[]; // [T]  the cell's cache of step t
  states: State[]; // [T]   the state after step t (a padded row holds the one before)
}

/** Forward over one direction: xs [T,B,I], h0 and c0 [B,H]. */
export function bpttForward(kind: CellKind, p: CellParams, xs: Mat, h0: Mat, c0: Mat | null, reverse: boolean, lengths: Int32Array | null, trace: StepTrace = null): TextbookRun {
  const T = xs.shape[0], cell = textbookCells[kind];
  let state: State = { h: clone(h0), c: c0 ? clone(c0) : null };
  const run: TextbookRun = { kind, reverse, lengths, caches: new Array(T), states: new Array(T) };
  for (let n = 0; n < T; n++) {
    const t = reverse ? T - 1 - n : n;
    const atStep: Trace = trace ? (tag, name, value) => trace('forward', t, tag, name, value) : null;
    const { state: next, cache } = cell.forward(p, xs.pick(t), state, atStep); //  one step of the cell
    if (lengths) holdPadded(next, state, lengths, t); //                            (PACK-1)
    run.caches[t] = cache;
    run.states[t] = next;
    state = next;
  }
  return run;
}

/**
 * The reverse loop over one direction. dhs [T,B,H]: ∂ℓ/∂h_t from above; dhN, dcN [B,H] or null: the
 * gradient at the final state. Adds the weights' gradients into `g` step by step; returns dx_t of every
 * step [T,B,I], ∂L/∂h0, ∂L/∂c0 and ‖∂L/∂h_t‖ per step.
 */
export function bpttBackward(p: CellParams, g: CellParams, run: TextbookRun, dhs: Mat, dhN: Mat | null, dcN: Mat | null, inputSize: number, trace: StepTrace = null): {
  dxs: Mat; dh0: Mat; dc0: Mat | null; hGradNorms: Float64Array;
} {
  const T = run.caches.length, cell = textbookCells[run.kind];
  const [, B, H] = dhs.shape;
  const hasC = run.kind === 'lstm';
  let dNext: State = { h: dhN ? clone(dhN) : zeros([B, H]), c: hasC ? (dcN ? clone(dcN) : zeros([B, H])) : null }; // ∂L/∂state after the last step
  const dxs = zeros([T, B, inputSize]);
  const hGradNorms = new Float64Array(T);
  for (let n = T - 1; n >= 0; n--) {
    const t = run.reverse ? T - 1 - n : n;
    const atStep: Trace = trace ? (tag, name, value) => trace('backward', t, tag, name, value) : null;

    const dh = zeros([B, H]);
    for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) dh.set(b, j, dhs.get(t, b, j) + dNext.h.get(b, j)); // (BPTT-1)
    atStep?.('BPTT-1', '∂L/∂h_t', dh);
    const d: State = { h: dh, c: dNext.c ? clone(dNext.c) : null };
    if (run.lengths) zeroPadded(d, run.lengths, t); //          a padded step takes no gradient   (PACK-2)
    hGradNorms[t] = norm(d.h);
    const { dx, dStatePrev } = cell.backward(p, g, run.caches[t], d, atStep); //  adds step t's dW   (BPTT-2)
    if (run.lengths) passPadded(dStatePrev, dNext, run.lengths, t); //  ... and passes it over  (PACK-2)
    for (let b = 0; b < B; b++) for (let i = 0; i < inputSize; i++) dxs.set(t, b, i, dx.get(b, i));
    dNext = dStatePrev;
  }
  return { dxs, dh0: dNext.h, dc0: dNext.c, hGradNorms }; //                                    (BPTT-3)
}

/** (PACK-1) Rows whose sequence has ended before step t keep the state they had. */
function holdPadded(next: State, prev: State, lengths: Int32Array, t: number): void {
  lengths.forEach((len, b) => {
    if (t < len) return;
    for (let j = 0; j < next.h.shape[1]; j++) {
      next.h.set(b, j, prev.h.get(b, j));
      if (next.c && prev.c) next.c.set(b, j, prev.c.get(b, j));
    }
  });
}

/** (PACK-2) A padded row's step gets no gradient: its dh and dc are 0 going into the cell. */
function zeroPadded(d: State, lengths: Int32Array, t: number): void {
  lengths.forEach((len, b) => {
    if (t < len) return;
    for (let j = 0; j < d.h.shape[1]; j++) {
      d.h.set(b, j, 0);
      if (d.c) d.c.set(b, j, 0);
    }
  });
}

/** (PACK-2) ... and what reached its state after the step goes on to the state before it, unchanged. */
function passPadded(dPrev: State, dNext: State, lengths: Int32Array, t: number): void {
  lengths.forEach((len, b) => {
    if (t < len) return;
    for (let j = 0; j < dPrev.h.shape[1]; j++) {
      dPrev.h.set(b, j, dNext.h.get(b, j));
      if (dPrev.c && dNext.c) dPrev.c.set(b, j, dNext.c.get(b, j));
    }
  });
}

function norm(m: Mat): number {
  let s = 0;
  for (let b = 0; b < m.shape[0]; b++) for (let j = 0; j < m.shape[1]; j++) s += m.get(b, j) ** 2;
  return Math.sqrt(s);
}

/** What step t of a run computed, by name, in the order it computed them (gates, c_t, h_t): what a non-finite search reads. */
export function computedAt(run: TextbookRun, t: number): [string, Mat][] {
  const k = run.caches[t] as Partial<Record<'i' | 'f' | 'g' | 'o' | 'r' | 'z' | 'n', Mat>>;
  const gates = run.kind === 'lstm' ? ['i', 'f', 'g', 'o'] as const : run.kind === 'gru' ? ['r', 'z', 'n'] as const : [];
  const s = run.states[t];
  return [...gates.map((name): [string, Mat] => [`gate ${name}`, k[name] as Mat]), ...(s.c ? [['c_t', s.c] as [string, Mat]] : []), ['h_t', s.h]];
}
