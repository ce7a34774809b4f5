/**
 * `unrolled caption --train`: an image captioner trained on scenes of handwritten digits, scored on seen
 * and unseen combinations beside two baselines; `unrolled caption --image FILE.pgm`: the caption of an
 * image, with the attention of each word drawn over it.                       docs: docs/use-cases.md
 */
import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../kernels/tensor';
import { formatSeconds } from '../training/progress';
import { readCaptionerCheckpoint, captionerFromJson } from '../training/caption-checkpoint';
import { TrainingState, addMetrics, checkTrainingState, checkpointTaskName, readCheckpointJson } from '../training/checkpoint';
import { WordVocabulary } from '../data/text';
import { parsePgm, toPgm } from '../data/pgm';
import { Captioner, CaptionImage } from '../models/captioner';
import { greedyDecode, beamSearch } from '../models/decoding';
import { CaptionTask, CaptionOptions, CaptionScores, readDigits, prepareCaptionData, buildCaptioner, captionTrainer, captionDefaults, scoreCaptioner, scoreCaptionStrings, sceneImage } from '../tasks/caption';
import { mostFrequentCaption, fitTemplateCaptioner, templateCaption } from '../tasks/caption-baselines';
import { SCENE_ROWS, SCENE_COLS, Scene } from '../tasks/caption-scenes';
import { captionAttentionChart } from '../charts/caption-attention';
import { OptionSpec, parseArgs, formatOptions, Parsed } from './args';
import { CELLS, Out, registered, writeOutputs } from './model-options';
import { defaultWorkers, refuseChangesOnResume } from './train-options';

export const DEFAULT_CAPTION_CHECKPOINT = path.join('runs', 'caption', 'checkpoint.json');

export const CAPTION_OPTIONS: Record<string, OptionSpec> = {
  train: { kind: 'flag', help: 'train a captioner on scenes of digits and score it (seen and unseen combinations, baselines)' },
  image: { kind: 'string', help: 'caption this PGM image (P2 or P5, 8-bit, 16 rows, any width unless the model reads the rows)' },
  checkpoint: { kind: 'string', help: `the captioner to write (--train) or read (--image); default ${DEFAULT_CAPTION_CHECKPOINT}` },
  resume: { kind: 'string', help: '--train: continue the run of this checkpoint exactly (the model, the data and the training come from it; --epochs is the total)' },
  svg: { kind: 'string', help: '--image: draw the image with the attention of each word over it into this SVG file' },
  'black-ink': { kind: 'flag', help: '--image: the image is dark ink on a light background (default: light ink on black, as the digits data set)' },
  beam: { kind: 'int', help: 'beam width; 1 is greedy decoding', default: 1, min: 1 },
  data: { kind: 'string', help: '--train: the digits file (default: the digits data set)' },
  scenes: { kind: 'int', help: '--train: training scenes per epoch (new ones for every batch, unless --fixed-scenes)', default: 8000, min: 1 },
  'fixed-scenes': { kind: 'flag', help: '--train: train on one fixed set of --scenes scenes, epoch after epoch' },
  'val-scenes': { kind: 'int', help: '--train: validation scenes', default: 500, min: 1 },
  'test-scenes': { kind: 'int', help: '--train: test scenes of each of seen and unseen combinations', default: 1000, min: 1 },
  cell: { kind: 'string', help: 'recurrent cell (encoder and decoder)', default: 'gru', choices: Object.keys(CELLS) },
  bands: { kind: 'int', help: 'horizontal bands of the image, each read as a sequence of columns (1: whole columns; a divisor of 16)', default: 1, min: 1 },
  regions: { kind: 'string', help: 'what the decoder attends over: the columns, or the columns and the rows (a second pass reads the rows)', default: 'columns', choices: ['columns', 'columns+rows'] },
  encoder: { kind: 'int', help: "the encoder's hidden size per direction", default: 64, min: 1 },
  hidden: { kind: 'int', help: "the decoder's hidden size H", default: 128, min: 1 },
  embedding: { kind: 'int', help: 'word embedding size', default: 32, min: 1 },
  layers: { kind: 'int', help: "the decoder's layers", default: 1, min: 1 },
  lr: { kind: 'number', help: 'learning rate (Adam)', default: 0.004, positive: true },
  'lr-decay': { kind: 'number', help: 'multiply the learning rate by this after each epoch without a better validation loss (reduce on plateau; default: a constant rate)', positive: true },
  batch: { kind: 'int', help: 'mini-batch size', default: 32, min: 1 },
  epochs: { kind: 'int', help: 'at most this many passes over the training scenes', default: 12, min: 1 },
  patience: { kind: 'int', help: 'stop after this many epochs without a better validation loss', default: 3, min: 1 },
  'max-seconds': { kind: 'number', help: 'training budget in seconds', positive: true },
  seed: { kind: 'int', help: 'seed for the scenes, the weights and the shuffling', default: 1 },
  workers: { kind: 'int', help: 'threads to split each batch over (default: 2 when there are 2 cores)', min: 1 },
  json: { kind: 'flag', help: 'JSON lines; the last holds the results' },
  help: { kind: 'flag', help: 'show this help' },
};

