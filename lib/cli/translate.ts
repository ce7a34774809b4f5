/**
 * `unrolled train --task translate`: an encoder–decoder from French into English on sentence pairs, with
 * held-out loss, exact match and BLEU-4, and the loss curve (loss.svg beside the checkpoint). `unrolled translate "je suis tres fatigue ."`: a translation from
 * such a checkpoint, with its attention weights as a chart.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../kernels/tensor';
import { formatSeconds } from '../training/progress';
import { writeSeq2SeqCheckpoint, seq2seqFromJson } from '../training/seq2seq-checkpoint';
import { readCheckpointJson, checkpointTaskName } from '../training/checkpoint';
import { readPairs } from '../data/pairs';
import { WordVocabulary } from '../data/text';
import { TranslateTask, prepareTranslation, buildTranslator, trainTranslator, scoreTranslations, translate, translateDefaults } from '../tasks/translate';
import { attentionChart, lineChart } from '../diagnostics/svg';
import { OptionSpec, Parsed, parseArgs, formatOptions } from './args';
import { CELLS, Out, registered, writeOutputs } from './model-options';
import { runTrain } from './train';

export const DEFAULT_TRANSLATE_CHECKPOINT = path.join('runs', 'translate', 'checkpoint.json');

/** What `train --task translate` uses for the options it is not given. */
export const TRANSLATE_DEFAULTS: Record<string, number | string> = { cell: 'gru', hidden: 128, batch: 32, epochs: 20, patience: 5, lr: 0.001, clip: 5 };

