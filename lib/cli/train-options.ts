/**
 * The options of `unrolled train`, shared by its tasks (lib/cli/train-*.ts and the task modules) and by
 * the commands that train a default model first (translate, generate-names).
 */
import * as os from 'os';
import { OPTIMIZER_NAMES } from '../training/optimizers';
import { ValueError } from '../kernels/tensor';
import { OptionSpec, Parsed } from './args';
import { Warmup, Plateau, plateauWith } from '../training/schedules';
import { CELLS, DROPOUT_OPTIONS } from './model-options';

export const TRAIN_OPTIONS: Record<string, OptionSpec> = {
  task: { kind: 'string', help: 'the task to train on', default: 'adding', choices: ['adding', 'char-lm', 'names-lm', 'translate'] }, // the tasks of train.ts
  data: { kind: 'string', help: 'char-lm: the text file (default: the tinyshakespeare data set); translate: the sentence pairs (default: the eng-fra data set)' },
  'data-dir': { kind: 'string', help: 'names-lm: one .txt file of names per language (default: the names data set)' },
  cell: { kind: 'string', help: 'recurrent cell', default: 'lstm', choices: Object.keys(CELLS) },
  hidden: { kind: 'int', help: 'hidden size H', default: 32, min: 1 },
  layers: { kind: 'int', help: 'stacked layers', default: 1, min: 1 },
  bidirectional: { kind: 'flag', help: 'add a reverse direction to every layer' },
  'seq-len': { kind: 'int', help: 'sequence length T', default: 50, min: 2 },
  batch: { kind: 'int', help: 'mini-batch size', default: 32, min: 1 },
  'train-size': { kind: 'int', help: 'training sequences', default: 10000, min: 1 },
  'val-size': { kind: 'int', help: 'validation sequences', default: 1000, min: 1 },
  optimizer: { kind: 'string', help: 'optimizer', default: 'adam', choices: OPTIMIZER_NAMES.map((n) => n.toLowerCase()) },
  lr: { kind: 'number', help: 'learning rate', default: 0.01, positive: true },
  momentum: { kind: 'number', help: 'momentum (sgd, rmsprop)', min: 0 },
  'weight-decay': { kind: 'number', help: 'weight decay', min: 0 },
  clip: { kind: 'number', help: 'clip the global gradient norm to this (0: off)', default: 1, min: 0 },
  'clip-value': { kind: 'number', help: 'clip every gradient element to ±this instead', positive: true },
  schedule: { kind: 'string', help: 'learning-rate schedule (warmup: constant after a warm-up; plateau: constant, reduced when validation stalls)', default: 'constant', choices: ['constant', 'step', 'cosine', 'warmup', 'plateau'] },
  'warmup-steps': { kind: 'int', help: 'linear warm-up over this many steps, before any schedule (PyTorch LinearLR)', min: 1 },
  'warmup-start': { kind: 'number', help: 'warm-up: the first step\'s fraction of the learning rate', default: 1 / 3, positive: true },
  'plateau-factor': { kind: 'number', help: 'plateau: multiply the rate by this when validation stalls (ReduceLROnPlateau)', default: 0.1, positive: true },
  'plateau-patience': { kind: 'int', help: 'plateau: validations without improvement tolerated before reducing', default: 10, min: 0 },
  'step-size': { kind: 'int', help: 'step schedule: steps between decays', default: 1000, min: 1 },
  gamma: { kind: 'number', help: 'step schedule: decay factor', default: 0.5, positive: true },
  'min-lr': { kind: 'number', help: 'cosine schedule: final learning rate', default: 0, min: 0 },
  steps: { kind: 'int', help: 'stop after this many steps in all (a resumed run counts its earlier steps)', default: 2000, min: 1 },
  epochs: { kind: 'int', help: 'or after this many epochs', min: 1 },
  'max-seconds': { kind: 'number', help: 'or after this many seconds of wall-clock time', positive: true },
  'eval-every': { kind: 'int', help: 'validate every this many steps', default: 100, min: 1 },
  patience: { kind: 'int', help: 'early stopping: validations without improvement before stopping', min: 1 },
  seed: { kind: 'int', help: 'seed for weights, data and shuffling', default: 1 },
  engine: { kind: 'string', help: 'adding, char-lm: run the recurrent layers on the fast engine or the textbook one (lib/textbook: plain loops, many times slower, the same numbers)', default: 'fast', choices: ['fast', 'textbook'] },
  workers: { kind: 'int', help: 'threads to split each batch over (default: 2 when there are 2 cores and a batch of 16 or more)', min: 1 },
  ...DROPOUT_OPTIONS, // adding, char-lm, names-lm
  attention: { kind: 'string', help: 'translate: an additive attention decoder', default: 'yes', choices: ['yes', 'no'] },
  'teacher-forcing': { kind: 'number', help: 'translate: the probability that a sentence is teacher-forced', default: 0.5, min: 0 },
  'min-count': { kind: 'int', help: 'translate: words seen fewer times in training read as <unk>', default: 2, min: 1 },
  embedding: { kind: 'int', help: 'translate: word vector size (default: --hidden); char-lm: embed the characters in this many values first', min: 1 },
  'tie-weights': { kind: 'flag', help: 'char-lm: the output layer reuses the input embedding (of --hidden values; Press & Wolf 2017)' },
  direction: { kind: 'string', help: 'translate: the file holds English<TAB>French; which way to translate', default: 'fra-eng', choices: ['fra-eng', 'eng-fra'] },
  beam: { kind: 'int', help: 'translate: also score the test part with a beam this wide (1: greedy only)', default: 5, min: 1 },
  checkpoint: { kind: 'string', help: 'write checkpoints to this file' },
  'checkpoint-every': { kind: 'int', help: 'steps between checkpoints (and one at the end)', default: 500, min: 1 },
  resume: { kind: 'string', help: 'continue a run exactly where this checkpoint left off (every task; the budget, --workers and --checkpoint may change)' },
  json: { kind: 'flag', help: 'one JSON object per report line; the last line holds the final metrics' },
  help: { kind: 'flag', help: 'show this help' },
};

