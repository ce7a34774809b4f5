import * as fs from 'fs';
import * as path from 'path';
import { Mat, fromNested, toFlat, swapFirstAxes, zeros, clone } from '../../lib/kernels/tensor';
import { Recurrent } from '../../lib/layers/recurrent';
import { SequenceModel } from '../../lib/models/sequence-model';
import { loadStateDict } from '../../lib/models/state-dict';
import { CellKind } from '../../lib/cells/cell-params';
import { Rng } from '../../lib/kernels/random';
import { checkGradients } from '../../lib/diagnostics/gradcheck';
import { randn } from '../helpers';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** The probe cases of golden/ and golden-packed/: a bare recurrent module, as torch.nn.RNN/LSTM/GRU. */
const cases = ['golden', 'golden-packed'].flatMap((dir) => fs.readdirSync(path.join(FIXTURES, dir))
  .filter((f) => /^p\d+.*\.json$/.test(f))
  .map((f) => ({ file: `${dir}/${f}`, json: JSON.parse(fs.readFileSync(path.join(FIXTURES, dir, f), 'utf8')) }))
  .filter((c) => c.json.loss.type === 'probe'));

/** max |a − b| / max |b|. */
function relative(a: Mat, b: Mat): number {
  const x = toFlat(a), y = toFlat(b);
  expect(x.length).toBe(y.length);
  let d = 0, s = 0;
  for (let k = 0; k < x.length; k++) {
    d = Math.max(d, Math.abs(x[k] - y[k]));
    s = Math.max(s, Math.abs(y[k]));
  }
  return s === 0 ? d : d / s; // an all-zero gradient (W_hh at T = 1 from h0 = 0) must be matched exactly
}

describe('batchFirst: [B,T,I] in, [B,T,D·H] out, as PyTorch batch_first', () => {
  it('has probe cases to run (golden and golden-packed)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases.map((c) => [c.file, c.json] as const))('%s: equals PyTorch (to 1e-9) and the time-major layer (exactly)', (_file, c) => {
    const cfg = c.config;
    const make = (batchFirst: boolean) => {
      const rnn = new Recurrent({
        mode: cfg.kind as CellKind, inputSize: cfg.input_size, hiddenSize: cfg.hidden_size, numLayers: cfg.num_layers,
        bidirectional: cfg.bidirectional, bias: cfg.bias !== false, batchFirst,
      });
      loadStateDict(rnn, c.params, 'params');
      return rnn;
    };
    const read = (v: unknown): Mat | null => (v === null || v === undefined ? null : fromNested(v, null, 'case'));
    const x = read(c.inputs.x)!, h0 = read(c.inputs.h0), c0 = read(c.inputs.c0), lengths = c.inputs.lengths ?? null;
    const [T, B] = x.shape;
    const timeMajor = make(false), batchFirst = make(true);
    const a = timeMajor.forward(x, h0, c0, lengths);
    const r = batchFirst.forward(swapFirstAxes(x), h0, c0, lengths);
    expect(r.output.shape).toEqual([B, T, a.output.shape[2]]);
    expect(toFlat(swapFirstAxes(r.output))).toEqual(toFlat(a.output));
    expect(toFlat(r.h_n)).toEqual(toFlat(a.h_n)); // h0, h_n are [L·D,B,H] either way, as in PyTorch
    expect(relative(swapFirstAxes(r.output), read(c.outputs.output)!)).toBeLessThan(1e-9);

    const G = read(c.loss.G)!, Gh = read(c.loss.Gh), Gc = read(c.loss.Gc);
    const ga = timeMajor.backward(a.cache, G, Gh, Gc);
    const gb = batchFirst.backward(r.cache, swapFirstAxes(G), Gh, Gc);
    expect(gb.dx.shape).toEqual([B, T, cfg.input_size]);
    expect(toFlat(swapFirstAxes(gb.dx))).toEqual(toFlat(ga.dx));
    expect(relative(swapFirstAxes(gb.dx), read(c.grads.x)!)).toBeLessThan(1e-9);
    batchFirst.namedParameters().forEach((p) => expect(relative(p.grad, read(c.grads.params[p.name])!)).toBeLessThan(1e-9));
  });

  it('passes the gradient check: every parameter and x [B,T,I], bidirectional LSTM with lengths', () => {
    const rng = new Rng(3);
    const rnn = new Recurrent({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true, seed: 2 });
    const x = randn([3, 5, 3], rng), G = randn([3, 5, 8], rng), lengths = [5, 2, 4];
    const loss = () => toFlat(rnn.forward(x, null, null, lengths).output).reduce((s, v, k) => s + v * G.data[k], 0);
    rnn.zeroGrad();
    const { cache } = rnn.forward(x, null, null, lengths);
    const { dx } = rnn.backward(cache, G);
    const tensors = [...rnn.namedParameters().map((p) => ({ name: p.name, value: p.value, analytic: clone(p.grad) })), { name: 'x', value: x, analytic: dx }];
    for (const r of checkGradients(loss, tensors)) expect({ name: r.name, ok: r.ok, big: r.maxAbsGrad > 1e-4 }).toEqual({ name: r.name, ok: true, big: true });
  });

  it('names the batch-first shape it expected, and keeps to the time-major convention elsewhere', () => {
    const rnn = new Recurrent({ mode: 'gru', inputSize: 3, hiddenSize: 2, batchFirst: true });
    expect(() => rnn.forward(zeros([4, 5, 2]))).toThrow('Recurrent.forward x: expected [B,T,3] (batchFirst), got [4,5,2]');
    const { cache } = rnn.forward(zeros([4, 5, 3]));
    expect(() => rnn.backward(cache, zeros([5, 4, 2]))).toThrow('Recurrent.backward dOutput (batchFirst): expected [4,5,2], got [5,4,2]');
    expect(rnn.toConfig()).toMatchObject({ batchFirst: true });
    expect(new Recurrent({ mode: 'gru', inputSize: 3, hiddenSize: 2 }).toConfig()).not.toHaveProperty('batchFirst');
    expect(() => new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 2, batchFirst: true })).toThrow('SequenceModel batchFirst: a SequenceModel and its objectives are time-major');
  });
});
