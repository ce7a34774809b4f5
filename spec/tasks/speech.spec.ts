import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { encodeWav } from '../../lib/audio/wav';
import { FrontEnd, SPEECH_DEFAULTS, withDeltas, normalizeUtterance, featureStats, normalizeWith } from '../../lib/audio/features';
import { Rng } from '../../lib/kernels/random';
import { readSpokenDigits, officialSplit, speakersOf, SpeechFeatures, AUGMENT_DEFAULTS, stackFrames, padFrames } from '../../lib/tasks/speech-data';
import { softmax } from '../../lib/tasks/classify';
import { modelFromCheckpoint } from '../../lib/training/checkpoint';
import { stateDict } from '../../lib/models/state-dict';
import { trainDigits, speakerEvaluation, SpokenDigitDataset, DIGITS_RECIPE } from '../../lib/tasks/speech-digits';
import { runSpeech } from '../../lib/cli/speech';
import { runListen } from '../../lib/cli/listen';
import { connectedDigits, ConnectedDigitDataset, editDistance, trainConnected, evaluateConnected, CONNECTED_DEFAULTS, SEQUENCE_RECIPE, trainingUtterances, ENSEMBLE_BEAM } from '../../lib/tasks/speech-sequences';
import { confidentlyHeard, adaptConnected, ADAPT_RECIPE } from '../../lib/tasks/speech-adapt';
import { ensembleDecode, greedyDecode } from '../../lib/layers/ctc-decode';
import { logSoftmax, labellingLogProb } from '../../lib/layers/ctc';

/**
 * Synthetic "words": digit d is a tone sweeping from 300 + 120·d Hz up by 200 Hz over 0.4 s, a speaker
 * shifts every frequency by a few percent, and each recording has its own noise and length.
 */
function writeSyntheticDigits(dir: string, speakers: string[], digits: number[], perDigit: number): void {
  const rng = new Rng(5);
  speakers.forEach((speaker, s) => {
    for (const d of digits) {
      for (let index = 0; index < perDigit; index++) {
        const n = Math.round(8000 * (0.35 + 0.1 * rng.uniform())), shift = 1 + 0.03 * s;
        let phase = 0;
        const x = Array.from({ length: n }, (_, k) => {
          phase += (2 * Math.PI * shift * (300 + 120 * d + (200 * k) / n)) / 8000;
          return 0.5 * Math.sin(phase) * Math.sin((Math.PI * k) / n) + 0.01 * rng.normal();
        });
        fs.writeFileSync(path.join(dir, `${d}_${speaker}_${index}.wav`), encodeWav(x, 8000));
      }
    }
  });
}

