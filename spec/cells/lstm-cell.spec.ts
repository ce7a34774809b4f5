import { zeros } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { sigmoid } from '../../lib/kernels/activations';
import { initCellParams } from '../../lib/cells/cell-params';
import { lstmCellForward, checkLstmStep } from '../../lib/cells/lstm-cell';
import { packed } from './cell-check';
import { describeCellGradients } from './cells.shared';

describeCellGradients('lstm');

describe('lstm cell forward', () => {
  it('uses the gate order i, f, g, o on a hand-computed 1×1 case', () => {
    const p = initCellParams('lstm', 1, 1, false, new Rng(0));
    [0.1, 0.2, 0.3, 0.4].forEach((w, k) => p.weight_ih.set(k, 0, w)); // i, f, g, o
    [0, 0, 0, 0].forEach((w, k) => p.weight_hh.set(k, 0, w));
    const hPrev = zeros([1, 1]), cPrev = zeros([1, 1]);
    cPrev.set(0, 0, 0.5);
    const u = zeros([1, 4]); // u_t = x·W_ihᵀ with x = 2
    [0.1, 0.2, 0.3, 0.4].forEach((w, k) => u.set(0, k, 2 * w));
    const s = { gates: zeros([1, 4]), hPrev, hIn: hPrev, cPrev, c: zeros([1, 1]), tc: zeros([1, 1]), h: zeros([1, 1]) };
    lstmCellForward(p, packed(p), u, s);
    const i = sigmoid(0.2), f = sigmoid(0.4), g = Math.tanh(0.6), o = sigmoid(0.8);
    expect(s.c.get(0, 0)).toBeCloseTo(f * 0.5 + i * g, 15);
    expect(s.h.get(0, 0)).toBeCloseTo(o * Math.tanh(f * 0.5 + i * g), 15);
    [i, f, g, o].forEach((v, k) => expect(s.gates.get(0, k)).toBeCloseTo(v, 15)); // the gate values, in order
  });

  it('names the step tensor of the wrong shape', () => {
    const p = initCellParams('lstm', 4, 5, true, new Rng(0));
    const s = { gates: zeros([2, 20]), hPrev: zeros([2, 5]), hIn: zeros([2, 5]), cPrev: zeros([2, 6]), c: zeros([2, 5]), tc: zeros([2, 5]), h: zeros([2, 5]) };
    expect(() => checkLstmStep(p, s, 'lstm layer')).toThrow('lstm layer c_{t-1}: expected [2,5], got [2,6]');
  });
});
