/**
 * Spoken digits as sequences for the recurrent models: the Free Spoken Digit Dataset's recordings (or
 * any folder of `{digit}_{speaker}_{index}.wav`), their MFCC frames, and the augmentations that help a
 * model recognise voices it was not trained on.                               docs: docs/speech.md
 *
 * Features per frame: 13 MFCC and their deltas (26 values), normalised (AUD-12) per utterance, or per
 * speaker over all of a voice's recordings: either removes what is constant over them (the microphone,
 * the level, much of the voice); a single word's own mean also removes much of its vowel.
 * Augmentation, drawn from the Trainer's generator for training batches only:
 *   speed     the waveform resampled by a factor in [0.9, 1.1] (faster or slower speech, pitch moves too)
 *   warp      (off by default) the mel bank read through a vocal-tract-length warp α (AUD-13): formants
 *             moved as another voice's would be, the timing kept
 *   noise     white noise at a signal-to-noise ratio drawn in [10, 40] dB
 *   shift     up to 100 ms of near-silence added before the word, or cut from its start
 *   masking   SpecAugment-style: one band of up to 4 coefficients and one run of up to 10% of the frames
 *             set to 0 (the utterance mean, after normalisation)
 * Gain needs no augmentation: the normalisation removes it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../kernels/random';
import { Mat, zeros, ValueError } from '../kernels/tensor';
import { FrontEnd, SPEECH_DEFAULTS, FeatureStats, withDeltas, featureStats, normalizeWith } from '../audio/features';
import { readWav, resample } from '../audio/wav';

export interface Utterance {
  file: string;
  digit: number;
  speaker: string;
  index: number;
  samples: Float64Array; // at SAMPLE_RATE
}

export const SAMPLE_RATE = 8000;
export const FSDD_NAME = /^(\d)_([a-z]+)_(\d+)\.wav$/;

/** Every `{digit}_{speaker}_{index}.wav` of `dir` (speakers limited to `speakers` when given), resampled to 8 kHz. */
export function readSpokenDigits(dir: string, speakers: readonly string[] | null = null, log: (line: string) => void = () => {}): Utterance[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ValueError(`readSpokenDigits dir: ${JSON.stringify(dir)} is not a directory of {digit}_{speaker}_{index}.wav recordings`);
  const names = fs.readdirSync(dir).filter((f) => FSDD_NAME.test(f)).sort();
  const out: Utterance[] = [];
  for (const name of names) {
    const [, digit, speaker, index] = FSDD_NAME.exec(name) as RegExpExecArray;
    if (speakers && !speakers.includes(speaker)) continue;
    const file = path.join(dir, name);
    const wav = readWav(file);
    for (const note of wav.notes) log(note);
    const samples = wav.sampleRate === SAMPLE_RATE ? wav.samples : resample(wav.samples, wav.sampleRate, SAMPLE_RATE);
    out.push({ file, digit: Number(digit), speaker, index: Number(index), samples });
  }
  if (out.length === 0) throw new ValueError(`readSpokenDigits dir: no recordings named {digit}_{speaker}_{index}.wav in ${dir}${speakers ? ` for the speakers ${speakers.join(', ')}` : ''}`);
  return out;
}

/** The speakers of a set of utterances, sorted. */
export function speakersOf(utts: readonly Utterance[]): string[] {
  return [...new Set(utts.map((u) => u.speaker))].sort();
}

/** The data set's own split: recordings 0–4 of every speaker and digit are the test set. */
export function officialSplit(utts: readonly Utterance[]): { train: number[]; test: number[] } {
  const train: number[] = [], test: number[] = [];
  utts.forEach((u, i) => (u.index < 5 ? test : train).push(i));
  return { train, test };
}

