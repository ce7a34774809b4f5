import { errorMetrics, classMetrics, corpusBleu } from '../../lib/tasks/metrics';

describe('forecast errors', () => {
  it('RMSE, MAE and sMAPE by their definitions', () => {
    const m = errorMetrics([[100], [200], [0]], [[110], [180], [0]]);
    expect(m.rmse).toBeCloseTo(Math.sqrt((100 + 400 + 0) / 3), 12);
    expect(m.mae).toBeCloseTo(30 / 3, 12);
    expect(m.smape).toBeCloseTo((100 / 3) * (20 / 210 + 40 / 380 + 0), 12); // A = F = 0 counts 0
    expect(m.n).toBe(3);
  });

  it('averages over every step ahead of every point', () => {
    expect(errorMetrics([[1, 2], [3, 4]], [[1, 2], [3, 8]]).mae).toBe(1);
    expect(() => errorMetrics([[1, 2]], [[1]])).toThrow('point 0 has 2 actual values but 1 forecast values');
  });
});

describe('classification metrics', () => {
  it('accuracy, per-class precision / recall / F1, macro-F1 and the confusion matrix (rows: true)', () => {
    const truth = [0, 0, 0, 1, 1, 2];
    const pred = [0, 0, 1, 1, 0, 0];
    const m = classMetrics(truth, pred, 3);
    expect(m.accuracy).toBeCloseTo(3 / 6, 15);
    expect(m.confusion).toEqual([[2, 1, 0], [1, 1, 0], [1, 0, 0]]);
    expect(m.perClass[0]).toEqual({ precision: 2 / 4, recall: 2 / 3, f1: (2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), support: 3 });
    expect(m.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 }); // never predicted: F1 0
    expect(m.macroF1).toBeCloseTo((m.perClass[0].f1 + 0.5 + 0) / 3, 15);
  });
});

describe('corpus BLEU-4', () => {
  const w = (s: string) => s.split(' ');

  it('matches the figure published with NLTK\'s corpus_bleu (three references for the first hypothesis)', () => {
    const hyp1 = w('It is a guide to action which ensures that the military always obeys the commands of the party');
    const ref1a = w('It is a guide to action that ensures that the military will forever heed Party commands');
    const ref1b = w('It is the guiding principle which guarantees the military forces always being under the command of the Party');
    const ref1c = w('It is the practical guide for the army always to heed the directions of the party');
    const hyp2 = w('he read the book because he was interested in world history');
    const ref2a = w('he was interested in world history because he read the book');
    const r = corpusBleu([[ref1a, ref1b, ref1c], [ref2a]], [hyp1, hyp2]);
    expect(r.bleu).toBeCloseTo(0.5920778868801042, 14);
    expect(r.brevityPenalty).toBe(1);
  });

  it('sums n-gram counts over the corpus before dividing, with the closest reference length', () => {
    // p = 4/6, 3/4, 2/2, 1/1 → (1/2)^(1/4); c = r = 6
    const r = corpusBleu([[w('My full pytorch test'), w('Completely Different')], [w('No Match')]], [w('My full pytorch test'), w('Another Sentence')]);
    expect(r.precisions).toEqual([4 / 6, 3 / 4, 1, 1]);
    expect(r.bleu).toBeCloseTo(0.8408964152537145, 14);
  });

  it('penalises short hypotheses, and is 0 without smoothing when some p_n is 0', () => {
    const r = corpusBleu([[w('a b c d e f g h')]], [w('a b c d e f')]);
    expect(r.precisions).toEqual([1, 1, 1, 1]);
    expect(r.brevityPenalty).toBeCloseTo(Math.exp(1 - 8 / 6), 15);
    expect(corpusBleu([[w('a b c')]], [w('a b c')]).bleu).toBe(0); // no 4-grams at all
    expect(corpusBleu([[w('the cat sat on the mat')]], [w('the cat sat on the mat')]).bleu).toBe(1);
  });
});
