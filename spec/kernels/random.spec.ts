import * as fs from 'fs';
import * as path from 'path';
import { zeros } from '../../lib/kernels/tensor';
import { Rng, fillUniform } from '../../lib/kernels/random';

describe('Rng', () => {
  it('is xoshiro128**: from the state {1, 2, 3, 4} it gives the reference code\'s first ten outputs', () => {
    // The outputs of next() in xoshiro128starstar.c (Blackman & Vigna) from s = {1, 2, 3, 4}; the first two
    // by hand: rotl(2·5, 7)·9 = 11520, and after one update s[1] = 0, so rotl(0, 7)·9 = 0.
    const rng = new Rng(0);
    rng.setState([1, 2, 3, 4]);
    const got = Array.from({ length: 10 }, () => rng.nextUint32());
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
  });

  it('seeds its state with splitmix32: seed 42 gives the four words the algorithm defines', () => {
    // x += 0x9e3779b9; z = (x ^ x>>>16)·0x85ebca6b; z = (z ^ z>>>13)·0xc2b2ae35; z ^ z>>>16, four times from x = 42,
    // in 32-bit arithmetic (worked out independently of this code).
    expect(new Rng(42).getState()).toEqual([939911724, 3948730756, 321366731, 3317318717]);
  });

  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const sa = Array.from({ length: 20 }, () => a.uniform());
    const sb = Array.from({ length: 20 }, () => b.uniform());
    const sc = Array.from({ length: 20 }, () => c.uniform());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('draws uniforms in [0,1) with mean 1/2 and variance 1/12', () => {
    const rng = new Rng(1);
    const n = 100000;
    let sum = 0, sq = 0;
    for (let k = 0; k < n; k++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      sq += u * u;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sq / n - (sum / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const rng = new Rng(2);
    const n = 100000;
    let sum = 0, sq = 0;
    for (let k = 0; k < n; k++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.02);
  });

  it('draws integers in [0, n) covering every value', () => {
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let k = 0; k < 1000; k++) seen.add(rng.int(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => rng.int(0)).toThrow('Rng.int n: expected an integer > 0, got 0');
  });

  it('fills a tensor within [lo, hi)', () => {
    const m = zeros([50, 4]);
    fillUniform(m, -0.25, 0.25, new Rng(4));
    expect(Math.min(...m.data)).toBeGreaterThanOrEqual(-0.25);
    expect(Math.max(...m.data)).toBeLessThan(0.25);
  });

  it('rejects a non-integer seed', () => {
    expect(() => new Rng(1.5)).toThrow('Rng seed: expected an integer, got 1.5');
  });
});

describe('lib/ has no hidden randomness', () => {
  it('never calls Math.random', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (full.endsWith('.ts') && /Math\.random\s*\(/.test(fs.readFileSync(full, 'utf8'))) offenders.push(full);
      }
    };
    walk(path.join(__dirname, '../../lib'));
    expect(offenders).toEqual([]);
  });
});
