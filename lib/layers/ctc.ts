/**
 * Connectionist temporal classification (Graves et al., 2006): the loss of a frame-level output for a
 * label sequence that is not aligned to the frames. Every path π of frame labels (blank included) that
 * collapses to the target l (merge repeats, then drop blanks) counts; the loss is −ln of their total
 * probability. Written in log space, as the forward–backward recursions over the blank-extended target
 *   l' = (b, l_1, b, l_2, …, l_U, b),  S = 2U + 1 positions,  y_t(k) = softmax(logits_t)_k:
 *                                                                                  docs: docs/layers/ctc.md
 *   α_0(0) = y_0(b),  α_0(1) = y_0(l_1),  α_0(s) = 0 for s > 1                               (CTC-1)
 *   α_t(s) = y_t(l'_s)·(α_{t−1}(s) + α_{t−1}(s−1) + [l'_s ≠ b and l'_s ≠ l'_{s−2}]·α_{t−1}(s−2))   (CTC-2)
 *   β_{T−1}(S−1) = y_{T−1}(b),  β_{T−1}(S−2) = y_{T−1}(l_U), 0 elsewhere;
 *   β_t(s) = y_t(l'_s)·(β_{t+1}(s) + β_{t+1}(s+1) + [l'_s ≠ b and l'_s ≠ l'_{s+2}]·β_{t+1}(s+2))  (CTC-3)
 *   p(l | x) = α_{T−1}(S−1) + α_{T−1}(S−2),  loss = −ln p                                     (CTC-4)
 *   ∂loss/∂logits_t(k) = y_t(k) − (1/p) · Σ_{s: l'_s = k} α_t(s)·β_t(s) / y_t(k)             (CTC-5)
 *   reductions: "sum" Σ_b loss_b;  "mean" (1/B)·Σ_b loss_b / max(1, U_b), PyTorch's           (CTC-6)
 * T here is a sequence's own input length: frames past it do not count and get a zero gradient.
 */
import { Mat, zeros, ValueError, ShapeError, shapeString } from '../kernels/tensor';

export type CtcReduction = 'none' | 'sum' | 'mean';

export interface CtcOptions {
  blank?: number; // the blank's class index (default 0)
  reduction?: CtcReduction; // default 'mean'
  zeroInfinity?: boolean; // an impossible target counts 0 and has a zero gradient (default false)
}

export interface CtcResult {
  loss: number; // after the reduction ('none': the sum, see perSequence)
  perSequence: Float64Array; // −ln p(l_b | x_b), Infinity where no path fits (zeroInfinity changes only `loss` and the gradient)
  dLogits: Mat; // [T,B,C]: ∂loss/∂logits (for 'none', of Σ_b loss_b); NaN for an impossible sequence without zeroInfinity
}

/** ln(e^a + e^b), exact at −Infinity. */
export function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log_softmax over the last axis of [T,B,C]. */
export function logSoftmax(logits: Mat): Mat {
  const [T, B, C] = logits.shape;
  const out = zeros([T, B, C]);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, logits.get(t, b, c));
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(logits.get(t, b, c) - max);
      const logZ = max + Math.log(sum);
      for (let c = 0; c < C; c++) out.set(t, b, c, logits.get(t, b, c) - logZ);
    }
  }
  return out;
}

/**
 * The CTC loss of logits [T,B,C] for targets (one label list per sequence, never the blank) over the
 * first inputLengths[b] frames of each sequence, and its gradient with respect to the logits.
 */
export function ctcLoss(logits: Mat, targets: readonly (readonly number[])[], inputLengths: ArrayLike<number>, o: CtcOptions = {}): CtcResult {
  const blank = o.blank ?? 0, reduction = o.reduction ?? 'mean';
  const [T, B, C] = checkInputs(logits, targets, inputLengths, blank);
  const lp = logSoftmax(logits);
  const perSequence = new Float64Array(B);
  const dLogits = zeros([T, B, C]);
  for (let b = 0; b < B; b++) {
    const Tb = inputLengths[b];
    const ext = extended(targets[b], blank);
    const { logAlpha, logBeta } = forwardBackward(lp, b, Tb, ext, blank);
    const S = ext.length;
    const logP = S > 1 ? logAdd(logAlpha[Tb - 1][S - 1], logAlpha[Tb - 1][S - 2]) : logAlpha[Tb - 1][0]; // (CTC-4)
    const nll = -logP;
    perSequence[b] = nll;
    const weight = reduction === 'mean' ? 1 / (B * Math.max(1, targets[b].length)) : 1; // (CTC-6)
    if (nll === Infinity) {
      if (!o.zeroInfinity) for (let t = 0; t < Tb; t++) for (let c = 0; c < C; c++) dLogits.set(t, b, c, NaN);
      continue; // with zeroInfinity: loss 0, gradient 0
    }
    const logOcc = new Float64Array(C); // ln Σ_{s: l'_s = k} α_t(s)β_t(s), refilled at every t
    for (let t = 0; t < Tb; t++) {
      logOcc.fill(-Infinity);
      for (let s = 0; s < S; s++) logOcc[ext[s]] = logAdd(logOcc[ext[s]], logAlpha[t][s] + logBeta[t][s]);
      for (let c = 0; c < C; c++) {
        const l = lp.get(t, b, c);
        dLogits.set(t, b, c, weight * (Math.exp(l) - Math.exp(logOcc[c] + nll - l))); // (CTC-5)
      }
    }
  }
  const counted = Array.from(perSequence, (v) => (v === Infinity && o.zeroInfinity ? 0 : v));
  let loss = 0;
  counted.forEach((v, b) => (loss += reduction === 'mean' ? v / Math.max(1, targets[b].length) : v));
  if (reduction === 'mean') loss /= B;
  return { loss, perSequence, dLogits };
}

