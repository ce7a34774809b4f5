/**
 * npm run docs:diagrams — draws the pictures of the docs with lib/charts/diagram.ts into docs/images/:
 * the unrolled graph with BPTT's two sums, the LSTM cell with its c-path, the GRU with its z-path, and
 * one attention step. spec/scripts/diagrams.spec.ts fails if a committed picture differs from what this
 * script draws.
 */
import * as fs from 'fs';
import * as path from 'path';
import { diagram, Shape, BACK, HIGHLIGHT, SHARED } from '../lib/charts/diagram';

/** An RNN over four steps: the shared weights, the forward pass, and the backward arrows of BPTT. */
function unrolled(): string {
  const xs = [170, 360, 550, 740];
  const s: Shape[] = [];
  s.push({ kind: 'box', x: 150, y: 410, w: 650, h: 36, label: 'W_ih, W_hh, b: one set of weights, used by every step', fill: '#f3f3f3', stroke: SHARED });
  s.push({ kind: 'text', x: 455, y: 468, text: '(BPTT-4)  dW_hh = Σ_t da_tᵀ·h_{t−1}: every step adds its share of the shared weights\' gradient', size: 12, color: BACK, anchor: 'middle' });
  s.push({ kind: 'text', x: 40, y: 224, text: 'h0', size: 15 });
  s.push({ kind: 'arrow', points: [[62, 220], [xs[0] - 47, 220]] });
  xs.forEach((x, t) => {
    s.push({ kind: 'arrow', points: [[x + 30, 255], [x + 30, 408]], color: SHARED, width: 1, dashed: true });
    s.push({ kind: 'circle', x, y: 330, r: 20, label: `x_${t}` });
    s.push({ kind: 'arrow', points: [[x, 310], [x, 257]] });
    s.push({ kind: 'box', x: x - 45, y: 195, w: 90, h: 60, label: 'cell' });
    s.push({ kind: 'arrow', points: [[x, 193], [x, 152]] });
    s.push({ kind: 'circle', x, y: 130, r: 20, label: `h_${t}` });
    s.push({ kind: 'arrow', points: [[x - 6, 108], [x - 6, 78]] });
    s.push({ kind: 'box', x: x - 35, y: 46, w: 70, h: 30, label: `ℓ_${t}`, fill: '#fdf2e9' });
    s.push({ kind: 'arrow', points: [[x + 8, 78], [x + 8, 108]], color: BACK, dashed: true, label: `∂ℓ_${t}/∂h_${t}`, labelAt: [x + 46, 97] });
    if (t < 3) {
      s.push({ kind: 'arrow', points: [[x + 47, 212], [xs[t + 1] - 47, 212]], label: `h_${t}`, labelAt: [(x + xs[t + 1]) / 2, 205] });
      s.push({ kind: 'arrow', points: [[xs[t + 1] - 47, 238], [x + 47, 238]], color: BACK, dashed: true, label: `∂L/∂h_${t}`, labelAt: [(x + xs[t + 1]) / 2, 254] });
    }
  });
  s.push({ kind: 'text', x: 455, y: 385, text: '(BPTT-1)  ∂L/∂h_t = ∂ℓ_t/∂h_t + what step t+1 sends back: the red arrows, run from the last step to the first', size: 12, color: BACK, anchor: 'middle' });
  s.push({ kind: 'text', x: 450, y: 500, text: 'black: forward, t = 0 … T−1 · red, dashed: backward, t = T−1 … 0 · grey: every cell reads, and adds gradient into, the same weights', size: 12, color: SHARED, anchor: 'middle' });
  return diagram(900, 520, 'An RNN unrolled over four steps, and backpropagation through time', s);
}

/**
 * A cell's highlighted state path along the top: `from` → × (the gate that keeps the old state) → + (the
 * new part) → `to`, and under it the dashed backward arrow, with a note above.
 */
function statePath(s: Shape[], o: { note: string; from: string; to: string; times: number; plus: number; end: number }): void {
  s.push({ kind: 'text', x: 380, y: 52, text: o.note, size: 12, color: HIGHLIGHT, anchor: 'middle' });
  s.push({ kind: 'text', x: 24, y: 95, text: o.from, size: 15 });
  s.push({ kind: 'arrow', points: [[80, 90], [o.times - 18, 90]], color: HIGHLIGHT, width: 4 });
  s.push({ kind: 'circle', x: o.times, y: 90, r: 16, label: '×' });
  s.push({ kind: 'arrow', points: [[o.times + 16, 90], [o.plus - 18, 90]], color: HIGHLIGHT, width: 4 });
  s.push({ kind: 'circle', x: o.plus, y: 90, r: 16, label: '+' });
  s.push({ kind: 'arrow', points: [[o.plus + 16, 90], [o.end, 90]], color: HIGHLIGHT, width: 4 });
  s.push({ kind: 'text', x: o.end + 6, y: 95, text: o.to, size: 15 });
  s.push({ kind: 'arrow', points: [[o.end, 112], [80, 112]], color: BACK, dashed: true });
}

