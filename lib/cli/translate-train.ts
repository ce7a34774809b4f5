/**
 * `unrolled train --task translate`: an encoder–decoder from French into English on sentence pairs, with
 * held-out loss, exact match and BLEU-4, and the loss curve (loss.svg beside the checkpoint), for
 * `unrolled translate` (lib/cli/translate.ts). Trained by the Trainer over both cores; `--resume`
 * continues a run exactly.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../kernels/tensor';
import { formatSeconds } from '../training/progress';
import { seq2seqFromJson } from '../training/seq2seq-checkpoint';
import { TrainingState, addMetrics, checkTrainingState, checkpointTaskName, readCheckpointJson } from '../training/checkpoint';
import { readPairs } from '../data/pairs';
import { TranslateTask, prepareTranslation, buildTranslator, translationTrainer, resumeTranslationTrainer, scoreTranslations, translateDefaults, TRANSLATE_RECIPE } from '../tasks/translate';
import { lineChart } from '../charts/svg';
import { Parsed } from './args';
import { CELLS, Out, registered, writeOutputs } from './model-options';
import { defaultWorkers, refuseChangesOnResume } from './train-options';

export const DEFAULT_TRANSLATE_CHECKPOINT = path.join('runs', 'translate', 'checkpoint.json');

/** What `train --task translate` uses for the options it is not given. */
const R = TRANSLATE_RECIPE;
export const TRANSLATE_DEFAULTS: Record<string, number | string> = { cell: R.cell, hidden: R.hidden, batch: R.batchSize, epochs: R.epochs, patience: R.patience, lr: R.lr, clip: R.clip };

/** Options that fix the model, the data and the training: with --resume they come from the checkpoint. */
const FROM_CHECKPOINT = ['cell', 'hidden', 'embedding', 'layers', 'attention', 'teacher-forcing', 'min-count', 'direction', 'batch', 'lr', 'clip', 'patience', 'seed', 'data'];

/** What a translate checkpoint's task holds: the vocabularies, and what it needs to rebuild its data and its training. */
interface TranslateTaskJson extends TranslateTask {
  data: string;
  direction: string;
  minCount: number;
  options: Omit<ReturnType<typeof translateDefaults>, 'epochs' | 'maxSeconds'>; // the budget may change on resume
}

/**
 * Trains and scores an encoder–decoder, or (--resume) continues a run exactly where its checkpoint left
 * off. The checkpoint is written after every epoch (the latest state, the best weights inside) and gets
 * the test scores at the end.
 */