describe('spoken digits', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-speech-'));
  writeSyntheticDigits(dir, ['ann', 'bob'], [0, 3, 7], 8);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a recording');

  it('reads {digit}_{speaker}_{index}.wav, splits recordings 0–4 off as the official test set', () => {
    const utts = readSpokenDigits(dir);
    expect(utts.length).toBe(48);
    expect(speakersOf(utts)).toEqual(['ann', 'bob']);
    const split = officialSplit(utts);
    expect([split.train.length, split.test.length]).toEqual([18, 30]);
    expect(split.test.every((i) => utts[i].index < 5)).toBe(true);
    expect(readSpokenDigits(dir, ['bob']).every((u) => u.speaker === 'bob')).toBe(true);
    expect(() => readSpokenDigits(dir, ['zed'])).toThrow('no recordings named {digit}_{speaker}_{index}.wav in');
    expect(() => readSpokenDigits(path.join(dir, 'missing'))).toThrow('is not a directory');
  });

  it('features: 26 per frame, normalised per utterance; augmentation draws differ by seed and leave evaluation alone', () => {
    const [u] = readSpokenDigits(dir);
    const f = new SpeechFeatures(AUGMENT_DEFAULTS);
    const plain = f.of(u.samples);
    expect(plain[0].length).toBe(26);
    const mean0 = plain.reduce((a, r) => a + r[0], 0) / plain.length;
    expect(Math.abs(mean0)).toBeLessThan(1e-9);
    expect(f.of(u.samples)).toEqual(plain); // no rng: no augmentation
    const a1 = f.of(u.samples, new Rng(1)), a1again = f.of(u.samples, new Rng(1)), a2 = f.of(u.samples, new Rng(2));
    expect(a1again).toEqual(a1);
    expect(a2).not.toEqual(a1);
    const short = f.of(new Float64Array(100)); // shorter than a frame: padded to five frames
    expect(short.length).toBe(5);
  });

  it('the warp augmentation reads a training draw through a warped bank (α drawn in the range, to two decimals); evaluation keeps the plain one', () => {
    const [u] = readSpokenDigits(dir);
    const none = { speed: null, snrDb: null, shiftMs: 0, freqMask: 0, timeMask: 0 };
    const warpOnly = new SpeechFeatures({ ...none, warp: [1.1, 1.1] });
    const byHand = normalizeUtterance(withDeltas(new FrontEnd(SPEECH_DEFAULTS, 1.1).mfcc(u.samples)));
    expect(warpOnly.of(u.samples, new Rng(3))).toEqual(byHand);
    expect(warpOnly.of(u.samples)).toEqual(new SpeechFeatures(null).of(u.samples));
    const ranged = new SpeechFeatures({ ...none, warp: [0.9, 1.1] });
    const candidates = Array.from({ length: 21 }, (_, k) => {
      const alpha = (90 + k) / 100;
      return { alpha, features: normalizeUtterance(withDeltas(new FrontEnd(SPEECH_DEFAULTS, alpha).mfcc(u.samples))) };
    });
    const alphas = [1, 2, 3, 4, 5, 6].map((seed) => {
      const draw = ranged.of(u.samples, new Rng(seed));
      const match = candidates.filter((c) => c.features.every((row, t) => row.every((v, j) => v === draw[t][j])));
      expect(match.length).toBe(1); // exactly one of 0.90, 0.91, …, 1.10
      return match[0].alpha;
    });
    expect(new Set(alphas).size).toBeGreaterThan(3);
  });

  it('speaker normalisation: each speaker\'s statistics over the plain frames of all their recordings, used for every recording of theirs', () => {
    const utts = readSpokenDigits(dir);
    const f = new SpeechFeatures(AUGMENT_DEFAULTS, 3);
    const stats = f.speakerStats(utts);
    expect([...stats.keys()].sort()).toEqual(speakersOf(utts));
    const ann = utts.filter((u) => u.speaker === 'ann');
    const byHand = featureStats(ann.map((u) => withDeltas(f.frontEnd.mfcc(u.samples))));
    expect(Array.from(stats.get('ann')!.mean)).toEqual(Array.from(byHand.mean));
    expect(Array.from(stats.get('ann')!.std)).toEqual(Array.from(byHand.std));
    const u = ann[2];
    expect(f.unstacked(u.samples, null, u.file, byHand)).toEqual(normalizeWith(withDeltas(f.frontEnd.mfcc(u.samples)), byHand));
    const idx = utts.map((_, i) => i);
    const data = new SpokenDigitDataset(utts, idx, f, false, stats);
    const k = utts.indexOf(u);
    expect(data.featuresOf(k, null)).toEqual(f.of(u.samples, null, u.file, byHand));
    expect(data.featuresOf(k, null)).not.toEqual(f.of(u.samples)); // its own statistics give other numbers
    expect(() => new SpokenDigitDataset(utts, idx, f, false, new Map([['bob', byHand]])).featuresOf(k, null)).toThrow(`SpokenDigitDataset: no statistics for speaker "ann" of ${u.file}`);
  });

  it('stacked features: k frames side by side, ⌈T/k⌉ of them, zeros past the end; the same augmentation draw', () => {
    const frames = [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]].map((r) => Float64Array.from(r));
    expect(stackFrames(frames, 2).map((r) => Array.from(r))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 0, 0]]);
    expect(stackFrames(frames, 1).map((r) => Array.from(r))).toEqual(frames.map((r) => Array.from(r)));
    expect(() => stackFrames(frames, 0)).toThrow('stackFrames k: expected an integer >= 1, got 0');
    const [u] = readSpokenDigits(dir);
    const one = new SpeechFeatures(AUGMENT_DEFAULTS), three = new SpeechFeatures(AUGMENT_DEFAULTS, 3);
    expect(three.width).toBe(78);
    const plain = one.of(u.samples), stacked = three.of(u.samples);
    expect(stacked.length).toBe(Math.ceil(plain.length / 3));
    expect(Array.from(stacked[1].subarray(26, 52))).toEqual(Array.from(plain[4]));
    expect(three.of(u.samples, new Rng(4))).toEqual(stackFrames(one.of(u.samples, new Rng(4)), 3));
    expect(() => new SpeechFeatures(null, 1.5)).toThrow('SpeechFeatures stack: expected an integer >= 1, got 1.5');
  });

  it('a recogniser of the synthetic words learns them: the official split and each held-out speaker, far above chance', () => {
    const utts = readSpokenDigits(dir);
    const accuracy: Record<string, number> = {};
    const ev = speakerEvaluation(utts, (train, test, label) => {
      const r = trainDigits(utts, train, test, { hidden: 12, epochs: 8, lr: 0.01, batchSize: 8, patience: 8, seed: 2, valFraction: 0.1, augment: false }); // augmentation: the command's test below
      accuracy[label] = r.test!.accuracy;
      return r.test!;
    });
    expect(Object.keys(ev.speakers)).toEqual(['ann', 'bob']);
    // Ten digits would give 0.1 by chance; three give 1/3.
    expect(ev.official!.accuracy).toBeGreaterThan(0.8);
    expect(Math.min(ev.speakers.ann.accuracy, ev.speakers.bob.accuracy)).toBeGreaterThan(0.6);
    const ds = new SpokenDigitDataset(utts, [0, 1], new SpeechFeatures(), true);
    const { batch } = ds.batch([0, 1]);
    expect(batch.x.shape[1]).toBe(2);
    expect(batch.x.shape[2]).toBe(26);
  }, 120_000);

  it('unrolled speech trains, evaluates and writes a checkpoint that unrolled listen reads', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-speech-out-'));
    const lines: string[] = [];
    const sink = { write: (t: string) => lines.push(...t.trim().split('\n')) };
    expect(runSpeech(['--data', dir, '--speakers', 'ann,bob', '--epochs', '1', '--hidden', '6', '--batch', '8', '--workers', '1', '--out', out, '--json'], sink)).toBe(0);
    const result = JSON.parse(lines[lines.length - 1]);
    expect(result.task).toBe('digits');
    expect(Object.keys(result.speakers)).toEqual(['ann', 'bob']);
    expect(result.mean).toBeCloseTo((result.speakers.ann + result.speakers.bob) / 2, 12);
    expect(result.official.accuracy).toBeGreaterThanOrEqual(0);
    expect(fs.existsSync(path.join(out, 'confusion-official.svg')) && fs.existsSync(path.join(out, 'confusion-speakers.svg'))).toBe(true);
    const heard: string[] = [];
    expect(runListen(['--checkpoint', result.checkpoint, '--json', path.join(dir, '3_ann_0.wav'), path.join(dir, '7_bob_1.wav')], { write: (t: string) => heard.push(t.trim()) })).toBe(0);
    const objects = heard.map((h) => JSON.parse(h));
    expect(objects.map((o) => o.file)).toEqual([path.join(dir, '3_ann_0.wav'), path.join(dir, '7_bob_1.wav')]);
    expect(objects.every((o) => /^\d$/.test(o.digits) && o.probability > 0 && o.probability <= 1)).toBe(true);
    const saved = JSON.parse(fs.readFileSync(result.checkpoint, 'utf8'));
    expect([saved.task.stack, saved.model.inputSize, saved.model.hiddenSize]).toEqual([DIGITS_RECIPE.stack, 26 * DIGITS_RECIPE.stack, 6]); // the recipe's stack; --hidden given
    expect([saved.model.dropout, saved.model.outputDropout]).toEqual([DIGITS_RECIPE.dropout, DIGITS_RECIPE.dropout]);
    expect(saved.schedule.plateau.factor).toBe(DIGITS_RECIPE.lrDecay);
    // Normalised per speaker (the recipe), listen takes the files given as one voice: their statistics together.
    expect(saved.task.normalize).toBe('speaker');
    const model = modelFromCheckpoint(saved, 'the checkpoint', { best: true });
    const feats = new SpeechFeatures(null, DIGITS_RECIPE.stack);
    const samples = objects.map((o) => readSpokenDigits(dir).find((u) => u.file === o.file)!.samples);
    const voice = featureStats(samples.map((x) => feats.raw(x)));
    samples.forEach((x, n) => {
      const y = model.forward(padFrames([feats.of(x, null, 'x', voice)], feats.width).x).y!;
      const p = softmax(Array.from({ length: 10 }, (_, k) => y.get(0, k)));
      expect(objects[n].probability).toBeCloseTo(Math.max(...p), 12);
      expect(objects[n].digits).toBe(String(p.indexOf(Math.max(...p))));
    });
    expect(runSpeech(['--data', dir, '--speakers', 'ann,bob', '--final-only', '--epochs', '1', '--hidden', '4', '--batch', '8', '--workers', '1', '--normalize', 'utterance', '--checkpoint', path.join(out, 'own.json'), '--json'], sink)).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'own.json'), 'utf8')).task.normalize).toBe('utterance');
    expect(() => runSpeech(['--data', dir, '--speakers', 'zed'], sink)).toThrow('no recordings named');
    expect(() => runSpeech(['--data', '/nonexistent', '--lr-decay', '1.5'], sink)).toThrow('speech --lr-decay: expected a factor in (0, 1], got 1.5'); // before any reading
    expect(() => runListen(['--checkpoint', result.checkpoint], sink)).toThrow('listen: give one or more WAV files to listen to');
  }, 120_000);
});

