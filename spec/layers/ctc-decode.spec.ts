import { greedyDecode, prefixBeamSearch, ensembleDecode } from '../../lib/layers/ctc-decode';
import { ctcLoss, logSoftmax, labellingLogProb } from '../../lib/layers/ctc';
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

  it('labellingLogProb is −(the CTC loss) of the labelling: repeats, the empty labelling, and −Infinity where no path fits', () => {
    const logits = zeros([4, 1, 3]);
    fillNormal(logits, new Rng(7));
    for (const target of [[1], [2, 1], [1, 1], [], [1, 2, 1], [1, 1, 1]]) {
      const loss = ctcLoss(logits, [target], [4], { reduction: 'sum' }).loss;
      if (Number.isFinite(loss)) expect(labellingLogProb(frames(logits), target, 0)).toBeCloseTo(-loss, 12);
      else expect(labellingLogProb(frames(logits), target, 0)).toBe(-Infinity); // [1,1,1] needs 5 frames
    }
    expect(() => labellingLogProb([], [1], 0)).toThrow('labellingLogProb frames: expected at least 1 frame, got 0');
  });

  it.each([1, 2, 3])('several models with wide beams: the labelling with the highest summed log-probability of all (seed %i)', (seed) => {
    const rng = new Rng(seed);
    const logits = [zeros([5, 1, 3]), zeros([4, 1, 3]), zeros([5, 1, 3])]; // the models may read the input in different frame counts
    logits.forEach((l) => fillNormal(l, rng));
    // Every labelling that every model can read, scored by the sum of the models' log-probabilities.
    const perModel = logits.map((l) => new Map(allLabellings(l, 5).map((w) => [w.labels.join(','), w])));
    const truth = [...perModel[0].values()]
      .filter((w) => perModel.every((m) => m.has(w.labels.join(','))))
      .map((w) => ({ labels: w.labels, logProb: perModel.reduce((sum, m) => sum + m.get(w.labels.join(','))!.logProb, 0) }))
      .sort((a, b) => b.logProb - a.logProb)[0];
    const best = ensembleDecode(logits.map(frames), 0, 64);
    expect(best.labels).toEqual(truth.labels);
    expect(best.logProb).toBeCloseTo(truth.logProb, 10);
    expect(ensembleDecode([frames(logits[0])], 0, 64).labels).toEqual(prefixBeamSearch(frames(logits[0]), 0, 64)[0].labels); // one model: its beam
  });

  it('two models that place a label at different frames: averaging their frames loses it, scoring labellings keeps it', () => {
    // Model A hears label 1 at frame 1, model B at frame 3; elsewhere both say blank.
    const frame = (p1: number) => [Math.log(1 - p1 - 0.01), Math.log(p1), Math.log(0.01)];
    const a = [0.01, 0.9, 0.01, 0.01].map(frame);
    const b = [0.01, 0.01, 0.01, 0.9].map(frame);
    const averaged = a.map((f, t) => f.map((v, k) => Math.log((Math.exp(v) + Math.exp(b[t][k])) / 2)));
    expect(greedyDecode(averaged, 0).labels).toEqual([]); // each peak halved: the blank wins every frame
    expect(ensembleDecode([a, b], 0, 4).labels).toEqual([1]);
    expect(() => ensembleDecode([], 0, 4)).toThrow('ensembleDecode models: expected the frames of at least 1 model, got 0');
  });
});
