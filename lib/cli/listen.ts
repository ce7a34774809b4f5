/**
 * `unrolled listen --checkpoint CK FILE.wav…`: the digits a trained recogniser hears in each recording,
 * one line per file (`--json`: one object per file, { file, digits }).            docs: docs/speech.md
 */
import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../kernels/tensor';
import { modelFromCheckpoint } from '../training/checkpoint';
import { readWav, resample } from '../audio/wav';
import { SpeechFeatures, SAMPLE_RATE } from '../tasks/speech-data';
import { SpokenDigitDataset } from '../tasks/speech-digits';
import { softmax } from '../tasks/classify';
import { OptionSpec, parseArgs, formatOptions } from './args';
import { Out, readTaskCheckpoint } from './model-options';

export const LISTEN_OPTIONS: Record<string, OptionSpec> = {
  checkpoint: { kind: 'string', help: 'a checkpoint written by `unrolled speech` (default runs/speech/checkpoint.json)', default: path.join('runs', 'speech', 'checkpoint.json') },
  json: { kind: 'flag', help: 'one JSON object per file: { file, digits, probability }' },
  help: { kind: 'flag', help: 'show this help' },
};

export function listenHelp(): string {
  return `usage: unrolled listen [--checkpoint CK] FILE.wav [FILE.wav …]

Prints the digit a recogniser trained by \`unrolled speech\` hears in each recording (PCM or float WAV,
any sample rate: resampled to 8 kHz; several channels averaged), with its probability.

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
  const file = a.checkpoint as string;
  if (!fs.existsSync(file)) throw new ValueError(`listen --checkpoint: no such file ${JSON.stringify(file)}; train one with \`unrolled speech --task digits\``);
  const { ckpt } = readTaskCheckpoint(file, 'listen', ['speech-digits'], 'checkpoints written by `unrolled speech`');
  const model = modelFromCheckpoint(ckpt, `checkpoint ${file}`, { best: true });
  const features = new SpeechFeatures(null);
  for (const f of files) {
    const wav = readWav(f);
    for (const note of wav.notes) process.stderr.write(note + '\n');
    if (wav.sampleRate !== SAMPLE_RATE) process.stderr.write(`${f}: ${wav.sampleRate} Hz, resampled to ${SAMPLE_RATE} Hz\n`);
    const samples = wav.sampleRate === SAMPLE_RATE ? wav.samples : resample(wav.samples, wav.sampleRate, SAMPLE_RATE);
    const data = new SpokenDigitDataset([{ file: f, digit: 0, speaker: '', index: 0, samples }], [0], features, false);
    const { batch } = data.batch([0]);
    const y = model.forward(batch.x, null, null, batch.lengths).y!;
    const p = softmax(Array.from({ length: 10 }, (_, k) => y.get(0, k)));
    const digit = p.indexOf(Math.max(...p));
    out.write((a.json ? JSON.stringify({ file: f, digits: String(digit), probability: p[digit] }) : `${f}: ${digit} (probability ${p[digit].toFixed(3)})`) + '\n');
  }
  return 0;
}
