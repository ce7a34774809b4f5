/**
 * `unrolled train`: trains a model on a built-in task, with progress, checkpoints and resume.
 * The first task is the adding problem (lib/tasks/adding.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import { ValueError } from '../kernels/tensor';
import { CellKind } from '../cells/cell-params';
import { SequenceModel } from '../models/sequence-model';
import { createOptimizer, OPTIMIZER_NAMES } from '../training/optimizers';
import { ScheduleConfig, checkSchedule } from '../training/schedules';
import { Trainer, TrainerOptions } from '../training/trainer';
import { readCheckpoint } from '../training/checkpoint';
import { Progress, formatSeconds } from '../training/progress';
import { AddingTaskOptions, addingDatasets, ADDING_BASELINE_MSE } from '../tasks/adding';
import { OptionSpec, parseArgs, formatOptions } from './args';
import { runCharLmTrain, CHAR_LM_DEFAULTS } from './char-lm';
import { runNamesLmTrain, NAMES_LM_DEFAULTS } from './names-lm';
import { runTranslateTrain, TRANSLATE_DEFAULTS } from './translate';

const CELLS: Record<string, CellKind> = { lstm: 'lstm', gru: 'gru', rnn: 'rnn_tanh', rnn_tanh: 'rnn_tanh', tanh: 'rnn_tanh', rnn_relu: 'rnn_relu', relu: 'rnn_relu' };

export const TRAIN_OPTIONS: Record<string, OptionSpec> = {
  task: { kind: 'string', help: 'the task to train on', default: 'adding', choices: ['adding', 'char-lm', 'names-lm', 'translate'] },
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
  schedule: { kind: 'string', help: 'learning-rate schedule', default: 'constant', choices: ['constant', 'step', 'cosine'] },
  'step-size': { kind: 'int', help: 'step schedule: steps between decays', default: 1000, min: 1 },
  gamma: { kind: 'number', help: 'step schedule: decay factor', default: 0.5, positive: true },
  'min-lr': { kind: 'number', help: 'cosine schedule: final learning rate', default: 0, min: 0 },
  steps: { kind: 'int', help: 'stop after this many steps in all (a resumed run counts its earlier steps)', default: 2000, min: 1 },
  epochs: { kind: 'int', help: 'or after this many epochs', min: 1 },
  'max-seconds': { kind: 'number', help: 'or after this many seconds of wall-clock time', positive: true },
  'eval-every': { kind: 'int', help: 'validate every this many steps', default: 100, min: 1 },
  patience: { kind: 'int', help: 'early stopping: validations without improvement before stopping', min: 1 },
  seed: { kind: 'int', help: 'seed for weights, data and shuffling', default: 1 },
  workers: { kind: 'int', help: 'threads to split each batch over (default: 2 when there are 2 cores and a batch of 16 or more)', min: 1 },
  attention: { kind: 'string', help: 'translate: an additive attention decoder', default: 'yes', choices: ['yes', 'no'] },
  'teacher-forcing': { kind: 'number', help: 'translate: the probability that a sentence is teacher-forced', default: 0.5, min: 0 },
  'min-count': { kind: 'int', help: 'translate: words seen fewer times in training read as <unk>', default: 2, min: 1 },
  embedding: { kind: 'int', help: 'translate: word vector size (default: --hidden)', min: 1 },
  direction: { kind: 'string', help: 'translate: the file holds English<TAB>French; which way to translate', default: 'fra-eng', choices: ['fra-eng', 'eng-fra'] },
  beam: { kind: 'int', help: 'translate: also score the test part with a beam this wide (1: greedy only)', default: 5, min: 1 },
  checkpoint: { kind: 'string', help: 'write checkpoints to this file' },
  'checkpoint-every': { kind: 'int', help: 'steps between checkpoints (and one at the end)', default: 500, min: 1 },
  resume: { kind: 'string', help: 'continue from this checkpoint' },
  json: { kind: 'flag', help: 'one JSON object per report line; the last line holds the final metrics' },
  help: { kind: 'flag', help: 'show this help' },
};

/** Options that fix the architecture and the data: with --resume they come from the checkpoint. */
const FROM_CHECKPOINT = ['task', 'cell', 'hidden', 'layers', 'bidirectional', 'seq-len', 'train-size', 'val-size', 'optimizer', 'lr', 'momentum', 'weight-decay', 'schedule', 'step-size', 'gamma', 'min-lr'];

