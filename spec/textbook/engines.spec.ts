import * as fs from 'fs';
import * as path from 'path';
import { Mat, toFlat } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { CELL_KINDS, CellKind } from '../../lib/cells/cell-params';
import { Recurrent, Engine } from '../../lib/layers/recurrent';
import { goldenCaseTensors } from '../../lib/diagnostics/conformance';
import { randn } from '../helpers';

// The textbook engine (lib/textbook) and the fast one (lib/layers/unroll.ts) do the same arithmetic in
// different orders (whole-sequence products, packed kernels, sums over T·B at once): every number they
// give must agree to 1e-12 of its own size, element by element.
const REL = 1e-12;

/** The elements where |a − b| > REL·|b| (b = 0 requires a = 0), as "name[k]: a vs b". */
function disagreements(name: string, a: ArrayLike<number>, b: ArrayLike<number>): string[] {
  if (a.length !== b.length) return [`${name}: ${a.length} vs ${b.length} values`];
  const out: string[] = [];
  for (let k = 0; k < a.length; k++) {
    if (!(Math.abs(a[k] - b[k]) <= REL * Math.abs(b[k]))) out.push(`${name}[${k}]: ${a[k]} vs ${b[k]}`);
  }
  return out;
}

const fixtures = path.join(__dirname, '../fixtures');
const caseFiles = ['golden', 'golden-packed'].flatMap((dir) => fs.readdirSync(path.join(fixtures, dir))
  .filter((f) => f.endsWith('.json') && f !== 'index.json')
  .map((f) => path.join(fixtures, dir, f)))
  .filter((file) => JSON.parse(fs.readFileSync(file, 'utf8')).format === 'rnn-golden');

describe('the textbook engine equals the fast engine', () => {
  it('finds the PyTorch cases', () => {
    expect(caseFiles.length).toBeGreaterThanOrEqual(20); // spec/fixtures/golden and golden-packed: 20 rnn-golden cases
  });

  it.each(caseFiles.map((f) => [path.relative(fixtures, f), f]))('on the PyTorch case %s', (_name, file) => {
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const fast = goldenCaseTensors(json, file, 'fast'), textbook = goldenCaseTensors(json, file, 'textbook');
    expect(textbook.map((t) => t.name)).toEqual(fast.map((t) => t.name));
    const bad = textbook.flatMap((t, k) => disagreements(t.name, toFlat(t.ours), toFlat(fast[k].ours)));
    expect(bad).toEqual([]);
  });

  // Random configurations: every cell, 1 or 2 layers, 1 or 2 directions, with and without lengths.
  const configs: [CellKind, number, boolean, boolean][] = [];
  for (const mode of CELL_KINDS) for (const L of [1, 2]) for (const bi of [false, true]) for (const varying of [false, true]) configs.push([mode, L, bi, varying]);

  it.each(configs)('%s, %d layer(s), bidirectional %s, variable lengths %s', (mode, L, bidirectional, varying) => {
    const T = 5, B = 3, I = 4, H = 3, D = bidirectional ? 2 : 1;
    const rng = new Rng(L * 10 + (bidirectional ? 1 : 0) + (varying ? 5 : 0));
    const x = randn([T, B, I], rng), dOut = randn([T, B, D * H], rng);
    const h0 = randn([L * D, B, H], rng), c0 = mode === 'lstm' ? randn([L * D, B, H], rng) : null;
    const dh_n = randn([L * D, B, H], rng), dc_n = mode === 'lstm' ? randn([L * D, B, H], rng) : null;
    const lengths = varying ? [5, 2, 4] : null;
    const run = (engine: Engine) => {
      const layer = new Recurrent({ mode, inputSize: I, hiddenSize: H, numLayers: L, bidirectional, seed: 3, engine });
      const f = layer.forward(x, h0, c0, lengths);
      const g = layer.backward(f.cache, dOut, dh_n, dc_n);
      const named: [string, Mat | null][] = [['output', f.output], ['h_n', f.h_n], ['c_n', f.c_n], ['dx', g.dx], ['dh0', g.dh0], ['dc0', g.dc0],
        ...layer.namedParameters().map((p): [string, Mat] => [p.name, p.grad])];
      return { named, norms: g.stepGradNorms };
    };
    const fast = run('fast'), textbook = run('textbook');
    const bad = textbook.named.flatMap(([name, m], k) => (m ? disagreements(name, toFlat(m), toFlat(fast.named[k][1] as Mat)) : []));
    expect(bad).toEqual([]);
    // ‖∂L/∂h_t‖ per layer, direction and step: the diagnostics read the same profile from either engine.
    expect(textbook.norms.map((n) => [n.layer, n.direction])).toEqual(fast.norms.map((n) => [n.layer, n.direction]));
    textbook.norms.forEach((n, k) => expect(disagreements(`‖dh‖ ${n.layer}/${n.direction}`, n.h, fast.norms[k].h)).toEqual([]));
  });
});