export function runTranslateTrain(a: Parsed, out: Out): number {
  for (const [k, v] of Object.entries(TRANSLATE_DEFAULTS)) if (!a._given.has(k)) a[k] = v;
  if (a['data-dir'] !== null) throw new ValueError('train --data-dir: translate reads one file of sentence pairs; give --data');
  const other = ['bidirectional', 'weight-decay', 'momentum', 'clip-value', 'steps', 'eval-every', 'seq-len', 'train-size', 'val-size', 'schedule', 'step-size', 'gamma', 'min-lr', 'checkpoint-every', 'dropout', 'recurrent-dropout', 'tie-weights'].filter((k) => a._given.has(k));
  if (other.length) throw new ValueError(`train ${other.map((k) => `--${k}`).join(', ')}: not an option of the translate task (it trains with Adam for --epochs, validating after each)`);
  if (a.optimizer !== 'adam') throw new ValueError('train --optimizer: the translate task trains with adam');
  let resumed: { json: Record<string, unknown>; task: TranslateTaskJson } | null = null;
  if (a.resume) {
    refuseChangesOnResume(a, FROM_CHECKPOINT, 'the model, the data and the training');
    const json = readCheckpointJson(a.resume as string) as Record<string, unknown>;
    if (checkpointTaskName(json) !== 'translate') throw new ValueError(`train --resume: ${a.resume} is not a translate checkpoint`);
    resumed = { json, task: json.task as TranslateTaskJson };
  }
  const file = resumed?.task.data ?? (a.data as string | null) ?? registered('eng-fra', '--data FILE');
  const direction = resumed?.task.direction ?? (a.direction as string);
  const minCount = resumed?.task.minCount ?? (a['min-count'] as number);
  const data = prepareTranslation(readPairs(file, direction === 'fra-eng'), minCount);
  const checkpoint = (a.checkpoint as string | null) ?? (resumed ? (a.resume as string) : DEFAULT_TRANSLATE_CHECKPOINT);
  const o = resumed ? { ...resumed.task.options, epochs: a.epochs as number, maxSeconds: (a['max-seconds'] as number | null) ?? null } : translateDefaults({
    cell: CELLS[a.cell as string], hidden: a.hidden as number, embedding: (a.embedding as number | null) ?? undefined, layers: a.layers as number,
    attention: a.attention === 'yes', lr: a.lr as number, batchSize: a.batch as number, epochs: a.epochs as number, patience: a.patience as number,
    clip: a.clip as number, teacherForcing: a['teacher-forcing'] as number, maxSeconds: (a['max-seconds'] as number | null) ?? null, seed: a.seed as number,
  }); // checked before any work
  const { epochs: _e, maxSeconds: _s, ...options } = o;
  const task: TranslateTaskJson = { name: 'translate', sourceVocabulary: data.source.toJSON(), targetVocabulary: data.target.toJSON(), data: file, direction, minCount, options };
  if (resumed && JSON.stringify([task.sourceVocabulary, task.targetVocabulary]) !== JSON.stringify([resumed.task.sourceVocabulary, resumed.task.targetVocabulary])) {
    throw new ValueError(`train --resume: ${file} no longer gives the vocabularies the checkpoint was trained with; it has changed since`);
  }
  const json = (a.json as boolean) || !out.isTTY;
  const line = (obj: Record<string, unknown>, text: string) => out.write(json ? JSON.stringify(obj) + '\n' : `\r\x1b[K${text}\n`);
  line({ event: 'start', data: file, pairs: { train: data.train.length, validation: data.validation.length, test: data.test.length }, sourceWords: data.source.size, targetWords: data.target.size },
    `translate ${direction} on ${file}: ${data.train.length} training, ${data.validation.length} validation and ${data.test.length} test pairs; `
    + `${data.source.size} source and ${data.target.size} target words; ${o.cell} H=${o.hidden}${o.attention ? ' with attention' : ''}`);
  fs.mkdirSync(path.dirname(path.resolve(checkpoint)), { recursive: true });
  const batches = Math.ceil(data.train.length / o.batchSize);
  const started = Date.now();
  let lastDraw = 0, lossAvg: number | null = null, epochLoss = 0, epochSteps = 0;
  const curve: { epoch: number; train: number; validation: number }[] = []; // for loss.svg
  const run = {
    ...o, checkpointPath: checkpoint, task, workers: (a.workers as number | null) ?? defaultWorkers(o.batchSize),
    onStep: (s: { step: number; epoch: number; loss: number; applied: boolean }) => {
      if (s.applied) {
        lossAvg = lossAvg === null ? s.loss : 0.95 * lossAvg + 0.05 * s.loss;
        epochLoss += s.loss;
        epochSteps++;
      }
      else line({ event: 'non-finite', step: s.step }, `step ${s.step}: non-finite loss or gradient, skipped`);
      const now = Date.now();
      if (!json && now - lastDraw > 200) {
        lastDraw = now;
        out.write(`\repoch ${s.epoch + 1} batch ${((s.step - 1) % batches) + 1}/${batches}  loss ${lossAvg?.toFixed(3)} nats/word  ${formatSeconds((now - started) / 1000)}\x1b[K`);
      }
    },
    onEval: (e: { step: number; epoch: number; valLoss: number; bestValLoss: number; improved: boolean }) => {
      const train = epochLoss / Math.max(1, epochSteps); // the mean over the epoch's batches
      curve.push({ epoch: e.epoch, train, validation: e.valLoss });
      epochLoss = epochSteps = 0;
      line({ event: 'eval', ...e, trainLoss: train, seconds: (Date.now() - started) / 1000 },
        `epoch ${e.epoch}: train ${train.toFixed(3)}, validation ${e.valLoss.toFixed(3)} nats/word${e.improved ? ' (best)' : ''}  ${formatSeconds((Date.now() - started) / 1000)}`);
    },
  };
  let trainer;
  if (resumed) {
    const what = `checkpoint ${a.resume}`;
    checkTrainingState(resumed.json, what);
    trainer = resumeTranslationTrainer(seq2seqFromJson(resumed.json, what).model, resumed.json as unknown as TrainingState, data, run, what);
  } else {
    trainer = translationTrainer(buildTranslator(data, o), data, run);
  }
  const model = trainer.model;
  const result = trainer.run(); // the model ends at its best validated weights
  if (result.valLoss === null || !Number.isFinite(result.valLoss)) throw new ValueError('train: no epoch finished within --max-seconds, so there is no validated model; allow more time');
  const greedy = scoreTranslations(model, data, data.test);
  const beamWidth = a.beam as number;
  const beam = beamWidth > 1 ? scoreTranslations(model, data, data.test, { beam: beamWidth, loss: greedy.loss }) : null; // the loss does not depend on decoding
  const test = (s: typeof greedy) => ({ decoding: s.decoding, loss: s.loss, exactMatch: s.exactMatch, bleu: s.bleu, precisions: s.precisions, brevityPenalty: s.brevityPenalty });
  const metrics = { epochs: result.epochs, steps: result.steps, seconds: result.seconds, stoppedBy: result.stoppedBy, valLoss: result.valLoss, test: test(greedy), testBeam: beam ? test(beam) : null };
  addMetrics(checkpoint, metrics); // the run's checkpoint (latest state, best weights inside) with its scores
  const chart = writeOutputs(path.dirname(path.resolve(checkpoint)), {
    'loss.svg': lineChart({
      title: `translate ${direction}, ${o.cell} H=${o.hidden}${o.attention ? ', attention' : ''}: loss per target word`, xLabel: 'epoch', yLabel: 'nats per word',
      series: [{ name: 'training (mean over the epoch)', points: curve.map((c) => [c.epoch, c.train]) }, { name: 'validation', points: curve.map((c) => [c.epoch, c.validation]) }],
    }),
  })[0];
  const summary = {
    task: 'translate', cell: o.cell, hidden: o.hidden, attention: o.attention, teacherForcing: o.teacherForcing, ...metrics,
    testPairs: data.test.length, bleuSmoothing: 'none', examples: greedy.examples.slice(0, 5), checkpoint, lossChart: chart,
  };
  if (json) out.write(JSON.stringify(summary) + '\n');
  else {
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
    out.write(`done: ${result.epochs} epochs (${result.stoppedBy}) in ${formatSeconds(result.seconds)}; best validation ${result.valLoss.toFixed(3)} nats/word\n`);
    for (const s of [greedy, beam]) if (s) out.write(`test (${s.pairs} pairs, ${s.decoding}): loss ${s.loss.toFixed(3)} nats/word, exact match ${pct(s.exactMatch)}, BLEU-4 ${(100 * s.bleu).toFixed(1)} (no smoothing)\n`);
    for (const e of greedy.examples.slice(0, 5)) out.write(`  ${e.source}  →  ${e.output}   [${e.reference}]\n`);
    out.write(`checkpoint: ${checkpoint}; loss curve: ${chart}\n`);
  }
  return 0;
}
