/**
 * Reading RIFF/WAVE files: PCM 8/16/24/32-bit integer and 32-bit float (also inside
 * WAVE_FORMAT_EXTENSIBLE), any number of channels (downmixed to mono by averaging, with a note), chunks
 * in any order, odd-sized chunks padded to an even length. Samples come out as floats in [−1, 1):
 * int16 / 32768, as librosa and the reference cases scale them.                 docs: docs/audio.md
 *
 * Every problem is one line that names the file: not RIFF/WAVE, a compressed format (its code and
 * name), a chunk that runs past the end, no fmt or data chunk.
 */
import { readBytes } from '../platform/files';

export interface Wav {
  sampleRate: number;
  channels: number; // in the file; `samples` is always mono
  bitsPerSample: number;
  encoding: 'pcm' | 'float';
  samples: Float64Array; // mono, in [−1, 1)
  notes: string[]; // what was done that a user should know (a downmix)
}

/** Format codes a WAV file may carry that are not linear PCM or float: named in the error. */
const COMPRESSED: Record<number, string> = {
  0x0002: 'Microsoft ADPCM', 0x0006: 'A-law', 0x0007: 'μ-law', 0x0011: 'IMA ADPCM', 0x0031: 'GSM 6.10',
  0x0050: 'MPEG', 0x0055: 'MPEG Layer 3 (MP3)', 0x00ff: 'AAC', 0x1610: 'HE-AAC', 0xf1ac: 'FLAC',
};
const PCM = 0x0001, FLOAT = 0x0003, EXTENSIBLE = 0xfffe;

/** Reads and decodes a WAV file. */
export function readWav(file: string): Wav {
  let bytes: Uint8Array;
  try {
    bytes = readBytes(file);
  } catch (err) {
    throw new RangeError(`${file}: cannot be read (${(err as Error).message})`);
  }
  return decodeWav(bytes, file);
}

/** Decodes the bytes of a WAV file; `what` names it in errors. */
export function decodeWav(bytes: Uint8Array, what = 'wav'): Wav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new RangeError(`${what}: not a RIFF/WAVE file (it starts ${JSON.stringify(bytes.length >= 12 ? `${tag(0)}…${tag(8)}` : `${bytes.length} bytes`)})`);
  }
  let fmt: { code: number; channels: number; sampleRate: number; bits: number; blockAlign: number } | null = null;
  let data: { at: number; size: number } | null = null;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = tag(at), size = view.getUint32(at + 4, true), body = at + 8;
    if (body + size > bytes.length) {
      if (id === 'data') throw new RangeError(`${what}: the data chunk says ${size} bytes, but only ${bytes.length - body} follow it: the file is cut short`);
      throw new RangeError(`${what}: the "${id}" chunk runs past the end of the file`);
    }
    if (id === 'fmt ') fmt = readFormat(view, body, size, what);
    else if (id === 'data') data = { at: body, size };
    at = body + size + (size % 2); // chunks are padded to an even length
  }
  if (!fmt) throw new RangeError(`${what}: no "fmt " chunk, so the sample format is unknown`);
  if (!data) throw new RangeError(`${what}: no "data" chunk: the file holds no samples`);
  const { channels, bits, blockAlign } = fmt;
  const encoding = fmt.code === FLOAT ? 'float' : 'pcm';
  const frames = Math.floor(data.size / blockAlign);
  const samples = new Float64Array(frames);
  const bytesPer = bits / 8;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += sampleAt(view, data.at + f * blockAlign + c * bytesPer, bits, encoding);
    samples[f] = channels === 1 ? sum : sum / channels;
  }
  const notes = channels > 1 ? [`${what}: ${channels} channels, averaged into one`] : [];
  return { sampleRate: fmt.sampleRate, channels, bitsPerSample: bits, encoding, samples, notes };
}

function readFormat(view: DataView, at: number, size: number, what: string) {
  if (size < 16) throw new RangeError(`${what}: the "fmt " chunk has ${size} bytes, fewer than the 16 every WAV format needs`);
  let code = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true), sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true), bits = view.getUint16(at + 14, true);
  if (code === EXTENSIBLE && size >= 40) code = view.getUint16(at + 24, true); // the sub-format GUID starts with the code
  if (code !== PCM && code !== FLOAT) {
    const name = COMPRESSED[code] ?? 'a format that is not linear PCM or float';
    throw new RangeError(`${what}: compressed audio (format code 0x${code.toString(16).padStart(4, '0')}, ${name}); convert it to PCM WAV first`);
  }
  if (code === PCM && ![8, 16, 24, 32].includes(bits)) throw new RangeError(`${what}: ${bits}-bit PCM is not supported (8, 16, 24 or 32)`);
  if (code === FLOAT && bits !== 32) throw new RangeError(`${what}: ${bits}-bit float is not supported (32)`);
  if (channels < 1) throw new RangeError(`${what}: the "fmt " chunk says ${channels} channels`);
  if (sampleRate < 1) throw new RangeError(`${what}: the "fmt " chunk says a sample rate of ${sampleRate} Hz`);
  if (blockAlign !== channels * (bits / 8)) throw new RangeError(`${what}: block align ${blockAlign} does not match ${channels} channel(s) of ${bits} bits`);
  return { code, channels, sampleRate, bits, blockAlign };
}

