import { Rng } from '../../lib/kernels/random';
import { SequenceModel } from '../../lib/models/sequence-model';
import { findNonFinite, findNonFiniteBackward, findNonFiniteForward } from '../../lib/training/nonfinite';
import { RecurrentGrads } from '../../lib/layers/recurrent';
import { zeros } from '../../lib/kernels/tensor';
import { randn } from '../helpers';

const model = () => new SequenceModel({ mode: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, seed: 1, head: { mode: 'last', outFeatures: 1 } });

describe('locating the first non-finite value', () => {
  it('names the gate, layer, direction and time step in the forward pass', () => {
    const m = model();
    const w = m.namedParameters().find((p) => p.name === 'weight_hh_l1_reverse')!;
    w.value.set(4, 0, NaN); // row 4 is in the forget gate's block [H, 2H)
    const x = randn([4, 2, 2], new Rng(1));
    const f = m.forward(x);
    const r = findNonFiniteForward(f)!;
    // The reverse direction starts at t = 3 from h0 = 0, so NaN·0 reaches the forget gate there.
    expect(r.message).toBe('non-finite value NaN first appeared in the forward pass: gate f (layer 1, reverse direction, time step 3)');
    expect([r.layer, r.direction, r.step, r.tensor]).toEqual([1, 1, 3, 'gate f']);
  });

  it('reports the loss when every forward value is finite', () => {
    const m = model();
    const f = m.forward(randn([3, 2, 2], new Rng(2)));
    expect(findNonFiniteForward(f)).toBeNull();
    expect(findNonFinite(m, f, Infinity, null)!.message).toBe('non-finite value Infinity first appeared in the loss pass: loss');
  });

  it('walks the backward pass from the top layer, in backward time order', () => {
    const m = model();
    const norms = (bad: number | null) => { const h = new Float64Array(4).fill(1); if (bad !== null) h[bad] = Infinity; return h; };
    const grads: RecurrentGrads = {
      dx: zeros([4, 2, 2]), dh0: zeros([4, 2, 3]), dc0: null,
      stepGradNorms: [
        { layer: 0, direction: 0, h: norms(3), c: null },
        { layer: 0, direction: 1, h: norms(null), c: null },
        { layer: 1, direction: 0, h: norms(1), c: null },
        { layer: 1, direction: 1, h: norms(null), c: null },
      ],
    };
    expect(findNonFiniteBackward(m, grads)!.message).toBe('non-finite value Infinity first appeared in the backward pass: ∂L/∂h_t (layer 1, forward direction, time step 1)');
    m.namedParameters().find((p) => p.name === 'head.bias')!.grad.data[0] = NaN;
    expect(findNonFiniteBackward(m, grads)!.tensor).toBe('gradient of head.bias');
  });
});