/** Frames of several recordings as one batch: x [T,B,width] (T the longest, zeros past each one's end) and their lengths. */
export function padFrames(frames: readonly (readonly Float64Array[])[], width: number): { x: Mat; lengths: number[] } {
  const lengths = frames.map((f) => f.length);
  const B = frames.length;
  const x = zeros([Math.max(...lengths), B, width]); // owned, row-major: (t, b, j) is at (t·B + b)·width + j
  frames.forEach((f, b) => f.forEach((row, t) => x.data.set(row, (t * B + b) * width)));
  return { x, lengths };
}

export interface AugmentOptions {
  speed: [number, number] | null; // resampling factor range
  warp?: [number, number] | null; // vocal-tract-length warp range (AUD-13); default none
  snrDb: [number, number] | null; // added white noise
  shiftMs: number; // the largest shift
  freqMask: number; // the widest band of coefficients masked
  timeMask: number; // the longest run of frames masked, as a fraction of the frames
}

/** What the features are normalised by (AUD-12): each recording's own statistics, or its speaker's over all their recordings. */
export type Normalization = 'utterance' | 'speaker';

export const AUGMENT_DEFAULTS: AugmentOptions = { speed: [0.9, 1.1], snrDb: [10, 40], shiftMs: 100, freqMask: 4, timeMask: 0.1 };

/**
 * Frames stacked k at a time: frame u of the result is frames u·k … u·k + k − 1 side by side ([⌈T/k⌉][k·width];
 * past the last frame, zeros: the utterance mean after normalisation). A network reading stacked frames
 * takes k times fewer steps over the same audio (a "low frame rate" model, Sak et al. 2015): each digit,
 * about 40 frames of 10 ms, becomes about 13 steps of 30 ms, still far more than CTC needs per label.
 */
export function stackFrames(frames: readonly Float64Array[], k: number): Float64Array[] {
  if (!(Number.isInteger(k) && k >= 1)) throw new ValueError(`stackFrames k: expected an integer >= 1, got ${k}`);
  if (k === 1) return frames.slice();
  const width = frames.length ? frames[0].length : 0;
  return Array.from({ length: Math.ceil(frames.length / k) }, (_, u) => {
    const row = new Float64Array(k * width);
    for (let j = 0; j < k && u * k + j < frames.length; j++) row.set(frames[u * k + j], j * width);
    return row;
  });
}

/** MFCC + deltas, normalised per utterance, `stack` frames at a time; with `rng`, of an augmented copy of the waveform. */
export class SpeechFeatures {
  readonly frontEnd = new FrontEnd(SPEECH_DEFAULTS);
  readonly width: number;
  private readonly warped = new Map<number, FrontEnd>(); // by α to two decimals: 21 banks over [0.9, 1.1]

  constructor(readonly augment: AugmentOptions | null = AUGMENT_DEFAULTS, readonly stack = 1) {
    if (!(Number.isInteger(stack) && stack >= 1)) throw new ValueError(`SpeechFeatures stack: expected an integer >= 1, got ${stack}`);
    this.width = 2 * SPEECH_DEFAULTS.nMfcc * stack;
  }

  /**
   * [frames][26·stack]; `rng` null: the plain features (evaluation), else an augmented draw (training).
   * `stats`: normalise with these (a speaker's, from speakerStats) instead of the recording's own.
   */
  of(samples: Float64Array, rng: Rng | null = null, what = 'utterance', stats: FeatureStats | null = null): Float64Array[] {
    const f = this.unstacked(samples, rng, what, stats);
    return this.stack === 1 ? f : stackFrames(f, this.stack);
  }

  /** [frames][26]: the 10 ms frames before stacking. */
  unstacked(samples: Float64Array, rng: Rng | null = null, what = 'utterance', stats: FeatureStats | null = null): Float64Array[] {
    const a = rng ? this.augment : null;
    const raw = this.raw(a && rng ? this.perturb(samples, a, rng) : samples, what, this.frontEndFor(a, rng));
    const f = normalizeWith(raw, stats ?? featureStats([raw])); // (AUD-12)
    if (a && rng) this.mask(f, a, rng, 2 * SPEECH_DEFAULTS.nMfcc);
    return f;
  }

