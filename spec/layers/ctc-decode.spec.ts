import { greedyDecode, prefixBeamSearch } from '../../lib/layers/ctc-decode';
import { ctcLoss, logSoftmax } from '../../lib/layers/ctc';
import { zeros, Mat } from '../../lib/kernels/tensor';
import { Rng, fillNormal } from '../../lib/kernels/random';

const frames = (logits: Mat): number[][] => {
  const lp = logSoftmax(logits);
  return Array.from({ length: logits.shape[0] }, (_, t) => Array.from({ length: logits.shape[2] }, (_, k) => lp.get(t, 0, k)));
};

/** Every labelling of up to `maxLen` labels from classes 1 … C−1 (blank 0), with its exact log-probability from the CTC loss. */
function allLabellings(logits: Mat, maxLen: number): { labels: number[]; logProb: number }[] {
  const C = logits.shape[2], T = logits.shape[0];
  const out: { labels: number[]; logProb: number }[] = [];
  const visit = (prefix: number[]) => {
    const loss = ctcLoss(logits, [prefix], [T], { reduction: 'sum' }).loss;
    if (Number.isFinite(loss)) out.push({ labels: prefix, logProb: -loss });
    if (prefix.length < maxLen) for (let k = 1; k < C; k++) visit([...prefix, k]);
  };
  visit([]);
  return out.sort((a, b) => b.logProb - a.logProb);
}

describe('CTC decoding', () => {
  it('greedy: the argmax per frame, repeats merged, blanks dropped', () => {
    const lp = [[0, -9, -9], [-9, 0, -9], [-9, 0, -9], [0, -9, -9], [-9, 0, -9], [-9, -9, 0]].map((r) => r.map((v) => v - Math.log(1 + 2 * Math.exp(-9))));
    const g = greedyDecode(lp, 0);
    expect(g.path).toEqual([0, 1, 1, 0, 1, 2]);
    expect(g.labels).toEqual([1, 1, 2]);
  });

  it.each([1, 2, 3, 4, 5])('beam search with a wide beam finds the likeliest labelling, with its exact probability (seed %i)', (seed) => {
    const logits = zeros([5, 1, 3]);
    fillNormal(logits, new Rng(seed));
    const truth = allLabellings(logits, 5);
    const [best] = prefixBeamSearch(frames(logits), 0, 64);
    expect(best.labels).toEqual(truth[0].labels);
    expect(best.logProb).toBeCloseTo(truth[0].logProb, 10);
  });

  it('where many short paths outweigh the single best path, beam search and greedy disagree, and the beam is right', () => {
    // Each frame: blank 0.45, label 1 0.35, label 2 0.2. The best path is all blanks (→ nothing), but the
    // paths that contain label 1 once or more, summed, are more probable.
    const p = [0.45, 0.35, 0.2].map(Math.log);
    const lp = Array.from({ length: 4 }, () => p);
    expect(greedyDecode(lp, 0).labels).toEqual([]);
    const logits = zeros([4, 1, 3]);
    for (let t = 0; t < 4; t++) for (let k = 0; k < 3; k++) logits.set(t, 0, k, p[k]);
    const truth = allLabellings(logits, 4);
    const [best] = prefixBeamSearch(lp, 0, 16);
    expect(truth[0].labels).not.toEqual([]);
    expect(best.labels).toEqual(truth[0].labels);
    expect(() => prefixBeamSearch(lp, 0, 0)).toThrow('prefixBeamSearch beamWidth: expected an integer >= 1, got 0');
  });
});