/** l' = (b, l_1, b, …, l_U, b). */
function extended(target: readonly number[], blank: number): Int32Array {
  const ext = new Int32Array(2 * target.length + 1).fill(blank);
  target.forEach((l, u) => (ext[2 * u + 1] = l));
  return ext;
}

/**
 * ln p(l | x) of one labelling, from the log-probabilities of Tb frames ([Tb][C], blank included): the
 * forward recursion alone (CTC-1, CTC-2, CTC-4), −Infinity where no path fits. Decoders use it to score
 * labellings that a beam proposed.
 */
export function labellingLogProb(frames: readonly ArrayLike<number>[], target: readonly number[], blank = 0): number {
  if (frames.length < 1) throw new ValueError('labellingLogProb frames: expected at least 1 frame, got 0');
  const ext = extended(target, blank);
  const logAlpha = forward((t, k) => frames[t][k], frames.length, ext, blank);
  const S = ext.length, Tb = frames.length;
  return S > 1 ? logAdd(logAlpha[Tb - 1][S - 1], logAlpha[Tb - 1][S - 2]) : logAlpha[Tb - 1][0]; // (CTC-4)
}

/** ln α_t(s) for t < Tb (including the emission at t, as in Graves); `y(t, k)` is ln y_t(k). */
function forward(y: (t: number, k: number) => number, Tb: number, ext: Int32Array, blank: number): Float64Array[] {
  const S = ext.length;
  const logAlpha = Array.from({ length: Tb }, () => new Float64Array(S).fill(-Infinity));
  logAlpha[0][0] = y(0, ext[0]); // (CTC-1)
  if (S > 1) logAlpha[0][1] = y(0, ext[1]);
  for (let t = 1; t < Tb; t++) {
    for (let s = 0; s < S; s++) {
      let a = logAlpha[t - 1][s];
      if (s >= 1) a = logAdd(a, logAlpha[t - 1][s - 1]);
      if (s >= 2 && ext[s] !== blank && ext[s - 2] !== ext[s]) a = logAdd(a, logAlpha[t - 1][s - 2]);
      logAlpha[t][s] = a + y(t, ext[s]); // (CTC-2)
    }
  }
  return logAlpha;
}

/** ln α_t(s) and ln β_t(s) for t < Tb (both include the emission at t, as in Graves). */
function forwardBackward(lp: Mat, b: number, Tb: number, ext: Int32Array, blank: number): { logAlpha: Float64Array[]; logBeta: Float64Array[] } {
  const S = ext.length;
  const skip = (s: number) => ext[s] !== blank && s + 2 < S && ext[s + 2] !== ext[s];
  const logAlpha = forward((t, k) => lp.get(t, b, k), Tb, ext, blank);
  const logBeta = Array.from({ length: Tb }, () => new Float64Array(S).fill(-Infinity));
  logBeta[Tb - 1][S - 1] = lp.get(Tb - 1, b, ext[S - 1]);
  if (S > 1) logBeta[Tb - 1][S - 2] = lp.get(Tb - 1, b, ext[S - 2]);
  for (let t = Tb - 2; t >= 0; t--) {
    for (let s = 0; s < S; s++) {
      let v = logBeta[t + 1][s];
      if (s + 1 < S) v = logAdd(v, logBeta[t + 1][s + 1]);
      if (skip(s)) v = logAdd(v, logBeta[t + 1][s + 2]);
      logBeta[t][s] = v + lp.get(t, b, ext[s]); // (CTC-3)
    }
  }
  return { logAlpha, logBeta };
}

function checkInputs(logits: Mat, targets: readonly (readonly number[])[], inputLengths: ArrayLike<number>, blank: number): [number, number, number] {
  if (logits.dimension !== 3) throw new ShapeError(`ctcLoss logits: expected [T,B,C], got ${shapeString(logits.shape)}`);
  const [T, B, C] = logits.shape;
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) throw new ValueError(`ctcLoss blank: expected an integer in [0, ${C - 1}], got ${blank}`);
  if (targets.length !== B) throw new ValueError(`ctcLoss targets: expected ${B} label lists (one per sequence), got ${targets.length}`);
  if (inputLengths.length !== B) throw new ValueError(`ctcLoss inputLengths: expected ${B} lengths, got ${inputLengths.length}`);
  for (let b = 0; b < B; b++) {
    const n = inputLengths[b];
    if (!Number.isInteger(n) || n < 1 || n > T) throw new ValueError(`ctcLoss inputLengths[${b}]: expected an integer in [1, ${T}], got ${n}`);
    targets[b].forEach((l, u) => {
      if (!Number.isInteger(l) || l < 0 || l >= C || l === blank) throw new ValueError(`ctcLoss targets[${b}][${u}]: expected a class in [0, ${C - 1}] other than the blank ${blank}, got ${l}`);
    });
  }
  return [T, B, C];
}