  /** [frames][26]: MFCC and deltas before normalisation, of a signal padded to at least five frames (for the deltas). */
  raw(samples: Float64Array, what = 'utterance', frontEnd = this.frontEnd): Float64Array[] {
    let x = samples;
    const minimum = SPEECH_DEFAULTS.nFft + 4 * SPEECH_DEFAULTS.hop;
    if (x.length < minimum) {
      x = new Float64Array(minimum);
      x.set(samples, Math.floor((minimum - samples.length) / 2));
    }
    return withDeltas(frontEnd.mfcc(x, what));
  }

  /**
   * Each speaker's statistics over the plain frames of all their recordings given (AUD-12 with the
   * speaker's mean and deviation): no labels are read, so a voice never heard in training is normalised
   * from its own recordings alone.
   */
  speakerStats(recordings: readonly { speaker: string; samples: Float64Array }[]): Map<string, FeatureStats> {
    const frames = new Map<string, Float64Array[][]>();
    for (const r of recordings) {
      if (!frames.has(r.speaker)) frames.set(r.speaker, []);
      (frames.get(r.speaker) as Float64Array[][]).push(this.raw(r.samples, `a recording of ${r.speaker}`));
    }
    return new Map([...frames].map(([speaker, recordings]) => [speaker, featureStats(recordings)]));
  }

  /** The plain front end, or for a training draw with warping, one whose bank reads through a random α. */
  private frontEndFor(a: AugmentOptions | null, rng: Rng | null): FrontEnd {
    if (!a?.warp || !rng) return this.frontEnd;
    const alpha = Math.round(100 * (a.warp[0] + rng.uniform() * (a.warp[1] - a.warp[0]))) / 100;
    let fe = this.warped.get(alpha);
    if (!fe) this.warped.set(alpha, (fe = new FrontEnd(SPEECH_DEFAULTS, alpha)));
    return fe;
  }

  private perturb(x: Float64Array, a: AugmentOptions, rng: Rng): Float64Array {
    let y = x;
    if (a.speed) {
      const factor = a.speed[0] + rng.uniform() * (a.speed[1] - a.speed[0]);
      y = resample(y, Math.round(SAMPLE_RATE * factor), SAMPLE_RATE); // read at a faster rate: shorter, higher
    }
    const shift = Math.round(((2 * rng.uniform() - 1) * a.shiftMs * SAMPLE_RATE) / 1000);
    if (shift > 0) {
      const padded = new Float64Array(y.length + shift);
      padded.set(y, shift);
      y = padded;
    } else if (shift < 0 && y.length + shift > SPEECH_DEFAULTS.nFft) {
      y = y.slice(-shift);
    }
    if (a.snrDb) {
      const snr = a.snrDb[0] + rng.uniform() * (a.snrDb[1] - a.snrDb[0]);
      const power = y.reduce((s, v) => s + v * v, 0) / Math.max(1, y.length);
      const sd = Math.sqrt(power / 10 ** (snr / 10));
      y = Float64Array.from(y, (v) => v + sd * rng.normal());
    }
    return y;
  }

  private mask(f: Float64Array[], a: AugmentOptions, rng: Rng, coefficients: number): void {
    const width = Math.floor(rng.uniform() * (a.freqMask + 1));
    const from = Math.floor(rng.uniform() * (coefficients - width + 1));
    const frames = Math.floor(rng.uniform() * (Math.floor(a.timeMask * f.length) + 1));
    const start = Math.floor(rng.uniform() * (f.length - frames + 1));
    for (let t = 0; t < f.length; t++) {
      for (let j = from; j < from + width; j++) f[t][j] = 0;
      if (t >= start && t < start + frames) f[t].fill(0);
    }
  }
}
