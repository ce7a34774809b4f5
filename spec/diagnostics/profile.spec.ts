import { zeros, toFlat, Mat } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { CELL_KINDS } from '../../lib/cells/cell-params';
import type { LstmStep } from '../../lib/cells/lstm-cell';
import { Recurrent } from '../../lib/layers/recurrent';
import { numericalGradient } from '../../lib/diagnostics/gradcheck';
import { temporalProfile, verdictOf, summarize, sparkline } from '../../lib/diagnostics/profile';
import { parameterStats, formatProfile } from '../../lib/diagnostics/measurements';
import { randn } from '../helpers';

const T = 6, B = 2, I = 3, H = 4;

/** An orthogonal [n,n] matrix (Gram–Schmidt on a random one), times `scale`. */
function scaledOrthogonal(n: number, scale: number, rng: Rng): Mat {
  const q = randn([n, n], rng);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += q.get(i, j) * q.get(k, j);
      for (let j = 0; j < n; j++) q.set(i, j, q.get(i, j) - dot * q.get(k, j));
    }
    let norm = 0;
    for (let j = 0; j < n; j++) norm += q.get(i, j) ** 2;
    for (let j = 0; j < n; j++) q.set(i, j, q.get(i, j) / Math.sqrt(norm));
  }
  for (let i = 0; i < n * n; i++) q.data[i] *= scale;
  return q;
}

describe('temporal gradient profile', () => {
  it.each(CELL_KINDS)('%s: ‖∂L_T/∂h_t‖ equals central differences of L_T with respect to h_t', (mode) => {
    const rng = new Rng(101);
    const layer = new Recurrent({ mode, inputSize: I, hiddenSize: H, seed: 3 });
    const x = randn([T, B, I], rng);
    const [profile] = temporalProfile(layer, x);
    const { cache } = layer.forward(x);
    const states = cache.layers[0].dirs[0];
    for (let t = 0; t < T - 1; t++) {
      // L_T as a function of h_t: run the remaining steps from h_t (and c_t) as the initial state.
      const rest = x.hi(T, B, I).lo(t + 1, 0, 0);
      const h = zeros([1, B, H]), c = mode === 'lstm' ? zeros([1, B, H]) : null;
      for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
        h.set(0, b, j, states.h.get(t, b, j));
        if (c && states.c) c.set(0, b, j, states.c.get(t, b, j));
      }
      const unit = 1 / Math.sqrt(B * H);
      const LT = () => {
        const out = layer.forward(rest, h, c).output;
        let s = 0;
        for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) s += unit * out.get(T - t - 2, b, j);
        return s;
      };
      const g = toFlat(numericalGradient(LT, h));
      const norm = Math.sqrt(g.reduce((a, v) => a + v * v, 0));
      expect(Math.abs(profile.hNorms[t] - norm)).toBeLessThan(1e-7 * Math.max(1, norm));
      if (c && profile.cNorms) {
        // ∂L_T/∂c_t in total: c_t reaches the rest through c and through h_t = o_t ⊙ tanh(c_t), o_t held.
        const o = (states.steps[t] as LstmStep).gates;
        const LTofC = () => {
          for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) h.set(0, b, j, o.get(b, 3 * H + j) * Math.tanh(c.get(0, b, j)));
          return LT();
        };
        const gc = toFlat(numericalGradient(LTofC, c));
        const cNorm = Math.sqrt(gc.reduce((a, v) => a + v * v, 0));
        expect(Math.abs(profile.cNorms[t] - cNorm)).toBeLessThan(1e-7 * Math.max(1, cNorm));
        expect(profile.norms[t]).toBeCloseTo(Math.sqrt(norm * norm + cNorm * cNorm), 7);
      }
    }
    expect(profile.hNorms[T - 1]).toBeCloseTo(1, 12); // the unit probe itself
  });

  it('leaves the weight gradients exactly as they were', () => {
    const layer = new Recurrent({ mode: 'gru', inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 1 });
    const x = randn([T, B, I], new Rng(1));
    layer.backward(layer.forward(x).cache, randn([T, B, 2 * H], new Rng(2)));
    const before = layer.namedParameters().map((p) => toFlat(p.grad));
    const profiles = temporalProfile(layer, x);
    expect(profiles.map((p) => `${p.layer}/${p.direction}`)).toEqual(['0/0', '0/1', '1/0', '1/1']);
    layer.namedParameters().forEach((p, k) => expect(toFlat(p.grad)).toEqual(before[k]));
  });
});