/** One sample as a float in [−1, 1). */
function sampleAt(view: DataView, at: number, bits: number, encoding: 'pcm' | 'float'): number {
  if (encoding === 'float') return view.getFloat32(at, true);
  if (bits === 8) return (view.getUint8(at) - 128) / 128; // 8-bit WAV is unsigned, centred on 128
  if (bits === 16) return view.getInt16(at, true) / 32768;
  if (bits === 24) {
    const v = view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16);
    return v / 8388608;
  }
  return view.getInt32(at, true) / 2147483648;
}

/**
 * Resamples x from rate `from` to rate `to` with a windowed-sinc interpolator:
 *   y_m = Σ_n x_n · h(m·from/to − n),  h(τ) = c·sinc(c·τ)·w(τ / (Z/c)),  c = min(1, to/from)   (RS-1)
 * sinc(u) = sin(πu)/(πu), w a Hann window over |τ| < Z/c, Z = 16 zero crossings. Going down, c < 1
 * lowers the cut-off to the new Nyquist frequency, so what cannot be represented is filtered out
 * rather than folded back (aliased). Equal rates return a copy.
 */
export function resample(x: ArrayLike<number>, from: number, to: number, zeroCrossings = 16): Float64Array {
  if (!(from > 0 && to > 0)) throw new RangeError(`resample rates: expected two rates > 0, got ${from} and ${to}`);
  if (from === to) return Float64Array.from(x);
  const c = Math.min(1, to / from), half = zeroCrossings / c; // the kernel's half-width in input samples
  const out = new Float64Array(Math.floor((x.length * to) / from));
  // Along the taps of one output sample τ falls by 1, so sin(πcτ) and cos(πτ/half) turn by fixed angles:
  // two sines and cosines per output sample, and rotations (sin(a − b) = sin a·cos b − cos a·sin b) per tap.
  const cosC = Math.cos(Math.PI * c), sinC = Math.sin(Math.PI * c);
  const cosW = Math.cos(Math.PI / half), sinW = Math.sin(Math.PI / half);
  for (let m = 0; m < out.length; m++) {
    const centre = (m * from) / to;
    const first = Math.max(0, Math.ceil(centre - half)), last = Math.min(x.length - 1, Math.floor(centre + half));
    let tau = centre - first;
    let sinU = Math.sin(Math.PI * c * tau), cosU = Math.cos(Math.PI * c * tau); // of πu, u = cτ
    let cosT = Math.cos((Math.PI * tau) / half), sinT = Math.sin((Math.PI * tau) / half); // of πτ/half
    let sum = 0;
    for (let n = first; n <= last; n++, tau -= 1) {
      const u = c * tau;
      const sinc = Math.abs(u) < 1e-12 ? 1 : sinU / (Math.PI * u);
      sum += x[n] * c * sinc * (0.5 + 0.5 * cosT); // (RS-1)
      const s1 = sinU * cosC - cosU * sinC, c1 = cosU * cosC + sinU * sinC;
      const c2 = cosT * cosW + sinT * sinW, s2 = sinT * cosW - cosT * sinW;
      sinU = s1;
      cosU = c1;
      cosT = c2;
      sinT = s2;
    }
    out[m] = sum;
  }
  return out;
}

/** A mono 16-bit PCM WAV file of `samples` (floats in [−1, 1], clipped), e.g. a synthetic utterance to listen to. */
export function encodeWav(samples: ArrayLike<number>, sampleRate: number): Uint8Array {
  const bytes = new Uint8Array(44 + 2 * samples.length);
  const view = new DataView(bytes.buffer);
  const put = (at: number, s: string) => [...s].forEach((ch, k) => (bytes[at + k] = ch.charCodeAt(0)));
  put(0, 'RIFF');
  view.setUint32(4, 36 + 2 * samples.length, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, PCM, true);
  view.setUint16(22, 1, true); // channels
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, 2 * sampleRate, true); // bytes per second
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true);
  put(36, 'data');
  view.setUint32(40, 2 * samples.length, true);
  for (let n = 0; n < samples.length; n++) view.setInt16(44 + 2 * n, Math.max(-32768, Math.min(32767, Math.round(samples[n] * 32768))), true);
  return bytes;
}