describe('connected digits', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-connected-'));
  writeSyntheticDigits(dir, ['ann', 'bob'], [0, 3, 7], 4);
  const utts = readSpokenDigits(dir);

  it('joins 2–7 recordings of one speaker with short quiet gaps, seeded', () => {
    const made = connectedDigits(utts, utts.map((_, i) => i), 30, 4);
    expect(made.length).toBe(30);
    for (const u of made) {
      expect(u.digits.length).toBeGreaterThanOrEqual(2);
      expect(u.digits.length).toBeLessThanOrEqual(7);
      expect(u.digits.every((d) => [0, 3, 7].includes(d))).toBe(true);
      const words = u.digits.length, shortest = Math.min(...utts.filter((x) => x.speaker === u.speaker).map((x) => x.samples.length));
      expect(u.samples.length).toBeGreaterThanOrEqual(words * shortest + (words + 1) * 400); // gaps of at least 50 ms
    }
    expect(connectedDigits(utts, utts.map((_, i) => i), 30, 4).map((u) => u.digits)).toEqual(made.map((u) => u.digits));
    const bobs = utts.map((_, i) => i).filter((i) => utts[i].speaker === 'bob');
    expect(new Set(connectedDigits(utts, bobs, 10, 1).map((u) => u.speaker))).toEqual(new Set(['bob']));
  });

  it('batches them as CTC targets (digit d is class d + 1, 0 the blank), and scores decodings by edit distance', () => {
    const made = connectedDigits(utts, utts.map((_, i) => i), 3, 2);
    const ds = new ConnectedDigitDataset(made, new SpeechFeatures(), false);
    const { batch, objective } = ds.batch([0, 1, 2]);
    expect(objective).toEqual({ type: 'ctc', targets: made.map((u) => u.digits.map((d) => d + 1)), blank: 0 });
    expect(batch.lengths).toEqual([0, 1, 2].map((i) => ds.lengthOf(i)));
    expect([editDistance([1, 2, 3], [1, 2, 3]), editDistance([1, 3], [1, 2, 3]), editDistance([], [4, 4]), editDistance([5, 1, 1], [1, 1])]).toEqual([0, 1, 2, 1]);
  });

  it('normalised per speaker, each utterance by the statistics of its speaker\'s utterances in the set', () => {
    const made = connectedDigits(utts, utts.map((_, i) => i), 6, 3);
    const f = new SpeechFeatures(null, 3);
    const ds = new ConnectedDigitDataset(made, f, false, 'speaker');
    for (const speaker of new Set(made.map((u) => u.speaker))) {
      const own = made.filter((u) => u.speaker === speaker);
      const stats = featureStats(own.map((u) => f.raw(u.samples)));
      const i = made.indexOf(own[0]);
      expect(ds.featuresOf(i, null)).toEqual(f.of(own[0].samples, null, 'x', stats));
      expect(ds.featuresOf(i, null)).not.toEqual(new ConnectedDigitDataset(made, f, false).featuresOf(i, null));
    }
  });
});

