/**
 * npm run docs:bptt-by-hand — writes docs/bptt-by-hand.md: BPTT worked by hand on tiny networks, every
 * number taken from the textbook engine's trace (lib/textbook/trace.ts). spec/scripts/bptt-by-hand.spec.ts
 * renders the page again and fails if the committed one has drifted from the engine.
 */
import * as fs from 'fs';
import * as path from 'path';
import { recordTrace, Trace, TraceEntry } from '../lib/textbook/trace';

/** A number as the page prints it: 4 decimals, a true minus sign. */
const f = (v: number) => v.toFixed(4).replace('-', '−');
/** The same inside an expression: a negative number in parentheses. */
const p = (v: number) => (v < 0 ? `(${f(v)})` : f(v));
const vec = (v: number[]) => `[${v.map(f).join(', ')}]`;
/** A row-major [R,C] matrix as [[row 0], [row 1], …]. */
const mat = (v: number[], C: number) => `[${Array.from({ length: v.length / C }, (_, r) => vec(v.slice(r * C, (r + 1) * C))).join(', ')}]`;

function entry(tr: Trace, phase: TraceEntry['phase'], t: number, name: string): TraceEntry {
  const e = tr.entries.find((x) => x.phase === phase && x.t === t && x.name === name);
  if (!e) throw new Error(`bptt-by-hand: the trace has no ${phase} ${name} at step ${t}`);
  return e;
}
const one = (tr: Trace, phase: TraceEntry['phase'], t: number, name: string) => entry(tr, phase, t, name).values[0];
const where = (e: TraceEntry) => (e.source ? `\`${e.source.file}:${e.source.line}\`` : '');

/** Part 1: a scalar tanh RNN, every multiplication written out. */
function scalarRnn(): string {
  const T = 3, tr = recordTrace({ cell: 'rnn_tanh', steps: T, hidden: 1, seed: 1 });
  const [wih, whh, bih, bhh] = tr.params.map((p) => p.values[0]);
  const b = bih + bhh;
  const h = (t: number) => (t < 0 ? 0 : one(tr, 'forward', t, 'h_t'));
  const out: string[] = [];
  out.push(`The weights (drawn by \`unrolled trace --cell rnn --steps 3 --hidden 1 --seed 1\`): w_ih = ${f(wih)}, w_hh = ${f(whh)},`);
  out.push(`b = b_ih + b_hh = ${f(bih)} + ${p(bhh)} = ${f(b)}. Inputs x = ${vec(tr.x)}, targets y = ${vec(tr.y.map((r) => r[0]))}, h0 = 0.`);
  out.push('', '**Forward**, t = 0, 1, 2: a_t = w_ih·x_t + w_hh·h_{t−1} + b (RNN-1), h_t = tanh(a_t) (RNN-2).', '');
  out.push('| t | a_t = w_ih·x_t + w_hh·h_{t−1} + b | h_t = tanh(a_t) | ℓ_t = ½(h_t − y_t)² |', '|---|---|---|---|');
  let loss = 0;
  for (let t = 0; t < T; t++) {
    const a = one(tr, 'forward', t, 'a_t'), y = tr.y[t][0], l = 0.5 * (h(t) - y) ** 2;
    loss += l;
    out.push(`| ${t} | ${f(wih)}·${p(tr.x[t])} + ${f(whh)}·${p(h(t - 1))} + ${p(b)} = ${f(a)} | ${f(h(t))} | ½(${f(h(t))} − ${p(y)})² = ${f(l)} |`);
  }
  out.push('', `L = Σ_t ℓ_t = ${f(loss)}.`, '');
  out.push('**Backward**, from the last step. At each step: ∂L/∂h_t = (h_t − y_t) + dNext (BPTT-1), where dNext is what step t+1 sent back (0 after the last step); da_t = ∂L/∂h_t·(1 − h_t²) (RNN-2\'); then the step *adds* its terms, dW_ih += da_t·x_t, dW_hh += da_t·h_{t−1}, db += da_t (RNN-1\'), and sends dNext = da_t·w_hh to step t−1.', '');
  out.push('| t | ∂L/∂h_t = (h_t − y_t) + dNext | da_t | dW_ih so far | dW_hh so far | dNext = da_t·w_hh |', '|---|---|---|---|---|---|');
  let dNext = 0;
  for (let t = T - 1; t >= 0; t--) {
    const dh = one(tr, 'backward', t, '∂L/∂h_t'), da = one(tr, 'backward', t, 'da');
    out.push(`| ${t} | (${f(h(t))} − ${p(tr.y[t][0])}) + ${p(dNext)} = ${f(dh)} | ${f(dh)}·(1 − ${p(h(t))}²) = ${f(da)} | ${f(one(tr, 'backward', t, 'dW_ih'))} | ${f(one(tr, 'backward', t, 'dW_hh'))} | ${f(da)}·${p(whh)} = ${f(one(tr, 'backward', t, 'dh_{t−1}'))} |`);
    dNext = one(tr, 'backward', t, 'dh_{t−1}');
  }
  out.push('', `The last row's sums are the gradients: ∂L/∂w_ih = ${f(one(tr, 'backward', 0, 'dW_ih'))}, ∂L/∂w_hh = ${f(one(tr, 'backward', 0, 'dW_hh'))}, and ∂L/∂h0 = ${f(dNext)}, the dNext that step 0 sends back. Each step's share of dW_hh is da_t·h_{t−1}: step 0 adds nothing to it, because h_{−1} = h0 = 0.`);
  return out.join('\n');
}

