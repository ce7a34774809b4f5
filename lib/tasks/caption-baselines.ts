/**
 * Two captioners without a recurrent network, to read the model's scores against.   docs: docs/use-cases.md
 *
 *   most frequent   every image gets the training set's most frequent caption
 *   template        the grammar's template filled by classifiers: one softmax regression on the pixels picks
 *                   the template (the caption with its digits blanked: "a small # to the left of a #"), and
 *                   one per position k = 1, 2, 3 names the k-th digit; each is trained on the training scenes
 *                   (the position classifiers on those with at least k digits)
 * Softmax regression:  p(c | x) = softmax(W·x + b)_c over the 384 pixels (scaled to [0, 1]), fitted by
 * minibatch gradient descent on the mean cross-entropy plus (λ/2)‖W‖², seeded.
 */
import { ValueError } from '../kernels/tensor';
import { Rng } from '../kernels/random';
import { Scene } from './caption-scenes';
import { tokenize } from '../data/text';

/** The training captions' most frequent one (ties: the first in sorted order). */
export function mostFrequentCaption(train: readonly Scene[]): string {
  const counts = new Map<string, number>();
  for (const s of train) counts.set(s.caption, (counts.get(s.caption) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
}

export interface SoftmaxRegression {
  classes: number;
  features: number;
  W: Float64Array; // [K,F]
  b: Float64Array; // [K]
}

/** The most probable class of x under a fitted softmax regression. */
export function predictClass(m: SoftmaxRegression, x: ArrayLike<number>): number {
  let best = 0, bestScore = -Infinity;
  for (let c = 0; c < m.classes; c++) {
    let z = m.b[c];
    for (let f = 0; f < m.features; f++) z += m.W[c * m.features + f] * x[f];
    if (z > bestScore) (bestScore = z), (best = c);
  }
  return best;
}

/** Fits a softmax regression of `labels` (0 … K−1) on `xs` (F values each). */
export function fitSoftmaxRegression(xs: readonly ArrayLike<number>[], labels: readonly number[], K: number, o: { epochs?: number; lr?: number; l2?: number; batchSize?: number; seed?: number } = {}): SoftmaxRegression {
  if (xs.length === 0 || xs.length !== labels.length) throw new ValueError(`fitSoftmaxRegression: expected as many labels as samples (at least one), got ${xs.length} samples and ${labels.length} labels`);
  const F = xs[0].length, epochs = o.epochs ?? 30, lr = o.lr ?? 0.1, l2 = o.l2 ?? 1e-4, batch = o.batchSize ?? 32;
  const m: SoftmaxRegression = { classes: K, features: F, W: new Float64Array(K * F), b: new Float64Array(K) };
  const rng = new Rng(o.seed ?? 1), z = new Float64Array(K), dW = new Float64Array(K * F), db = new Float64Array(K);
  for (let e = 0; e < epochs; e++) {
    const order = rng.permutation(xs.length);
    for (let at = 0; at < order.length; at += batch) {
      const rows = order.slice(at, at + batch);
      dW.fill(0);
      db.fill(0);
      for (const i of rows) {
        const x = xs[i];
        let max = -Infinity;
        for (let c = 0; c < K; c++) {
          let v = m.b[c];
          for (let f = 0; f < F; f++) v += m.W[c * F + f] * x[f];
          z[c] = v;
          max = Math.max(max, v);
        }
        let sum = 0;
        for (let c = 0; c < K; c++) sum += z[c] = Math.exp(z[c] - max);
        for (let c = 0; c < K; c++) {
          const g = z[c] / sum - (c === labels[i] ? 1 : 0); //    ∂(−log p_y)/∂z_c = p_c − [c = y]
          db[c] += g;
          for (let f = 0; f < F; f++) dW[c * F + f] += g * x[f];
        }
      }
      const n = rows.length;
      for (let k = 0; k < K * F; k++) m.W[k] -= lr * (dW[k] / n + l2 * m.W[k]);
      for (let c = 0; c < K; c++) m.b[c] -= lr * (db[c] / n);
    }
  }
  return m;
}

/** A caption's template: its words with every digit as "#". */
export function templateOf(caption: string): string {
  return tokenize(caption).map((w) => (/^[0-9]$/.test(w) ? '#' : w)).join(' ');
}

export interface TemplateCaptioner {
  templates: string[];
  template: SoftmaxRegression;
  positions: SoftmaxRegression[]; // the k-th digit's classifier
}

/** Fits the template baseline on training scenes (pixels scaled to [0, 1]). */
export function fitTemplateCaptioner(train: readonly Scene[], o: { epochs?: number; seed?: number } = {}): TemplateCaptioner {
  const x = train.map((s) => s.pixels.map((v) => v / 16));
  const templates = [...new Set(train.map((s) => templateOf(s.caption)))].sort();
  const template = fitSoftmaxRegression(x, train.map((s) => templates.indexOf(templateOf(s.caption))), templates.length, o);
  const most = Math.max(...train.map((s) => s.digits.length));
  const positions = Array.from({ length: most }, (_, k) => {
    const rows = train.map((_, i) => i).filter((i) => train[i].digits.length > k);
    return fitSoftmaxRegression(rows.map((i) => x[i]), rows.map((i) => train[i].digits[k].digit), 10, o);
  });
  return { templates, template, positions };
}

/** The template baseline's caption of a scene's pixels (0–16). */
export function templateCaption(m: TemplateCaptioner, pixels: Float64Array): string {
  const x = pixels.map((v) => v / 16);
  let k = 0;
  return m.templates[predictClass(m.template, x)].split(' ').map((w) => (w === '#' ? String(predictClass(m.positions[Math.min(k++, m.positions.length - 1)], x)) : w)).join(' ');
}