describe('a CTC recogniser of connected digits', () => {
  it('learns to read joined synthetic words: the digit error rate on a held-out speaker falls well below an untrained model\'s', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-ctc-'));
    writeSyntheticDigits(dir, ['ann', 'bob'], [0, 3, 7], 6);
    const utts = readSpokenDigits(dir);
    const of = (s: string) => utts.map((_, i) => i).filter((i) => utts[i].speaker === s);
    const train = connectedDigits(utts, of('ann'), 60, 1, { ...CONNECTED_DEFAULTS, maxDigits: 3 });
    const val = connectedDigits(utts, of('ann'), 8, 2, { ...CONNECTED_DEFAULTS, maxDigits: 3 });
    const test = new ConnectedDigitDataset(connectedDigits(utts, of('bob'), 20, 3, { ...CONNECTED_DEFAULTS, maxDigits: 3 }), new SpeechFeatures(), false);
    const untrained = trainConnected(train, val, { hidden: 16, epochs: 1, lr: 1e-9, batchSize: 8, augment: false, seed: 3 });
    const before = evaluateConnected(untrained.model, test).digitErrorRate;
    const r = trainConnected(train, val, { hidden: 16, epochs: 8, lr: 0.01, batchSize: 8, patience: 8, augment: false, seed: 3 });
    const after = evaluateConnected(r.model, test);
    expect(before).toBeGreaterThan(0.6);
    expect(after.digitErrorRate).toBeLessThan(0.35);
    expect(after.heard.length).toBe(20);
    expect(evaluateConnected([r.model, untrained.model], test).members).toEqual([after.digitErrorRate, before]); // each alone, from the joint pass
    expect(() => evaluateConnected([], test)).toThrow('evaluateConnected models: expected at least 1 model, got 0');
  }, 180_000);
});

