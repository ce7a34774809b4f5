/**
 * A zoo of wrong gradients: realistic mistakes in backward passes, each put for a moment into the textbook
 * engine (lib/textbook) in place of the right code, to see which check catches it: the gradient check
 * (does the gradient agree with the loss's own finite differences?) or PyTorch's cases (do the numbers
 * agree with PyTorch's?).                                                    docs: docs/checking.md
 *
 * Each mutant wraps the engine's own step or loop and changes exactly what the mistake changes, so that
 * the textbook files stay as they are taught. The fast engine is never touched. A mistake made the same way
 * in forward and backward (a different model, differentiated correctly) passes the gradient check and is
 * caught only by PyTorch's numbers; a mistake in backward alone is caught by both.
 */
import { Mat, zeros, clone } from '../kernels/tensor';
import { CellKind, CELL_KINDS, CellParams, zeroCellParams } from '../cells/cell-params';
import { textbookCells, TextbookCell, State } from '../textbook/bptt';
import { textbookLoops } from '../textbook/layers';

export interface Mutant {
  name: string;
  cells: readonly CellKind[]; // the cells it changes
  mistake: string; // the wrong line, as someone might write it
  install(): void; // puts the mistake in (`removeMutants` puts the right code back)
}

const RIGHT_CELLS = { ...textbookCells };
const RIGHT_LOOPS = { ...textbookLoops };

/** Puts the right cells and loops back. */
export function removeMutants(): void {
  Object.assign(textbookCells, RIGHT_CELLS);
  Object.assign(textbookLoops, RIGHT_LOOPS);
}

/** Runs `f` with `mutant` installed, and always removes it. */
export function withMutant<R>(mutant: Mutant, f: () => R): R {
  mutant.install();
  try {
    return f();
  } finally {
    removeMutants();
  }
}

const RNN_LSTM: CellKind[] = ['rnn_tanh', 'rnn_relu', 'lstm'];

/** Replaces the backward of `kinds` by `wrong(right, …)`. */
function wrapBackward(kinds: readonly CellKind[], wrong: (right: TextbookCell['backward'], p: CellParams, g: CellParams, cache: unknown, d: State) => ReturnType<TextbookCell['backward']>): void {
  for (const k of kinds) {
    const right = RIGHT_CELLS[k];
    textbookCells[k] = { forward: right.forward, backward: (p, g, cache, d) => wrong(right.backward, p, g, cache, d) };
  }
}

const zerosLike = (m: Mat): Mat => zeros(m.shape);