/** The LSTM cell with the path of the cell state highlighted. */
function lstm(): string {
  const s: Shape[] = [];
  statePath(s, { note: 'the c-path: c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t (LSTM-4); backward, dc_{t−1} = dc ⊙ f_t (LSTM-4\')', from: 'c_{t−1}', to: 'c_t', times: 250, plus: 420, end: 770 });
  s.push({ kind: 'text', x: 440, y: 134, text: 'dc goes back through × f_t alone:', size: 12, color: BACK });
  s.push({ kind: 'text', x: 440, y: 149, text: 'no weight matrix, no squashing', size: 12, color: BACK });
  const gate = (x: number, label: string, name: string) => {
    s.push({ kind: 'box', x: x - 30, y: 240, w: 60, h: 34, label });
    s.push({ kind: 'text', x: x + 34, y: 262, text: name, size: 12 });
    s.push({ kind: 'arrow', points: [[x, 350], [x, 276]] });
  };
  gate(250, 'σ', 'f_t'); gate(350, 'σ', 'i_t'); gate(450, 'tanh', 'g_t'); gate(560, 'σ', 'o_t');
  s.push({ kind: 'box', x: 200, y: 352, w: 420, h: 30, label: 'a_t = [h_{t−1} ‖ x_t] · weights + biases   (LSTM-1)', fill: '#f3f3f3' });
  s.push({ kind: 'arrow', points: [[250, 238], [250, 108]] });
  s.push({ kind: 'circle', x: 400, y: 170, r: 16, label: '×' });
  s.push({ kind: 'arrow', points: [[350, 238], [390, 184]] });
  s.push({ kind: 'arrow', points: [[450, 238], [410, 184]] });
  s.push({ kind: 'arrow', points: [[405, 154], [417, 108]] });
  s.push({ kind: 'text', x: 330, y: 172, text: 'i_t ⊙ g_t', size: 12, anchor: 'end' });
  s.push({ kind: 'box', x: 690, y: 150, w: 60, h: 30, label: 'tanh' });
  s.push({ kind: 'arrow', points: [[720, 92], [720, 148]] });
  s.push({ kind: 'circle', x: 720, y: 220, r: 16, label: '×' });
  s.push({ kind: 'arrow', points: [[720, 182], [720, 202]] });
  s.push({ kind: 'arrow', points: [[560, 238], [704, 224]] });
  s.push({ kind: 'arrow', points: [[736, 220], [790, 220]] });
  s.push({ kind: 'text', x: 796, y: 225, text: 'h_t', size: 15 });
  s.push({ kind: 'text', x: 720, y: 262, text: 'h_t = o_t ⊙ tanh(c_t) (LSTM-5)', size: 11, anchor: 'middle' });
  return diagram(830, 400, 'The LSTM cell: gates (LSTM-2, 3) and the cell state\'s path', s);
}

