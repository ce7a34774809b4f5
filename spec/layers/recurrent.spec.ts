import { zeros, toFlat, norm2, clone, ShapeError, ValueError } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { CELL_KINDS } from '../../lib/cells/cell-params';
import { Recurrent } from '../../lib/layers/recurrent';
import { randn } from '../helpers';

const rng = new Rng(21);
const T = 4, B = 3, I = 2, H = 5;

describe('Recurrent: shapes, names and initialisation', () => {
  it.each(CELL_KINDS)('%s: PyTorch names and shapes, in state_dict order', (mode) => {
    const G = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 }[mode];
    const layer = new Recurrent({ mode, inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true });
    expect(layer.namedParameters().map((p) => `${p.name} [${p.value.shape}]`)).toEqual([
      `weight_ih_l0 [${G * H},${I}]`, `weight_hh_l0 [${G * H},${H}]`, `bias_ih_l0 [${G * H}]`, `bias_hh_l0 [${G * H}]`,
      `weight_ih_l0_reverse [${G * H},${I}]`, `weight_hh_l0_reverse [${G * H},${H}]`, `bias_ih_l0_reverse [${G * H}]`, `bias_hh_l0_reverse [${G * H}]`,
      `weight_ih_l1 [${G * H},${2 * H}]`, `weight_hh_l1 [${G * H},${H}]`, `bias_ih_l1 [${G * H}]`, `bias_hh_l1 [${G * H}]`,
      `weight_ih_l1_reverse [${G * H},${2 * H}]`, `weight_hh_l1_reverse [${G * H},${H}]`, `bias_ih_l1_reverse [${G * H}]`, `bias_hh_l1_reverse [${G * H}]`,
    ]);
  });

  it('has no bias tensors at all with bias: false', () => {
    const layer = new Recurrent({ mode: 'gru', inputSize: I, hiddenSize: H, bias: false });
    expect(layer.namedParameters().map((p) => p.name)).toEqual(['weight_ih_l0', 'weight_hh_l0']);
  });

  it('initialises every parameter from U(−1/√H, 1/√H), deterministically under a seed', () => {
    const a = new Recurrent({ mode: 'lstm', inputSize: 3, hiddenSize: 16, seed: 5 });
    const b = new Recurrent({ mode: 'lstm', inputSize: 3, hiddenSize: 16, seed: 5 });
    const c = new Recurrent({ mode: 'lstm', inputSize: 3, hiddenSize: 16, seed: 6 });
    const all = (r: Recurrent) => r.namedParameters().flatMap((p) => [...toFlat(p.value)]);
    expect(all(a)).toEqual(all(b));
    expect(all(a)).not.toEqual(all(c));
    const values = all(a);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...values)).toBeGreaterThan(0.2); // spread over the whole interval
    expect(Math.min(...values)).toBeLessThan(-0.2);
  });
});

describe('Recurrent: forward', () => {
  it.each(CELL_KINDS)('%s bidirectional: output, h_n and c_n follow PyTorch’s layout', (mode) => {
    const layer = new Recurrent({ mode, inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 1 });
    const x = randn([T, B, I], rng);
    const { output, h_n, c_n } = layer.forward(x);
    expect(output.shape).toEqual([T, B, 2 * H]);
    expect(h_n.shape).toEqual([4, B, H]);
    // top layer forward final state = output[T−1][:, 0:H]; reverse final state = output[0][:, H:2H]
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        expect(h_n.get(2, b, j)).toBe(output.get(T - 1, b, j));
        expect(h_n.get(3, b, j)).toBe(output.get(0, b, H + j));
      }
    }
    expect(c_n === null).toBe(mode !== 'lstm');
  });

  it('runs the reverse direction from the last step: its output at T−1 has seen only x_{T−1}', () => {
    const layer = new Recurrent({ mode: 'gru', inputSize: I, hiddenSize: H, bidirectional: true, seed: 2 });
    const x = randn([T, B, I], rng);
    const full = layer.forward(x).output;
    const lastOnly = layer.forward(x.hi(T, B, I).lo(T - 1, 0, 0)).output; // a sequence of just x_{T−1}
    for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) expect(full.get(T - 1, b, H + j)).toBe(lastOnly.get(0, b, H + j));
  });

  it('treats a missing h0 as zeros', () => {
    const layer = new Recurrent({ mode: 'lstm', inputSize: I, hiddenSize: H, numLayers: 2, seed: 3 });
    const x = randn([T, B, I], rng);
    const a = layer.forward(x), b = layer.forward(x, zeros([2, B, H]), zeros([2, B, H]));
    expect(toFlat(a.output)).toEqual(toFlat(b.output));
  });
});

