import { zeros, toFlat, clone } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { CELL_KINDS } from '../../lib/cells/cell-params';
import { Recurrent } from '../../lib/layers/recurrent';
import { streamChunks, CarriedState, tbpttStep } from '../../lib/training/tbptt';
import { SequenceModel } from '../../lib/models/sequence-model';
import { createOptimizer } from '../../lib/training/optimizers';
import { randn } from '../helpers';

const T = 12, B = 2, I = 3, H = 4, k = 5; // chunks [0,5) [5,10) [10,12)

describe.each(CELL_KINDS)('truncated BPTT, %s, 2 layers', (mode) => {
  const rng = new Rng(71);
  const layer = new Recurrent({ mode, inputSize: I, hiddenSize: H, numLayers: 2, seed: 4 });
  const stream = randn([T, B, I], rng);

  it('(a) chunks with carried state give the outputs of one pass over the whole stream', () => {
    const whole = layer.forward(stream);
    const state = new CarriedState();
    for (const chunk of streamChunks(stream, k)) {
      const r = layer.forward(chunk.x, state.h0, state.c0);
      for (let t = chunk.start; t < chunk.end; t++) {
        expect(toFlat(r.output.pick(t - chunk.start))).toEqual(toFlat(whole.output.pick(t)));
      }
      state.carry(r);
    }
    expect(toFlat(state.h0!)).toEqual(toFlat(whole.h_n));
  });

  it('(b) a chunk’s gradients equal the full-sequence gradients cut at the chunk boundary', () => {
    // Loss on the middle chunk's outputs only: L = Σ_{t in [5,10)} output_t ⊙ G_t.
    const G = zeros([T, B, H]);
    const R = randn([5, B, H], rng);
    for (let t = 5; t < 10; t++) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) G.set(t, b, j, R.get(t - 5, b, j));

    // Full graph: one pass, BPTT over all 12 steps.
    layer.zeroGrad();
    const full = layer.forward(stream);
    const fullBack = layer.backward(full.cache, G);
    const fullGrads = layer.namedParameters().map((p) => toFlat(p.grad));

    // Truncated: the prefix [0,5) carries its state into the chunk [5,10), whose backward stops at its h0.
    const [prefix, middle] = streamChunks(stream, k);
    const state = new CarriedState();
    const pre = layer.forward(prefix.x);
    state.carry(pre);
    layer.zeroGrad();
    const mid = layer.forward(middle.x, state.h0, state.c0);
    const midBack = layer.backward(mid.cache, R);
    const chunkGrads = layer.namedParameters().map((p) => clone(p.grad));

    // The cut removes exactly the paths through the boundary state: what BPTT sends from the chunk into
    // the prefix. Backpropagating that boundary gradient through the prefix and adding it to the chunk's
    // gradients must give the full-graph gradients, and the chunk's dx must be the full dx on its steps.
    layer.zeroGrad();
    const preBack = layer.backward(pre.cache, zeros([5, B, H]), midBack.dh0, midBack.dc0);
    layer.namedParameters().forEach((p, n) => {
      const sum = toFlat(p.grad).map((v, i) => v + chunkGrads[n].data[i]);
      sum.forEach((v, i) => expect(v).toBeCloseTo(fullGrads[n][i], 13));
    });
    for (let t = 5; t < 10; t++) expect(toFlat(midBack.dx.pick(t - 5))).toEqual(toFlat(fullBack.dx.pick(t)));
    for (let t = 0; t < 5; t++) {
      toFlat(preBack.dx.pick(t)).forEach((v, i) => expect(v).toBeCloseTo(toFlat(fullBack.dx.pick(t))[i], 13));
    }
    // And the truncated gradients really differ from the full ones (the prefix's share is not zero).
    expect(chunkGrads.some((g, n) => toFlat(g).some((v, i) => Math.abs(v - fullGrads[n][i]) > 1e-9))).toBe(true);
  });

  it('reset starts the next chunk from zeros', () => {
    const state = new CarriedState();
    state.carry(layer.forward(stream));
    state.reset();
    expect(state.h0).toBeNull();
    const [first] = streamChunks(stream, k);
    expect(toFlat(layer.forward(first.x, state.h0, state.c0).output)).toEqual(toFlat(layer.forward(first.x).output));
  });
});

describe('streamChunks', () => {
  it('rejects a chunk length that is not a positive integer', () => {
    expect(() => streamChunks(zeros([4, 1, 1]), 0)).toThrow('streamChunks k: expected a chunk length (integer >= 1), got 0');
    expect(() => streamChunks(zeros([4, 1, 1]), 1.5)).toThrow('got 1.5');
  });
  it('covers the stream with views', () => {
    const s = randn([7, 2, 1], new Rng(1));
    const cs = streamChunks(s, 3);
    expect(cs.map((c) => [c.start, c.end, c.x.shape[0]])).toEqual([[0, 3, 3], [3, 6, 3], [6, 7, 1]]);
    expect(cs[2].x.get(0, 1, 0)).toBe(s.get(6, 1, 0));
  });
});

describe('tbpttStep: training on a stream chunk by chunk', () => {
  it('learns to echo the input of 2 steps earlier across chunk boundaries', () => {
    // Target at t is x_{t−2}: with chunks of 4, two of every four targets need the carried state.
    const T_ = 400, k_ = 4;
    const rng = new Rng(5);
    const stream = randn([T_, 1, 1], rng);
    const model = new SequenceModel({ mode: 'gru', inputSize: 1, hiddenSize: 8, seed: 3, head: { mode: 'all', outFeatures: 1 } });
    const optimizer = createOptimizer('Adam', { lr: 0.02 });
    const state = new CarriedState();
    const chunkLoss = (epochLosses: number[]) => epochLosses.reduce((a, b) => a + b, 0) / epochLosses.length;
    const epochs: number[] = [];
    for (let epoch = 0; epoch < 15; epoch++) {
      state.reset(); // a new pass over the stream starts from zeros
      const losses: number[] = [];
      for (const chunk of streamChunks(stream, k_)) {
        const n = chunk.end - chunk.start;
        const target = zeros([n, 1, 1]);
        for (let t = chunk.start; t < chunk.end; t++) target.set(t - chunk.start, 0, 0, t >= 2 ? stream.get(t - 2, 0, 0) : 0);
        const r = tbpttStep(model, optimizer, chunk, { type: 'mse_all', target }, state, { clip: { maxNorm: 1 } });
        expect(r.applied).toBe(true);
        losses.push(r.loss);
      }
      epochs.push(chunkLoss(losses));
    }
    expect(epochs[epochs.length - 1]).toBeLessThan(0.1 * epochs[0]);
    expect(state.h0).not.toBeNull();
  });
});
