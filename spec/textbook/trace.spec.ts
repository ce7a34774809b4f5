import { zeros, toFlat, fromArray } from '../../lib/kernels/tensor';
import { CELL_KINDS, CellKind } from '../../lib/cells/cell-params';
import { Recurrent } from '../../lib/layers/recurrent';
import { recordTrace } from '../../lib/textbook/trace';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTrace } from '../../lib/cli/trace';

const FORWARD_TAGS: Record<CellKind, string[]> = {
  rnn_tanh: ['RNN-1', 'RNN-2'], rnn_relu: ['RNN-1', 'RNN-2'],
  lstm: ['LSTM-1', 'LSTM-2', 'LSTM-3', 'LSTM-4', 'LSTM-5'], gru: ['GRU-1', 'GRU-2', 'GRU-3', 'GRU-4', 'GRU-5'],
};

describe('the trace of a tiny network', () => {
  it.each(CELL_KINDS)('%s: every equation at every step, each from the line that carries its tag', (cell) => {
    const T = 3, H = 2;
    const trace = recordTrace({ cell, steps: T, hidden: H, seed: 4 });
    for (let t = 0; t < T; t++) {
      const fw = trace.entries.filter((e) => e.phase === 'forward' && e.t === t);
      const bw = trace.entries.filter((e) => e.phase === 'backward' && e.t === t);
      expect([...new Set(fw.map((e) => e.tag))].sort()).toEqual(FORWARD_TAGS[cell]);
      expect([...new Set(bw.map((e) => e.tag))].sort()).toEqual(['BPTT-1', ...FORWARD_TAGS[cell].map((tag) => `${tag}'`)].sort());
    }
    for (const e of trace.entries) {
      expect(e.source).not.toBeNull();
      expect([e.tag, e.name, e.source?.text.includes(`(${e.tag})`)]).toEqual([e.tag, e.name, true]);
      expect(e.values.length).toBe(e.shape.reduce((a, n) => a * n, 1));
    }
    // The backward entries run from the last step to the first.
    const steps = trace.entries.filter((e) => e.phase === 'backward').map((e) => e.t);
    expect(steps).toEqual([...steps].sort((a, b) => b - a));
  });

  it.each(CELL_KINDS)('%s: its numbers are the engine\'s: h_t, the loss, and the summed dW_hh equal the fast engine on the same network', (cell) => {
    const T = 4, H = 3;
    const trace = recordTrace({ cell, steps: T, hidden: H, seed: 3 }); // a seed where no relu unit is dead: every dW_hh is non-zero
    const layer = new Recurrent({ mode: cell, inputSize: 1, hiddenSize: H, seed: 0 });
    layer.namedParameters().forEach((p, k) => p.value.data.set(trace.params[k].values));
    const x = fromArray(Float64Array.from(trace.x), [T, 1, 1]);
    const f = layer.forward(x);
    const dOut = zeros([T, 1, H]);
    let loss = 0;
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < H; j++) {
        const e = f.output.get(t, 0, j) - trace.y[t][j];
        loss += 0.5 * e * e;
        dOut.set(t, 0, j, e);
      }
    }
    layer.backward(f.cache, dOut);
    expect(Math.abs(loss - trace.loss)).toBeLessThanOrEqual(1e-12 * loss);
    const hs = trace.entries.filter((e) => e.phase === 'forward' && e.name === 'h_t').map((e) => e.values);
    hs.forEach((h, t) => h.forEach((v, j) => expect(Math.abs(v - f.output.get(t, 0, j))).toBeLessThanOrEqual(1e-12)));
    const lastDWhh = trace.entries.filter((e) => e.name === 'dW_hh').pop()!; // after step 0: the whole Σ_t
    const fast = toFlat(layer.grads[0][0].weight_hh);
    lastDWhh.values.forEach((v, k) => expect(Math.abs(v - fast[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(fast[k]))));
    const firstDWhh = trace.entries.find((e) => e.name === 'dW_hh')!; // after the last step alone: a part of the sum
    expect(firstDWhh.values.some((v) => v !== 0)).toBe(true);
    expect(firstDWhh.values).not.toEqual(lastDWhh.values);
  });

  it('unrolled trace prints the network, then forward and backward one tagged line each; --json gives the whole trace', () => {
    let text = '';
    expect(runTrace(['--cell', 'gru', '--steps', '2', '--hidden', '2'], { write: (s: string) => (text += s) })).toBe(0);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^gru, T = 2, H = 2, I = 1, one sequence, seed 1; loss L = Σ_t ½‖h_t − y_t‖² = \d+\.\d{6}$/);
    expect(lines.filter((l) => /^ {2}t=\d+ {2}\(GRU-4\) +n_t +\[1,2\] +gru\.ts:\d+ /.test(l))).toHaveLength(2);
    expect(lines.filter((l) => l.includes("(GRU-1')") && l.includes('dW_hh'))).toHaveLength(2);
    let json = '';
    runTrace(['--cell', 'rnn', '--steps', '2', '--hidden', '1', '--json'], { write: (s: string) => (json += s) });
    const parsed = JSON.parse(json);
    expect(parsed.options).toEqual({ cell: 'rnn_tanh', steps: 2, hidden: 1, seed: 1 });
    expect(parsed.entries.length).toBe(2 * 2 + 2 * 6);
    expect(() => runTrace(['--steps', '40'], { write: () => undefined })).toThrow('trace --steps: expected at most 16 (a trace is for reading), got 40');
  });

  it('unrolled trace --html writes one self-contained page that holds the whole trace and steps through it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trace-'));
    const file = path.join(dir, 'lstm.html');
    let text = '';
    expect(runTrace(['--steps', '2', '--html', file], { write: (s: string) => (text += s) })).toBe(0);
    expect(text).toContain(`wrote ${file}: open it in a browser`);
    const html = fs.readFileSync(file, 'utf8');
    const data = /<script type="application\/json" id="trace">([\s\S]*?)<\/script>/.exec(html);
    expect(data).not.toBeNull();
    expect(JSON.parse(data![1])).toEqual(JSON.parse(JSON.stringify(recordTrace({ cell: 'lstm', steps: 2, hidden: 2, seed: 1 }))));
    expect(html).not.toMatch(/(src|href)=["']?https?:/); // nothing fetched from the network
    expect(html).toContain("addEventListener('keydown'");
    const eq = recordTrace({ cell: 'lstm', steps: 1, hidden: 1, seed: 1 }).entries.find((e) => e.tag === 'LSTM-4')!;
    expect(eq.equation).toBe('c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t'); // the equation the page shows beside the line
    fs.rmSync(dir, { recursive: true });
  });
});
