/**
 * The Unroll page: a tiny network's forward and backward pass through time, one tagged equation at a
 * time. Every number comes from recordTrace (lib/textbook/trace.ts), which runs the textbook engine
 * (lib/textbook/) and records what each line computed; this page only shows it. Edit an input, a
 * target or a weight and the whole trace is recomputed.
 */
import { recordTrace, Trace, TraceEntry, TraceOptions } from '../../textbook/trace';
import { CellKind } from '../../cells/cell-params';
import { unrolledGraph } from '../unroll-graph';
import textbookSources from 'playground:textbook-sources';
import { byId, el, fmt, numberSpan, numberOf } from './dom';

const cellSelect = byId<HTMLSelectElement>('cell'), stepsInput = byId<HTMLInputElement>('steps');
const hiddenInput = byId<HTMLInputElement>('hidden'), seedInput = byId<HTMLInputElement>('seed');

/** The gate blocks of a cell's stacked weights, in PyTorch's order. */
const GATES: Record<CellKind, string[]> = { rnn_tanh: [''], rnn_relu: [''], lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'n'] };

let trace: Trace;
let at = -1; // the entry shown: −1 before the first

/** The trace for the controls' settings, with the reader's edits when they are given. */
function compute(given?: TraceOptions['given']): void {
  trace = recordTrace({
    cell: cellSelect.value as CellKind, steps: numberOf(stepsInput), hidden: numberOf(hiddenInput), seed: numberOf(seedInput),
    sources: textbookSources, given,
  });
  at = Math.min(at, trace.entries.length - 1);
}

function show(): void {
  const { entries, options } = trace;
  byId('graph').innerHTML = unrolledGraph(options.cell, options.steps, entries, at);
  byId('position').textContent = at < 0 ? `before the first step (${entries.length} quantities to go)` : `quantity ${at + 1} of ${entries.length}`;
  showEntry(at >= 0 ? entries[at] : null);
  showSums();
  showLog();
  byId('loss').replaceChildren('The loss of the whole sequence: L = Σ_t ½‖h_t − y_t‖² = ', numberSpan(trace.loss));
}

function showEntry(e: TraceEntry | null): void {
  const box = byId('now');
  if (e === null) {
    box.replaceChildren(el('p', {}, 'Press “step ▶” (or the → key) to compute the first quantity of the forward pass.'));
    return;
  }
  const source = e.source
    ? el('div', { class: 'source' },
      el('a', { href: `source/${e.source.file}.html#L${e.source.line}`, target: '_blank' }, `${e.source.file}:${e.source.line}`),
      el('pre', {}, e.source.text))
    : el('p', {}, '(source not at hand)');
  box.replaceChildren(
    el('div', { class: `phase ${e.phase}` }, `${e.phase === 'forward' ? 'Forward' : 'Backward'}, step t = ${e.t}`),
    equationBlock(e),
    el('div', { class: 'quantity', 'data-name': e.name }, `${e.name}  [${e.shape.join('×')}] = `, matrix(e.values, e.shape)),
    source,
  );
}