export function captionHelp(): string {
  return `usage: unrolled caption --train [options]
       unrolled caption --image FILE.pgm [--checkpoint CK] [--svg OUT.svg] [--beam K] [--json]

--train makes scenes of 16 × 24 pixels from the 8×8 handwritten digits (one to three digits, small,
normal or large, side by side or one above the other; each split's scenes use only that split's digit
images), captions them from a small grammar ("a 3 to the left of a large 7", "a small 5 above a 2",
"three digits : a 4 , a 9 and a 1"), and trains a captioner: a bidirectional GRU along the columns of
each horizontal band of the image (with --regions columns+rows, a second one along its rows), a GRU
decoder with additive attention over those regions. Some (digit, relation, digit) combinations never
appear in training; the test reports seen and unseen combinations apart, beside the most frequent
caption and a template filled by per-position pixel classifiers. It writes the checkpoint, a few test
scenes as PGM and their attention pictures beside it.

--image captions a PGM image of 16 rows (any number of columns; 24 for a model that reads the rows)
with a trained checkpoint.

${formatOptions(CAPTION_OPTIONS)}`;
}

export function runCaption(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, CAPTION_OPTIONS, 'caption');
  if (a.help) {
    out.write(captionHelp() + '\n');
    return 0;
  }
  if (a.train && a.image !== null) throw new ValueError('caption: give --train or --image FILE.pgm, not both');
  if (a.train) return trainCaptioner(a, out);
  if (a.image !== null) return captionFile(a, out);
  throw new ValueError('caption: give --train (train and score a captioner) or --image FILE.pgm (caption an image)');
}

/** The caption of one image by a model, with each word's attention over the columns. */
function captionOf(model: Captioner, vocabulary: WordVocabulary, image: CaptionImage, beam: number): { words: string[]; caption: string; attention: number[][] } {
  const d = beam === 1 ? greedyDecode(model, [image], 16)[0] : beamSearch(model, image, { beamWidth: beam, maxLength: 16 });
  const words = d.words.map((k) => vocabulary.words[k]);
  return { words: d.ended ? [...words, '<eos>'] : words, caption: words.join(' '), attention: d.attention ?? [] };
}

function attentionSvg(title: string, image: CaptionImage, c: { words: string[]; attention: number[][] }, model: Captioner): string {
  return captionAttentionChart({
    title, rows: image.rows, cols: image.cols, pixels: image.pixels, words: c.words, attention: c.attention,
    bands: model.config.bands, rowRegions: model.rowEncoder !== null,
  });
}

