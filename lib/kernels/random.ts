/**
 * A seeded pseudo-random generator: the only source of randomness in the engine (no `Math.random`).
 *
 * xoshiro128** (Blackman & Vigna) on four 32-bit words, seeded through splitmix32 so that nearby seeds
 * give unrelated streams. An `Rng` is an object passed in explicitly; there is no global state, and the
 * same seed always gives the same numbers on every platform (only 32-bit integer arithmetic is used).
 */
import { Mat, forEachIndex } from './tensor';

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`Rng seed: expected an integer, got ${seed}`);
    let x = seed >>> 0;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** The generator's whole state: four 32-bit words. Saving it and `setState` later continues the same stream. */
  getState(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Restores a state from `getState` (checked: four integers in [0, 2³²), not all zero). */
  setState(state: readonly number[]): void {
    const ok = Array.isArray(state) && state.length === 4 && state.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32);
    if (!ok || state.every((w) => w === 0)) {
      throw new RangeError(`Rng.setState: expected four integers in [0, 2^32), not all zero, got ${JSON.stringify(state)}`);
    }
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w | 0);
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform double in [lo, hi). */
  uniformRange(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** A standard normal draw (Box–Muller; one of the pair is used, so no state is cached). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A random permutation of 0 … n−1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const out = Array.from({ length: n }, (_, k) => k);
    for (let k = n - 1; k > 0; k--) {
      const j = this.int(k + 1);
      [out[k], out[j]] = [out[j], out[k]];
    }
    return out;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int n: expected an integer > 0, got ${n}`);
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** m[...] ~ U(lo, hi), drawn in row-major order from `rng`. */
export function fillUniform(m: Mat, lo: number, hi: number, rng: Rng): void {
  forEachIndex(m, (i) => (m.data[i] = rng.uniformRange(lo, hi)));
}

/** m[...] ~ N(0, 1), drawn in row-major order from `rng`. */
export function fillNormal(m: Mat, rng: Rng): void {
  forEachIndex(m, (i) => (m.data[i] = rng.normal()));
}