/** The tagged equation: its header line holds one or more equations (and shapes), three spaces apart; one per line here. */
function equationBlock(e: TraceEntry): HTMLElement {
  const parts = (e.equation ?? '').split(/\s{3,}/).filter((p) => p !== '');
  return el('div', { class: 'equation' }, el('span', { class: 'tag' }, `(${e.tag})`), ...parts.map((p) => el('div', { class: /^\S+: \[/.test(p) ? 'shape' : '' }, p)));
}

/** A [rows, cols] quantity as rows of numbers (a vector as one row). */
function matrix(values: readonly number[], shape: readonly number[], digits = 6): HTMLElement {
  const cols = shape[shape.length - 1] ?? values.length;
  if (values.length <= cols) return valuesRow(values, digits);
  const rows = values.length / cols;
  const gates = GATES[trace.options.cell];
  const H = trace.options.hidden;
  const box = el('span', { class: 'matrix' });
  for (let r = 0; r < rows; r++) {
    const row = valuesRow(values.slice(r * cols, (r + 1) * cols), digits);
    // A weight of stacked gates (rows = gates × H): each block of H rows is one gate, named at its first row.
    if (gates.length > 1 && rows === gates.length * H) row.prepend(el('span', { class: 'gate' }, r % H === 0 ? `${gates[r / H]}:` : ''));
    box.append(row);
  }
  return box;
}

function valuesRow(values: readonly number[], digits = 6): HTMLElement {
  const row = el('span', { class: 'values' }, '[ ');
  values.forEach((v, k) => row.append(...(k ? [', '] : []), numberSpan(v, digits)));
  row.append(' ]');
  return row;
}

/**
 * The shared weights' gradients as the reverse loop adds to them: after each backward step t, the sum so
 * far and what step t added. The trace records dW after each step's addition; the difference is the step's share.
 */
function showSums(): void {
  const table = el('table', { class: 'sums' }, el('tr', {}, el('th', {}, 'step'), el('th', {}, 'dW_hh after this step (Σ so far)'), el('th', {}, 'added by this step'), el('th', {}, 'dW_ih after this step')));
  let previous: number[] | null = null;
  const done = trace.entries.slice(0, at + 1);
  for (let t = trace.options.steps - 1; t >= 0; t--) {
    const hh = done.filter((e) => e.phase === 'backward' && e.t === t && e.name === 'dW_hh').pop();
    const ih = done.filter((e) => e.phase === 'backward' && e.t === t && e.name === 'dW_ih').pop();
    if (!hh || !ih) {
      table.append(el('tr', { class: 'pending' }, el('td', {}, `t = ${t}`), el('td', { colspan: '3' }, 'not yet: the reverse loop runs t = T−1 … 0')));
      continue;
    }
    const added = hh.values.map((v, k) => v - (previous ? previous[k] : 0));
    const note = t === 0 && added.every((v) => v === 0) ? el('div', { class: 'note' }, 'step 0 reads h0 = 0, so daᵀ·h0 adds nothing to dW_hh') : '';
    table.append(el('tr', { 'data-step': String(t) }, el('td', {}, `t = ${t}`), el('td', { class: 'dW_hh' }, matrix(hh.values, hh.shape, 4)), el('td', {}, matrix(added, hh.shape, 4), note), el('td', { class: 'dW_ih' }, matrix(ih.values, ih.shape, 4))));
    previous = hh.values;
  }
  const finished = at === trace.entries.length - 1;
  byId('sums').replaceChildren(table, el('p', { class: finished ? 'done' : '' }, finished
    ? 'The reverse loop has finished: the last row is dW = Σ_t, the gradient of the shared weights.'
    : 'Each backward step adds its share into the same dW_ih and dW_hh: the weights are shared, so their gradients sum over time (BPTT-4).'));
}

/** Every quantity computed so far, newest first; a click goes back to it. */
function showLog(): void {
  const rows = trace.entries.slice(0, at + 1).map((e, k) => {
    const tr = el('tr', { class: e.phase }, el('td', {}, e.phase), el('td', {}, String(e.t)), el('td', {}, e.tag), el('td', {}, e.name), el('td', {}, e.values.map((v) => fmt(v, 4)).join(', ')));
    tr.addEventListener('click', () => go(k));
    return tr;
  });
  byId('log').replaceChildren(el('table', {}, el('tr', {}, el('th', {}, 'phase'), el('th', {}, 't'), el('th', {}, 'tag'), el('th', {}, 'quantity'), el('th', {}, 'values')), ...rows.reverse()));
}

/** The editable numbers: inputs x_t, targets y_t and the four weight tensors, as the trace has them now. */
function showEditors(): void {
  const input = (v: number, onChange: (v: number) => void) => {
    const i = el('input', { type: 'number', step: '0.1', value: String(Number(v.toPrecision(6))) }) as HTMLInputElement;
    i.addEventListener('change', () => Number.isFinite(Number(i.value)) && i.value !== '' && onChange(Number(i.value)));
    return i;
  };
  const x = trace.x.slice(), y = trace.y.map((r) => r.slice()), params = trace.params.map((p) => p.values.slice());
  const recompute = () => {
    compute({ x, y, params });
    show();
  };
  const xs = el('div', { class: 'editor' }, el('span', { class: 'label' }, 'x_t'));
  x.forEach((v, t) => xs.append(input(v, (n) => ((x[t] = n), recompute()))));
  const ys = el('div', { class: 'editor' }, el('span', { class: 'label' }, 'y_t'));
  y.forEach((row, t) => ys.append(el('span', { class: 'group' }, `t=${t}:`, ...row.map((v, j) => input(v, (n) => ((y[t][j] = n), recompute()))))));
  const ws = trace.params.map((p, k) => {
    const box = el('div', { class: 'editor' }, el('span', { class: 'label' }, `${p.name} [${p.shape.join('×')}]`));
    p.values.forEach((v, i) => box.append(input(v, (n) => ((params[k][i] = n), recompute()))));
    return box;
  });
  byId('editors').replaceChildren(xs, ys, el('details', {}, el('summary', {}, 'the weights (PyTorch names; gate blocks in PyTorch order)'), ...ws));
}

function go(k: number): void {
  at = Math.max(-1, Math.min(trace.entries.length - 1, k));
  show();
}

function restart(): void {
  at = -1;
  compute();
  showEditors();
  show();
}

const firstBackward = () => trace.entries.findIndex((e) => e.phase === 'backward');
byId('first').addEventListener('click', () => go(-1));
byId('back').addEventListener('click', () => go(at - 1));
byId('next').addEventListener('click', () => go(at + 1));
byId('forward-end').addEventListener('click', () => go(firstBackward() - 1));
byId('end').addEventListener('click', () => go(trace.entries.length - 1));
for (const c of [cellSelect, stepsInput, hiddenInput, seedInput]) c.addEventListener('change', restart);
document.addEventListener('keydown', (e) => {
  if ((e.target as HTMLElement).tagName === 'INPUT' || (e.target as HTMLElement).tagName === 'SELECT') return;
  if (e.key === 'ArrowRight') go(at + 1);
  if (e.key === 'ArrowLeft') go(at - 1);
});
restart();
