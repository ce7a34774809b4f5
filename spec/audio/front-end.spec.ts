import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dft, RealFft } from '../../lib/audio/fft';
import { hzToMel, melToHz, melFilterbank, linspace, binFrequencies, vtlpWarp } from '../../lib/audio/mel';
import { FrontEnd, SPEECH_DEFAULTS, periodicWindow, frameCount, preemphasize, withDeltas, normalizeUtterance, featureStats, normalizeWith } from '../../lib/audio/features';
import { runGoldenDir } from '../../lib/diagnostics/conformance';
import { Rng } from '../../lib/kernels/random';

const noise = (n: number, seed = 1) => {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.uniform() * 2 - 1);
};

describe('the FFT', () => {
  it.each([2, 8, 64, 256, 512])('size %i: equal to the plain DFT', (N) => {
    const x = noise(N, N);
    const fast = new RealFft(N).spectrum(x), slow = dft(x);
    const scale = Math.max(...Array.from(slow.re, Math.abs), ...Array.from(slow.im, Math.abs));
    for (let k = 0; k <= N / 2; k++) {
      expect(Math.abs(fast.re[k] - slow.re[k])).toBeLessThan(1e-12 * scale * Math.log2(N));
      expect(Math.abs(fast.im[k] - slow.im[k])).toBeLessThan(1e-12 * scale * Math.log2(N));
    }
  });

  it('a cosine at bin 5 puts all its power in bin 5; Parseval holds', () => {
    const N = 64, x = Float64Array.from({ length: N }, (_, n) => Math.cos((2 * Math.PI * 5 * n) / N));
    const p = new Float64Array(N / 2 + 1);
    new RealFft(N).powerInto(x, p);
    expect(p[5]).toBeCloseTo((N / 2) ** 2, 9);
    p.forEach((v, k) => { if (k !== 5) expect(v).toBeLessThan(1e-20); });
    const y = noise(N, 3), q = new Float64Array(N / 2 + 1);
    new RealFft(N).powerInto(y, q);
    const energy = y.reduce((a, v) => a + v * v, 0);
    const spectral = (q[0] + q[N / 2] + 2 * q.slice(1, N / 2).reduce((a, v) => a + v, 0)) / N;
    expect(spectral).toBeCloseTo(energy, 10);
  });

  it('refuses a size that is not a power of two, and a frame of the wrong length', () => {
    expect(() => new RealFft(100)).toThrow('RealFft size: expected a power of two >= 2, got 100');
    expect(() => new RealFft(8).spectrum(new Float64Array(7))).toThrow('RealFft: expected a frame of 8 samples, got 7');
  });
});

