/**
 * `unrolled listen --checkpoint CK FILE.wav…`: the digits a trained recogniser hears in each recording,
 * one line per file (`--json`: one object per file, { file, digits }), whichever task the checkpoint was
 * trained for: one digit (many-to-one), or connected digits read by greedy CTC decoding (CTC-7); several
 * sequence checkpoints, comma-separated (an ensemble from `speech --ensemble`), read together (CTC-9).   docs: docs/speech.md
 */
import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../kernels/tensor';
import { greedyDecode, ensembleDecode } from '../layers/ctc-decode';
import { logSoftmax } from '../layers/ctc';
import { alignmentChart } from '../charts/alignment';
import { writeFileAtomic } from '../platform/files';
import { modelFromCheckpoint } from '../training/checkpoint';
import { readWav, resample } from '../audio/wav';
import { SpeechFeatures, SAMPLE_RATE, Normalization, padFrames, stackFrames } from '../tasks/speech-data';
import { ENSEMBLE_BEAM } from '../tasks/speech-sequences';
import { FeatureStats, featureStats } from '../audio/features';
import { softmax } from '../tasks/classify';
import { OptionSpec, parseArgs, formatOptions } from './args';
import { Out, readTaskCheckpoint } from './model-options';

export const LISTEN_OPTIONS: Record<string, OptionSpec> = {
  checkpoint: { kind: 'string', help: 'a checkpoint written by `unrolled speech` (default runs/speech/checkpoint.json); several sequence checkpoints, comma-separated (`speech --ensemble`), are read together', default: path.join('runs', 'speech', 'checkpoint.json') },
  json: { kind: 'flag', help: 'one JSON object per file: { file, digits, probability } (a digits checkpoint) or { file, digits, frames } (a sequence checkpoint: the most probable class at each step the network took, 0 the blank; a step is the checkpoint\'s stack of 10 ms frames; of the first checkpoint when several are given)' },
  svg: { kind: 'string', help: 'a sequence checkpoint: write the MFCC image with what was heard at each frame under it (FILE.svg; with several recordings, FILE-1.svg, …)' },
  help: { kind: 'flag', help: 'show this help' },
};

export function listenHelp(): string {
  return `usage: unrolled listen [--checkpoint CK] FILE.wav [FILE.wav …]

Prints what a recogniser trained by \`unrolled speech\` hears in each recording (PCM or float WAV, any
sample rate: resampled to 8 kHz; several channels averaged): one digit and its probability (a
\`--task digits\` checkpoint), or the connected digits read by greedy CTC decoding (\`--task sequence\`;
several such checkpoints, comma-separated, are read together: \`speech --ensemble\` writes them).
A checkpoint trained with speaker normalisation (the digits default) takes the files given as
recordings of one voice and normalises them by their statistics together: give several of one voice.

${formatOptions(LISTEN_OPTIONS)}`;
}