function captionFile(a: Parsed, out: Out): number {
  const other = ['train', 'resume', 'data', 'scenes', 'fixed-scenes', 'val-scenes', 'test-scenes', 'cell', 'bands', 'regions', 'encoder', 'hidden', 'embedding', 'layers', 'lr', 'lr-decay', 'batch', 'epochs', 'patience', 'max-seconds', 'seed', 'workers'].filter((k) => a._given.has(k));
  if (other.length) throw new ValueError(`caption --image: ${other.map((k) => `--${k}`).join(', ')} ${other.length > 1 ? 'are' : 'is'} for --train`);
  const file = a.image as string;
  if (!fs.existsSync(file)) throw new ValueError(`caption --image: no such file ${JSON.stringify(file)}`);
  const ck = (a.checkpoint as string | null) ?? DEFAULT_CAPTION_CHECKPOINT;
  if (!fs.existsSync(ck)) throw new ValueError(`caption --checkpoint: no such file ${JSON.stringify(ck)}; train one with \`unrolled caption --train\``);
  const { model, task } = readCaptionerCheckpoint(ck);
  if (task.name !== 'caption') throw new ValueError(`caption --checkpoint: ${ck} was written by the ${JSON.stringify(task.name)} task; caption reads caption checkpoints`);
  const vocabulary = WordVocabulary.fromJSON((task as unknown as CaptionTask).vocabulary, `checkpoint ${ck}: task.vocabulary`);
  const pgm = parsePgm(fs.readFileSync(file), file, { inverted: a['black-ink'] as boolean });
  const R = model.config.imageRows;
  const C = model.config.imageCols;
  if (pgm.height !== R || (model.rowEncoder && pgm.width !== C)) {
    throw new ValueError(`caption --image: ${file} is ${pgm.height} rows × ${pgm.width} columns; the model reads images of ${R} rows (${model.rowEncoder ? `and ${C} columns: it reads the rows too` : 'any number of columns'})`);
  }
  const image: CaptionImage = { rows: pgm.height, cols: pgm.width, pixels: pgm.pixels };
  const c = captionOf(model, vocabulary, image, a.beam as number);
  if (a.svg !== null) writeFileIn(a.svg as string, attentionSvg(`${path.basename(file)}: "${c.caption}"`, image, c, model));
  if (a.json || !out.isTTY) out.write(JSON.stringify({ file, caption: c.caption }) + '\n');
  else out.write(`${file}: ${c.caption}${a.svg !== null ? `   (attention: ${a.svg})` : ''}\n`);
  return 0;
}

function writeFileIn(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}

/** What a caption checkpoint's task holds, to rebuild its data and its training on --resume. */
interface CaptionTaskJson extends CaptionTask {
  data: string;
  freshScenes: boolean;
  scenes?: { train: number; validation: number; test: number };
  options: ReturnType<typeof captionDefaults>;
}

/** Options that fix the model, the data and the training: with --resume they come from the checkpoint. */
const FROM_CHECKPOINT = ['data', 'scenes', 'fixed-scenes', 'val-scenes', 'test-scenes', 'cell', 'bands', 'regions', 'encoder', 'hidden', 'embedding', 'layers', 'lr', 'lr-decay', 'batch', 'patience', 'seed'];

/** The checkpoint to continue, checked: a caption run's, with what its data needs. */
function resumedRun(file: string): { json: Record<string, unknown>; task: CaptionTaskJson; what: string } {
  const json = readCheckpointJson(file) as Record<string, unknown>;
  if (checkpointTaskName(json) !== 'caption') throw new ValueError(`caption --resume: ${file} is not a caption checkpoint`);
  const task = json.task as CaptionTaskJson;
  if (!task.scenes) throw new ValueError(`caption --resume: ${file} does not record its numbers of scenes (it was written before runs could be resumed); train anew`);
  const what = `checkpoint ${file}`;
  checkTrainingState(json, what);
  return { json, task, what };
}

