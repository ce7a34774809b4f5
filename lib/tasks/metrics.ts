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
 *
 *   corpus BLEU-4 (Papineni et al., 2002), summed over the corpus before dividing:
 *   p_n    Σ_sentences Σ_ngrams min(count in hypothesis, max count in any reference) / Σ count in hypothesis
 *   BP     1 if c > r, else exp(1 − r/c); c = hypothesis words, r = Σ the reference length closest to each
 *          hypothesis's (the shorter on a tie)
 *   BLEU   BP · exp(Σ_{n=1..4} ¼ log p_n), without smoothing: 0 when some p_n is 0
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

/** The n-grams of `words`, counted. */
function ngramCounts(words: readonly string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let k = 0; k + n <= words.length; k++) {
    const key = words.slice(k, k + n).join('\u0001');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export interface BleuResult {
  bleu: number;
  precisions: number[]; // p_1 … p_N
  brevityPenalty: number;
  hypothesisLength: number; // c
  referenceLength: number; // r
}

/** Corpus BLEU of `hypotheses` (each a list of words) against one or more references each. */
export function corpusBleu(references: readonly (readonly (readonly string[])[])[], hypotheses: readonly (readonly string[])[], maxN = 4): BleuResult {
  if (references.length !== hypotheses.length) throw new ValueError(`corpusBleu: ${hypotheses.length} hypotheses but ${references.length} reference sets`);
  const matched = new Array<number>(maxN).fill(0), total = new Array<number>(maxN).fill(0);
  let c = 0, r = 0;
  hypotheses.forEach((hyp, i) => {
    const refs = references[i];
    if (refs.length === 0) throw new ValueError(`corpusBleu: hypothesis ${i} has no reference`);
    c += hyp.length;
    r += refs.map((ref) => ref.length).reduce((best, len) => {
      const d = Math.abs(len - hyp.length), db = Math.abs(best - hyp.length);
      return d < db || (d === db && len < best) ? len : best;
    });
    for (let n = 1; n <= maxN; n++) {
      const maxRef = new Map<string, number>();
      for (const ref of refs) for (const [g, k] of ngramCounts(ref, n)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, k));
      for (const [g, k] of ngramCounts(hyp, n)) {
        matched[n - 1] += Math.min(k, maxRef.get(g) ?? 0);
        total[n - 1] += k;
      }
    }
  });
  const precisions = matched.map((m, n) => (total[n] ? m / total[n] : 0));
  const brevityPenalty = c > r ? 1 : c === 0 ? 0 : Math.exp(1 - r / c);
  const bleu = precisions.some((p) => p === 0) ? 0 : brevityPenalty * Math.exp(precisions.reduce((a, p) => a + Math.log(p), 0) / maxN);
  return { bleu, precisions, brevityPenalty, hypothesisLength: c, referenceLength: r };
}
