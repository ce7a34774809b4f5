/**
 * `unrolled train --task adding` (the default task): the adding problem (lib/tasks/adding.ts) with the
 * Trainer's checkpoints, exact resume, progress and worker threads.
 */
import * as fs from 'fs';
import { ValueError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { Engine } from '../layers/recurrent';
import { createOptimizer } from '../training/optimizers';
import { ScheduleConfig, checkSchedule } from '../training/schedules';
import { Trainer, TrainerOptions } from '../training/trainer';
import { readCheckpoint } from '../training/checkpoint';
import { Progress, formatSeconds } from '../training/progress';
import { AddingTaskOptions, addingDatasets, ADDING_BASELINE_MSE } from '../tasks/adding';
import { Parsed } from './args';
import { CELLS, Out, dropoutFromArgs } from './model-options';
import { dropoutOptions } from '../tasks/fit';
import { FROM_CHECKPOINT, defaultWorkers, refuseChangesOnResume, scheduleExtrasFromArgs } from './train-options';

/** Trains on the adding problem, or resumes a run from its checkpoint. */
export function runAddingTrain(a: Parsed, out: Out, err: Out): number {
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
    refuseChangesOnResume(a, FROM_CHECKPOINT, 'the architecture, data and optimizer');
    const ckpt = readCheckpoint(a.resume as string);
    task = checkAddingTask(ckpt.task, `checkpoint ${a.resume}: task`);
    const { train, validation } = addingDatasets(task);
    trainer = Trainer.fromCheckpoint(ckpt, train, validation, trainerOptions(ckpt.schedule), `checkpoint ${a.resume}`);
  } else {
    task = { name: 'adding', seqLen: a['seq-len'] as number, trainSize: a['train-size'] as number, valSize: a['val-size'] as number, dataSeed: a.seed as number };
    const { train, validation } = addingDatasets(task);
    const model = new SequenceModel({
      mode: CELLS[a.cell as string], inputSize: 2, hiddenSize: a.hidden as number, numLayers: a.layers as number,
      bidirectional: a.bidirectional as boolean, seed: a.seed as number, head: { mode: 'last', outFeatures: 1 }, ...dropoutOptions(dropoutFromArgs(a)),
    });
    const hyper: Record<string, unknown> = { lr: a.lr };
    if (a.momentum !== null) hyper.momentum = a.momentum;
    if (a['weight-decay'] !== null) hyper.weight_decay = a['weight-decay'];
    const optimizer = createOptimizer(a.optimizer as string, hyper);
    const extras = scheduleExtrasFromArgs(a); // a warm-up before, reduce-on-plateau after, any of them
    const schedule = checkSchedule(
      a.schedule === 'step' ? { type: 'step', stepSize: a['step-size'], gamma: a.gamma, ...extras }
        : a.schedule === 'cosine' ? { type: 'cosine', totalSteps: a.steps, minLr: a['min-lr'], ...extras } : { type: 'constant', ...extras },
      'train --schedule',
    );
    trainer = new Trainer(model, optimizer, train, validation, trainerOptions(schedule));
  }

  trainer.model.rnn.engine = a.engine as Engine; // new or resumed, the weights are the same objects on either engine
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


function checkAddingTask(t: unknown, what: string): { name: 'adding' } & AddingTaskOptions {
  const o = t as Record<string, unknown>;
  if (o?.name !== 'adding') throw new ValueError(`${what}: expected the adding task, got ${JSON.stringify(o?.name)}`);
  for (const k of ['seqLen', 'trainSize', 'valSize', 'dataSeed']) {
    if (!Number.isInteger(o[k])) throw new ValueError(`${what}.${k}: expected an integer, got ${JSON.stringify(o[k])}`);
  }
  return o as unknown as { name: 'adding' } & AddingTaskOptions;
}