export function trainHelp(): string {
  return `usage: unrolled train [options]

Trains a recurrent network on a built-in task and reports training and validation loss.
adding: the adding problem (Hochreiter & Schmidhuber, 1997). Each step carries a value from U(0,1)
and a marker; two steps are marked, one in each half; the target is their sum. Always answering 1
scores MSE 0.167; an LSTM that solves it reaches below 0.01.
char-lm: a character language model on --data (default: the tinyshakespeare data set), the last 10 % held out; truncated
BPTT over ${CHAR_LM_DEFAULTS.batch} parallel streams with the state carried across chunks. Its defaults differ: ${Object.entries(CHAR_LM_DEFAULTS).map(([k, v]) => `--${k} ${v}`).join(', ')}.
names-lm: a character model of names conditioned on their language (--data-dir, default: the names data set),
for \`unrolled generate-names\`; checkpoint runs/names-lm/checkpoint.json unless --checkpoint. Defaults: ${Object.entries(NAMES_LM_DEFAULTS).map(([k, v]) => `--${k} ${v}`).join(', ')}.
translate: an encoder–decoder from French into English on sentence pairs (--data, default: the eng-fra
data set); every 10th pair is validation, every 10th test; reports the test loss, exact match and
BLEU-4; checkpoint runs/translate/checkpoint.json unless --checkpoint, for \`unrolled translate\`.
Defaults: ${Object.entries(TRANSLATE_DEFAULTS).map(([k, v]) => `--${k} ${v}`).join(', ')}.

${formatOptions(TRAIN_OPTIONS)}`;
}

interface Out {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function runTrain(argv: string[], out: Out = process.stdout, err: Out = process.stderr): number {
  const a = parseArgs(argv, TRAIN_OPTIONS, 'train');
  if (a.help) {
    out.write(trainHelp() + '\n');
    return 0;
  }
  if (a.task === 'char-lm') return runCharLmTrain(a, out);
  if (a.task === 'translate') return runTranslateTrain(a, out);
  if (a.task === 'names-lm') {
    runNamesLmTrain(a, out);
    return 0;
  }
  if (a.data !== null || a['data-dir'] !== null) throw new ValueError('train --data, --data-dir: the adding task makes its own data; they are for --task char-lm and names-lm');
  let trainer: Trainer;
  let task: { name: 'adding' } & AddingTaskOptions;
  const budget = {
    maxSteps: a.steps as number, epochs: (a.epochs as number | null) ?? null, maxSeconds: (a['max-seconds'] as number | null) ?? null,
  };
  const trainerOptions = (schedule: ScheduleConfig): TrainerOptions => ({
    batchSize: a.batch as number, ...budget, evalEvery: a['eval-every'] as number, patience: (a.patience as number | null) ?? null,
    clip: a['clip-value'] ? { value: a['clip-value'] as number } : (a.clip as number) > 0 ? { maxNorm: a.clip as number } : null,
    schedule, seed: a.seed as number, checkpointPath: (a.checkpoint as string | null) ?? null, checkpointEvery: a['checkpoint-every'] as number,
    task, workers: (a.workers as number | null) ?? defaultWorkers(a.batch as number),
  });