export const MUTANTS: Mutant[] = [
  {
    name: 'lstm-forget-carry-dropped', cells: ['lstm'], mistake: 'dc_{t−1} = 0 instead of dc ⊙ f_t (the gradient highway cut)',
    install: () => wrapBackward(['lstm'], (right, p, g, k, d) => {
      const r = right(p, g, k, d);
      return { dx: r.dx, dStatePrev: { h: r.dStatePrev.h, c: zerosLike(r.dStatePrev.c as Mat) } };
    }),
  },
  {
    name: 'lstm-dc-next-ignored', cells: ['lstm'], mistake: 'dc = dh ⊙ o ⊙ (1 − tanh²c), without the dc_next from step t+1',
    install: () => wrapBackward(['lstm'], (right, p, g, k, d) => right(p, g, k, { h: d.h, c: zerosLike(d.c as Mat) })),
  },
  {
    name: 'tanh-derivative-from-preactivation', cells: ['rnn_tanh'], mistake: 'da = dh ⊙ (1 − a²) instead of dh ⊙ (1 − h²)',
    install: () => wrapBackward(['rnn_tanh'], (right, p, g, k, d) => {
      // The right backward multiplies by 1 − h²; hand it dh·(1 − a²)/(1 − h²), a = atanh(h), and it computes the wrong da.
      const h = (k as { h: Mat }).h, dh = clone(d.h);
      for (let b = 0; b < h.shape[0]; b++) {
        for (let j = 0; j < h.shape[1]; j++) {
          const hv = h.get(b, j), a = Math.atanh(hv);
          dh.set(b, j, (dh.get(b, j) * (1 - a * a)) / (1 - hv * hv));
        }
      }
      return right(p, g, k, { h: dh, c: null });
    }),
  },
  {
    name: 'gru-b_hn-outside-reset', cells: ['gru'], mistake: 'n = tanh(u_n + r ⊙ (h·W_hnᵀ) + b_hn), forward and backward alike',
    install: () => {
      // b_hn moved out of the reset product is b_in + b_hn added to u_n: run the right cell with that bias.
      const moved = (p: CellParams): CellParams => {
        if (!p.bias_ih || !p.bias_hh) return p;
        const H = p.weight_hh.shape[1], bi = clone(p.bias_ih), bh = clone(p.bias_hh);
        for (let j = 0; j < H; j++) {
          bi.set(2 * H + j, bi.get(2 * H + j) + bh.get(2 * H + j));
          bh.set(2 * H + j, 0);
        }
        return { ...p, bias_ih: bi, bias_hh: bh };
      };
      const right = RIGHT_CELLS.gru;
      textbookCells.gru = {
        forward: (p, x, s) => right.forward(moved(p), x, s),
        backward: (p, g, k, d) => {
          const H = p.weight_hh.shape[1], scratch = zeroCellParams('gru', p.weight_ih.shape[1], H, !!p.bias_ih);
          const r = right.backward(moved(p), scratch, k, d);
          addInto(g, scratch);
          if (g.bias_ih && g.bias_hh && scratch.bias_ih) { // b_hn gets what the moved bias got
            for (let j = 0; j < H; j++) {
              const gn = scratch.bias_ih.get(2 * H + j);
              g.bias_hh.set(2 * H + j, g.bias_hh.get(2 * H + j) - (scratch.bias_hh as Mat).get(2 * H + j) + gn);
            }
          }
          return r;
        },
      };
    },
  },
  {
    name: 'dW_hh-from-h_t', cells: RNN_LSTM, mistake: 'dW_hh += daᵀ·h_t instead of daᵀ·h_{t−1}',
    install: () => wrapBackward(RNN_LSTM, (right, p, g, k, d) => right(p, g, { ...(k as object), hPrev: (k as { h?: Mat; tanhC?: Mat }).h ?? hOfLstm(k) }, d)),
  },
  {
    name: 'b_hh-gradient-missing', cells: CELL_KINDS, mistake: 'db_ih += Σ_b da, and b_hh forgotten (it enters the sum too)',
    install: () => wrapBackward(CELL_KINDS, (right, p, g, k, d) => right(p, { ...g, bias_hh: g.bias_hh ? zerosLike(g.bias_hh) : null }, k, d)),
  },
  {
    name: 'dh-not-carried', cells: CELL_KINDS, mistake: 'dh_{t−1} = 0: each step sees only its own loss (BPTT truncated to one step)',
    install: () => wrapBackward(CELL_KINDS, (right, p, g, k, d) => {
      const r = right(p, g, k, d);
      return { dx: r.dx, dStatePrev: { h: zerosLike(r.dStatePrev.h), c: r.dStatePrev.c } };
    }),
  },
  {
    name: 'reverse-not-flipped', cells: CELL_KINDS, mistake: 'the reverse direction\'s backward loop runs t = T−1 … 0, as the forward one',
    install: () => { textbookLoops.backward = (p, g, run, ...rest) => RIGHT_LOOPS.backward(p, g, { ...run, reverse: false }, ...rest); },
  },
  {
    name: 'padded-steps-leak', cells: CELL_KINDS, mistake: 'backward ignores the lengths: padded steps take gradient and stop the carry',
    install: () => { textbookLoops.backward = (p, g, run, ...rest) => RIGHT_LOOPS.backward(p, g, { ...run, lengths: null }, ...rest); },
  },
  {
    name: 'dh0-missing', cells: CELL_KINDS, mistake: 'the initial state\'s gradient is never returned (dh0 = 0)',
    install: () => { textbookLoops.backward = (...args) => { const r = RIGHT_LOOPS.backward(...args); return { ...r, dh0: zerosLike(r.dh0) }; }; },
  },
  {
    name: 'dc0-missing', cells: ['lstm'], mistake: 'the initial cell state\'s gradient is never returned (dc0 = 0)',
    install: () => { textbookLoops.backward = (...args) => { const r = RIGHT_LOOPS.backward(...args); return { ...r, dc0: r.dc0 ? zerosLike(r.dc0) : null }; }; },
  },
  {
    name: 'dx-missing', cells: CELL_KINDS, mistake: 'dx_t never computed (left at 0): the layer below, or the embedding, learns nothing',
    install: () => wrapBackward(CELL_KINDS, (right, p, g, k, d) => ({ ...right(p, g, k, d), dx: zerosLike((k as { x: Mat }).x) })),
  },
];

function addInto(g: CellParams, from: CellParams): void {
  for (const k of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'] as const) {
    const a = g[k], b = from[k];
    if (!a || !b) continue;
    for (let i = 0; i < a.size; i++) a.data[a.offset + i] += b.data[i];
  }
}

function hOfLstm(k: unknown): Mat {
  const c = k as { o: Mat; tanhC: Mat };
  const h = zerosLike(c.o);
  for (let b = 0; b < h.shape[0]; b++) for (let j = 0; j < h.shape[1]; j++) h.set(b, j, c.o.get(b, j) * c.tanhC.get(b, j));
  return h;
}

/** The mutant called `name`. */
export function mutantByName(name: string): Mutant | undefined {
  return MUTANTS.find((m) => m.name === name);
}