describe('learning a held-out voice from its own speech (CTC-10)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-adapt-'));
  writeSyntheticDigits(dir, ['ann', 'bob', 'cy'], [0, 3, 7], 6);
  const utts = readSpokenDigits(dir);
  const of = (...names: string[]) => utts.map((_, i) => i).filter((i) => names.includes(utts[i].speaker));
  const short = { ...CONNECTED_DEFAULTS, maxDigits: 3 };
  const options = { hidden: 16, epochs: 6, lr: 0.01, batchSize: 8, patience: 6, augment: false, seed: 3, stack: 1, normalize: 'speaker' as const };
  const trained = () => trainConnected(connectedDigits(utts, of('ann', 'bob'), 60, 1, short), connectedDigits(utts, of('ann', 'bob'), 8, 2, short), options);
  const voice = connectedDigits(utts, of('cy'), 40, 4, short); // cy's, to learn from
  const test = (features: SpeechFeatures) => new ConnectedDigitDataset(connectedDigits(utts, of('cy'), 20, 5, short), features, false, 'speaker');

  it('keeps the utterances whose heard labelling has a probability of at least the threshold, labelled with what was heard, without reading their digits', () => {
    const run = trained();
    const data = new ConnectedDigitDataset(voice, run.features, false, 'speaker');
    const scrambled = new ConnectedDigitDataset(voice.map((u) => ({ ...u, digits: [9, 9] })), run.features, false, 'speaker');
    // What each utterance is heard as, and with what probability, computed here one utterance at a time.
    const read = voice.map((_, i) => {
      const { x } = padFrames([data.featuresOf(i, null)], run.features.width);
      const lp = logSoftmax(run.model.forward(x).y!);
      const frames = Array.from({ length: data.lengthOf(i) }, (_, t) => Array.from({ length: 11 }, (_, k) => lp.get(t, 0, k)));
      const labels = greedyDecode(frames, 0).labels;
      return { labels, logProb: labels.length ? labellingLogProb(frames, labels, 0) : -Infinity };
    });
    const sorted = read.map((r) => r.logProb).sort((a, b) => a - b);
    const middle = (sorted[(read.length >> 1) - 1] + sorted[read.length >> 1]) / 2; // half are above
    const threshold = Math.exp(middle);
    const kept = confidentlyHeard([run.model], data, threshold);
    const expected = voice.map((u, i) => ({ u, r: read[i] })).filter(({ r }) => r.logProb >= middle);
    expect(kept.length).toBe(expected.length);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(voice.length);
    expect(kept.map((u) => u.digits)).toEqual(expected.map(({ r }) => r.labels.map((c) => c - 1)));
    expect(kept.map((u) => u.samples)).toEqual(expected.map(({ u }) => u.samples));
    expect(confidentlyHeard([run.model], scrambled, threshold)).toEqual(kept); // the same with their digits scrambled
    // Two models: the mean of their log-probabilities of the labelling they hear together.
    const both = confidentlyHeard([run.model, run.model], data, threshold);
    expect(both.map((u) => u.digits)).toEqual(kept.map((u) => u.digits));
    expect(() => confidentlyHeard([run.model], data, 0)).toThrow('confidentlyHeard threshold: expected a probability in (0, 1], got 0');
    expect(() => confidentlyHeard([run.model], data, 1.5)).toThrow('confidentlyHeard threshold: expected a probability in (0, 1], got 1.5');
    expect(() => confidentlyHeard([], data, 0.5)).toThrow('confidentlyHeard models: expected at least 1 model, got 0');
  }, 180_000);

  it('trains on what it heard with the training utterances: the new voice is read better, and its digits are never read', () => {
    const run = trained();
    const before = evaluateConnected(run.model, test(run.features)).digitErrorRate;
    const again = trained();
    const adapt = { ...options, epochs: 3, lr: 0.003 };
    const { kept } = adaptConnected([run], voice, adapt, 0.5);
    const { kept: keptBlind } = adaptConnected([again], voice.map((u) => ({ ...u, digits: [9] })), adapt, 0.5);
    expect(kept).toBeGreaterThan(0);
    expect(keptBlind).toBe(kept);
    expect(stateDict(again.model)).toEqual(stateDict(run.model)); // the same weights without the truth
    const after = evaluateConnected(run.model, test(run.features)).digitErrorRate;
    expect(after).toBeLessThan(before);
    const none = trained();
    const weights = stateDict(none.model);
    expect(adaptConnected([none], voice, adapt, 1)).toEqual({ kept: 0 }); // no labelling is certain: nothing to learn from
    expect(stateDict(none.model)).toEqual(weights);
    expect(() => adaptConnected([], voice, adapt)).toThrow('adaptConnected runs: expected at least 1 run, got 0');
  }, 300_000);
});

