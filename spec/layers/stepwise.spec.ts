import { Mat, zeros, toFlat, ValueError, ShapeError } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { Arena } from '../../lib/kernels/arena';
import { CELL_KINDS, CellKind } from '../../lib/cells/cell-params';
import { Recurrent } from '../../lib/layers/recurrent';
import { Stepwise } from '../../lib/layers/stepwise';
import { randn } from '../helpers';

// A batch of B = 3 rows that end after 4, 3 and 1 steps (longest first, as a decoder sorts them), so the
// steps compute 3, 2, 2, 1 rows; L = 2 layers.
const lengths = [4, 3, 1], active = [3, 2, 2, 1];
const T = 4, B = 3, I = 3, H = 4, L = 2;

/** max |a − b| as a share of max |b| (the tensor's scale), and whether both have values at all. */
function compareArrays(name: string, a: ArrayLike<number>, b: ArrayLike<number>): { name: string; count: number; ok: boolean } {
  if (a.length !== b.length) throw new Error(`${name}: ${a.length} vs ${b.length} values`);
  let scale = 0, worst = 0;
  for (let k = 0; k < a.length; k++) {
    scale = Math.max(scale, Math.abs(b[k]));
    worst = Math.max(worst, Math.abs(a[k] - b[k]));
  }
  return { name, count: a.length, ok: scale > 0 && worst <= 1e-12 * scale };
}

/** The same layer run whole (with `lengths`) and one step at a time over shrinking rows. */
function bothWays(mode: CellKind, seed: number) {
  const rng = new Rng(seed);
  const make = () => new Recurrent({ mode, inputSize: I, hiddenSize: H, numLayers: L, seed, trackGradNorms: false });
  const whole = make(), stepped = make();
  const x = randn([T, B, I], rng), dOut = randn([T, B, H], rng);
  const h0 = randn([L, B, H], rng), c0 = mode === 'lstm' ? randn([L, B, H], rng) : null;
  for (let b = 0; b < B; b++) for (let t = lengths[b]; t < T; t++) for (let j = 0; j < H; j++) dOut.set(t, b, j, 0); // no loss past a row's end
  // Whole: the loss Σ dOut ⊙ output, so ∂L/∂output = dOut.
  const fw = whole.forward(x, h0, c0, lengths);
  const bw = whole.backward(fw.cache, dOut);
  // One step at a time.
  const s = new Stepwise(stepped), arena = new Arena(64);
  s.start(h0, c0, active, arena);
  const outputs: Mat[] = [];
  for (let t = 0; t < T; t++) {
    const input = s.input(t);
    for (let b = 0; b < active[t]; b++) for (let i = 0; i < I; i++) input.set(b, i, x.get(t, b, i));
    outputs.push(s.forward(t));
  }
  const dx: Mat[] = [];
  for (let t = T - 1; t >= 0; t--) {
    const d = zeros([active[t], H]);
    for (let b = 0; b < active[t]; b++) for (let j = 0; j < H; j++) d.set(b, j, dOut.get(t, b, j));
    dx[t] = s.backward(t, d);
  }
  const { dh0, dc0 } = s.finish();
  return { whole, stepped, fw, bw, outputs, dx, dh0, dc0, s };
}