/** Part 2: H = 2, the same loop with vectors and matrices. */
function vectorRnn(): string {
  const T = 3, tr = recordTrace({ cell: 'rnn_tanh', steps: T, hidden: 2, seed: 1 });
  const out: string[] = [];
  const w = Object.fromEntries(tr.params.map((q) => [q.name, q.values]));
  out.push(`Drawn by \`unrolled trace --cell rnn --steps 3 --hidden 2 --seed 1\`: W_ih = ${mat(w.weight_ih_l0, 1)} ([H,I] = [2,1]), W_hh = ${mat(w.weight_hh_l0, 2)}, b_ih + b_hh = ${vec(w.bias_ih_l0.map((v, k) => v + w.bias_hh_l0[k]))}; x = ${vec(tr.x)}, y = [${tr.y.map(vec).join(', ')}]. Row vectors, as in the engine: a_t = x_t·W_ihᵀ + h_{t−1}·W_hhᵀ + b.`, '');
  out.push('| t | a_t (RNN-1) | h_t (RNN-2) |', '|---|---|---|');
  for (let t = 0; t < T; t++) out.push(`| ${t} | ${vec(entry(tr, 'forward', t, 'a_t').values)} | ${vec(entry(tr, 'forward', t, 'h_t').values)} |`);
  out.push('', `L = ${f(tr.loss)}. Backward, from the last step; dW_hh is [2,2], row i for unit i of a_t, column j for h_{t−1}'s unit j:`, '');
  out.push('| t | ∂L/∂h_t (BPTT-1) | da_t (RNN-2\') | dW_hh so far (RNN-1\') | dNext = da_t·W_hh |', '|---|---|---|---|---|');
  for (let t = T - 1; t >= 0; t--) {
    out.push(`| ${t} | ${vec(entry(tr, 'backward', t, '∂L/∂h_t').values)} | ${vec(entry(tr, 'backward', t, 'da').values)} | ${mat(entry(tr, 'backward', t, 'dW_hh').values, 2)} | ${vec(entry(tr, 'backward', t, 'dh_{t−1}').values)} |`);
  }
  out.push('', 'Nothing new happens with more units: each scalar product of part 1 becomes a row times a matrix, and dW_hh += da_tᵀ·h_{t−1} is an outer product, one [2,2] term per step.');
  return out.join('\n');
}

