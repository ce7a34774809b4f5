/**
 * `unrolled train --task names-lm`: a character model of surnames conditioned on their language, the
 * model `unrolled generate-names` draws from (lib/cli/generate-names.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatSeconds } from '../training/progress';
import { ValueError } from '../kernels/tensor';
import { writeFileAtomic } from '../models/atomic-write';
import { readClassDirectory } from '../data/labelled';
import { trainNamesLm } from '../tasks/names-lm';
import { Parsed } from './args';
import { CELLS, Out, registered, attachProgress } from './model-options';

export const DEFAULT_NAMES_CHECKPOINT = path.join('runs', 'names-lm', 'checkpoint.json');

/** What `train --task names-lm` uses for the options it is not given. */
export const NAMES_LM_DEFAULTS: Record<string, number> = { hidden: 64, batch: 64, epochs: 8, lr: 0.005, patience: 3 };

/** Trains the conditional name model; writes the checkpoint at the end only. */
export function runNamesLmTrain(a: Parsed, out: Out): { file: string; seconds: number; valLoss: number | null } {
  for (const [k, v] of Object.entries(NAMES_LM_DEFAULTS)) if (!a._given.has(k)) a[k] = v;
  if (a.resume) throw new ValueError('train --resume: a names-lm run cannot be resumed; start a new run');
  if (a.data !== null) throw new ValueError('train --data: names-lm reads a directory of class files; give --data-dir');
  const dir = (a['data-dir'] as string | null) ?? registered('names', '--data-dir DIR');
  const { classes, texts, labels } = readClassDirectory(dir);
  const file = (a.checkpoint as string | null) ?? DEFAULT_NAMES_CHECKPOINT;
  const fitOpts = {
    cell: CELLS[a.cell as string], hidden: a.hidden as number, layers: a.layers as number, lr: a.lr as number, batchSize: a.batch as number,
    epochs: a.epochs as number, patience: a.patience as number, seed: a.seed as number, clip: a.clip as number,
    workers: (a.workers as number | null) ?? 1, maxSeconds: (a['max-seconds'] as number | null) ?? null,
  };
  const progress = attachProgress(fitOpts, a, out, Math.ceil((0.9 * texts.length) / fitOpts.batchSize));
  const r = trainNamesLm(texts, labels, classes, fitOpts);
  progress.finish();
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(file, JSON.stringify(r.trainer.toCheckpoint()));
  const summary = { task: 'names-lm', data: dir, classes: classes.length, sizes: r.sizes, epochs: r.training.epochs, valLoss: r.training.valLoss, seconds: r.training.seconds, checkpoint: file };
  if (a.json || !out.isTTY) out.write(JSON.stringify(summary) + '\n');
  else out.write(`names-lm: ${r.training.epochs} epochs in ${formatSeconds(r.training.seconds)}, validation ${r.training.valLoss?.toFixed(4)} nats per letter; checkpoint ${file}\n`);
  return { file, seconds: r.training.seconds, valLoss: r.training.valLoss };
}

