import { decodeWav, encodeWav, resample, readWav } from '../../lib/audio/wav';
import { RealFft } from '../../lib/audio/fft';

interface Chunk { id: string; body: Uint8Array }

/** A WAV file from chunks, each padded to an even length as RIFF requires. */
function riff(chunks: Chunk[], cutData = 0): Uint8Array {
  const parts: number[] = [];
  const u32 = (v: number) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];
  for (const c of chunks) {
    parts.push(...[...c.id].map((ch) => ch.charCodeAt(0)), ...u32(c.body.length + (c.id === 'data' ? cutData : 0)), ...c.body);
    if (c.body.length % 2) parts.push(0);
  }
  return Uint8Array.from([...'RIFF'].map((ch) => ch.charCodeAt(0)).concat(u32(4 + parts.length), [...'WAVE'].map((ch) => ch.charCodeAt(0)), parts));
}

function fmt(code: number, channels: number, rate: number, bits: number, extensibleCode: number | null = null): Chunk {
  const size = extensibleCode === null ? 16 : 40;
  const b = new DataView(new ArrayBuffer(size));
  b.setUint16(0, code, true);
  b.setUint16(2, channels, true);
  b.setUint32(4, rate, true);
  b.setUint32(8, (rate * channels * bits) / 8, true);
  b.setUint16(12, (channels * bits) / 8, true);
  b.setUint16(14, bits, true);
  if (extensibleCode !== null) {
    b.setUint16(16, 22, true);
    b.setUint16(24, extensibleCode, true);
  }
  return { id: 'fmt ', body: new Uint8Array(b.buffer) };
}

const data = (bytes: number[]): Chunk => ({ id: 'data', body: Uint8Array.from(bytes) });

describe('reading WAV files', () => {
  it('16-bit PCM: int16 / 32768, as the reference cases scale it', () => {
    const w = decodeWav(riff([fmt(1, 1, 8000, 16), data([0, 0, 0, 0x40, 0, 0x80, 0xff, 0x7f])]));
    expect([w.sampleRate, w.channels, w.bitsPerSample, w.encoding]).toEqual([8000, 1, 16, 'pcm']);
    expect(Array.from(w.samples)).toEqual([0, 0.5, -1, 32767 / 32768]);
  });

  it('8-bit (unsigned), 24-bit, 32-bit integer and 32-bit float', () => {
    expect(Array.from(decodeWav(riff([fmt(1, 1, 8000, 8), data([128, 192, 0, 255])])).samples)).toEqual([0, 0.5, -1, 127 / 128]);
    expect(Array.from(decodeWav(riff([fmt(1, 1, 8000, 24), data([0, 0, 0x40, 0, 0, 0x80, 0xff, 0xff, 0xff])])).samples)).toEqual([0.5, -1, -1 / 8388608]);
    expect(Array.from(decodeWav(riff([fmt(1, 1, 8000, 32), data([0, 0, 0, 0xc0])])).samples)).toEqual([-0.5]);
    const f = new DataView(new ArrayBuffer(8));
    f.setFloat32(0, 0.25, true);
    f.setFloat32(4, -0.75, true);
    expect(Array.from(decodeWav(riff([fmt(3, 1, 8000, 32), data(Array.from(new Uint8Array(f.buffer)))])).samples)).toEqual([0.25, -0.75]);
    expect(Array.from(decodeWav(riff([fmt(0xfffe, 1, 8000, 16, 1), data([0, 0x40])])).samples)).toEqual([0.5]); // WAVE_FORMAT_EXTENSIBLE
  });

  it('stereo is averaged into mono, with a note; chunks in any order, odd sizes padded', () => {
    const w = decodeWav(riff([{ id: 'LIST', body: Uint8Array.of(1, 2, 3) }, data([0, 0x40, 0, 0, 0, 0x80, 0, 0x80]), fmt(1, 2, 16000, 16)]), 'two.wav');
    expect(Array.from(w.samples)).toEqual([0.25, -1]);
    expect(w.notes).toEqual(['two.wav: 2 channels, averaged into one']);
    expect(w.sampleRate).toBe(16000);
  });

  it('bad input is one line each, naming the file', () => {
    expect(() => decodeWav(Uint8Array.from([...'OggS....WAVE'].map((c) => c.charCodeAt(0))), 'a.ogg')).toThrow('a.ogg: not a RIFF/WAVE file');
    expect(() => decodeWav(riff([fmt(0x55, 1, 8000, 16), data([0, 0])]), 'x.wav')).toThrow('x.wav: compressed audio (format code 0x0055, MPEG Layer 3 (MP3)); convert it to PCM WAV first');
    expect(() => decodeWav(riff([fmt(7, 1, 8000, 8), data([0])]), 'x.wav')).toThrow('format code 0x0007, μ-law');
    expect(() => decodeWav(riff([fmt(1, 1, 8000, 16), data([0, 0])], 100), 'cut.wav')).toThrow('cut.wav: the data chunk says 102 bytes, but only 2 follow it: the file is cut short');
    expect(() => decodeWav(riff([fmt(1, 1, 8000, 16)]), 'empty.wav')).toThrow('empty.wav: no "data" chunk: the file holds no samples');
    expect(() => decodeWav(riff([data([0, 0])]), 'nofmt.wav')).toThrow('nofmt.wav: no "fmt " chunk');
    expect(() => decodeWav(riff([fmt(1, 1, 8000, 12), data([0, 0])]), 'odd.wav')).toThrow('odd.wav: 12-bit PCM is not supported');
    expect(() => readWav('/no/such/file.wav')).toThrow('/no/such/file.wav: cannot be read');
  });

  it('what encodeWav writes, decodeWav reads back to within half a step', () => {
    const x = Array.from({ length: 100 }, (_, n) => Math.sin(n / 7) * 0.8);
    const back = decodeWav(encodeWav(x, 8000)).samples;
    x.forEach((v, n) => expect(Math.abs(back[n] - v)).toBeLessThanOrEqual(0.5 / 32768));
  });
});