/** Part 3: one LSTM step forward and its backward. */
function lstmStep(): string {
  const tr = recordTrace({ cell: 'lstm', steps: 1, hidden: 2, seed: 1 });
  const row = (phase: TraceEntry['phase'], name: string, what: string) => {
    const e = entry(tr, phase, 0, name);
    return `| (${e.tag}) | ${what} | ${vec(e.values)} | ${where(e)} |`;
  };
  return [
    `One step from h0 = c0 = 0 with H = 2 (\`unrolled trace --cell lstm --steps 1 --hidden 2\`), x_0 = ${f(tr.x[0])}, y_0 = ${vec(tr.y[0])}, so L = ℓ_0 = ${f(tr.loss)}.`, '',
    '| tag | quantity | value | computed at |', '|---|---|---|---|',
    row('forward', 'a_t', 'a = x·W_ihᵀ + h0·W_hhᵀ + b, [a_i ‖ a_f ‖ a_g ‖ a_o]'),
    row('forward', 'i_t', 'i = σ(a_i)'), row('forward', 'f_t', 'f = σ(a_f)'), row('forward', 'g_t', 'g = tanh(a_g)'), row('forward', 'o_t', 'o = σ(a_o)'),
    row('forward', 'c_t', 'c = f ⊙ c0 + i ⊙ g'), row('forward', 'h_t', 'h = o ⊙ tanh(c)'),
    row('backward', '∂L/∂h_t', '∂L/∂h = h − y (nothing from a step after)'),
    row('backward', 'd_o', 'd_o = ∂L/∂h ⊙ tanh(c)'), row('backward', 'dc', 'dc = 0 + ∂L/∂h ⊙ o ⊙ (1 − tanh²c)'),
    row('backward', 'd_i', 'd_i = dc ⊙ g'), row('backward', 'd_g', 'd_g = dc ⊙ i'), row('backward', 'd_f', 'd_f = dc ⊙ c0 (0: c0 = 0)'),
    row('backward', 'dc_{t−1}', 'dc0 = dc ⊙ f (the gradient highway)'),
    row('backward', 'da_i', 'da_i = d_i ⊙ i(1 − i)'), row('backward', 'da_f', 'da_f = d_f ⊙ f(1 − f)'), row('backward', 'da_g', 'da_g = d_g ⊙ (1 − g²)'), row('backward', 'da_o', 'da_o = d_o ⊙ o(1 − o)'),
    row('backward', 'dW_ih', 'dW_ih += daᵀ·x ([8,1])'), row('backward', 'dh_{t−1}', 'dh0 = da·W_hh'),
    '', 'd_f is 0 here because c0 = 0: the forget gate can only learn from a step that has a memory to forget. With more steps, dc_{t−1} = dc ⊙ f carries the cell state\'s gradient back, scaled by the forget gate alone (no weight matrix, no squashing): the reason an LSTM can carry a gradient much farther than a tanh RNN.',
  ].join('\n');
}

export function renderBpttByHand(): string {
  return `# BPTT by hand

<!-- Written by scripts/bptt-by-hand.ts from the textbook engine's trace; spec/scripts/bptt-by-hand.spec.ts fails if it drifts. Edit the script, not this page. -->

Backpropagation through time on networks small enough to follow with a pocket calculator. Every number
below comes from the textbook engine (\`lib/textbook\`) through its trace (\`unrolled trace\`), in float64,
shown rounded to 4 decimals (so a product of rounded numbers may differ in its last digit). The loss is
L = Σ_t ℓ_t with ℓ_t = ½(h_t − y_t)², so the loss puts h_t − y_t on h_t at every step. Notation:
[notation.md](notation.md); the equations: [cells/rnn.md](cells/rnn.md), [cells/lstm.md](cells/lstm.md),
[layers/bptt.md](layers/bptt.md).

## 1. A scalar tanh RNN over three steps

${scalarRnn()}

## 2. The same with two units

${vectorRnn()}

## 3. One LSTM step

${lstmStep()}
`;
}

if (require.main === module) {
  const file = path.join(__dirname, '..', 'docs', 'bptt-by-hand.md');
  fs.writeFileSync(file, renderBpttByHand());
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
