/**
 * `unrolled train --task names-lm`: a character model of surnames conditioned on their language, the
 * model `unrolled generate-names` draws from (lib/cli/generate-names.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatSeconds } from '../training/progress';
import { ValueError } from '../kernels/tensor';
import { readClassDirectory } from '../data/labelled';
import { NamesLmTask, trainNamesLm, resumeNamesLm } from '../tasks/names-lm';
import { Parsed } from './args';
import { refuseChangesOnResume } from './train-options';
import { CELLS, Out, registered, attachProgress, readTaskCheckpoint, dropoutFromArgs } from './model-options';

export const DEFAULT_NAMES_CHECKPOINT = path.join('runs', 'names-lm', 'checkpoint.json');

/** What `train --task names-lm` uses for the options it is not given. */
export const NAMES_LM_DEFAULTS: Record<string, number> = { hidden: 64, batch: 64, epochs: 8, lr: 0.005, patience: 3 };

/** Options that fix the model, the split and the training: with --resume they come from the checkpoint. */
const FROM_CHECKPOINT = ['cell', 'hidden', 'layers', 'lr', 'batch', 'patience', 'seed', 'clip', 'dropout', 'recurrent-dropout'];

/**
 * Trains the conditional name model, or (--resume FILE) continues a run exactly; the checkpoint (the
 * latest state, the best weights inside) is written after every epoch and at the end.
 */
export function runNamesLmTrain(a: Parsed, out: Out): { file: string; seconds: number; valLoss: number | null } {
  for (const [k, v] of Object.entries(NAMES_LM_DEFAULTS)) if (!a._given.has(k)) a[k] = v;
  if (a.data !== null) throw new ValueError('train --data: names-lm reads a directory of class files; give --data-dir');
  const dir = (a['data-dir'] as string | null) ?? registered('names', '--data-dir DIR');
  const { classes, texts, labels } = readClassDirectory(dir);
  const file = (a.checkpoint as string | null) ?? (a.resume as string | null) ?? DEFAULT_NAMES_CHECKPOINT;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const budget = { epochs: a.epochs as number, maxSeconds: (a['max-seconds'] as number | null) ?? null, workers: (a.workers as number | null) ?? 1, checkpointPath: file };
  let r;
  if (a.resume) {
    refuseChangesOnResume(a, FROM_CHECKPOINT, 'the model and the training');
    const { ckpt } = readTaskCheckpoint(a.resume as string, 'train --resume', ['names-lm'], 'names-lm checkpoints');
    const progress = attachProgress(budget, a, out, Math.ceil((0.9 * texts.length) / ((ckpt.task as NamesLmTask).options?.batchSize ?? 1)));
    r = resumeNamesLm(ckpt, texts, labels, classes, budget, `checkpoint ${a.resume}`);
    progress.finish();
  } else {
    const fitOpts = {
      ...budget, cell: CELLS[a.cell as string], hidden: a.hidden as number, layers: a.layers as number, lr: a.lr as number, batchSize: a.batch as number,
      patience: a.patience as number, seed: a.seed as number, clip: a.clip as number, ...dropoutFromArgs(a),
    };
    const progress = attachProgress(fitOpts, a, out, Math.ceil((0.9 * texts.length) / fitOpts.batchSize));
    r = trainNamesLm(texts, labels, classes, fitOpts);
    progress.finish();
  }
  const summary = { task: 'names-lm', data: dir, classes: classes.length, sizes: r.sizes, epochs: r.training.epochs, valLoss: r.training.valLoss, seconds: r.training.seconds, checkpoint: file };
  if (a.json || !out.isTTY) out.write(JSON.stringify(summary) + '\n');
  else out.write(`names-lm: ${r.training.epochs} epochs in ${formatSeconds(r.training.seconds)}, validation ${r.training.valLoss?.toFixed(4)} nats per letter; checkpoint ${file}\n`);
  return { file, seconds: r.training.seconds, valLoss: r.training.valLoss };
}

