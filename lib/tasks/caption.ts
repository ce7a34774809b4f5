/**
 * Captioning scenes of handwritten digits (caption-scenes.ts) with the Captioner: the data, training with
 * the Trainer, and the held-out scores on seen and unseen combinations.        docs: docs/use-cases.md
 *
 * Scores of a set of scenes, the model's captions (greedy or beam) against the one right caption:
 *   exact match     the fraction of captions equal to it word for word
 *   BLEU-4          corpus BLEU-4 (brevity penalty, no smoothing), as for translation
 *   slot accuracy   of the reference's slots (each digit named, in order, and the relation when there are
 *                   two or three digits: left / above / a row of three), the fraction the caption gets right;
 *                   a caption outside the grammar is read for its digits in order and its relation words
 * Sizes count in the exact match (and BLEU) but are not slots.
 */
import { ValueError } from '../kernels/tensor';
import { CellKind } from '../cells/cell-params';
import { Captioner, CaptionImage } from '../models/captioner';
import { Decoded, greedyDecode, beamSearch } from '../models/decoding';
import { Rng } from '../kernels/random';
import { Dataset } from '../training/learner';
import { createOptimizer } from '../training/optimizers';
import { CAPTION_FORMAT, CAPTION_VERSION } from '../training/caption-checkpoint';
import { Trainer, TrainerOptions } from '../training/trainer';
import { plateauWith } from '../training/schedules';
import { TrainingState } from '../training/checkpoint';
import { WordVocabulary, SPECIAL_WORDS, tokenize } from '../data/text';
import { readNumericRows } from '../data/labelled';
import { corpusBleu } from './metrics';
import { PairBatch, PairDataset, Seq2SeqLearner } from './translate-learner';
import { CAPTION_WORDS, SCENE_ROWS, SCENE_COLS, Scene, Layout, makeScenes, parseCaption, splitDigitImages } from './caption-scenes';

/** The checkpoint's task: the vocabulary and how the scenes were made. */
export interface CaptionTask {
  name: 'caption';
  vocabulary: string[];
  imageRows: number;
  pixelScale: number; // a pixel value v of the data set reads as v / pixelScale
}

/** The grammar's vocabulary (fixed: every word is known before any data is read). */
export function captionVocabulary(): WordVocabulary {
  return new WordVocabulary([...SPECIAL_WORDS, ...CAPTION_WORDS]);
}

/** The digits data set (64 pixel values and the class per row) as images and labels. */
export function readDigits(file: string): { images: Float64Array[]; labels: number[] } {
  const { rows, labels, classes } = readNumericRows(file);
  if (rows[0].length !== 64 || classes.length !== 10) throw new ValueError(`readDigits ${file}: expected rows of 64 pixel values and 10 classes (the 8×8 digits), got ${rows[0].length} values and ${classes.length} classes`);
  return { images: rows, labels: labels.map((l) => Number(classes[l])) };
}

export interface CaptionDataOptions {
  train?: number; // scenes, default 8000
  validation?: number; // default 500
  test?: number; // of each of seen and unseen, default 1000
  seed?: number; // default 1
}

export interface CaptionData {
  vocabulary: WordVocabulary;
  digits: { images: Float64Array[]; labels: number[] };
  pools: { train: number[]; validation: number[]; test: number[] }; // the digit images of each split
  train: Scene[];
  validation: Scene[];
  testSeen: Scene[];
  testUnseen: Scene[];
  images: { train: number; validation: number; test: number }; // digit images per split
}

/** The scene sets: each split's scenes from that split's digit images, test scenes seen and unseen. */
export function prepareCaptionData(digits: { images: Float64Array[]; labels: number[] }, o: CaptionDataOptions = {}): CaptionData {
  const seed = o.seed ?? 1, n = { train: o.train ?? 8000, validation: o.validation ?? 500, test: o.test ?? 1000 };
  for (const [k, v] of Object.entries(n)) if (!Number.isInteger(v) || v < 1) throw new ValueError(`prepareCaptionData ${k}: expected an integer >= 1, got ${v}`);
  const split = splitDigitImages(digits.labels, seed);
  const scenes = (pool: number[], count: number, unseen: 'exclude' | 'only', s: number) => makeScenes(digits.images, digits.labels, pool, { count, unseen, seed: s });
  return {
    vocabulary: captionVocabulary(), digits, pools: split,
    train: scenes(split.train, n.train, 'exclude', seed * 10 + 1),
    validation: scenes(split.validation, n.validation, 'exclude', seed * 10 + 2),
    testSeen: scenes(split.test, n.test, 'exclude', seed * 10 + 3),
    testUnseen: scenes(split.test, n.test, 'only', seed * 10 + 4),
    images: { train: split.train.length, validation: split.validation.length, test: split.test.length },
  };
}

/** A scene's canvas as the model reads it: 16 × 24 pixels scaled to [0, 1]. */
export function sceneImage(s: { pixels: Float64Array }): CaptionImage {
  return { rows: SCENE_ROWS, cols: SCENE_COLS, pixels: s.pixels.map((v) => v / 16) };
}