describe('Stepwise: a recurrent stack one step at a time', () => {
  it.each(CELL_KINDS)('%s: the same outputs, input gradients, initial-state gradients and weight gradients as the whole layer', (mode) => {
    const r = bothWays(mode, 3);
    const pick = (f: (t: number, b: number, j: number) => number, width: number) => {
      const out: number[] = [];
      for (let t = 0; t < T; t++) for (let b = 0; b < active[t]; b++) for (let j = 0; j < width; j++) out.push(f(t, b, j));
      return out;
    };
    const checks = [
      compareArrays('output', pick((t, b, j) => r.outputs[t].get(b, j), H), pick((t, b, j) => r.fw.output.get(t, b, j), H)),
      compareArrays('dx', pick((t, b, i) => r.dx[t].get(b, i), I), pick((t, b, i) => r.bw.dx.get(t, b, i), I)),
      compareArrays('dh0', toFlat(r.dh0), toFlat(r.bw.dh0)),
      ...(r.dc0 ? [compareArrays('dc0', toFlat(r.dc0), toFlat(r.bw.dc0 as Mat))] : []),
      ...r.stepped.namedParameters().map((p, k) => compareArrays(p.name, toFlat(p.grad), toFlat(r.whole.namedParameters()[k].grad))),
    ];
    for (const c of checks) expect([c.name, c.count > 0, c.ok]).toEqual([c.name, true, true]);
    expect(Math.max(...toFlat(r.stepped.namedParameters()[1].grad).map(Math.abs))).toBeGreaterThan(1e-3); // a gradient that is not trivially 0
  });

  it('what the caller adds into carry(t) is ∂L/∂h_{t−1} of the top layer: it reaches h0 as the whole layer would send it', () => {
    // Adding g into carry(1) must act as a loss term g·h_0 of the top layer's state after step 0.
    const layer = new Recurrent({ mode: 'gru', inputSize: I, hiddenSize: H, numLayers: 1, seed: 5, trackGradNorms: false });
    const rng = new Rng(9), x = randn([2, 1, I], rng), g = randn([1, H], rng);
    const s = new Stepwise(layer);
    s.start(zeros([1, 1, H]), null, [1, 1], new Arena());
    for (let t = 0; t < 2; t++) {
      const input = s.input(t);
      for (let i = 0; i < I; i++) input.set(0, i, x.get(t, 0, i));
      s.forward(t);
    }
    s.backward(1, zeros([1, H]));
    const carry = s.carry(1);
    for (let j = 0; j < H; j++) carry.set(0, j, carry.get(0, j) + g.get(0, j));
    s.backward(0, zeros([1, H]));
    const { dh0 } = s.finish();
    const whole = new Recurrent({ mode: 'gru', inputSize: I, hiddenSize: H, numLayers: 1, seed: 5, trackGradNorms: false });
    const fw = whole.forward(x, zeros([1, 1, H]));
    const dOut = zeros([2, 1, H]);
    for (let j = 0; j < H; j++) dOut.set(0, 0, j, g.get(0, j)); // the same g on the output of step 0
    const bw = whole.backward(fw.cache, dOut);
    expect(compareArrays('dh0', toFlat(dh0), toFlat(bw.dh0)).ok).toBe(true);
    expect(compareArrays('dW_ih', toFlat(layer.grads[0][0].weight_ih), toFlat(whole.grads[0][0].weight_ih)).ok).toBe(true);
  });

  it('a pass reuses its arena: a second pass of the same shapes allocates no more and gives the same numbers', () => {
    const layer = new Recurrent({ mode: 'lstm', inputSize: I, hiddenSize: H, numLayers: 2, seed: 2, trackGradNorms: false });
    const s = new Stepwise(layer), arena = new Arena(256), rng = new Rng(4);
    const h0 = randn([L, B, H], rng), c0 = randn([L, B, H], rng), x = randn([T, B, I], rng);
    const pass = () => {
      arena.rewind();
      s.start(h0, c0, active, arena);
      let last: number[] = [];
      for (let t = 0; t < T; t++) {
        const input = s.input(t);
        for (let b = 0; b < active[t]; b++) for (let i = 0; i < I; i++) input.set(b, i, x.get(t, b, i));
        last = Array.from(toFlat(s.forward(t)));
      }
      return last;
    };
    const first = pass(), capacity = arena.capacity;
    expect(pass()).toEqual(first);
    expect(arena.capacity).toBe(capacity);
  });

  it('says what is wrong when it is driven out of order or given bad shapes', () => {
    const layer = new Recurrent({ mode: 'gru', inputSize: I, hiddenSize: H, seed: 1 });
    expect(() => new Stepwise(new Recurrent({ mode: 'gru', inputSize: I, hiddenSize: H, bidirectional: true }))).toThrow(
      new ValueError('Stepwise layer: a layer run one step at a time goes forward in time only; got a bidirectional one'));
    const s = new Stepwise(layer), arena = new Arena();
    expect(() => s.start(zeros([1, 2, H]), null, [2, 3], arena)).toThrow(new ValueError('Stepwise.start active[1]: expected an integer in [1, 2] (rows never grow), got 3'));
    expect(() => s.start(zeros([2, 2, H]), null, [2], arena)).toThrow(new ShapeError(`Stepwise.start h0: expected [1,B,${H}], got [2,2,${H}]`));
    expect(() => s.start(zeros([1, 2, H]), zeros([1, 2, H]), [2], arena)).toThrow(new ValueError('Stepwise.start c0: a gru has no cell state'));
    s.start(zeros([1, 2, H]), null, [2, 1], arena);
    expect(() => s.forward(1)).toThrow(new ValueError('Stepwise.forward t: expected step 0 (steps run in order, 2 in all), got 1'));
    s.forward(0);
    expect(() => s.backward(0, zeros([2, H]))).toThrow(new ValueError('Stepwise.backward t: expected step -1 (backward follows a whole forward pass, last step first), got 0'));
    s.forward(1);
    expect(() => s.backward(1, zeros([2, H]))).toThrow(new ShapeError(`Stepwise.backward dTop: expected [1,${H}], got [2,${H}]`));
    expect(() => s.finish()).toThrow(new ValueError('Stepwise.finish: backward has not reached step 0 yet (2 steps ran forward, backward is at step 1)'));
    s.backward(1, zeros([1, H]));
    s.backward(0, zeros([2, H]));
    s.finish();
    expect(() => s.finish()).toThrow(new ValueError('Stepwise.finish: this pass is already finished (its sums are in the gradients)'));
  });
});
