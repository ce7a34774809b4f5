/**
 * The mel scale and the mel filter bank, in the two conventions speech tools use, computed in the same
 * order of operations as librosa's `filters.mel` so that the banks agree to the last bits.  docs: docs/audio.md
 *
 *   HTK:     m = 2595·log₁₀(1 + f/700)                                                    (AUD-5)
 *   Slaney:  m = f / (200/3) below 1 kHz;  m = 15 + ln(f/1000) / (ln 6.4 / 27) above       (AUD-6)
 *   triangle i (centres c_0 < … < c_{M+1}, equally spaced in mel from fMin to fMax, in Hz):
 *     W_ik = max(0, min((f_k − c_i)/(c_{i+1} − c_i), (c_{i+2} − f_k)/(c_{i+2} − c_{i+1})))   (AUD-7)
 *   Slaney normalisation (equal area): W_ik ← W_ik · 2/(c_{i+2} − c_i)                     (AUD-8)
 *   warped (VTLP, Jaitly & Hinton 2013): W_ik evaluated at g(f_k) instead of f_k, with, for a factor α,
 *     g(f) = α·f up to b = B·min(α, 1)/α;  above, the line from (b, α·b) to (F, F)            (AUD-13)
 *     (F the Nyquist frequency, B = 0.6·F): the spectrum at f is read as if it were at g(f), as from a
 *     voice whose vocal tract is 1/α as long
 */

export type MelScale = 'htk' | 'slaney';
export type MelNorm = 'slaney' | null;

const F_SP = 200 / 3; // Hz per mel below the break (Slaney)
const BREAK_HZ = 1000;
const BREAK_MEL = BREAK_HZ / F_SP; // 15
const LOG_STEP = Math.log(6.4) / 27; // mel step above the break

export function hzToMel(f: number, scale: MelScale): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + f / 700); // (AUD-5)
  return f >= BREAK_HZ ? BREAK_MEL + Math.log(f / BREAK_HZ) / LOG_STEP : f / F_SP; // (AUD-6)
}

export function melToHz(m: number, scale: MelScale): number {
  if (scale === 'htk') return 700 * (10 ** (m / 2595) - 1);
  return m >= BREAK_MEL ? BREAK_HZ * Math.exp(LOG_STEP * (m - BREAK_MEL)) : F_SP * m;
}

/** n numbers from a to b, as numpy's linspace makes them (i·step + a, and b itself at the end). */
export function linspace(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const step = (b - a) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step + a;
  if (n > 1) out[n - 1] = b;
  return out;
}

/** The frequency of FFT bin k: k·sampleRate/nFft, computed as numpy's rfftfreq does. */
export function binFrequencies(sampleRate: number, nFft: number): Float64Array {
  const val = 1 / (nFft * (1 / sampleRate));
  return Float64Array.from({ length: Math.floor(nFft / 2) + 1 }, (_, k) => k * val);
}

export interface MelBankOptions {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fMin: number;
  fMax: number;
  scale: MelScale;
  norm: MelNorm;
  warp?: number; // α of (AUD-13); default 1: no warping
}

/** The frequency g(f) that the bank reads at f under a warp α (AUD-13): α·f below the boundary, then straight on to the Nyquist frequency. */
export function vtlpWarp(f: number, alpha: number, nyquist: number): number {
  const boundary = (0.6 * nyquist * Math.min(alpha, 1)) / alpha;
  if (f <= boundary) return alpha * f;
  return nyquist - ((nyquist - alpha * boundary) * (nyquist - f)) / (nyquist - boundary);
}

/** The filter bank W [nMels][nFft/2 + 1], row i the triangle of band i. */
export function melFilterbank(o: MelBankOptions): Float64Array[] {
  if (!(o.fMin >= 0 && o.fMax > o.fMin && o.fMax <= o.sampleRate / 2)) {
    throw new RangeError(`melFilterbank fMin, fMax: expected 0 <= fMin < fMax <= sampleRate/2 = ${o.sampleRate / 2}, got ${o.fMin}, ${o.fMax}`);
  }
  if (!Number.isInteger(o.nMels) || o.nMels < 1) throw new RangeError(`melFilterbank nMels: expected an integer >= 1, got ${o.nMels}`);
  const alpha = o.warp ?? 1;
  if (!(alpha >= 0.5 && alpha <= 2)) throw new RangeError(`melFilterbank warp: expected a factor in [0.5, 2], got ${alpha}`);
  const f = binFrequencies(o.sampleRate, o.nFft);
  if (alpha !== 1) for (let k = 0; k < f.length; k++) f[k] = vtlpWarp(f[k], alpha, o.sampleRate / 2); // (AUD-13)
  const centres = linspace(hzToMel(o.fMin, o.scale), hzToMel(o.fMax, o.scale), o.nMels + 2).map((m) => melToHz(m, o.scale));
  const bank: Float64Array[] = [];
  for (let i = 0; i < o.nMels; i++) {
    const row = new Float64Array(f.length);
    const rise = centres[i + 1] - centres[i], fall = centres[i + 2] - centres[i + 1];
    const scale = o.norm === 'slaney' ? 2 / (centres[i + 2] - centres[i]) : 1; // (AUD-8)
    for (let k = 0; k < f.length; k++) {
      const lower = -(centres[i] - f[k]) / rise, upper = (centres[i + 2] - f[k]) / fall;
      row[k] = Math.max(0, Math.min(lower, upper)) * scale; // (AUD-7)
    }
    bank.push(row);
  }
  return bank;
}