export interface CaptionOptions {
  cell?: CellKind; // default 'gru'
  bands?: number; // G, horizontal bands read as sequences of columns (a divisor of 16), default 1: whole columns
  regions?: 'columns' | 'columns+rows'; // what the decoder attends over (CAP-5), default 'columns'
  encoder?: number; // He per direction, default 64
  hidden?: number; // the decoder's H, default 128
  embedding?: number; // E, default 32
  layers?: number; // the decoder's, default 1
  lr?: number; // Adam, default 0.004
  lrDecay?: number | null; // multiply the rate by this after each epoch without a better validation loss (reduce on plateau); default null: constant
  batchSize?: number; // default 32
  epochs?: number; // default 12
  patience?: number | null; // default 3
  clip?: number; // default 5
  teacherForcing?: number; // default 1 (every row)
  freshScenes?: boolean; // default true: every training batch is new scenes (FreshScenes); false: data.train, epoch after epoch
  maxSeconds?: number | null;
  seed?: number; // default 1
  workers?: number; // default 1
  checkpointPath?: string | null;
  task?: unknown;
  onStep?: TrainerOptions['onStep'];
  onEval?: TrainerOptions['onEval'];
}

export function captionDefaults(o: CaptionOptions) {
  const r = {
    cell: o.cell ?? 'gru', bands: o.bands ?? 1, regions: o.regions ?? 'columns', encoder: o.encoder ?? 64, hidden: o.hidden ?? 128, embedding: o.embedding ?? 32, layers: o.layers ?? 1,
    lr: o.lr ?? 0.004, batchSize: o.batchSize ?? 32, epochs: o.epochs ?? 12, patience: o.patience === undefined ? 3 : o.patience,
    clip: o.clip ?? 5, teacherForcing: o.teacherForcing ?? 1, maxSeconds: o.maxSeconds ?? null, seed: o.seed ?? 1, lrDecay: o.lrDecay ?? null,
  };
  if (r.lrDecay !== null && !(r.lrDecay > 0 && r.lrDecay < 1)) throw new ValueError(`caption lrDecay: expected a factor in (0, 1), got ${r.lrDecay}`);
  for (const k of ['bands', 'encoder', 'hidden', 'embedding', 'layers', 'batchSize', 'epochs'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) throw new ValueError(`caption ${k}: expected an integer >= 1, got ${r[k]}`);
  }
  if (r.regions !== 'columns' && r.regions !== 'columns+rows') throw new ValueError(`caption regions: expected "columns" or "columns+rows", got ${JSON.stringify(r.regions)}`);
  if (!(r.teacherForcing >= 0 && r.teacherForcing <= 1)) throw new ValueError(`caption teacherForcing: expected a probability in [0, 1], got ${r.teacherForcing}`);
  return r;
}

export function buildCaptioner(vocabulary: WordVocabulary, o: CaptionOptions): Captioner {
  const r = captionDefaults(o);
  return new Captioner({
    mode: r.cell, imageRows: SCENE_ROWS, bands: r.bands, encoderSize: r.encoder, targetVocabSize: vocabulary.size,
    embeddingSize: r.embedding, hiddenSize: r.hidden, numLayers: r.layers,
    ...(r.regions === 'columns+rows' ? { regions: r.regions, imageCols: SCENE_COLS } : {}),
  }, r.seed);
}

/** Scenes as the Trainer's dataset: images and their captions (word ids ending in <eos>). */
export function captionDataset(vocabulary: WordVocabulary, scenes: readonly Scene[], teacherForcing: number): PairDataset<CaptionImage> {
  return new PairDataset({ sources: scenes.map(sceneImage), targets: scenes.map((s) => vocabulary.encode(s.caption, { eos: true })) }, teacherForcing);
}

/**
 * A Trainer for the captioner on data.train, validated on data.validation once per epoch (Adam, clipping,
 * early stopping); with `resume` (a checkpoint's training state), one that continues that run exactly.
 */
export function captionTrainer(model: Captioner, data: CaptionData, o: CaptionOptions, resume: { state: TrainingState; what: string } | null = null): Trainer<PairBatch<CaptionImage>, Captioner> {
  const r = captionDefaults(o);
  const epoch = Math.ceil(data.train.length / r.batchSize);
  const options: TrainerOptions = {
    batchSize: r.batchSize, epochs: r.epochs, maxSeconds: r.maxSeconds, patience: r.patience, seed: r.seed,
    clip: r.clip > 0 ? { maxNorm: r.clip } : null, evalEvery: epoch, workers: o.workers ?? 1,
    checkpointPath: o.checkpointPath ?? null, checkpointEvery: epoch, task: o.task ?? null, onStep: o.onStep, onEval: o.onEval,
    // Reduce on plateau with patience 0: the rate drops after every epoch that does not improve on the best.
    ...(r.lrDecay !== null ? { schedule: { type: 'constant', plateau: plateauWith(r.lrDecay, 0) } } : {}),
  };
  const learner = new Seq2SeqLearner(model, { format: CAPTION_FORMAT, format_version: CAPTION_VERSION });
  const train = o.freshScenes === false ? captionDataset(data.vocabulary, data.train, r.teacherForcing) : new FreshScenes(data, data.train.length, r.teacherForcing);
  const validation = captionDataset(data.vocabulary, data.validation, 1);
  if (resume) return Trainer.resume(learner, resume.state, train, validation, options, resume.what);
  return new Trainer(learner, createOptimizer('adam', { lr: r.lr }), train, validation, options);
}