/** Trains and scores an encoder–decoder; checkpoints at every better validation loss, metrics at the end. */
export function runTranslateTrain(a: Parsed, out: Out): number {
  for (const [k, v] of Object.entries(TRANSLATE_DEFAULTS)) if (!a._given.has(k)) a[k] = v;
  if (a.resume) throw new ValueError('train --resume: a translate run cannot be resumed (its checkpoint keeps the best weights for `unrolled translate`); start a new run');
  if (a['data-dir'] !== null) throw new ValueError('train --data-dir: translate reads one file of sentence pairs; give --data');
  const other = ['bidirectional', 'weight-decay', 'momentum', 'clip-value', 'steps', 'eval-every', 'seq-len', 'train-size', 'val-size', 'schedule', 'step-size', 'gamma', 'min-lr', 'checkpoint-every', 'workers'].filter((k) => a._given.has(k));
  if (other.length) throw new ValueError(`train ${other.map((k) => `--${k}`).join(', ')}: not an option of the translate task (it trains with Adam for --epochs, validating after each, on one thread)`);
  if (a.optimizer !== 'adam') throw new ValueError('train --optimizer: the translate task trains with adam');
  const file = (a.data as string | null) ?? registered('eng-fra', '--data FILE');
  const reverse = a.direction === 'fra-eng';
  const pairs = readPairs(file, reverse);
  const data = prepareTranslation(pairs, a['min-count'] as number);
  const checkpoint = (a.checkpoint as string | null) ?? DEFAULT_TRANSLATE_CHECKPOINT;
  const o = {
    cell: CELLS[a.cell as string], hidden: a.hidden as number, embedding: (a.embedding as number | null) ?? undefined, layers: a.layers as number,
    attention: a.attention === 'yes', lr: a.lr as number, batchSize: a.batch as number, epochs: a.epochs as number, patience: a.patience as number,
    clip: a.clip as number, teacherForcing: a['teacher-forcing'] as number, maxSeconds: (a['max-seconds'] as number | null) ?? null, seed: a.seed as number,
  };
  translateDefaults(o); // checks them before any work
  const json = (a.json as boolean) || !out.isTTY;
  const line = (obj: Record<string, unknown>, text: string) => out.write(json ? JSON.stringify(obj) + '\n' : `\r\x1b[K${text}\n`);
  const task: TranslateTask = { name: 'translate', sourceVocabulary: data.source.toJSON(), targetVocabulary: data.target.toJSON() };
  const taskJson = { ...task, data: file, direction: a.direction };
  line({ event: 'start', data: file, pairs: { train: data.train.length, validation: data.validation.length, test: data.test.length }, sourceWords: data.source.size, targetWords: data.target.size },
    `translate ${a.direction} on ${file}: ${data.train.length} training, ${data.validation.length} validation and ${data.test.length} test pairs; `
    + `${data.source.size} source and ${data.target.size} target words; ${a.cell} H=${o.hidden}${o.attention ? ' with attention' : ''}`);
  fs.mkdirSync(path.dirname(path.resolve(checkpoint)), { recursive: true });
  const model = buildTranslator(data, o);
  const batches = Math.ceil(data.train.length / o.batchSize);
  const started = Date.now();
  let lastDraw = 0, lossAvg: number | null = null, epochLoss = 0, epochSteps = 0;
  const curve: { epoch: number; train: number; validation: number }[] = []; // for loss.svg
  const result = trainTranslator(model, data, {
    ...o,
    onStep: (s) => {
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
    onEval: (e) => {
      const train = epochLoss / Math.max(1, epochSteps); // the mean over the epoch's batches
      curve.push({ epoch: e.epoch, train, validation: e.valLoss });
      epochLoss = epochSteps = 0;
      line({ event: 'eval', ...e, trainLoss: train, seconds: (Date.now() - started) / 1000 },
        `epoch ${e.epoch}: train ${train.toFixed(3)}, validation ${e.valLoss.toFixed(3)} nats/word${e.improved ? ' (best)' : ''}  ${formatSeconds((Date.now() - started) / 1000)}`);
    },
    onBest: (m) => writeSeq2SeqCheckpoint(checkpoint, m, taskJson, null),
  });
  if (!Number.isFinite(result.valLoss)) throw new ValueError('train: no epoch finished within --max-seconds, so there is no validated model; allow more time');
  const greedy = scoreTranslations(model, data, data.test);
  const beamWidth = a.beam as number;
  const beam = beamWidth > 1 ? scoreTranslations(model, data, data.test, { beam: beamWidth, loss: greedy.loss }) : null; // the loss does not depend on decoding
  const test = (s: typeof greedy) => ({ decoding: s.decoding, loss: s.loss, exactMatch: s.exactMatch, bleu: s.bleu, precisions: s.precisions, brevityPenalty: s.brevityPenalty });
  const metrics = { epochs: result.epochs, steps: result.steps, seconds: result.seconds, stoppedBy: result.stoppedBy, valLoss: result.valLoss, test: test(greedy), testBeam: beam ? test(beam) : null };
  writeSeq2SeqCheckpoint(checkpoint, model, taskJson, metrics); // the best weights again, now with their scores
  const chart = writeOutputs(path.dirname(path.resolve(checkpoint)), {
    'loss.svg': lineChart({
      title: `translate ${a.direction}, ${a.cell} H=${o.hidden}${o.attention ? ', attention' : ''}: loss per target word`, xLabel: 'epoch', yLabel: 'nats per word',
      series: [{ name: 'training (mean over the epoch)', points: curve.map((c) => [c.epoch, c.train]) }, { name: 'validation', points: curve.map((c) => [c.epoch, c.validation]) }],
    }),
  })[0];
  const summary = {
    task: 'translate', cell: a.cell, hidden: o.hidden, attention: o.attention, teacherForcing: o.teacherForcing, ...metrics,
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

export const TRANSLATE_OPTIONS: Record<string, OptionSpec> = {
  checkpoint: { kind: 'string', help: `a translate checkpoint (default ${DEFAULT_TRANSLATE_CHECKPOINT}, trained first if missing)` },
  beam: { kind: 'int', help: 'beam width; 1 is greedy decoding', default: 1, min: 1 },
  'length-penalty': { kind: 'number', help: 'beam search: divide a score by (words + 1)^this', default: 1, min: 0 },
  'max-length': { kind: 'int', help: 'longest translation, in words', default: 20, min: 1 },
  heatmap: { kind: 'string', help: 'write the attention weights of the (first) sentence as an SVG chart to this file' },
  json: { kind: 'flag', help: 'one JSON object per sentence' },
  help: { kind: 'flag', help: 'show this help' },
};

export function translateHelp(): string {
  return `usage: unrolled translate [--checkpoint FILE] [options] "SENTENCE" ["SENTENCE" ...]

Translates each sentence (French into English with the default model). The sentence is normalised as
in training: lower case, accents dropped, letters, ! and ? only. A word the model never saw is read as
<unk> (and named on stderr); a sentence with no known word is an error. Without --checkpoint it uses
${DEFAULT_TRANSLATE_CHECKPOINT}, training it first on the eng-fra data set (\`unrolled train --task translate\`,
about 40 minutes) if it is not there.

${formatOptions(TRANSLATE_OPTIONS)}`;
}

export function runTranslate(argv: string[], out: Out = process.stdout, err: Out = process.stderr): number {
  const a = parseArgs(argv, TRANSLATE_OPTIONS, 'translate', true);
  if (a.help) {
    out.write(translateHelp() + '\n');
    return 0;
  }
  const sentences = a._positional;
  if (sentences.length === 0) throw new ValueError('translate: give a sentence to translate, e.g. unrolled translate "je suis tres fatigue ."');
  let file = a.checkpoint as string | null;
  if (file === null) {
    file = DEFAULT_TRANSLATE_CHECKPOINT;
    if (!fs.existsSync(file)) {
      registered('eng-fra', '--checkpoint FILE'); // the data is there before anything is announced
      err.write(`translate: no ${file} yet; training one on the eng-fra sentence pairs first (about 40 minutes; progress below)\n`);
      runTrain(['--task', 'translate', '--checkpoint', file], err); // its progress and scores go to stderr
    }
  }
  if (!fs.existsSync(file)) throw new ValueError(`translate --checkpoint: no such file ${JSON.stringify(file)}`);
  const json = readCheckpointJson(file); // parsed once: it may be many megabytes
  const written = checkpointTaskName(json);
  if (written !== 'translate') throw new ValueError(`translate --checkpoint: ${file} was written by ${written ? `the ${JSON.stringify(written)} task` : 'a run with no task'}; translate reads translate checkpoints`);
  const { model, ckpt } = seq2seqFromJson(json, `checkpoint ${file}`);
  const task = ckpt.task as unknown as TranslateTask;
  WordVocabulary.fromJSON(task.sourceVocabulary, `checkpoint ${file}: task.sourceVocabulary`);
  const o = { beam: a.beam as number, maxLength: a['max-length'] as number, lengthPenalty: a['length-penalty'] as number };
  const results = sentences.map((s) => translate(model, task, s, o)); // every sentence checked before anything is printed
  if (a.heatmap) {
    const r = results[0];
    if (!r.attention) throw new ValueError(`translate --heatmap: ${file} has no attention (trained with --attention no), so there are no weights to draw`);
    writeOutputs(path.dirname(path.resolve(a.heatmap as string)), {
      [path.basename(a.heatmap as string)]: attentionChart({ title: `attention: ${r.input}`, sourceWords: r.sourceWords, outputWords: r.outputWords, weights: r.attention }),
    });
  }
  for (const r of results) {
    if (r.unknown.length) err.write(`translate: not in the vocabulary, read as <unk>: ${r.unknown.join(', ')}\n`);
    if (a.json) out.write(JSON.stringify({ input: r.input, output: r.output, unknown: r.unknown, logProb: r.logProb, decoding: o.beam === 1 ? 'greedy' : `beam ${o.beam}`, attention: r.attention }) + '\n');
    else out.write(r.output + '\n');
  }
  return 0;
}