function trainCaptioner(a: Parsed, out: Out): number {
  for (const k of ['svg', 'black-ink']) if (a._given.has(k)) throw new ValueError(`caption --${k}: is for --image`);
  if (a.resume !== null) refuseChangesOnResume(a, FROM_CHECKPOINT, 'the model, the data and the training', 'caption');
  const resumed = a.resume !== null ? resumedRun(a.resume as string) : null;
  const o = resumed ? { ...resumed.task.options, epochs: a.epochs as number, maxSeconds: (a['max-seconds'] as number | null) ?? null } : captionDefaults({
    cell: CELLS[a.cell as string], bands: a.bands as number, regions: a.regions as CaptionOptions['regions'], encoder: a.encoder as number, hidden: a.hidden as number, embedding: a.embedding as number, layers: a.layers as number,
    lr: a.lr as number, lrDecay: (a['lr-decay'] as number | null) ?? null, batchSize: a.batch as number, epochs: a.epochs as number, patience: a.patience as number,
    maxSeconds: (a['max-seconds'] as number | null) ?? null, seed: a.seed as number,
  });
  const freshScenes = resumed ? resumed.task.freshScenes : !(a['fixed-scenes'] as boolean);
  const file = resumed?.task.data ?? (a.data as string | null) ?? registered('digits', '--data FILE');
  const checkpoint = (a.checkpoint as string | null) ?? (resumed ? (a.resume as string) : DEFAULT_CAPTION_CHECKPOINT);
  const counts = resumed?.task.scenes ?? { train: a.scenes as number, validation: a['val-scenes'] as number, test: a['test-scenes'] as number };
  const dir = path.dirname(path.resolve(checkpoint));
  const json = (a.json as boolean) || !out.isTTY;
  const line = (obj: Record<string, unknown>, text: string) => out.write(json ? JSON.stringify(obj) + '\n' : `\r\x1b[K${text}\n`);
  const started = Date.now();
  const data = prepareCaptionData(readDigits(file), { ...counts, seed: o.seed });
  line({ event: 'start', data: file, scenes: { train: data.train.length, validation: data.validation.length, testSeen: data.testSeen.length, testUnseen: data.testUnseen.length }, digitImages: data.images },
    `caption on ${file}: ${data.train.length} training, ${data.validation.length} validation, ${data.testSeen.length} + ${data.testUnseen.length} test scenes (seen + unseen combinations) `
    + `from ${data.images.train} / ${data.images.validation} / ${data.images.test} digit images; ${o.cell} encoder ${o.encoder}×2 over ${o.bands} band${o.bands > 1 ? 's' : ''} of columns${o.regions === 'columns+rows' ? ' and over the rows' : ''}, decoder H=${o.hidden} with attention`);
  const task: CaptionTask & Record<string, unknown> = { name: 'caption', vocabulary: data.vocabulary.toJSON(), imageRows: SCENE_ROWS, pixelScale: 16, data: file, freshScenes, scenes: counts, options: o };
  fs.mkdirSync(dir, { recursive: true });
  const batches = Math.ceil(data.train.length / o.batchSize);
  let lastDraw = 0, lossAvg: number | null = null;
  const model = resumed ? captionerFromJson(resumed.json, resumed.what).model : buildCaptioner(data.vocabulary, o); // resumed: the latest weights
  const trainer = captionTrainer(model, data, {
    ...o, freshScenes, workers: (a.workers as number | null) ?? defaultWorkers(o.batchSize), checkpointPath: checkpoint, task,
    onStep: (s) => {
      if (s.applied) lossAvg = lossAvg === null ? s.loss : 0.95 * lossAvg + 0.05 * s.loss;
      else line({ event: 'non-finite', step: s.step }, `step ${s.step}: non-finite loss or gradient, skipped`);
      const now = Date.now();
      if (!json && now - lastDraw > 200) {
        lastDraw = now;
        out.write(`\repoch ${s.epoch + 1} batch ${((s.step - 1) % batches) + 1}/${batches}  loss ${lossAvg?.toFixed(3)} nats/word  ${formatSeconds((now - started) / 1000)}\x1b[K`);
      }
    },
    onEval: (e) => line({ event: 'eval', step: e.step, epoch: trainer.counters.epoch, valLoss: e.valLoss, improved: e.improved, seconds: (Date.now() - started) / 1000 },
      `epoch ${trainer.counters.epoch}: validation ${e.valLoss.toFixed(4)} nats/word${e.improved ? ' (best)' : ''}  ${formatSeconds((Date.now() - started) / 1000)}`),
  }, resumed ? { state: resumed.json as unknown as TrainingState, what: resumed.what } : null);
  const result = trainer.run(); // ends at the best validated weights
  if (result.valLoss === null || !Number.isFinite(result.valLoss)) throw new ValueError('caption: no epoch finished within --max-seconds, so there is no validated model; allow more time');
  const beam = a.beam as number;
  const seen = scoreCaptioner(model, data.vocabulary, data.testSeen, { beam }), unseen = scoreCaptioner(model, data.vocabulary, data.testUnseen, { beam });
  const frequent = mostFrequentCaption(data.train);
  const template = fitTemplateCaptioner(data.train, { seed: o.seed });
  const baseline = (f: (s: Scene) => string) => ({ seen: scoreCaptionStrings(data.testSeen, data.testSeen.map(f)), unseen: scoreCaptionStrings(data.testUnseen, data.testUnseen.map(f)) });
  const baselines = { mostFrequent: { caption: frequent, ...baseline(() => frequent) }, template: baseline((s) => templateCaption(template, s.pixels)) };
  const scores = (s: CaptionScores) => ({ exactMatch: s.exactMatch, bleu4: s.bleu4, slotAccuracy: s.slotAccuracy, scenes: s.scenes });
  const seconds = (Date.now() - started) / 1000;
  addMetrics(checkpoint, { epochs: result.epochs, steps: result.steps, valLoss: result.valLoss, trainSeconds: result.seconds, seen: scores(seen), unseen: scores(unseen), baselines });
  // A few test scenes as PGM images and their attention pictures, beside the checkpoint.
  const examples = [...data.testSeen.slice(0, 3).map((s, i) => ({ s, name: `seen-${i + 1}` })), ...data.testUnseen.slice(0, 3).map((s, i) => ({ s, name: `unseen-${i + 1}` }))];
  const files: Record<string, string> = {};
  for (const { s, name } of examples) {
    const image = sceneImage(s), c = captionOf(model, data.vocabulary, image, beam);
    fs.writeFileSync(path.join(dir, `${name}.pgm`), toPgm({ width: SCENE_COLS, height: SCENE_ROWS, pixels: image.pixels }, s.caption));
    files[`${name}-attention.svg`] = attentionSvg(`${name}: "${c.caption}" (reference: "${s.caption}")`, image, c, model);
  }
  const charts = writeOutputs(dir, files);
  const summary = {
    task: 'caption', seen: scores(seen), unseen: scores(unseen), baselines, seconds,
    epochs: result.epochs, stoppedBy: result.stoppedBy, valLoss: result.valLoss, decoding: beam === 1 ? 'greedy' : `beam ${beam}`,
    examples: { seen: seen.examples.slice(0, 5), unseen: unseen.examples.slice(0, 5) }, checkpoint, charts,
  };
  if (json) out.write(JSON.stringify(summary) + '\n');
  else {
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`.padStart(8);
    const row = (name: string, s: { seen: CaptionScores; unseen: CaptionScores }) => out.write(`${name.padEnd(26)}${pct(s.seen.exactMatch)}${pct(s.unseen.exactMatch)}${(100 * s.seen.bleu4).toFixed(1).padStart(8)}${(100 * s.unseen.bleu4).toFixed(1).padStart(8)}${pct(s.seen.slotAccuracy)}${pct(s.unseen.slotAccuracy)}\n`);
    out.write(`done: ${result.epochs} epochs (${result.stoppedBy}), best validation ${result.valLoss.toFixed(4)} nats/word; ${formatSeconds(seconds)} in all\n`);
    out.write(`${''.padEnd(26)}${'exact match'.padStart(16)}${'BLEU-4'.padStart(16)}${'slot accuracy'.padStart(16)}\n${''.padEnd(26)}${'   seen  unseen'.repeat(3)}\n`);
    row(`captioner (${summary.decoding})`, { seen, unseen });
    row('template + classifiers', baselines.template);
    row('most frequent caption', baselines.mostFrequent);
    for (const e of unseen.examples.slice(0, 4)) out.write(`  unseen: ${e.output}   [${e.reference}]\n`);
    out.write(`checkpoint: ${checkpoint}; example scenes and attention pictures: ${charts.map((c) => path.basename(c)).join(', ')} in ${dir}\n`);
  }
  return 0;
}
