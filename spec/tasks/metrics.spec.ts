import { errorMetrics, classMetrics } from '../../lib/tasks/metrics';

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