describe('the mel scale and filter bank', () => {
  it('HTK and Slaney: known points, and each scale inverts itself', () => {
    expect(hzToMel(700, 'htk')).toBeCloseTo(2595 * Math.log10(2), 12);
    expect(hzToMel(1000, 'slaney')).toBeCloseTo(15, 12);
    expect(hzToMel(500, 'slaney')).toBeCloseTo(7.5, 12);
    for (const f of [0, 123.4, 999.9, 1000, 2500, 3999]) {
      expect(melToHz(hzToMel(f, 'htk'), 'htk')).toBeCloseTo(f, 8);
      expect(melToHz(hzToMel(f, 'slaney'), 'slaney')).toBeCloseTo(f, 8);
    }
  });

  it('triangles peak at 1 at their centres, overlap so that neighbours sum to 1 between centres, and Slaney-normalised ones have equal area', () => {
    const o = { sampleRate: 8000, nFft: 512, nMels: 10, fMin: 0, fMax: 4000, scale: 'htk' as const, norm: null };
    const bank = melFilterbank(o);
    expect(bank.length).toBe(10);
    const f = binFrequencies(8000, 512);
    expect(f[1]).toBeCloseTo(15.625, 12);
    for (let k = 0; k < f.length; k++) {
      const sum = bank.reduce((a, row) => a + row[k], 0);
      expect(sum).toBeLessThanOrEqual(1 + 1e-12);
    }
    expect(Math.max(...bank[4])).toBeGreaterThan(0.9);
    const slaney = melFilterbank({ ...o, norm: 'slaney' });
    const centres = linspace(hzToMel(0, 'htk'), hzToMel(4000, 'htk'), 12).map((m) => melToHz(m, 'htk'));
    slaney.forEach((row, i) => expect(Math.max(...row) / Math.max(...bank[i])).toBeCloseTo(2 / (centres[i + 2] - centres[i]), 12));
    expect(() => melFilterbank({ ...o, fMax: 5000 })).toThrow('melFilterbank fMin, fMax: expected 0 <= fMin < fMax <= sampleRate/2 = 4000, got 0, 5000');
  });

  it('the VTLP warp (AUD-13) is α·f below the boundary, continuous and rising to the Nyquist frequency, which it keeps', () => {
    for (const alpha of [0.9, 1.1]) {
      const b = (0.6 * 4000 * Math.min(alpha, 1)) / alpha;
      expect(vtlpWarp(0, alpha, 4000)).toBe(0);
      expect(vtlpWarp(1000, alpha, 4000)).toBeCloseTo(alpha * 1000, 12);
      expect(vtlpWarp(b + 1e-9, alpha, 4000)).toBeCloseTo(alpha * b, 6);
      expect(vtlpWarp(4000, alpha, 4000)).toBeCloseTo(4000, 9);
      const g = Array.from({ length: 401 }, (_, k) => vtlpWarp(10 * k, alpha, 4000));
      g.slice(1).forEach((v, k) => expect(v).toBeGreaterThan(g[k]));
    }
    expect(vtlpWarp(3000, 1, 4000)).toBe(3000);
    const o = { sampleRate: 8000, nFft: 256, nMels: 40, fMin: 0, fMax: 4000, scale: 'htk' as const, norm: null };
    expect(melFilterbank({ ...o, warp: 1 })).toEqual(melFilterbank(o));
    expect(() => melFilterbank({ ...o, warp: 3 })).toThrow('melFilterbank warp: expected a factor in [0.5, 2], got 3');
  });

  it('a bank warped by α hears a tone at f where the plain bank hears one at g(f): α·f below the boundary', () => {
    const tone = (hz: number) => Float64Array.from({ length: 2048 }, (_, n) => Math.sin((2 * Math.PI * hz * n) / 8000));
    const loudest = (fe: FrontEnd, hz: number) => {
      const l = fe.run(tone(hz)).logMel[4];
      return l.indexOf(Math.max(...l));
    };
    const plain = new FrontEnd(SPEECH_DEFAULTS);
    for (const [alpha, hz] of [[1.1, 1000], [0.9, 1500], [1.1, 2000], [0.9, 3000]]) {
      const warped = new FrontEnd(SPEECH_DEFAULTS, alpha);
      expect(loudest(warped, hz)).toBe(loudest(plain, vtlpWarp(hz, alpha, 4000)));
      expect(loudest(warped, hz)).not.toBe(loudest(plain, hz));
    }
  });
});