describe('verdicts on constructed cases', () => {
  // A tanh RNN kept in its linear range (zero input, a tiny h0, no bias): each step back multiplies the
  // gradient by W_hhᵀ, an orthogonal matrix times s, so the profile changes by exactly s per step.
  const T2 = 20, H2 = 8;
  const profileFor = (scale: number) => {
    const layer = new Recurrent({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: H2, bias: false, seed: 2 });
    const W = scaledOrthogonal(H2, scale, new Rng(7));
    layer.params[0][0].weight_hh.data.set(W.data);
    const h0 = zeros([1, 1, H2]);
    for (let j = 0; j < H2; j++) h0.set(0, 0, j, 1e-12 * (j + 1));
    return temporalProfile(layer, zeros([T2, 1, 1]), { h0 });
  };

  it.each([
    [0.5, 'VANISHING'],
    [1, 'HEALTHY'],
    [2, 'EXPLODING'],
  ] as const)('orthogonal W_hh × %s: the profile changes by that factor per step, verdict %s', (scale, verdict) => {
    const [p] = profileFor(scale);
    expect(p.ratePerStep).toBeCloseTo(scale, 6);
    const v = verdictOf([p]);
    expect(v.verdict).toBe(verdict);
    expect(v.reasons.length).toBeGreaterThan(0);
    if (verdict === 'VANISHING') {
      expect(p.horizon).toBe(Math.floor(Math.log(1e-3) / Math.log(scale))); // 0.5^9 ≥ 1e-3 > 0.5^10
      expect(v.reasons[0]).toBe(`layer 0: horizon 9 of 19 steps (the signal falls below 0.001 of its value at the last step 10 step(s) short of the first; VANISHING means it does not reach them all), ×${p.ratePerStep.toPrecision(3)} per step`);
    }
    if (verdict === 'EXPLODING') expect(v.reasons[0]).toBe('layer 0: grows ×2.00 per step (bound ×1.1)');
  });

  it('a non-finite profile or a global norm above the bound is EXPLODING; thresholds are configurable', () => {
    const p = { layer: 0, direction: 0 as const, norms: [1, 1], hNorms: [1, 1], cNorms: null, stepsBack: [1, 1], ...summarize([1, 1], 1e-3) };
    expect(verdictOf([p]).verdict).toBe('HEALTHY');
    expect(verdictOf([p], 5e3).reasons).toEqual(['global gradient norm 5.00e+3 (bound 1000)']);
    expect(verdictOf([p], 5e3, { maxGlobalNorm: 1e4 }).verdict).toBe('HEALTHY');
    const bad = { ...p, stepsBack: [1, NaN], ...summarize([1, NaN], 1e-3) };
    expect(verdictOf([bad]).verdict).toBe('EXPLODING');
  });

  it('draws a profile as a log-scale sparkline', () => {
    expect(sparkline([1, 1e-1, 1e-2, 1e-3])).toBe('█▆▃▁');
    expect(sparkline([1, Infinity])).toBe('█!');
  });
});

describe('measurements', () => {
  it('per-tensor gradient and weight norms, their ratio and the global norm', () => {
    const layer = new Recurrent({ mode: 'lstm', inputSize: I, hiddenSize: H, seed: 5 });
    layer.backward(layer.forward(randn([T, B, I], new Rng(3))).cache, randn([T, B, H], new Rng(4)));
    const { tensors, globalNorm } = parameterStats(layer.namedParameters());
    const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
    layer.namedParameters().forEach((p, k) => {
      expect(tensors[k].gradNorm).toBeCloseTo(norm(toFlat(p.grad)), 12);
      expect(tensors[k].ratio).toBeCloseTo(norm(toFlat(p.grad)) / norm(toFlat(p.value)), 12);
    });
    expect(globalNorm).toBeCloseTo(Math.sqrt(tensors.reduce((s, t) => s + t.gradNorm ** 2, 0)), 12);
  });

  it('formats a verdict with its numbers and a sparkline per layer', () => {
    const layer = new Recurrent({ mode: 'rnn_tanh', inputSize: I, hiddenSize: H, seed: 5 });
    const profiles = temporalProfile(layer, randn([T, B, I], new Rng(3)));
    const text = formatProfile('tanh RNN', profiles, verdictOf(profiles));
    expect(text.split('\n')[0]).toMatch(/^tanh RNN: (HEALTHY|VANISHING|EXPLODING)$/);
    expect(text).toMatch(/layer 0 +[▁▂▃▄▅▆▇█]{6}  ‖∂L\/∂h‖/);
  });
});
