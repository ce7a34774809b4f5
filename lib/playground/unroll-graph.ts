/**
 * The Unroll page's picture: the network unrolled over T steps, drawn with lib/charts/diagram.ts in the
 * conventions of docs/images/unrolled-bptt.svg (black forward, red dashed backward, grey shared
 * weights), with the step the reader is at highlighted and every h_t already computed written in.
 */
import { diagram, Shape, INK, BACK, HIGHLIGHT, SHARED } from '../charts/diagram';
import { TraceEntry } from '../textbook/trace';

const CELL_NAMES: Record<string, string> = { rnn_tanh: 'RNN', rnn_relu: 'RNN', lstm: 'LSTM', gru: 'GRU' };

const short = (values: readonly number[]) => values.map((v) => v.toFixed(2).replace('-', '−')).join(' ');

/**
 * The unrolled graph after `entries[0 … upTo]` have been computed (upTo = −1: nothing yet).
 * `cell` names the cell; T steps.
 */
export function unrolledGraph(cell: string, T: number, entries: readonly TraceEntry[], upTo: number): string {
  const at = upTo >= 0 ? entries[upTo] : null;
  const known = (name: string, t: number, phase: TraceEntry['phase']) => {
    for (let k = Math.min(upTo, entries.length - 1); k >= 0; k--) {
      const e = entries[k];
      if (e.phase === phase && e.t === t && e.name === name) return e.values;
    }
    return null;
  };
  const col = 130, left = 120, W = left + T * col + 30, H = 360;
  const xOf = (t: number) => left + t * col + col / 2;
  const s: Shape[] = [];
  s.push({ kind: 'text', x: 40, y: 185, text: 'h0 = 0', size: 13 });
  for (let t = 0; t < T; t++) {
    const x = xOf(t);
    const here = at !== null && at.t === t;
    const fill = here ? (at.phase === 'forward' ? '#fde9d2' : '#f9d6d2') : '#eef3fa';
    const h = known('h_t', t, 'forward');
    s.push({ kind: 'box', x: x - 52, y: 292, w: 44, h: 28, label: `x_${t}`, fill: '#f7f7f7', size: 12 });
    s.push({ kind: 'arrow', points: [[x - 30, 292], [x - 30, 222]], color: here && at.phase === 'forward' ? HIGHLIGHT : INK });
    s.push({ kind: 'box', x: x - 50, y: 150, w: 100, h: 70, label: `${CELL_NAMES[cell] ?? cell} step ${t}\nh_${t}${h ? `\n${short(h)}` : ''}`, fill, stroke: here ? (at.phase === 'forward' ? HIGHLIGHT : BACK) : INK, size: 12 });
    s.push({ kind: 'arrow', points: [[x - 8, 150], [x - 8, 92]], color: INK });
    s.push({ kind: 'box', x: x - 40, y: 60, w: 80, h: 30, label: `ℓ_${t}`, fill: '#fdf2e9', size: 12 });
    const backHere = here && at.phase === 'backward';
    s.push({ kind: 'arrow', points: [[x + 8, 92], [x + 8, 148]], color: backHere ? BACK : '#e8b4ae', dashed: true });
    const dh = known('∂L/∂h_t', t, 'backward');
    if (dh) {
      s.push({ kind: 'text', x: x - 18, y: 240, text: `∂L/∂h_${t}`, size: 11, color: BACK, anchor: 'start' });
      s.push({ kind: 'text', x: x - 18, y: 254, text: short(dh), size: 11, color: BACK, anchor: 'start' });
    }
    if (t + 1 < T) {
      const forwardEdge = at !== null && at.phase === 'forward' && at.t === t + 1;
      const backwardEdge = at !== null && at.phase === 'backward' && at.t === t;
      s.push({ kind: 'arrow', points: [[x + 50, 172], [xOf(t + 1) - 50, 172]], color: forwardEdge ? HIGHLIGHT : INK, width: forwardEdge ? 3 : 1.5 });
      s.push({ kind: 'arrow', points: [[xOf(t + 1) - 50, 200], [x + 50, 200]], color: backwardEdge ? BACK : '#e8b4ae', dashed: true, width: backwardEdge ? 3 : 1.5 });
    }
  }
  s.push({ kind: 'arrow', points: [[80, 180], [xOf(0) - 50, 180]], color: INK });
  s.push({ kind: 'box', x: left, y: 328, w: T * col, h: 24, label: 'W_ih, W_hh, b: one set of weights, read by every step; dW = Σ_t of what each step adds', fill: '#f3f3f3', stroke: SHARED, size: 12 });
  const where = at === null ? 'before the first step' : `${at.phase}, step ${at.t}: ${at.name}`;
  return diagram(W, H, `Unrolled over T = ${T}: ${where}`, s);
}
