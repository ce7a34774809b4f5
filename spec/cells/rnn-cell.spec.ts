import { zeros } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { initCellParams } from '../../lib/cells/cell-params';
import { rnnTanhForward, rnnReluForward, checkRnnStep } from '../../lib/cells/rnn-cell';
import { packed } from './cell-check';
import { describeCellGradients } from './cells.shared';

describeCellGradients('rnn_tanh');
describeCellGradients('rnn_relu');

describe('rnn cell forward', () => {
  it('computes h = φ(u + h·W_hhᵀ), u = x·W_ihᵀ + b_ih + b_hh, by hand on a 1×1 case', () => {
    const p = initCellParams('rnn_tanh', 1, 1, true, new Rng(0));
    p.weight_ih.set(0, 0, 0.5);
    p.weight_hh.set(0, 0, -2);
    p.bias_ih!.set(0, 0.25);
    p.bias_hh!.set(0, 0.125);
    const hPrev = zeros([1, 1]), h = zeros([1, 1]);
    const s = { hPrev, hIn: hPrev, h, cPrev: null, c: null };
    hPrev.set(0, 0, 0.75);
    const u = () => { const m = zeros([1, 1]); m.set(0, 0, 0.5 * 3 + 0.25 + 0.125); return m; }; // x·W_ihᵀ + b_ih + b_hh, x = 3
    rnnTanhForward(p, packed(p), u(), s);
    expect(h.get(0, 0)).toBeCloseTo(Math.tanh(0.5 * 3 + 0.25 + -2 * 0.75 + 0.125), 15);
    rnnReluForward(p, packed(p), u(), s);
    expect(h.get(0, 0)).toBeCloseTo(Math.max(0, 0.5 * 3 + 0.25 + -2 * 0.75 + 0.125), 15);
  });

  it('names the step tensor of the wrong shape', () => {
    const p = initCellParams('rnn_tanh', 4, 5, true, new Rng(0));
    expect(() => checkRnnStep(p, { hPrev: zeros([2, 3]), hIn: zeros([2, 3]), h: zeros([2, 5]), cPrev: null, c: null }, 'rnn layer'))
      .toThrow('rnn layer h_{t-1}: expected [2,5], got [2,3]');
  });

  it('refuses a step view that is not plain (a strided view the loops would misread)', () => {
    const p = initCellParams('rnn_tanh', 4, 5, true, new Rng(0));
    const h = zeros([5, 2]).transpose(1, 0);
    expect(() => checkRnnStep(p, { hPrev: zeros([2, 5]), hIn: zeros([2, 5]), h, cPrev: null, c: null }, 'rnn layer'))
      .toThrow('rnn layer h_t: expected a row-major tensor at offset 0');
  });
});