describe('Recurrent: backward', () => {
  it.each(CELL_KINDS)('%s: adds into the shared gradients (two backward passes give twice one)', (mode) => {
    const layer = new Recurrent({ mode, inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 4 });
    const x = randn([T, B, I], rng), G = randn([T, B, 2 * H], rng);
    const { cache } = layer.forward(x);
    layer.backward(cache, G);
    const once = layer.namedParameters().map((p) => toFlat(p.grad));
    layer.backward(cache, G);
    layer.namedParameters().forEach((p, k) => {
      const twice = toFlat(p.grad);
      for (let i = 0; i < twice.length; i++) expect(twice[i]).toBeCloseTo(2 * once[k][i], 13);
    });
    layer.zeroGrad();
    for (const p of layer.namedParameters()) expect(Math.max(...toFlat(p.grad).map(Math.abs))).toBe(0);
  });

  it.each(CELL_KINDS)('%s: reports ‖∂L/∂h_t‖ for every layer, direction and step', (mode) => {
    const layer = new Recurrent({ mode, inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 5 });
    const x = randn([T, B, I], rng);
    const G = zeros([T, B, 2 * H]);
    const Gh = randn([4, B, H], rng);
    const { cache } = layer.forward(x);
    const { stepGradNorms } = layer.backward(cache, G, Gh);
    expect(stepGradNorms.map((s) => `${s.layer}/${s.direction}`)).toEqual(['0/0', '0/1', '1/0', '1/1']);
    const top = stepGradNorms[2];
    expect(top.h.length).toBe(T);
    // With no loss on the output, the only gradient reaching the top forward direction's last step is dh_n.
    expect(top.h[T - 1]).toBeCloseTo(norm2(Gh.pick(2)), 14);
    expect(stepGradNorms[3].h[0]).toBeCloseTo(norm2(Gh.pick(3)), 14); // reverse ends at t = 0
    for (const s of stepGradNorms) expect([...s.h].every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    expect(top.c !== null).toBe(mode === 'lstm');
  });
});

describe('Recurrent: bad input gets a clear error', () => {
  const layer = new Recurrent({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2 });

  it('input width that does not match input_size', () => {
    expect(() => layer.forward(zeros([5, 2, 7]))).toThrow(new ShapeError('Recurrent.forward x: expected input width 3 (input_size), got [5,2,7]'));
  });
  it('an input that is not [T,B,I]', () => {
    expect(() => layer.forward(zeros([5, 3]))).toThrow('Recurrent.forward x: expected [T,B,3] (time-major), got [5,3]');
  });
  it('T = 0 and B = 0', () => {
    expect(() => layer.forward(zeros([0, 2, 3]))).toThrow(new ValueError('Recurrent.forward x: sequence length T must be >= 1, got T = 0 (shape [0,2,3])'));
    expect(() => layer.forward(zeros([4, 0, 3]))).toThrow('Recurrent.forward x: batch size B must be >= 1, got B = 0 (shape [4,0,3])');
  });
  it('h0 or c0 of the wrong shape', () => {
    expect(() => layer.forward(zeros([5, 2, 3]), zeros([1, 2, 4]))).toThrow('Recurrent.forward h0: expected [2,2,4], got [1,2,4]');
    expect(() => layer.forward(zeros([5, 2, 3]), zeros([2, 2, 4]), zeros([2, 3, 4]))).toThrow('Recurrent.forward c0: expected [2,2,4], got [2,3,4]');
  });
  it('c0 for a cell without a cell state', () => {
    const gru = new Recurrent({ mode: 'gru', inputSize: 3, hiddenSize: 4 });
    expect(() => gru.forward(zeros([5, 2, 3]), null, zeros([1, 2, 4]))).toThrow('Recurrent.forward c0: only an LSTM has a cell state, this layer is gru');
  });
  it('NaN in the input', () => {
    const x = zeros([2, 1, 3]);
    x.set(1, 0, 2, NaN);
    expect(() => layer.forward(x)).toThrow('Recurrent.forward x: expected finite values, got NaN at row-major index 5 of [2,1,3]');
  });
  it('dOutput of the wrong shape in backward', () => {
    const { cache } = layer.forward(zeros([5, 2, 3]));
    expect(() => layer.backward(cache, zeros([5, 2, 8]))).toThrow('Recurrent.backward dOutput: expected [5,2,4], got [5,2,8]');
  });
  it('bad options', () => {
    expect(() => new Recurrent({ mode: 'lstmx' as never, inputSize: 3, hiddenSize: 4 })).toThrow('Recurrent mode: expected one of rnn_tanh, rnn_relu, lstm, gru, got "lstmx"');
    expect(() => new Recurrent({ mode: 'lstm', inputSize: 3, hiddenSize: 0 })).toThrow('Recurrent hiddenSize: expected an integer >= 1, got 0');
    expect(() => new Recurrent({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 1.5 })).toThrow('Recurrent numLayers: expected an integer >= 1, got 1.5');
  });
});

describe('Recurrent: variable-length batches', () => {
  const lengths = [4, 1, 3]; // B = 3, T = 4, unsorted

  it.each(CELL_KINDS)('%s bidirectional: each sequence gives what it gives alone; padding outputs exactly 0', (mode) => {
    const layer = new Recurrent({ mode, inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 7 });
    const x = randn([T, B, I], rng);
    const h0 = randn([4, B, H], rng), c0 = mode === 'lstm' ? randn([4, B, H], rng) : null;
    const { output, h_n, c_n } = layer.forward(x, h0, c0, lengths);
    for (let b = 0; b < B; b++) {
      const n = lengths[b];
      const alone = layer.forward(x.hi(n, b + 1, I).lo(0, b, 0), h0.hi(4, b + 1, H).lo(0, b, 0), c0 ? c0.hi(4, b + 1, H).lo(0, b, 0) : null);
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < 2 * H; j++) {
          if (t < n) expect(output.get(t, b, j)).toBeCloseTo(alone.output.get(t, 0, j), 14);
          else expect(output.get(t, b, j)).toBe(0);
        }
      }
      for (let r = 0; r < 4; r++) {
        for (let j = 0; j < H; j++) {
          expect(h_n.get(r, b, j)).toBeCloseTo(alone.h_n.get(r, 0, j), 14);
          if (c_n) expect(c_n.get(r, b, j)).toBeCloseTo(alone.c_n!.get(r, 0, j), 14);
        }
      }
    }
  });

  it.each(CELL_KINDS)('%s: padded positions get exactly zero dx and change no gradient', (mode) => {
    const layer = new Recurrent({ mode, inputSize: I, hiddenSize: H, bidirectional: true, seed: 8 });
    const x = randn([T, B, I], rng), G = randn([T, B, 2 * H], rng);
    const { cache } = layer.forward(x, null, null, lengths);
    const { dx } = layer.backward(cache, G);
    const grads = layer.namedParameters().map((p) => toFlat(p.grad));
    for (let b = 0; b < B; b++) for (let t = lengths[b]; t < T; t++) for (let i = 0; i < I; i++) expect(Object.is(dx.get(t, b, i), 0)).toBe(true);
    // Other values at the padding (input and upstream gradient) change nothing.
    const x2 = clone(x), G2 = clone(G);
    for (let b = 0; b < B; b++) for (let t = lengths[b]; t < T; t++) {
      for (let i = 0; i < I; i++) x2.set(t, b, i, 1e3);
      for (let j = 0; j < 2 * H; j++) G2.set(t, b, j, -7);
    }
    layer.zeroGrad();
    const r2 = layer.backward(layer.forward(x2, null, null, lengths).cache, G2);
    layer.namedParameters().forEach((p, k) => expect(toFlat(p.grad)).toEqual(grads[k]));
    expect(toFlat(r2.dx)).toEqual(toFlat(dx));
  });

  it('rejects lengths that are zero, longer than T, non-integer or miscounted', () => {
    const layer = new Recurrent({ mode: 'gru', inputSize: I, hiddenSize: H });
    const x = zeros([T, B, I]);
    expect(() => layer.forward(x, null, null, [4, 0, 3])).toThrow(new ValueError('Recurrent.forward lengths[1]: expected an integer length in [1, 4] (T = 4), got 0'));
    expect(() => layer.forward(x, null, null, [4, 5, 3])).toThrow('Recurrent.forward lengths[1]: expected an integer length in [1, 4] (T = 4), got 5');
    expect(() => layer.forward(x, null, null, [4, 2.5, 3])).toThrow('got 2.5');
    expect(() => layer.forward(x, null, null, [4, 2])).toThrow(new ShapeError('Recurrent.forward lengths: expected 3 lengths (one per sequence in the batch), got 2'));
  });
});

