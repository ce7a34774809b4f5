/**
 * The speech front end: a waveform in, one MFCC vector per frame out, each stage a plain loop with its
 * equation. The conventions (periodic window, whole frames from sample 0, ln(M + floor), orthonormal
 * DCT-II) are librosa's, so the features equal what a librosa user computes with the same settings; the
 * golden-audio cases hold them to it.                                               docs: docs/audio.md
 *
 *   pre-emphasis   y'_0 = y_0,  y'_n = y_n − p·y_{n−1}                                   (AUD-1)
 *   window         w_n = a − (1 − a)·cos(2πn/N), n < N; Hann a = 0.5, Hamming a = 0.54   (AUD-2)
 *   frame f        x^f_n = y'_{f·hop + n} · w_n,  f = 0 … 1 + ⌊(len − N)/hop⌋ − 1
 *   power          P^f_k = |X^f_k|² (AUD-4),  X^f = DFT(x^f) (AUD-3)
 *   log-mel        L^f_i = ln(Σ_k W_ik · P^f_k + floor)                                  (AUD-9)
 *   MFCC           c^f_j = s_j · Σ_i L^f_i · cos(πj(2i + 1)/(2M)),  s_0 = √(1/M), s_j = √(2/M)   (AUD-10)
 *   deltas         d^f = Σ_{n=1}^{K} n·(c^{f+n} − c^{f−n}) / (2·Σ n²), edges repeated    (AUD-11)
 *   normalisation  ĉ^f_j = (c^f_j − mean_j) / (std_j + ε), over the utterance's frames  (AUD-12)
 */
import { RealFft } from './fft';
import { MelScale, MelNorm, melFilterbank } from './mel';

export type WindowName = 'hann' | 'hamming';

export interface FrontEndOptions {
  sampleRate: number;
  nFft: number; // frame length and FFT size (a power of two)
  hop: number; // samples between frame starts
  window: WindowName;
  preemphasis: number; // p; 0 for none
  nMels: number;
  fMin: number;
  fMax: number;
  melScale: MelScale;
  melNorm: MelNorm;
  logFloor: number;
  nMfcc: number;
}

/** 8 kHz speech: 32 ms frames every 10 ms, 40 HTK mel bands up to 4 kHz, 13 coefficients. */
export const SPEECH_DEFAULTS: FrontEndOptions = {
  sampleRate: 8000, nFft: 256, hop: 80, window: 'hann', preemphasis: 0.97, nMels: 40, fMin: 0, fMax: 4000,
  melScale: 'htk', melNorm: null, logFloor: 1e-10, nMfcc: 13,
};

/** The periodic window of N samples (scipy's get_window(name, N, fftbins=True)). */
export function periodicWindow(name: WindowName, N: number): Float64Array {
  const a = name === 'hann' ? 0.5 : 0.54;
  return Float64Array.from({ length: N }, (_, n) => a - (1 - a) * Math.cos((2 * Math.PI * n) / N)); // (AUD-2)
}

/** The number of whole frames of `length` samples: 1 + ⌊(length − nFft)/hop⌋, or 0 if shorter than one frame. */
export function frameCount(length: number, nFft: number, hop: number): number {
  return length < nFft ? 0 : 1 + Math.floor((length - nFft) / hop);
}

/** Every intermediate of the front end, frame by frame: what the golden cases compare. */
export interface FrontEndOutput {
  window: Float64Array;
  melFilterbank: Float64Array[];
  power: Float64Array[]; // [frames][nFft/2 + 1]
  logMel: Float64Array[]; // [frames][nMels]
  mfcc: Float64Array[]; // [frames][nMfcc]
}

/** The front end with its window, FFT, filter bank and DCT made once, for many signals of one setting. */
export class FrontEnd {
  readonly window: Float64Array;
  readonly bank: Float64Array[];
  private readonly bankSpan: [number, number][]; // each filter's first and one-past-last non-zero bin: a triangle covers few of the N/2 + 1
  private readonly fft: RealFft;
  private readonly dct: Float64Array[]; // [nMfcc][nMels], s_j·cos(πj(2i+1)/(2M))

  /** `warp`: the factor α by which the filter bank reads the spectrum (AUD-13); 1 for the plain bank. */
  constructor(readonly o: FrontEndOptions, readonly warp = 1) {
    checkOptions(o);
    this.window = periodicWindow(o.window, o.nFft);
    this.bank = melFilterbank({ sampleRate: o.sampleRate, nFft: o.nFft, nMels: o.nMels, fMin: o.fMin, fMax: o.fMax, scale: o.melScale, norm: o.melNorm, warp });
    this.bankSpan = this.bank.map((w) => {
      const nonZero = Array.from(w.keys()).filter((k) => w[k] !== 0);
      return nonZero.length ? [nonZero[0], nonZero[nonZero.length - 1] + 1] : [0, 0];
    });
    this.fft = new RealFft(o.nFft);
    const M = o.nMels;
    this.dct = Array.from({ length: o.nMfcc }, (_, j) => {
      const s = Math.sqrt((j === 0 ? 1 : 2) / M);
      return Float64Array.from({ length: M }, (_, i) => s * Math.cos((Math.PI * j * (2 * i + 1)) / (2 * M)));
    });
  }

