import * as path from 'path';
import { ctcLoss, logSoftmax } from '../../lib/layers/ctc';
import { zeros, Mat } from '../../lib/kernels/tensor';
import { Rng, fillNormal } from '../../lib/kernels/random';
import { runGoldenDir } from '../../lib/diagnostics/conformance';
import { SequenceModel } from '../../lib/models/sequence-model';
import { lossAndGradients } from '../../lib/models/objectives';

const randomLogits = (T: number, B: number, C: number, seed: number): Mat => {
  const m = zeros([T, B, C]);
  fillNormal(m, new Rng(seed));
  return m;
};

/** −ln p by brute force: every path of T frames, collapsed (repeats merged, blanks dropped), compared with the target. */
function bruteForce(logits: Mat, b: number, Tb: number, target: number[], blank: number): number {
  const C = logits.shape[2], lp = logSoftmax(logits);
  let p = 0;
  for (let code = 0; code < C ** Tb; code++) {
    const path: number[] = [];
    let c = code, logProb = 0;
    for (let t = 0; t < Tb; t++) {
      path.push(c % C);
      logProb += lp.get(t, b, c % C);
      c = Math.floor(c / C);
    }
    const collapsed = path.filter((k, t) => k !== blank && (t === 0 || k !== path[t - 1]));
    if (collapsed.join() === target.join()) p += Math.exp(logProb);
  }
  return -Math.log(p);
}

describe('the CTC loss', () => {
  it('passes the PyTorch cases in spec/fixtures/golden-ctc at their tolerances', () => {
    const reports = runGoldenDir(path.join(__dirname, '../fixtures/golden-ctc'));
    expect(reports.length).toBe(9);
    for (const r of reports) {
      expect(r.error).toBeNull();
      expect(r.comparisons.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
    }
  });

  it.each([
    ['a short target', [1, 2], 5, 0], ['a repeat, which needs a blank between', [2, 2], 5, 0], ['an empty target', [], 4, 0],
    ['the blank last', [0, 1], 5, 2], ['a target that fills every frame with its blanks', [1, 1], 3, 0],
  ])('%s: equal to the sum over every path', (_what, target, T, blank) => {
    const logits = randomLogits(T, 1, 3, 7);
    const r = ctcLoss(logits, [target as number[]], [T], { blank: blank as number, reduction: 'sum' });
    expect(r.loss).toBeCloseTo(bruteForce(logits, 0, T as number, target as number[], blank as number), 12);
  });

  it('the gradient equals central differences of the loss, for every reduction, with ragged lengths', () => {
    for (const reduction of ['sum', 'mean', 'none'] as const) {
      const logits = randomLogits(6, 3, 4, 11);
      const targets = [[1, 2], [3], [2, 2, 1]], lengths = [6, 4, 6];
      const r = ctcLoss(logits, targets, lengths, { reduction });
      const total = (m: Mat) => { const q = ctcLoss(m, targets, lengths, { reduction }); return reduction === 'none' ? q.perSequence.reduce((a, v) => a + v, 0) : q.loss; };
      let worst = 0, largest = 0;
      for (let k = 0; k < logits.data.length; k++) {
        const keep = logits.data[k], h = 1e-5;
        logits.data[k] = keep + h;
        const up = total(logits);
        logits.data[k] = keep - h;
        const down = total(logits);
        logits.data[k] = keep;
        const numeric = (up - down) / (2 * h);
        worst = Math.max(worst, Math.abs(numeric - r.dLogits.data[k]) / Math.max(1e-3, Math.abs(numeric)));
        largest = Math.max(largest, Math.abs(r.dLogits.data[k]));
      }
      expect(worst).toBeLessThan(1e-6);
      expect(largest).toBeGreaterThan(1e-2);
      // Frames past a sequence's length get exactly zero gradient.
      for (let t = 4; t < 6; t++) for (let c = 0; c < 4; c++) expect(r.dLogits.get(t, 1, c)).toBe(0);
    }
  });

  it('an impossible target is infinite (NaN gradient), or 0 with zeroInfinity', () => {
    const logits = randomLogits(2, 1, 3, 1);
    const r = ctcLoss(logits, [[1, 1]], [2], { reduction: 'sum' }); // needs 3 frames: 1, blank, 1
    expect(r.loss).toBe(Infinity);
    expect(Number.isNaN(r.dLogits.get(0, 0, 0))).toBe(true);
    const z = ctcLoss(logits, [[1, 1]], [2], { reduction: 'sum', zeroInfinity: true });
    expect([z.loss, z.perSequence[0], z.dLogits.get(0, 0, 0)]).toEqual([0, Infinity, 0]);
  });

  it('bad input names the argument', () => {
    const logits = randomLogits(3, 2, 4, 1);
    expect(() => ctcLoss(logits, [[1]], [3, 3])).toThrow('ctcLoss targets: expected 2 label lists (one per sequence), got 1');
    expect(() => ctcLoss(logits, [[1], [0]], [3, 3])).toThrow('ctcLoss targets[1][0]: expected a class in [0, 3] other than the blank 0, got 0');
    expect(() => ctcLoss(logits, [[1], [2]], [3, 4])).toThrow('ctcLoss inputLengths[1]: expected an integer in [1, 3], got 4');
    expect(() => ctcLoss(logits, [[1], [2]], [3, 3], { blank: 4 })).toThrow('ctcLoss blank: expected an integer in [0, 3], got 4');
  });
});

describe('the ctc objective of a SequenceModel', () => {
  it('is the mean CTC loss of the per-step logits; an impossible target counts 0 and leaves the gradients finite', () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, bidirectional: true, head: { mode: 'all', outFeatures: 4 }, seed: 1 });
    const x = randomLogits(4, 2, 2, 3), lengths = [4, 2];
    const targets = [[1, 3], [2, 2]]; // the second needs 3 steps (2, blank, 2) but has 2: impossible
    const y = model.forward(x, null, null, lengths).y!;
    const direct = ctcLoss(y, targets, lengths, { reduction: 'mean', zeroInfinity: true });
    expect(direct.perSequence[1]).toBe(Infinity);
    model.zeroGrad();
    const r = lossAndGradients(model, { x, lengths }, { type: 'ctc', targets });
    expect(r.loss).toBeCloseTo(direct.loss, 14);
    expect(r.loss).toBeCloseTo(direct.perSequence[0] / 2 / 2, 14); // (loss_0 / U_0 + 0) / B
    for (const p of model.namedParameters()) expect(Array.from(p.grad.data).every(Number.isFinite)).toBe(true);
    const last = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, head: { mode: 'last', outFeatures: 4 }, seed: 1 });
    expect(() => lossAndGradients(last, { x, lengths }, { type: 'ctc', targets })).toThrow("'ctc' needs a model with head mode 'all'");
  });
});