  if (a.resume) {
    const conflicting = FROM_CHECKPOINT.filter((k) => a._given.has(k));
    if (conflicting.length) {
      throw new ValueError(`train --resume: ${conflicting.map((k) => `--${k}`).join(', ')} cannot change on resume; the architecture, data and optimizer come from the checkpoint`);
    }
    const ckpt = readCheckpoint(a.resume as string);
    task = checkAddingTask(ckpt.task, `checkpoint ${a.resume}: task`);
    const { train, validation } = addingDatasets(task);
    trainer = Trainer.fromCheckpoint(ckpt, train, validation, trainerOptions(ckpt.schedule), `checkpoint ${a.resume}`);
  } else {
    task = { name: 'adding', seqLen: a['seq-len'] as number, trainSize: a['train-size'] as number, valSize: a['val-size'] as number, dataSeed: a.seed as number };
    const { train, validation } = addingDatasets(task);
    const model = new SequenceModel({
      mode: CELLS[a.cell as string], inputSize: 2, hiddenSize: a.hidden as number, numLayers: a.layers as number,
      bidirectional: a.bidirectional as boolean, seed: a.seed as number, head: { mode: 'last', outFeatures: 1 },
    });
    const hyper: Record<string, unknown> = { lr: a.lr };
    if (a.momentum !== null) hyper.momentum = a.momentum;
    if (a['weight-decay'] !== null) hyper.weight_decay = a['weight-decay'];
    const optimizer = createOptimizer(a.optimizer as string, hyper);
    const schedule = checkSchedule(
      a.schedule === 'step' ? { type: 'step', stepSize: a['step-size'], gamma: a.gamma }
        : a.schedule === 'cosine' ? { type: 'cosine', totalSteps: a.steps, minLr: a['min-lr'] } : { type: 'constant' },
      'train --schedule',
    );
    trainer = new Trainer(model, optimizer, train, validation, trainerOptions(schedule));
  }

  const progress = new Progress({ json: a.json as boolean, out, maxSteps: budget.maxSteps, maxSeconds: budget.maxSeconds, reportEvery: a['eval-every'] as number });
  trainer.options.onStep = (info) => progress.step(info);
  trainer.options.onEval = (info) => progress.eval(info);
  const cfg = trainer.model.toConfig();
  if (!a.json && out.isTTY) {
    out.write(`training ${cfg.mode} H=${cfg.hiddenSize} L=${cfg.numLayers}${cfg.bidirectional ? ' bidirectional' : ''} on the adding problem, T=${task.seqLen}, from step ${trainer.counters.step}\n`);
  }
  if (trainer.counters.step >= budget.maxSteps) err.write(`train: the checkpoint is already at step ${trainer.counters.step}; raise --steps to train further\n`);
  const result = trainer.run();
  progress.finish();
  const summary = {
    task: 'adding', cell: cfg.mode, hidden: cfg.hiddenSize, layers: cfg.numLayers, seqLen: task.seqLen, workers: trainer.options.workers,
    steps: result.steps, epochs: result.epochs, trainLoss: result.trainLoss, valLoss: result.valLoss,
    lastValLoss: result.lastValLoss, baselineMse: ADDING_BASELINE_MSE, solved: result.valLoss !== null && result.valLoss < 0.01,
    stoppedBy: result.stoppedBy, seconds: result.seconds, checkpoint: a.checkpoint ?? null,
  };
  if (a.json || !out.isTTY) out.write(JSON.stringify(summary) + '\n');
  else {
    out.write(`done after ${result.steps} steps (${result.stoppedBy}) in ${formatSeconds(result.seconds)}: train loss ${result.trainLoss.toPrecision(3)}, `
      + `best validation MSE ${result.valLoss?.toPrecision(3)} (baseline ${ADDING_BASELINE_MSE.toFixed(3)})${summary.solved ? ': solved' : ''}\n`);
    if (a.checkpoint) out.write(`checkpoint: ${a.checkpoint} (${(fs.statSync(a.checkpoint as string).size / 1024).toFixed(0)} KiB)\n`);
  }
  return 0;
}

/** Both cores where it pays: two threads when the machine has them and each gets at least 8 sequences. */
export function defaultWorkers(batch: number): number {
  return os.availableParallelism() >= 2 && batch >= 16 ? 2 : 1;
}

function checkAddingTask(t: unknown, what: string): { name: 'adding' } & AddingTaskOptions {
  const o = t as Record<string, unknown>;
  if (o?.name !== 'adding') throw new ValueError(`${what}: expected the adding task, got ${JSON.stringify(o?.name)}`);
  for (const k of ['seqLen', 'trainSize', 'valSize', 'dataSeed']) {
    if (!Number.isInteger(o[k])) throw new ValueError(`${what}.${k}: expected an integer, got ${JSON.stringify(o[k])}`);
  }
  return o as unknown as { name: 'adding' } & AddingTaskOptions;
}
