/**
 * The options that `forecast` and `classify` share: the network, the optimizer, the budget, the output.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CellKind } from '../cells/cell-params';
import { ValueError } from '../kernels/tensor';
import { OPTIMIZER_NAMES } from '../training/optimizers';
import { Progress } from '../training/progress';
import { FitOptions } from '../tasks/fit';
import { writeFileAtomic } from '../platform/files';
import { Checkpoint, readCheckpointJson, checkCheckpoint, checkpointTaskName } from '../training/checkpoint';
import { datasetPath } from '../data/locate';
import { OptionSpec, Parsed } from './args';
import { checkDropout } from '../layers/dropout';

export const CELLS: Record<string, CellKind> = { lstm: 'lstm', gru: 'gru', rnn: 'rnn_tanh', rnn_tanh: 'rnn_tanh', tanh: 'rnn_tanh', rnn_relu: 'rnn_relu', relu: 'rnn_relu' };

/** Dropout, for every command that trains a recurrent network with a head (lib/layers/dropout.ts). */
export const DROPOUT_OPTIONS: Record<string, OptionSpec> = {
  dropout: { kind: 'number', help: 'dropout probability between stacked layers and on what the output layer reads (off in evaluation)', default: 0, min: 0 },
  'recurrent-dropout': { kind: 'number', help: 'variational dropout probability on h_{t-1}: one mask per sequence, every step', default: 0, min: 0 },
};

/** --dropout and --recurrent-dropout, checked (a probability below 1). */
export function dropoutFromArgs(a: Parsed): { dropout: number; recurrentDropout: number } {
  return { dropout: checkDropout(a.dropout ?? 0, '--dropout'), recurrentDropout: checkDropout(a['recurrent-dropout'] ?? 0, '--recurrent-dropout') };
}

/** The network and training options, with a command's own defaults. */
export function modelOptions(d: { hidden: number; batch: number; epochs: number; lr: number; patience: number; workers?: OptionSpec }): Record<string, OptionSpec> {
  return {
    cell: { kind: 'string', help: 'recurrent cell', default: 'lstm', choices: Object.keys(CELLS) },
    hidden: { kind: 'int', help: 'hidden size H', default: d.hidden, min: 1 },
    layers: { kind: 'int', help: 'stacked layers', default: 1, min: 1 },
    bidirectional: { kind: 'flag', help: 'add a reverse direction to every layer' },
    optimizer: { kind: 'string', help: 'optimizer', default: 'adam', choices: OPTIMIZER_NAMES.map((n) => n.toLowerCase()) },
    lr: { kind: 'number', help: 'learning rate', default: d.lr, positive: true },
    'weight-decay': { kind: 'number', help: 'weight decay', min: 0 },
    batch: { kind: 'int', help: 'mini-batch size', default: d.batch, min: 1 },
    epochs: { kind: 'int', help: 'at most this many passes over the training part', default: d.epochs, min: 1 },
    patience: { kind: 'int', help: 'stop after this many epochs without a better validation loss', default: d.patience, min: 1 },
    'max-seconds': { kind: 'number', help: 'or stop after this many seconds', positive: true },
    clip: { kind: 'number', help: 'clip the global gradient norm to this (0: off)', default: 1, min: 0 },
    seed: { kind: 'int', help: 'seed for the weights, the split and the shuffling', default: 1 },
    workers: d.workers ?? { kind: 'int', help: 'threads to split each batch over', default: 1, min: 1 },
    ...DROPOUT_OPTIONS,
  };
}

/** The output options. */
export function outputOptions(defaultDir: string): Record<string, OptionSpec> {
  return {
    out: { kind: 'string', help: 'directory for the checkpoint and the charts', default: defaultDir },
    json: { kind: 'flag', help: 'JSON lines of progress; the last line holds the final metrics' },
    help: { kind: 'flag', help: 'show this help' },
  };
}

export function fitOptionsFrom(a: Parsed): FitOptions {
  return {
    cell: CELLS[a.cell as string], hidden: a.hidden as number, layers: a.layers as number, bidirectional: a.bidirectional as boolean,
    optimizer: a.optimizer as string, lr: a.lr as number, weightDecay: (a['weight-decay'] as number | null) ?? undefined,
    batchSize: a.batch as number, epochs: a.epochs as number, patience: a.patience as number,
    maxSeconds: (a['max-seconds'] as number | null) ?? null, clip: a.clip as number, seed: a.seed as number, workers: a.workers as number,
    ...dropoutFromArgs(a),
  };
}

export interface Out {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Progress of a run that trains for `epochs` epochs of `stepsPerEpoch` steps, reported once per epoch. */
export function attachProgress(fit: FitOptions, a: Parsed, out: Out, stepsPerEpoch: number): Progress {
  const progress = new Progress({
    json: a.json as boolean, out, maxSteps: (a.epochs as number) * stepsPerEpoch,
    maxSeconds: (a['max-seconds'] as number | null) ?? null, reportEvery: stepsPerEpoch,
  });
  fit.onStep = (info) => progress.step(info);
  fit.onEval = (info) => progress.eval(info);
  return progress;
}

/**
 * Writes the run's files into `dir` only once all of them are ready, each atomically: a failure before
 * this point leaves nothing behind, and a failure part-way never leaves a half-written file.
 */
export function writeOutputs(dir: string, files: Record<string, string>): string[] {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new ValueError(`--out: cannot create the directory ${JSON.stringify(dir)}: ${(err as Error).message}`);
  }
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name);
    writeFileAtomic(file, text);
    return file;
  });
}

export function checkDataFile(file: string, option: string): void {
  if (!fs.existsSync(file)) throw new ValueError(`${option}: no such file ${JSON.stringify(file)}`);
  if (fs.statSync(file).isDirectory()) throw new ValueError(`${option}: ${JSON.stringify(file)} is a directory; expected a file`);
}

/**
 * The file or folder of a registered data set (lib/data/datasets.ts), from UNROLLED_DATA or the download
 * cache; when it is in neither, a one-line error says how to get it, or which `option` gives a file instead.
 */
export function registered(name: string, option: string): string {
  return datasetPath(name, { option });
}

/**
 * Reads a checkpoint that `command` can use: one whose task is among `tasks`; otherwise an error that
 * says which task wrote it and what `command` reads.
 */
export function readTaskCheckpoint(file: string, command: string, tasks: readonly string[], reads: string): { ckpt: Checkpoint; task: { name: string } } {
  const json = readCheckpointJson(file); // parsed once: it may be many megabytes
  const written = checkpointTaskName(json);
  if (written !== null && !tasks.includes(written)) throw new ValueError(`${command} --checkpoint: ${file} was written by the ${JSON.stringify(written)} task; ${command} reads ${reads}`);
  const ckpt = checkCheckpoint(json, `checkpoint ${file}`);
  const task = ckpt.task as { name?: unknown } | null;
  if (typeof task?.name !== 'string' || !tasks.includes(task.name)) {
    const by = task?.name ? `the ${JSON.stringify(task.name)} task` : 'a run with no task';
    throw new ValueError(`${command} --checkpoint: ${file} was written by ${by}; ${command} reads ${reads}`);
  }
  return { ckpt, task: task as { name: string } };
}