/**
 * Training scenes made afresh for every batch, from the training split's digit images, with a seed drawn
 * from the Trainer's generator (so a run repeats under its seed, and resumes exactly). An epoch is `size`
 * scenes; no composition is shown twice, so the model cannot learn the training scenes by heart (with a
 * fixed set of 8,000 the validation loss turned up after 10 epochs). Which rows are teacher-forced is
 * drawn from the same generator.
 */
export class FreshScenes implements Dataset<PairBatch<CaptionImage>> {
  constructor(private readonly data: CaptionData, readonly size: number, private readonly teacherForcing: number) {}

  batch(indices: readonly number[], rng?: Rng): PairBatch<CaptionImage> {
    const seed = rng ? rng.int(2 ** 31) : indices[0] ?? 0; // without the Trainer's generator: repeatable by position
    const scenes = makeScenes(this.data.digits.images, this.data.digits.labels, this.data.pools.train, { count: indices.length, unseen: 'exclude', seed });
    return {
      sources: scenes.map(sceneImage), targets: scenes.map((s) => this.data.vocabulary.encode(s.caption, { eos: true })),
      forced: scenes.map(() => (rng ? rng.uniform() < this.teacherForcing : true)),
    };
  }
}

/** The slots of a caption: its digits in order, and its relation when it has two or three digits. */
export function captionSlots(caption: string): { digits: number[]; relation: Layout | null } {
  const parsed = parseCaption(caption);
  if (parsed) return { digits: parsed.digits, relation: parsed.layout === 'one' ? null : parsed.layout };
  const w = tokenize(caption);
  const relation: Layout | null = w[0] === 'three' ? 'three' : w.includes('left') ? 'left' : w.includes('above') ? 'above' : null;
  return { digits: w.filter((x) => /^[0-9]$/.test(x)).map(Number), relation };
}

/** How many of the reference's slots the caption gets right, of how many. */
export function slotMatches(reference: string, caption: string): { right: number; slots: number } {
  const ref = captionSlots(reference), hyp = captionSlots(caption);
  let right = ref.digits.filter((d, k) => hyp.digits[k] === d).length;
  let slots = ref.digits.length;
  if (ref.relation) (slots++, (right += hyp.relation === ref.relation ? 1 : 0));
  return { right, slots };
}

export interface CaptionScores {
  scenes: number;
  exactMatch: number;
  bleu4: number;
  slotAccuracy: number;
}

/** Exact match, corpus BLEU-4 and slot accuracy of `captions` against the scenes' own. */
export function scoreCaptionStrings(scenes: readonly Scene[], captions: readonly string[]): CaptionScores {
  if (captions.length !== scenes.length) throw new ValueError(`scoreCaptionStrings: ${scenes.length} scenes but ${captions.length} captions`);
  let right = 0, slots = 0;
  scenes.forEach((s, i) => {
    const m = slotMatches(s.caption, captions[i]);
    right += m.right;
    slots += m.slots;
  });
  const bleu = corpusBleu(scenes.map((s) => [tokenize(s.caption)]), captions.map(tokenize));
  return { scenes: scenes.length, exactMatch: captions.filter((c, i) => c === scenes[i].caption).length / scenes.length, bleu4: bleu.bleu, slotAccuracy: right / slots };
}

/** The model's captions of scenes: greedy in batches of 64, or beam search of width `beam`. */
export function captionScenes(model: Captioner, scenes: readonly Scene[], o: { beam?: number; maxLength?: number } = {}): Decoded[] {
  const beam = o.beam ?? 1, maxLength = o.maxLength ?? 16;
  const images = scenes.map(sceneImage), out: Decoded[] = [];
  if (beam === 1) for (let at = 0; at < images.length; at += 64) out.push(...greedyDecode(model, images.slice(at, at + 64), maxLength));
  else for (const im of images) out.push(beamSearch(model, im, { beamWidth: beam, maxLength }));
  return out;
}

/** The scores of the model's captions of `scenes`, with a few examples. */
export function scoreCaptioner(model: Captioner, vocabulary: WordVocabulary, scenes: readonly Scene[], o: { beam?: number } = {}): CaptionScores & { examples: { reference: string; output: string }[] } {
  const captions = captionScenes(model, scenes, o).map((d) => vocabulary.decode(d.words));
  return { ...scoreCaptionStrings(scenes, captions), examples: scenes.slice(0, 8).map((s, i) => ({ reference: s.caption, output: captions[i] })) };
}