  /** Every stage for one signal; `what` names it in errors. */
  run(signal: ArrayLike<number>, what = 'signal'): FrontEndOutput {
    const o = this.o, N = o.nFft;
    const frames = frameCount(signal.length, N, o.hop);
    if (frames === 0) throw new RangeError(`${what}: ${signal.length} samples is shorter than one frame of ${N} (${((1000 * N) / o.sampleRate).toFixed(0)} ms at ${o.sampleRate} Hz)`);
    const y = preemphasize(signal, o.preemphasis);
    const frame = new Float64Array(N);
    const power: Float64Array[] = [], logMel: Float64Array[] = [], mfcc: Float64Array[] = [];
    for (let f = 0; f < frames; f++) {
      const start = f * o.hop;
      for (let n = 0; n < N; n++) frame[n] = y[start + n] * this.window[n];
      const p = new Float64Array(N / 2 + 1);
      this.fft.powerInto(frame, p); // (AUD-3), (AUD-4)
      const l = new Float64Array(o.nMels);
      for (let i = 0; i < o.nMels; i++) {
        const w = this.bank[i], [from, to] = this.bankSpan[i];
        let m = 0;
        for (let k = from; k < to; k++) m += w[k] * p[k]; // the zeros of w add nothing
        l[i] = Math.log(m + o.logFloor); // (AUD-9)
      }
      const c = new Float64Array(o.nMfcc);
      for (let j = 0; j < o.nMfcc; j++) {
        let s = 0;
        for (let i = 0; i < o.nMels; i++) s += this.dct[j][i] * l[i]; // (AUD-10)
        c[j] = s;
      }
      power.push(p);
      logMel.push(l);
      mfcc.push(c);
    }
    return { window: this.window, melFilterbank: this.bank, power, logMel, mfcc };
  }

  /** MFCC [frames][nMfcc] of a signal. */
  mfcc(signal: ArrayLike<number>, what = 'signal'): Float64Array[] {
    return this.run(signal, what).mfcc;
  }
}

/** y'_0 = y_0, y'_n = y_n − p·y_{n−1}. */
export function preemphasize(y: ArrayLike<number>, p: number): Float64Array {
  const out = new Float64Array(y.length);
  if (y.length) out[0] = y[0];
  for (let n = 1; n < y.length; n++) out[n] = y[n] - p * y[n - 1]; // (AUD-1)
  return out;
}

/** Deltas over ±K frames (the regression HTK and librosa use, edges repeated), appended to each frame's features. */
export function withDeltas(features: readonly Float64Array[], K = 2): Float64Array[] {
  const F = features.length, D = features[0]?.length ?? 0;
  let norm = 0;
  for (let n = 1; n <= K; n++) norm += 2 * n * n;
  const at = (f: number) => features[Math.min(F - 1, Math.max(0, f))];
  return features.map((c, f) => {
    const out = new Float64Array(2 * D);
    out.set(c);
    for (let j = 0; j < D; j++) {
      let s = 0;
      for (let n = 1; n <= K; n++) s += n * (at(f + n)[j] - at(f - n)[j]); // (AUD-11)
      out[D + j] = s / norm;
    }
    return out;
  });
}

/** Each coefficient's mean and standard deviation over a set of frames: what (AUD-12) subtracts and divides by. */
export interface FeatureStats {
  mean: Float64Array; // [D]
  std: Float64Array; // [D]
}

/** The mean and standard deviation of each coefficient over every frame of every recording given. */
export function featureStats(recordings: readonly (readonly Float64Array[])[]): FeatureStats {
  const D = recordings.find((r) => r.length)?.[0].length ?? 0;
  const F = recordings.reduce((n, r) => n + r.length, 0);
  const mean = new Float64Array(D), std = new Float64Array(D);
  for (const r of recordings) for (const c of r) for (let j = 0; j < D; j++) mean[j] += c[j] / F;
  for (const r of recordings) for (const c of r) for (let j = 0; j < D; j++) std[j] += (c[j] - mean[j]) ** 2 / F;
  for (let j = 0; j < D; j++) std[j] = Math.sqrt(std[j]);
  return { mean, std };
}

/** ĉ^f_j = (c^f_j − mean_j)/(std_j + ε) with the statistics given (AUD-12): an utterance's own, or a speaker's. */
export function normalizeWith(features: readonly Float64Array[], stats: FeatureStats, epsilon = 1e-8): Float64Array[] {
  const { mean, std } = stats;
  return features.map((c) => Float64Array.from(c, (v, j) => (v - mean[j]) / (std[j] + epsilon))); // (AUD-12)
}

/** Per-utterance mean and variance normalisation of each coefficient over the frames. */
export function normalizeUtterance(features: readonly Float64Array[], epsilon = 1e-8): Float64Array[] {
  return normalizeWith(features, featureStats([features]), epsilon);
}

function checkOptions(o: FrontEndOptions): void {
  const pos = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`FrontEnd ${what}: expected an integer >= 1, got ${v}`);
  };
  pos(o.nFft, 'nFft');
  pos(o.hop, 'hop');
  pos(o.nMels, 'nMels');
  pos(o.nMfcc, 'nMfcc');
  if (o.nMfcc > o.nMels) throw new RangeError(`FrontEnd nMfcc: expected at most nMels = ${o.nMels}, got ${o.nMfcc}`);
  if (o.window !== 'hann' && o.window !== 'hamming') throw new RangeError(`FrontEnd window: expected "hann" or "hamming", got ${JSON.stringify(o.window)}`);
  if (!(o.logFloor > 0)) throw new RangeError(`FrontEnd logFloor: expected a number > 0, got ${o.logFloor}`);
  if (!(o.preemphasis >= 0 && o.preemphasis < 1)) throw new RangeError(`FrontEnd preemphasis: expected a number in [0, 1), got ${o.preemphasis}`);
}