/** Options that fix the architecture and the data: with --resume they come from the checkpoint. */
export const FROM_CHECKPOINT = ['task', 'cell', 'hidden', 'layers', 'bidirectional', 'seq-len', 'train-size', 'val-size', 'optimizer', 'lr', 'momentum', 'weight-decay', 'schedule', 'step-size', 'gamma', 'min-lr', 'dropout', 'recurrent-dropout', 'warmup-steps', 'warmup-start', 'plateau-factor', 'plateau-patience', 'embedding', 'tie-weights'];

/**
 * The warm-up and reduce-on-plateau parts of a schedule from --schedule, --warmup-steps, --warmup-start,
 * --plateau-factor and --plateau-patience (ReduceLROnPlateau's other settings at PyTorch's defaults).
 */
export function scheduleExtrasFromArgs(a: Parsed): { warmup?: Warmup; plateau?: Plateau } {
  const steps = a['warmup-steps'] as number | null;
  if (a.schedule === 'warmup' && steps === null) throw new ValueError('train --schedule warmup: give --warmup-steps N');
  const start = a['warmup-start'] as number;
  if (!(start <= 1)) throw new ValueError(`train --warmup-start: expected a number in (0, 1], got ${start}`);
  const factor = a['plateau-factor'] as number;
  if (a.schedule === 'plateau' && !(factor < 1)) throw new ValueError(`train --plateau-factor: expected a number in (0, 1), got ${factor}`);
  return {
    ...(steps !== null ? { warmup: { steps, startFactor: start } } : {}),
    ...(a.schedule === 'plateau' ? { plateau: plateauWith(factor, a['plateau-patience'] as number) } : {}),
  };
}

/** Both cores where it pays: two threads when the machine has them and each gets at least 8 sequences. */
export function defaultWorkers(batch: number): number {
  return os.availableParallelism() >= 2 && batch >= 16 ? 2 : 1;
}

/** Refuses the options that fix a run when it resumes: they come from the checkpoint (`what` says what they are). */
export function refuseChangesOnResume(a: Parsed, fixed: readonly string[], what: string, command = 'train'): void {
  const given = fixed.filter((k) => a._given.has(k));
  if (given.length) throw new ValueError(`${command} --resume: ${given.map((k) => `--${k}`).join(', ')} cannot change on resume; ${what} come from the checkpoint`);
}
