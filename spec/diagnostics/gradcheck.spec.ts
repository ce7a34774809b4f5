import { clone } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { SequenceModel } from '../../lib/models/sequence-model';
import { Objective, lossAndGradients, lossOnly } from '../../lib/models/objectives';
import { CELL_KINDS } from '../../lib/cells/cell-params';
import { checkGradients, gradcheckModel, maxRelError, GRADCHECK_THRESHOLD } from '../../lib/diagnostics/gradcheck';
import { gradcheckMatrix, configLabel, runGradcheckConfig } from '../../lib/diagnostics/gradcheck-suite';
import { randn } from '../helpers';

describe('gradient check of every model configuration', () => {
  const configs = gradcheckMatrix();

  it('covers every cell × layers × directions × bias × objective, then four shapes per cell on the textbook engine, then the mean-pooling head, CTC and dropout per cell', () => {
    expect(configs.filter((c) => (c.engine ?? 'fast') === 'fast' && !c.head && c.objective !== 'ctc' && !c.dropout && !c.mergeMode && !c.projSize).length).toBe(4 * 2 * 2 * 2 * 3);
    expect(configs.filter((c) => c.dropout).map((c) => [c.mode, c.numLayers, c.bidirectional])).toEqual(CELL_KINDS.map((m) => [m, 2, true]));
    expect(configs.filter((c) => c.mergeMode).map((c) => c.mergeMode)).toEqual(['sum', 'mul', 'ave']);
    expect(configs.filter((c) => c.projSize).map((c) => [c.mode, c.numLayers, c.bidirectional])).toEqual([['lstm', 1, false], ['lstm', 2, true]]);
    expect(configs.filter((c) => c.objective === 'ctc').map((c) => c.mode)).toEqual([...CELL_KINDS]);
    expect(configs.filter((c) => c.head === 'mean').map((c) => [c.mode, c.objective, c.bidirectional, c.lengths])).toEqual(CELL_KINDS.map((m) => [m, 'ce_last', true, true]));
    const textbook = configs.filter((c) => c.engine === 'textbook');
    expect(textbook.map((c) => c.mode).sort()).toEqual([...CELL_KINDS, ...CELL_KINDS, ...CELL_KINDS, ...CELL_KINDS].sort());
    expect(textbook.filter((c) => c.lengths).map((c) => c.mode)).toEqual([...CELL_KINDS]);
  });

  it.each(configs.map((c) => [configLabel(c), c] as const))('%s', (_label, c) => {
    const rows = runGradcheckConfig(c);
    const L = c.numLayers, D = c.bidirectional ? 2 : 1;
    const expectedTensors = L * D * ((c.bias ? 4 : 2) + (c.projSize ? 1 : 0)) + (c.objective === 'probe' ? 0 : 2) + 2 + (c.mode === 'lstm' ? 1 : 0);
    expect(rows.length).toBe(expectedTensors); // every parameter, x, h0 (and c0) were checked
    for (const r of rows) {
      if (!r.ok) throw new Error(`${configLabel(c)} ${r.name}: relative error ${r.maxRelError.toExponential(2)} >= ${GRADCHECK_THRESHOLD}`);
      // A gradient that is (nearly) all zeros would agree with central differences whatever the code did.
      if (!(r.maxAbsGrad > 1e-4)) throw new Error(`${configLabel(c)} ${r.name}: its largest gradient entry is ${r.maxAbsGrad}, too small to check anything`);
    }
  });
});

describe('the checker itself', () => {
  it('fails a gradient that is wrong in a single element', () => {
    const rng = new Rng(51);
    const model = new SequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, head: { mode: 'last', outFeatures: 2 }, seed: 1 });
    const x = randn([3, 2, 3], rng);
    const objective = { type: 'mse_last' as const, target: randn([2, 2], rng) };
    lossAndGradients(model, { x }, objective);
    const p = model.namedParameters().find((q) => q.name === 'weight_hh_l0')!;
    const analytic = clone(p.grad);
    const [good] = checkGradients(() => lossOnly(model, { x }, objective), [{ name: p.name, value: p.value, analytic }]);
    expect(good.ok).toBe(true);
    let scale = 0;
    for (const v of analytic.data) scale = Math.max(scale, Math.abs(v));
    analytic.data[5] += 1e-4 * scale; // a small bug in one entry
    const [bad] = checkGradients(() => lossOnly(model, { x }, objective), [{ name: p.name, value: p.value, analytic }]);
    expect(bad.ok).toBe(false);
    expect(bad.maxRelError).toBeGreaterThan(5e-5);
  });

  it('restores every perturbed parameter bit for bit', () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, seed: 2 });
    const before = model.namedParameters().map((p) => [...p.value.data]);
    const x = randn([3, 2, 2], new Rng(1));
    const G = randn([3, 2, 3], new Rng(2)), Gh = randn([1, 2, 3], new Rng(3));
    lossAndGradients(model, { x }, { type: 'probe', G, Gh, Gc: null });
    checkGradients(() => lossOnly(model, { x }, { type: 'probe', G, Gh, Gc: null }),
      model.namedParameters().map((p) => ({ name: p.name, value: p.value, analytic: clone(p.grad) })));
    expect(model.namedParameters().map((p) => [...p.value.data])).toEqual(before);
  });

  it('reports NaN as an infinite error', () => {
    const a = randn([2, 2], new Rng(1));
    const n = clone(a);
    n.data[1] = NaN;
    expect(maxRelError(a, n)).toBe(Infinity);
  });
});

describe('gradient check of variable-length batches (2 layers, bidirectional)', () => {
  const T = 4, B = 3, I = 2, H = 3, K = 5;
  const lengths = [2, 4, 1];
  const cases = CELL_KINDS.flatMap((mode) => (['probe', 'mse_last', 'mse_all', 'ce_all', 'ce_last'] as const).map((objective) => [mode, objective] as const));

  it.each(cases)('%s %s', (mode, type) => {
    const rng = new Rng(61);
    const model = new SequenceModel({
      mode, inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 3,
      head: type === 'mse_last' || type === 'ce_last' ? { mode: 'last', outFeatures: K } : type === 'probe' ? undefined : { mode: 'all', outFeatures: K },
    });
    const x = randn([T, B, I], rng);
    const objective: Objective = type === 'probe'
      ? { type, G: randn([T, B, 2 * H], rng), Gh: randn([4, B, H], rng), Gc: mode === 'lstm' ? randn([4, B, H], rng) : null }
      : type === 'mse_last' ? { type, target: randn([B, K], rng) }
        : type === 'mse_all' ? { type, target: randn([T, B, K], rng) }
          : type === 'ce_last' ? { type, targets: [1, 4, 1], classWeights: [0.5, 2, 1, 1, 3] } // weighted (CE-2)
            : { type, targets: Array.from({ length: T * B }, () => rng.int(K)) };
    // Non-zero initial states: with a `last` head the top reverse direction reads one step from h0, and from
    // h0 = 0 its weight_hh would get an exactly zero gradient, which would check nothing.
    const h0 = randn([4, B, H], rng), c0 = mode === 'lstm' ? randn([4, B, H], rng) : null;
    const rows = gradcheckModel(model, { x, h0, c0, lengths }, objective);
    for (const r of rows) {
      if (!r.ok) throw new Error(`${mode} ${type} ${r.name}: relative error ${r.maxRelError.toExponential(2)}`);
      if (!(r.maxAbsGrad > 1e-4)) throw new Error(`${mode} ${type} ${r.name}: its largest gradient entry is ${r.maxAbsGrad}, too small to check anything`);
    }
    expect(rows.map((r) => r.name)).toContain('x');
  });
});
