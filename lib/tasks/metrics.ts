/**
 * The numbers a practitioner reads off a forecast or a classifier.            docs: docs/use-cases.md
 *
 *   RMSE   √( (1/n) Σ (F − A)² )
 *   MAE    (1/n) Σ |F − A|
 *   sMAPE  (100/n) Σ 2|F − A| / (|A| + |F|)   in percent, 0..200; a term with A = F = 0 counts 0
 *
 *   accuracy         correct / n
 *   precision_c      TP_c / (TP_c + FP_c)      recall_c = TP_c / (TP_c + FN_c)
 *   F1_c             2·P·R / (P + R)           0 when P + R = 0 (a class never predicted, or never right)
 *   macro-F1         the mean of F1_c over every class, so small classes count as much as large ones
 */
import { ValueError } from '../kernels/tensor';

export interface ErrorMetrics {
  rmse: number;
  mae: number;
  smape: number;
  n: number;
}

/** Errors over every forecast value: `actual` and `forecast` are [points][steps ahead]. */
export function errorMetrics(actual: readonly (readonly number[])[], forecast: readonly (readonly number[])[]): ErrorMetrics {
  if (actual.length !== forecast.length) throw new ValueError(`errorMetrics: ${actual.length} actual points but ${forecast.length} forecasts`);
  let se = 0, ae = 0, sm = 0, n = 0;
  actual.forEach((row, i) => {
    if (row.length !== forecast[i].length) throw new ValueError(`errorMetrics: point ${i} has ${row.length} actual values but ${forecast[i].length} forecast values`);
    row.forEach((a, k) => {
      const f = forecast[i][k], e = f - a;
      se += e * e;
      ae += Math.abs(e);
      const denom = Math.abs(a) + Math.abs(f);
      sm += denom === 0 ? 0 : (2 * Math.abs(e)) / denom;
      n++;
    });
  });
  if (n === 0) throw new ValueError('errorMetrics: no points');
  return { rmse: Math.sqrt(se / n), mae: ae / n, smape: (100 * sm) / n, n };
}

export interface ClassMetrics {
  accuracy: number;
  macroF1: number;
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  confusion: number[][]; // [true class][predicted class] counts
}

/** Accuracy, per-class precision / recall / F1, macro-F1 and the confusion matrix (rows: true class). */
export function classMetrics(truth: readonly number[], predicted: readonly number[], numClasses: number): ClassMetrics {
  if (truth.length !== predicted.length) throw new ValueError(`classMetrics: ${truth.length} labels but ${predicted.length} predictions`);
  if (truth.length === 0) throw new ValueError('classMetrics: no samples');
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  truth.forEach((t, i) => {
    const p = predicted[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) throw new ValueError(`classMetrics: sample ${i} has label ${t} / prediction ${p} outside [0, ${numClasses})`);
    confusion[t][p]++;
  });
  let correct = 0;
  const perClass = confusion.map((row, c) => {
    const tp = row[c];
    correct += tp;
    const support = row.reduce((a, v) => a + v, 0);
    const predictedC = confusion.reduce((a, r) => a + r[c], 0);
    const precision = predictedC ? tp / predictedC : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
  const macroF1 = perClass.reduce((a, c) => a + c.f1, 0) / numClasses;
  return { accuracy: correct / truth.length, macroF1, perClass, confusion };
}
