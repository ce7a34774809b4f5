import { zeros } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { sigmoid } from '../../lib/kernels/activations';
import { initCellParams } from '../../lib/cells/cell-params';
import { gruCell, gruCellForward, checkGruStep } from '../../lib/cells/gru-cell';
import { packed } from './cell-check';
import { describeCellGradients } from './cells.shared';

describeCellGradients('gru');

describe('gru cell forward', () => {
  it('puts b_hn inside the reset gate product, as PyTorch does', () => {
    const p = initCellParams('gru', 1, 1, true, new Rng(0));
    [0.1, 0.2, 0.3].forEach((w, k) => p.weight_ih.set(k, 0, w)); // r, z, n
    [0.4, 0.5, 0.6].forEach((w, k) => p.weight_hh.set(k, 0, w));
    [0.01, 0.02, 0.03].forEach((b, k) => p.bias_ih!.set(k, b));
    [0.04, 0.05, 0.06].forEach((b, k) => p.bias_hh!.set(k, b));
    const hPrev = zeros([1, 1]);
    hPrev.set(0, 0, -0.5);
    const u = () => { const m = zeros([1, 3]); [0.1, 0.2, 0.3].forEach((w, k) => m.set(0, k, w * 1.5 + [0.01, 0.02, 0.03][k])); return m; }; // x = 1.5
    const s = { gates: zeros([1, 3]), hPrev, hIn: hPrev, vn: zeros([1, 1]), h: zeros([1, 1]), cPrev: null, c: null };
    gruCellForward(p, packed(p), u(), s, gruCell.createWork(1, 1));
    const r = sigmoid(0.1 * 1.5 + 0.01 + 0.4 * -0.5 + 0.04);
    const z = sigmoid(0.2 * 1.5 + 0.02 + 0.5 * -0.5 + 0.05);
    const n = Math.tanh(0.3 * 1.5 + 0.03 + r * (0.6 * -0.5 + 0.06));
    expect(s.h.get(0, 0)).toBeCloseTo((1 - z) * n + z * -0.5, 15);
    // Moving b_hn into b_in would change the result: the two biases are not interchangeable.
    p.bias_hh!.set(2, 0);
    const h1 = s.h.get(0, 0);
    const moved = u();
    moved.set(0, 2, moved.get(0, 2) + 0.06);
    gruCellForward(p, packed(p), moved, s, gruCell.createWork(1, 1));
    expect(Math.abs(s.h.get(0, 0) - h1)).toBeGreaterThan(1e-3);
  });

  it('names the step tensor of the wrong shape', () => {
    const p = initCellParams('gru', 4, 5, true, new Rng(0));
    const s = { gates: zeros([2, 15]), hPrev: zeros([3, 5]), hIn: zeros([3, 5]), vn: zeros([2, 5]), h: zeros([2, 5]), cPrev: null, c: null };
    expect(() => checkGruStep(p, s, 'gru layer')).toThrow('gru layer h_{t-1}: expected [2,5], got [3,5]');
  });
});