export function runListen(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, LISTEN_OPTIONS, 'listen', true);
  if (a.help) {
    out.write(listenHelp() + '\n');
    return 0;
  }
  const files = a._positional;
  if (files.length === 0) throw new ValueError('listen: give one or more WAV files to listen to');
  const checkpoints = (a.checkpoint as string).split(',').map((f) => f.trim()).filter(Boolean);
  if (checkpoints.length === 0) throw new ValueError('listen --checkpoint: expected a file (or several, comma-separated), got nothing');
  const read = checkpoints.map((file) => {
    if (!fs.existsSync(file)) throw new ValueError(`listen --checkpoint: no such file ${JSON.stringify(file)}; train one with \`unrolled speech --task digits\``);
    return { file, ...readTaskCheckpoint(file, 'listen', ['speech-digits', 'speech-sequence'], 'checkpoints written by `unrolled speech`') };
  });
  const [{ file, task }] = read;
  if (read.length > 1 && read.some((r) => r.task.name !== 'speech-sequence')) throw new ValueError(`listen --checkpoint: several checkpoints are read together only when all are sequence checkpoints (\`speech --task sequence --ensemble N\`); got ${read.map((r) => `${r.file} (${r.task.name})`).join(', ')}`);
  if (a.svg !== null && task.name !== 'speech-sequence') throw new ValueError('listen --svg: the alignment picture is for a sequence checkpoint (`unrolled speech --task sequence`)');
  const stack = checkpointStack(task as { stack?: unknown }, file);
  const normalize = checkpointNormalize(task as { normalize?: unknown }, file);
  for (const r of read.slice(1)) {
    if (checkpointStack(r.task as { stack?: unknown }, r.file) !== stack || checkpointNormalize(r.task as { normalize?: unknown }, r.file) !== normalize) {
      throw new ValueError(`listen --checkpoint: ${r.file} reads other features than ${file} (stack and normalisation must match to be read together)`);
    }
  }
  const models = read.map((r) => modelFromCheckpoint(r.ckpt, `checkpoint ${r.file}`, { best: true }));
  const model = models[0];
  const features = new SpeechFeatures(null, stack);
  const recordings = files.map((f) => {
    const wav = readWav(f);
    for (const note of wav.notes) process.stderr.write(note + '\n');
    if (wav.sampleRate !== SAMPLE_RATE) process.stderr.write(`${f}: ${wav.sampleRate} Hz, resampled to ${SAMPLE_RATE} Hz\n`);
    return wav.sampleRate === SAMPLE_RATE ? wav.samples : resample(wav.samples, wav.sampleRate, SAMPLE_RATE);
  });
  const voice = normalize === 'speaker' ? voiceStats(features, recordings) : null;
  for (const [n, f] of files.entries()) {
    const plain = features.unstacked(recordings[n], null, f, voice); // [frames of 10 ms][26]
    const frames = stackFrames(plain, stack); // what the network reads: [steps][26·stack]
    const { x } = padFrames([frames], features.width); // [T,1,26·stack]
    if (task.name === 'speech-sequence') {
      const lps = models.map((m) => logSoftmax(m.forward(x).y!)); // each [T,1,11]
      const perModel = lps.map((lp) => frames.map((_, t) => Array.from({ length: 11 }, (_, k) => lp.get(t, 0, k))));
      const { labels: greedy, path: best } = greedyDecode(perModel[0], 0);
      const labels = models.length === 1 ? greedy : ensembleDecode(perModel, 0, ENSEMBLE_BEAM).labels;
      const digits = labels.map((c) => String(c - 1)).join('');
      if (a.svg !== null) {
        const svg = files.length > 1 ? (a.svg as string).replace(/(\.svg)?$/, `-${n + 1}.svg`) : (a.svg as string);
        const heard = plain.map((_, t) => best[Math.floor(t / stack)]); // each step's label under each of its 10 ms frames
        writeFileAtomic(svg, alignmentChart({ title: `${path.basename(f)}: heard "${digits}"`, features: plain, rows: 13, frameLabels: heard.map((c) => (c === 0 ? '' : String(c - 1))) }));
        process.stderr.write(`${f}: alignment drawn in ${svg}\n`);
      }
      out.write((a.json ? JSON.stringify({ file: f, digits, frames: best }) : `${f}: ${digits}`) + '\n');
      continue;
    }
    const y = model.forward(x).y!; // [1,10]
    const p = softmax(Array.from({ length: 10 }, (_, k) => y.get(0, k)));
    const digit = p.indexOf(Math.max(...p));
    out.write((a.json ? JSON.stringify({ file: f, digits: String(digit), probability: p[digit] }) : `${f}: ${digit} (probability ${p[digit].toFixed(3)})`) + '\n');
  }
  return 0;
}

/** The frames per step a checkpoint's network reads (1 for checkpoints that do not say). */
function checkpointStack(task: { stack?: unknown }, file: string): number {
  const k = task.stack ?? 1;
  if (!(typeof k === 'number' && Number.isInteger(k) && k >= 1)) throw new ValueError(`listen --checkpoint: ${file} has task.stack ${JSON.stringify(k)}; expected an integer >= 1`);
  return k;
}

/** task.normalize: 'utterance' (also when absent) or 'speaker'. */
function checkpointNormalize(task: { normalize?: unknown }, file: string): Normalization {
  const n = task.normalize ?? 'utterance';
  if (n !== 'utterance' && n !== 'speaker') throw new ValueError(`listen --checkpoint: ${file} has task.normalize ${JSON.stringify(n)}; expected "utterance" or "speaker"`);
  return n;
}

/**
 * A checkpoint trained with each speaker's statistics (AUD-12 over all their recordings) reads the files
 * given as recordings of one voice and normalises them by their statistics together.
 */
function voiceStats(features: SpeechFeatures, recordings: Float64Array[]): FeatureStats {
  process.stderr.write(`listen: the checkpoint normalises per speaker; the ${recordings.length} recording(s) given are taken as one voice` +
    (recordings.length < 20 ? ' (it was trained with each voice\'s statistics over hundreds of recordings: give more of this voice for a closer match)' : '') + '\n');
  return featureStats(recordings.map((samples) => features.raw(samples)));
}