describe('the front end', () => {
  it('passes the librosa cases in spec/fixtures/golden-audio at their tolerances', () => {
    const reports = runGoldenDir(path.join(__dirname, '../fixtures/golden-audio'));
    expect(reports.map((r) => r.name)).toEqual(['sine-1khz', 'white-noise', 'silence', 'one-frame', 'slaney-no-preemphasis']);
    for (const r of reports) {
      expect(r.error).toBeNull();
      expect(r.comparisons.map((c) => c.name)).toEqual(['window', 'melFilterbank', 'power', 'logMel', 'mfcc']);
      expect(r.comparisons.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
    }
  });

  it('a case changed by 1e-7 in one MFCC is caught', () => {
    const file = path.join(__dirname, '../fixtures/golden-audio/a04_sine-1khz.json');
    const c = JSON.parse(fs.readFileSync(file, 'utf8'));
    c.expected.mfcc[3][2] += 1e-7;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-golden-audio-'));
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify(c));
    const [r] = runGoldenDir(dir);
    expect(r.comparisons.filter((x) => !x.ok).map((x) => x.name)).toEqual(['mfcc']);
    fs.rmSync(dir, { recursive: true });
  });

  it('windows are periodic; frames are whole, from sample 0; pre-emphasis is a first difference', () => {
    const w = periodicWindow('hann', 8); // periodic: w_N would be w_0, so the last sample is not 0
    [0, 0.5 - Math.SQRT1_2 / 2, 0.5, 0.5 + Math.SQRT1_2 / 2, 1, 0.5 + Math.SQRT1_2 / 2, 0.5, 0.5 - Math.SQRT1_2 / 2].forEach((v, n) => expect(w[n]).toBeCloseTo(v, 15));
    expect(periodicWindow('hamming', 4)[0]).toBeCloseTo(0.08, 15);
    expect([frameCount(255, 256, 80), frameCount(256, 256, 80), frameCount(335, 256, 80), frameCount(336, 256, 80)]).toEqual([0, 1, 1, 2]);
    expect(Array.from(preemphasize([1, 2, 4], 0.5))).toEqual([1, 1.5, 3]);
  });

  it('a signal shorter than one frame is refused, naming it and the frame length', () => {
    expect(() => new FrontEnd(SPEECH_DEFAULTS).run(new Float64Array(100), 'clip.wav')).toThrow('clip.wav: 100 samples is shorter than one frame of 256 (32 ms at 8000 Hz)');
    expect(() => new FrontEnd({ ...SPEECH_DEFAULTS, nMfcc: 41 })).toThrow('FrontEnd nMfcc: expected at most nMels = 40, got 41');
  });

  it('deltas of a linear ramp are its slope inside and smaller at the repeated edges; normalisation gives mean 0 and std 1', () => {
    const ramp = Array.from({ length: 10 }, (_, f) => Float64Array.of(3 * f, 1));
    const d = withDeltas(ramp);
    expect(d[5][2]).toBeCloseTo(3, 12);
    expect(d[5][3]).toBe(0);
    expect(d[0][2]).toBeLessThan(3);
    const n = normalizeUtterance(ramp.map((r) => r.slice(0, 1)));
    const mean = n.reduce((a, r) => a + r[0], 0) / n.length, sd = Math.sqrt(n.reduce((a, r) => a + r[0] ** 2, 0) / n.length);
    expect(mean).toBeCloseTo(0, 12);
    expect(sd).toBeCloseTo(1, 6);
  });

  it('statistics over several recordings are those of their frames together; a recording normalised by its own is normalizeUtterance', () => {
    const rng = new Rng(8);
    const a = Array.from({ length: 7 }, () => Float64Array.from({ length: 3 }, () => rng.normal())), b = Array.from({ length: 4 }, () => Float64Array.from({ length: 3 }, () => 5 + 2 * rng.normal()));
    const both = featureStats([a, b]), joined = featureStats([[...a, ...b]]);
    expect(Array.from(both.mean)).toEqual(Array.from(joined.mean));
    expect(Array.from(both.std)).toEqual(Array.from(joined.std));
    const byHand = [0, 1, 2].map((j) => [...a, ...b].reduce((s, r) => s + r[j], 0) / 11);
    byHand.forEach((m, j) => expect(both.mean[j]).toBeCloseTo(m, 12));
    expect(normalizeWith(a, featureStats([a]))).toEqual(normalizeUtterance(a));
    const n = normalizeWith(b, both);
    n.forEach((r, t) => r.forEach((v, j) => expect(v).toBeCloseTo((b[t][j] - both.mean[j]) / both.std[j], 6)));
  });
});