/** The GRU cell with the path of the state through the update gate highlighted. */
function gru(): string {
  const s: Shape[] = [];
  statePath(s, { note: 'the z-path: h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1} (GRU-5); backward, dh_{t−1} += dh ⊙ z_t (GRU-5\')', from: 'h_{t−1}', to: 'h_t', times: 300, plus: 500, end: 700 });
  s.push({ kind: 'text', x: 540, y: 134, text: 'with z_t near 1, dh passes back', size: 12, color: BACK });
  s.push({ kind: 'text', x: 540, y: 149, text: 'almost unchanged', size: 12, color: BACK });
  const box = (x: number, w: number, label: string, name: string) => {
    s.push({ kind: 'box', x: x - w / 2, y: 240, w, h: 34, label });
    s.push({ kind: 'text', x: x + w / 2 + 4, y: 290, text: name, size: 12 });
    s.push({ kind: 'arrow', points: [[x, 350], [x, 276]] });
  };
  box(170, 60, 'σ', 'r_t (GRU-2)'); box(300, 60, 'σ', 'z_t (GRU-3)'); box(540, 170, 'tanh(u_n + r_t ⊙ v_n)', 'n_t (GRU-4)');
  s.push({ kind: 'box', x: 120, y: 352, w: 520, h: 30, label: 'u_t = x_t·W_ihᵀ + b_ih,   v_t = h_{t−1}·W_hhᵀ + b_hh   (GRU-1)', fill: '#f3f3f3' });
  s.push({ kind: 'arrow', points: [[170, 238], [170, 215], [470, 215], [470, 238]] });
  s.push({ kind: 'arrow', points: [[300, 238], [300, 108]] });
  s.push({ kind: 'box', x: 370, y: 180, w: 60, h: 28, label: '1 − z' });
  s.push({ kind: 'arrow', points: [[318, 248], [372, 208]] });
  s.push({ kind: 'circle', x: 480, y: 165, r: 16, label: '×' });
  s.push({ kind: 'arrow', points: [[430, 190], [466, 172]] });
  s.push({ kind: 'arrow', points: [[560, 238], [494, 175]] });
  s.push({ kind: 'arrow', points: [[485, 149], [496, 108]] });
  return diagram(780, 400, 'The GRU cell: the reset and update gates, the candidate, and the state\'s path', s);
}

/** One step of additive attention. */
function attention(): string {
  const s: Shape[] = [];
  const ks = [120, 220, 320, 420, 520];
  ks.forEach((x, k) => {
    s.push({ kind: 'box', x: x - 35, y: 330, w: 70, h: 32, label: `k_${k}` });
    s.push({ kind: 'arrow', points: [[x, 328], [x, 272]] });
    s.push({ kind: 'circle', x, y: 252, r: 18, label: `e_${k}` });
    s.push({ kind: 'arrow', points: [[x, 232], [x, 200]] });
  });
  s.push({ kind: 'text', x: 320, y: 385, text: 'the encoder\'s outputs k_s, projected once per batch: p_s = k_s·U_aᵀ + b_U (ATT-1)', size: 12, anchor: 'middle' });
  s.push({ kind: 'box', x: 600, y: 272, w: 150, h: 34, label: 'query s_{t−1}' });
  s.push({ kind: 'arrow', points: [[598, 289], [132, 289]], color: '#555', width: 1 });
  for (const x of ks) s.push({ kind: 'arrow', points: [[x + 14, 289], [x + 14, 266]], color: '#555', width: 1 });
  s.push({ kind: 'text', x: 675, y: 230, text: 'e_s = v_a·tanh(s_{t−1}·W_aᵀ + b_W + p_s)', size: 11, anchor: 'middle' });
  s.push({ kind: 'text', x: 675, y: 245, text: 'the query reaches every score (ATT-2, ATT-3)', size: 11, anchor: 'middle' });
  s.push({ kind: 'box', x: 85, y: 168, w: 470, h: 30, label: 'α = softmax(e) over the source positions s < len   (ATT-4)' });
  s.push({ kind: 'arrow', points: [[320, 166], [320, 122]] });
  s.push({ kind: 'box', x: 185, y: 88, w: 270, h: 32, label: 'ctx_t = Σ_s α_s k_s   (ATT-5)' });
  s.push({ kind: 'arrow', points: [[457, 104], [598, 104]] });
  s.push({ kind: 'box', x: 600, y: 80, w: 170, h: 48, label: 'decoder step\ni_t = [Emb(u_t) ‖ ctx_t]', size: 12 });
  s.push({ kind: 'text', x: 400, y: 430, text: 'backward: dα_s = dctx·k_s and dk_s += α_s dctx (ATT-5\'); de_s = α_s (dα_s − Σ α dα) (ATT-4\'); then through tanh to W_a, v_a, p_s and the query', size: 12, color: BACK, anchor: 'middle' });
  return diagram(800, 450, 'One step of additive attention (Bahdanau et al.)', s);
}

/** Every picture, by file name under docs/images/. */
export function renderDiagrams(): Record<string, string> {
  return { 'unrolled-bptt.svg': unrolled(), 'lstm-cell.svg': lstm(), 'gru-cell.svg': gru(), 'attention-step.svg': attention() };
}

if (require.main === module) {
  const dir = path.join(__dirname, '..', 'docs', 'images');
  for (const [name, svg] of Object.entries(renderDiagrams())) {
    fs.writeFileSync(path.join(dir, name), svg);
    console.log(`wrote docs/images/${name}`);
  }
}