describe('resampling (windowed sinc)', () => {
  const tone = (f: number, rate: number, n: number) => Float64Array.from({ length: n }, (_, k) => Math.sin((2 * Math.PI * f * k) / rate));
  const peakBin = (x: Float64Array, N: number) => {
    const p = new Float64Array(N / 2 + 1);
    new RealFft(N).powerInto(x.subarray(x.length / 2 - N / 2, x.length / 2 + N / 2), p);
    return p.indexOf(Math.max(...p));
  };

  it('a 1 kHz tone at 16 kHz stays a 1 kHz tone of the same amplitude at 8 kHz', () => {
    const y = resample(tone(1000, 16000, 16000), 16000, 8000);
    expect(y.length).toBe(8000);
    expect(peakBin(y, 256)).toBe(32); // 1000 Hz · 256 / 8000
    const mid = y.subarray(2000, 6000), want = tone(1000, 8000, 8000).subarray(2000, 6000);
    mid.forEach((v, k) => expect(Math.abs(v - want[k])).toBeLessThan(2e-3));
  });

  it('a 6 kHz tone, above the new Nyquist frequency (4 kHz), is filtered out instead of folding back to 2 kHz', () => {
    const y = resample(tone(6000, 16000, 16000), 16000, 8000).subarray(1000, 7000);
    expect(Math.sqrt(y.reduce((a, v) => a + v * v, 0) / y.length)).toBeLessThan(0.01);
  });

  it('upsampling 8 → 16 kHz keeps a 500 Hz tone; equal rates copy', () => {
    const y = resample(tone(500, 8000, 4000), 8000, 16000);
    const want = tone(500, 16000, 8000);
    for (let k = 1000; k < 7000; k++) expect(Math.abs(y[k] - want[k])).toBeLessThan(2e-3);
    expect(Array.from(resample([1, 2, 3], 8000, 8000))).toEqual([1, 2, 3]);
    expect(() => resample([1], 0, 8000)).toThrow('resample rates: expected two rates > 0, got 0 and 8000');
  });
});