describe('Recurrent: buffers kept across calls of the same shape', () => {
  it.each(CELL_KINDS)('%s: a second step reuses the first one’s cache buffers and gives what a fresh layer gives', (mode) => {
    const make = () => new Recurrent({ mode, inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 9 });
    const layer = make();
    const x1 = randn([T, B, I], rng), x2 = randn([T, B, I], rng), G = randn([T, B, 2 * H], rng);
    const first = layer.forward(x1);
    layer.backward(first.cache, G);
    layer.zeroGrad();
    const second = layer.forward(x2);
    const before = new Set(first.cache.layers[0].dirs[0].pooled);
    const after = second.cache.layers[0].dirs[0].pooled;
    expect(after.length).toBe(before.size);
    expect(after.every((m) => before.has(m))).toBe(true); // every buffer reused, none new
    const r2 = layer.backward(second.cache, G);
    const fresh = make();
    const f = fresh.forward(x2);
    const rf = fresh.backward(f.cache, G);
    expect(toFlat(second.output)).toEqual(toFlat(f.output));
    expect(toFlat(r2.dx)).toEqual(toFlat(rf.dx));
    layer.namedParameters().forEach((p, k) => expect(toFlat(p.grad)).toEqual(toFlat(fresh.namedParameters()[k].grad)));
  });

  it('refuses a backward on a cache whose buffers a later forward took', () => {
    const layer = new Recurrent({ mode: 'lstm', inputSize: I, hiddenSize: H, seed: 1 });
    const G = randn([T, B, H], rng);
    const first = layer.forward(randn([T, B, I], rng));
    layer.backward(first.cache, G);
    layer.backward(first.cache, G); // again, before any other forward: allowed
    layer.forward(randn([T, B, I], rng)); // takes the released buffers
    expect(() => layer.backward(first.cache, G)).toThrow('unrollBackward cache: a later forward pass has reused its buffers; run backward before the next forward of the same shape');
  });
});

describe('Recurrent: per-step gradient norms can be switched off', () => {
  it('gives the same gradients, and NaN norms, with trackGradNorms: false', () => {
    const on = new Recurrent({ mode: 'lstm', inputSize: I, hiddenSize: H, seed: 3 });
    const off = new Recurrent({ mode: 'lstm', inputSize: I, hiddenSize: H, seed: 3, trackGradNorms: false });
    const x = randn([T, B, I], rng), G = randn([T, B, H], rng);
    const a = on.backward(on.forward(x).cache, G), b = off.backward(off.forward(x).cache, G);
    expect(toFlat(b.dx)).toEqual(toFlat(a.dx));
    expect([...b.stepGradNorms[0].h].every(Number.isNaN)).toBe(true);
    expect([...a.stepGradNorms[0].h].every((v) => v > 0)).toBe(true);
  });
});
