/**
 * The discrete Fourier transform of a real frame, two ways: `dft`, the definition as a double loop
 * (the readable twin), and `RealFft`, an iterative radix-2 Cooley–Tukey FFT with its twiddles and
 * bit-reversal table made once per size. A spec holds the two equal.            docs: docs/audio.md
 *
 *   X_k = Σ_{n=0}^{N−1} x_n · e^{−2πi·kn/N},   k = 0 … N/2   (a real x: X_{N−k} is the conjugate of X_k)   (AUD-3)
 */

/** Real and imaginary parts of the first N/2 + 1 DFT bins. */
export interface Spectrum {
  re: Float64Array;
  im: Float64Array;
}

/** The definition, O(N²): the oracle the FFT is held to. */
export function dft(x: ArrayLike<number>): Spectrum {
  const N = x.length, bins = Math.floor(N / 2) + 1;
  const re = new Float64Array(bins), im = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    let sr = 0, si = 0;
    for (let n = 0; n < N; n++) {
      const phase = (-2 * Math.PI * ((k * n) % N)) / N; // (AUD-3), the angle reduced mod 2π exactly
      sr += x[n] * Math.cos(phase);
      si += x[n] * Math.sin(phase);
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

/**
 * The FFT of real frames of one size N (a power of two). The frame is loaded into a complex buffer in
 * bit-reversed order, then log₂N passes of butterflies combine DFTs of size 2, 4, …, N:
 *   X_k = E_k + w^k·O_k,  X_{k+m/2} = E_k − w^k·O_k,  w = e^{−2πi/m}   (E, O: the DFTs of the even and odd samples)
 * Buffers are kept, so transforming a frame allocates nothing.
 */
export class RealFft {
  readonly size: number;
  private readonly cos: Float64Array; // cos(2πj/N), j < N/2
  private readonly sin: Float64Array;
  private readonly reversed: Uint32Array; // bit-reversal permutation
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || (size & (size - 1)) !== 0) {
      throw new RangeError(`RealFft size: expected a power of two >= 2, got ${size}`);
    }
    this.size = size;
    this.cos = new Float64Array(size / 2);
    this.sin = new Float64Array(size / 2);
    for (let j = 0; j < size / 2; j++) {
      this.cos[j] = Math.cos((2 * Math.PI * j) / size);
      this.sin[j] = Math.sin((2 * Math.PI * j) / size);
    }
    const bits = Math.log2(size);
    this.reversed = new Uint32Array(size);
    for (let n = 0; n < size; n++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((n >> b) & 1) << (bits - 1 - b);
      this.reversed[n] = r;
    }
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
  }

  /** |X_k|² for k = 0 … N/2 of `frame` (length N), written into `power` (length N/2 + 1). */
  powerInto(frame: ArrayLike<number>, power: Float64Array): void {
    this.transform(frame);
    for (let k = 0; k <= this.size / 2; k++) power[k] = this.re[k] * this.re[k] + this.im[k] * this.im[k]; // (AUD-4)
  }

  /** The bins k = 0 … N/2 of `frame`, as new arrays (for reading and for the spec; powerInto is the hot path). */
  spectrum(frame: ArrayLike<number>): Spectrum {
    this.transform(frame);
    const bins = this.size / 2 + 1;
    return { re: this.re.slice(0, bins), im: this.im.slice(0, bins) };
  }

  private transform(frame: ArrayLike<number>): void {
    const N = this.size, re = this.re, im = this.im;
    if (frame.length !== N) throw new RangeError(`RealFft: expected a frame of ${N} samples, got ${frame.length}`);
    for (let n = 0; n < N; n++) {
      re[this.reversed[n]] = frame[n];
      im[this.reversed[n]] = 0;
    }
    for (let m = 2; m <= N; m *= 2) {
      const half = m / 2, stride = N / m; // twiddle w^k = e^{−2πik/m} = table entry k·(N/m)
      for (let start = 0; start < N; start += m) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * stride], wi = -this.sin[k * stride];
          const a = start + k, b = a + half;
          const tr = wr * re[b] - wi * im[b], ti = wr * im[b] + wi * re[b]; // w^k·O_k
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
  }
}