describe('unrolled speech --task sequence, and listening to connected digits', () => {
  /** The command, briefly, on synthetic words of two speakers, with `extra` flags: its folders, its output lines and its result. */
  function sequenceCommand(name: string, extra: string[]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
    writeSyntheticDigits(dir, ['ann', 'bob'], [0, 3, 7], 4);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-out-`));
    const lines: string[] = [];
    const sink = { write: (t: string) => lines.push(...t.trim().split('\n')) };
    expect(runSpeech(['--task', 'sequence', ...extra, '--data', dir, '--epochs', '1', '--hidden', '6', '--batch', '8', '--workers', '1', '--utterances', '16', '--test-utterances', '4', '--no-augment', '--out', out, '--json'], sink)).toBe(0);
    return { dir, out, lines, sink, result: JSON.parse(lines[lines.length - 1]) };
  }

  it('trains with each speaker held out (digit error rates), writes a checkpoint; listen prints digits, frames and an alignment picture', () => {
    const { dir, out, lines, result } = sequenceCommand('unrolled-seq', []);
    expect(result.task).toBe('sequence');
    expect(Object.keys(result.speakers)).toEqual(['ann', 'bob']);
    expect(result.mean).toBeCloseTo((result.speakers.ann + result.speakers.bob) / 2, 12);
    expect(lines.some((l) => JSON.parse(l).run === 'held-out speaker bob' && 'digitErrorRate' in JSON.parse(l))).toBe(true);
    // By default each held-out run adapts to its voice (ADAPT_RECIPE), and says how it read it before.
    const adapting = lines.map((l) => JSON.parse(l)).filter((l) => l.run && 'adaptedOn' in l);
    expect(adapting.map((l) => [l.run, l.of])).toEqual([['held-out speaker ann', ADAPT_RECIPE.utterances], ['held-out speaker bob', ADAPT_RECIPE.utterances]]);
    expect(Object.keys(result.unadapted)).toEqual(['ann', 'bob']);
    expect(result.adaptedOn).toEqual({ ann: adapting[0].adaptedOn, bob: adapting[1].adaptedOn });
    expect(result.unadapted.bob).toBe(adapting[1].unadaptedDigitErrorRate);
    const heard: string[] = [];
    const svg = path.join(out, 'heard.svg');
    expect(runListen(['--checkpoint', result.checkpoint, '--json', '--svg', svg, path.join(dir, '3_ann_0.wav')], { write: (t: string) => heard.push(t.trim()) })).toBe(0);
    const o = JSON.parse(heard[0]);
    expect(o.digits).toMatch(/^\d*$/);
    const tenMs = new SpeechFeatures(null).of(readSpokenDigits(dir).find((u) => u.file.endsWith('3_ann_0.wav'))!.samples).length;
    const saved = JSON.parse(fs.readFileSync(result.checkpoint, 'utf8'));
    expect([saved.task.stack, saved.model.dropout, saved.model.outputDropout]).toEqual([SEQUENCE_RECIPE.stack, SEQUENCE_RECIPE.dropout, SEQUENCE_RECIPE.dropout]); // the sequence recipe
    expect(saved.task.normalize).toBe(SEQUENCE_RECIPE.normalize);
    expect(saved.schedule.plateau.factor).toBe(SEQUENCE_RECIPE.lrDecay);
    expect(o.frames.length).toBe(Math.ceil(tenMs / 3)); // one label per step of three 10 ms frames
    expect(o.frames.every((c: number) => Number.isInteger(c) && c >= 0 && c <= 10)).toBe(true);
    expect(fs.readFileSync(svg, 'utf8')).toContain('<svg');
  }, 120_000);

  it('--ensemble 2: two models per run from seeds 1 and 2, each one\'s rate beside the joint one; listen reads both checkpoints together', () => {
    const { dir, out, lines, sink, result } = sequenceCommand('unrolled-seq-ens', ['--ensemble', '2', '--adapt', '0']);
    expect(['unadapted', 'adaptedOn'].filter((k) => k in result)).toEqual([]); // --adapt 0: no adaptation
    expect(result.checkpoints).toEqual([path.join(out, 'checkpoint.json'), path.join(out, 'checkpoint-2.json')]);
    expect(result.checkpoint).toBe(result.checkpoints[0]);
    for (const s of ['ann', 'bob']) expect(result.members[s]).toHaveLength(2);
    expect(lines.filter((l) => /^held-out speaker bob, model [12] of 2$/.test(JSON.parse(l).run ?? '')).length).toBeGreaterThan(0);
    const [a, b] = result.checkpoints.map((f: string) => JSON.parse(fs.readFileSync(f, 'utf8')));
    expect(a.weights.weight_ih_l0).not.toEqual(b.weights.weight_ih_l0); // another seed (the same seed and data give the same weights)

    // listen with both: what ensembleDecode reads from the two models' frames, computed here as listen does
    // (the files taken as one voice), and for at least one file not what the first model alone reads.
    const files = readSpokenDigits(dir, ['bob']);
    const heard: string[] = [];
    expect(runListen(['--checkpoint', result.checkpoints.join(','), '--json', ...files.map((u) => u.file)], { write: (t: string) => heard.push(t.trim()) })).toBe(0);
    const f = new SpeechFeatures(null, SEQUENCE_RECIPE.stack);
    const voice = featureStats(files.map((u) => f.raw(u.samples)));
    const models = [a, b].map((ckpt) => modelFromCheckpoint(ckpt, 'member', { best: true }));
    const readings = files.map((u) => {
      const frames = stackFrames(f.unstacked(u.samples, null, u.file, voice), SEQUENCE_RECIPE.stack);
      const { x } = padFrames([frames], f.width);
      const perModel = models.map((m) => {
        const lp = logSoftmax(m.forward(x).y!);
        return frames.map((_, t) => Array.from({ length: 11 }, (_, k) => lp.get(t, 0, k)));
      });
      const text = (labels: number[]) => labels.map((c) => c - 1).join('');
      return { together: text(ensembleDecode(perModel, 0, ENSEMBLE_BEAM).labels), first: text(greedyDecode(perModel[0], 0).labels) };
    });
    expect(heard.map((h) => JSON.parse(h).digits)).toEqual(readings.map((r) => r.together));
    expect(readings.some((r) => r.together !== r.first)).toBe(true);
    // Checkpoints that cannot be read together are refused, naming the file.
    const other = (change: (c: typeof b) => void, name: string) => {
      const c = JSON.parse(JSON.stringify(b));
      change(c);
      const to = path.join(out, name);
      fs.writeFileSync(to, JSON.stringify(c));
      return to;
    };
    const oneFrame = other((c) => (c.task.stack = 1), 'one-frame.json');
    expect(() => runListen(['--checkpoint', `${result.checkpoint},${oneFrame}`, files[0].file], { write: () => {} })).toThrow(`listen --checkpoint: ${oneFrame} reads other features than ${result.checkpoint} (stack and normalisation must match to be read together)`);
    const digits = other((c) => (c.task.name = 'speech-digits'), 'digits.json');
    expect(() => runListen(['--checkpoint', `${result.checkpoint},${digits}`, files[0].file], { write: () => {} })).toThrow('listen --checkpoint: several checkpoints are read together only when all are sequence checkpoints');
    expect(() => runSpeech(['--task', 'digits', '--ensemble', '2', '--data', dir, '--out', out], sink)).toThrow('speech --ensemble: only for --task sequence (got --task digits with --ensemble 2)');
    expect(() => runSpeech(['--task', 'digits', '--adapt', '0.2', '--data', dir, '--out', out], sink)).toThrow('speech --adapt: only for --task sequence (got --task digits with --adapt 0.2)');
    expect(() => runSpeech(['--task', 'sequence', '--adapt', '1', '--data', dir, '--out', out], sink)).toThrow('speech --adapt: expected a share of the budget in [0, 1), got 1');
  }, 120_000);

  it('trains on utterances of --train-digits digits (the recipe\'s 1-4 by default) and refuses a range that is not MIN-MAX', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-seq-len-'));
    writeSyntheticDigits(dir, ['ann', 'bob'], [0, 3, 7], 3);
    const utts = readSpokenDigits(dir);
    const { train, val } = trainingUtterances(utts, utts.map((_, i) => i), 200, 7, SEQUENCE_RECIPE.trainDigits);
    expect(val.length).toBe(20);
    const counts = [...train, ...val].map((u) => u.digits.length);
    expect([Math.min(...counts), Math.max(...counts)]).toEqual([...SEQUENCE_RECIPE.trainDigits]);
    const again = trainingUtterances(utts, utts.map((_, i) => i), 200, 7, [3, 3]);
    expect(again.train.every((u) => u.digits.length === 3)).toBe(true);
    const sink = { write: () => {} };
    for (const bad of ['4-1', '0-3', '2', 'a-b']) { // refused before any recording is read
      expect(() => runSpeech(['--task', 'sequence', '--data', path.join(dir, 'missing'), '--train-digits', bad, '--out', dir], sink)).toThrow(`speech --train-digits: expected MIN-MAX with 1 <= MIN <= MAX (e.g. 1-4), got ${JSON.stringify(bad)}`);
    }
  });
});
