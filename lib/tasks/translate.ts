/**
 * Translating short French sentences into English with an encoder–decoder (sequence to sequence), as
 * PyTorch's tutorial "Translation with a Sequence to Sequence Network and Attention", measured on
 * held-out pairs.                                                             docs: docs/use-cases.md
 *
 * Split, by the position i of a pair in the file: i % 10 = 9 is the test part (1,144 of the eng-fra
 * data set's 11,445 pairs), i % 10 = 8 the validation part that picks the best epoch, the rest (80 %) trains. The
 * word vocabularies come from the training part only; a held-out word never seen there reads as <unk>.
 * Each row of a batch is teacher-forced with probability `teacherForcing` (the tutorial's first version:
 * 0.5), else it reads its own greedy words. Test metrics: the teacher-forced loss per target word, the
 * exact-match rate and corpus BLEU-4 of the greedy (or beam) translations against the one reference.
 */
import { ValueError } from '../kernels/tensor';
import { Rng } from '../kernels/random';
import { CellKind } from '../cells/cell-params';
import { Seq2Seq, Seq2SeqBatch } from '../models/seq2seq';
import { Decoded, greedyDecode, beamSearch } from '../models/decoding';
import { createOptimizer } from '../training/optimizers';
import { clipGradNorm, gradNorm } from '../training/clip';
import { WordVocabulary, tokenize, UNK } from '../data/text';
import { SentencePair, normalizeSentence } from '../data/pairs';
import { corpusBleu } from './metrics';

export interface TranslateTask {
  name: 'translate';
  sourceVocabulary: string[]; // WordVocabulary.toJSON()
  targetVocabulary: string[];
}

export interface TranslateData {
  source: WordVocabulary;
  target: WordVocabulary;
  train: SentencePair[];
  validation: SentencePair[];
  test: SentencePair[];
}

/** The three parts (by position in the file) and the vocabularies of the training part. */
export function prepareTranslation(pairs: readonly SentencePair[], minCount = 1): TranslateData {
  const part = (r: (i: number) => boolean) => pairs.filter((_, i) => r(i % 10));
  const train = part((m) => m < 8), validation = part((m) => m === 8), test = part((m) => m === 9);
  if (train.length === 0 || validation.length === 0 || test.length === 0) {
    throw new ValueError(`prepareTranslation pairs: ${pairs.length} sentence pairs are too few to split into train / validation / test (every 10th pair is held out twice); give at least 10`);
  }
  return {
    source: WordVocabulary.fromSentences(train.map((p) => p.source), minCount),
    target: WordVocabulary.fromSentences(train.map((p) => p.target), minCount),
    train, validation, test,
  };
}

/** The pairs as word ids, each side ending in <eos>. */
export function toBatch(data: { source: WordVocabulary; target: WordVocabulary }, pairs: readonly SentencePair[]): Seq2SeqBatch {
  return {
    sources: pairs.map((p) => data.source.encode(p.source, { eos: true })),
    targets: pairs.map((p) => data.target.encode(p.target, { eos: true })),
  };
}

export interface TranslateOptions {
  cell?: CellKind; // default 'gru', as the tutorial
  hidden?: number; // H, default 128
  embedding?: number; // E, default H
  layers?: number; // default 1
  attention?: boolean; // default true
  lr?: number; // Adam, default 0.001
  batchSize?: number; // default 32
  epochs?: number; // default 20
  patience?: number | null; // epochs without a better validation loss before stopping; default 5
  clip?: number; // global gradient-norm clipping, 0 for none; default 5
  teacherForcing?: number; // the probability that a row is teacher-forced, default 0.5
  maxSeconds?: number | null;
  seed?: number; // default 1
  onStep?: (info: { step: number; epoch: number; loss: number; lr: number; gradNorm: number; applied: boolean }) => void;
  onEval?: (info: { step: number; epoch: number; valLoss: number; bestValLoss: number; improved: boolean }) => void;
  onBest?: (model: Seq2Seq, epoch: number, valLoss: number) => void; // e.g. write a checkpoint
}

export function translateDefaults(o: TranslateOptions) {
  const hidden = o.hidden ?? 128;
  const r = {
    cell: o.cell ?? 'gru', hidden, embedding: o.embedding ?? hidden, layers: o.layers ?? 1, attention: o.attention ?? true,
    lr: o.lr ?? 0.001, batchSize: o.batchSize ?? 32, epochs: o.epochs ?? 20, patience: o.patience === undefined ? 5 : o.patience,
    clip: o.clip ?? 5, teacherForcing: o.teacherForcing ?? 0.5, maxSeconds: o.maxSeconds ?? null, seed: o.seed ?? 1,
  };
  if (!(r.teacherForcing >= 0 && r.teacherForcing <= 1)) throw new ValueError(`translateDefaults teacherForcing: expected a probability in [0, 1], got ${r.teacherForcing}`);
  for (const k of ['hidden', 'embedding', 'layers', 'batchSize', 'epochs'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) throw new ValueError(`${k}: expected an integer >= 1, got ${r[k]}`);
  }
  return r;
}

/** A new model for the data's vocabularies. */
export function buildTranslator(data: { source: WordVocabulary; target: WordVocabulary }, o: TranslateOptions): Seq2Seq {
  const r = translateDefaults(o);
  return new Seq2Seq({
    mode: r.cell, sourceVocabSize: data.source.size, targetVocabSize: data.target.size, embeddingSize: r.embedding,
    hiddenSize: r.hidden, numLayers: r.layers, attention: r.attention,
  }, r.seed);
}

export interface TranslateTrainResult {
  epochs: number;
  steps: number;
  valLoss: number; // the best, nats per target word
  seconds: number;
  stoppedBy: 'epochs' | 'patience' | 'time';
}

/** Trains `model` on data.train; it ends at the weights of its best validation loss. */
export function trainTranslator(model: Seq2Seq, data: TranslateData, o: TranslateOptions): TranslateTrainResult {
  const r = translateDefaults(o);
  const optimizer = createOptimizer('adam', { lr: r.lr });
  const rng = new Rng(r.seed);
  const train = toBatch(data, data.train);
  const started = Date.now();
  const params = model.namedParameters();
  let best = Infinity, bestWeights: Float64Array[] | null = null, sinceBest = 0, step = 0, epoch = 0;
  let stoppedBy: TranslateTrainResult['stoppedBy'] = 'epochs';
  const outOfTime = () => r.maxSeconds !== null && (Date.now() - started) / 1000 >= r.maxSeconds;
  while (epoch < r.epochs && stoppedBy === 'epochs') {
    const order = rng.permutation(data.train.length);
    for (let at = 0; at < order.length; at += r.batchSize) {
      if (outOfTime()) {
        stoppedBy = 'time';
        break;
      }
      const idx = Array.from(order.slice(at, at + r.batchSize));
      const batch = { sources: idx.map((i) => train.sources[i]), targets: idx.map((i) => train.targets[i]) };
      const forced = idx.map(() => rng.uniform() < r.teacherForcing);
      model.zeroGrad();
      const { loss } = model.loss(batch, { forced, backward: true });
      const norm = r.clip > 0 ? clipGradNorm(params, r.clip).normBefore : gradNorm(params);
      const applied = Number.isFinite(loss) && Number.isFinite(norm); // a non-finite step never reaches the weights
      if (applied) optimizer.step(params);
      step++;
      o.onStep?.({ step, epoch, loss, lr: r.lr, gradNorm: norm, applied });
    }
    if (stoppedBy === 'time' && bestWeights) break; // a part-epoch is not validated once there is a best
    epoch++;
    const valLoss = evaluateLoss(model, data, data.validation);
    const improved = valLoss < best;
    if (improved) {
      best = valLoss;
      bestWeights = params.map((p) => Float64Array.from(p.value.data));
      sinceBest = 0;
      o.onBest?.(model, epoch, valLoss);
    } else sinceBest++;
    o.onEval?.({ step, epoch, valLoss, bestValLoss: best, improved });
    if (r.patience !== null && sinceBest >= r.patience) stoppedBy = 'patience';
    if (stoppedBy === 'epochs' && outOfTime()) stoppedBy = 'time';
  }
  if (bestWeights) params.forEach((p, k) => p.value.data.set((bestWeights as Float64Array[])[k]));
  return { epochs: epoch, steps: step, valLoss: best, seconds: (Date.now() - started) / 1000, stoppedBy };
}

/** The teacher-forced loss per target word over `pairs` (in batches of 64). */
export function evaluateLoss(model: Seq2Seq, data: { source: WordVocabulary; target: WordVocabulary }, pairs: readonly SentencePair[]): number {
  const all = toBatch(data, pairs);
  let total = 0, words = 0;
  for (let at = 0; at < pairs.length; at += 64) {
    const r = model.loss({ sources: all.sources.slice(at, at + 64), targets: all.targets.slice(at, at + 64) });
    total += r.loss * r.words;
    words += r.words;
  }
  return total / words;
}

export interface TranslationScores {
  pairs: number;
  loss: number; // nats per target word, teacher-forced
  exactMatch: number; // fraction of translations equal to the reference, word for word
  bleu: number; // corpus BLEU-4, brevity penalty, no smoothing
  precisions: number[];
  brevityPenalty: number;
  decoding: string; // 'greedy' or 'beam k'
  examples: { source: string; reference: string; output: string }[];
}

/**
 * Held-out scores of `model` on `pairs`, decoding greedily (beam 1) or with a beam of `beam`. The loss is
 * teacher-forced, the same whatever the decoding: pass it as `loss` when it is already known.
 */
export function scoreTranslations(model: Seq2Seq, data: { source: WordVocabulary; target: WordVocabulary }, pairs: readonly SentencePair[], o: { beam?: number; maxLength?: number; loss?: number } = {}): TranslationScores {
  const beam = o.beam ?? 1, maxLength = o.maxLength ?? 20;
  const { sources } = toBatch(data, pairs);
  const outputs: Decoded[] = [];
  if (beam === 1) for (let at = 0; at < pairs.length; at += 64) outputs.push(...greedyDecode(model, sources.slice(at, at + 64), maxLength));
  else for (const s of sources) outputs.push(beamSearch(model, s, { beamWidth: beam, maxLength }));
  const hypotheses = outputs.map((d) => d.words.map((k) => data.target.words[k]));
  const references = pairs.map((p) => [tokenize(p.target)]);
  const exact = hypotheses.filter((h, i) => h.join(' ') === pairs[i].target).length;
  const b = corpusBleu(references, hypotheses);
  return {
    pairs: pairs.length, loss: o.loss ?? evaluateLoss(model, data, pairs), exactMatch: exact / pairs.length, bleu: b.bleu,
    precisions: b.precisions, brevityPenalty: b.brevityPenalty, decoding: beam === 1 ? 'greedy' : `beam ${beam}`,
    examples: pairs.slice(0, 10).map((p, i) => ({ source: p.source, reference: p.target, output: hypotheses[i].join(' ') })),
  };
}

export interface Translation {
  input: string; // the sentence as normalised
  sourceWords: string[]; // as the model read them (unknown words as <unk>), then <eos>
  output: string;
  outputWords: string[]; // then <eos>, if produced
  unknown: string[]; // input words not in the vocabulary, read as <unk>
  attention: number[][] | null; // [output word][source word]
  logProb: number;
}

/**
 * Translates one sentence. Words the model never saw are read as <unk> (and listed in `unknown`); a
 * sentence with no known word at all is an error.
 */
export function translate(model: Seq2Seq, task: TranslateTask, sentence: string, o: { beam?: number; maxLength?: number; lengthPenalty?: number } = {}): Translation {
  const source = WordVocabulary.fromJSON(task.sourceVocabulary, 'task.sourceVocabulary');
  const target = WordVocabulary.fromJSON(task.targetVocabulary, 'task.targetVocabulary');
  const input = normalizeSentence(sentence);
  const words = tokenize(input);
  if (words.length === 0) throw new ValueError(`translate: ${JSON.stringify(sentence)} has no words (after normalisation: lower case, letters, ! and ? only)`);
  const unknown = source.unknownIn(input);
  if (unknown.length === words.length) {
    throw new ValueError(`translate: none of the words of ${JSON.stringify(input)} is in the model's source vocabulary (${source.size - 4} words), so there is nothing to translate`);
  }
  const ids = source.encode(input, { eos: true });
  const beam = o.beam ?? 1, maxLength = o.maxLength ?? 20;
  const d = beam === 1 ? greedyDecode(model, [ids], maxLength)[0] : beamSearch(model, ids, { beamWidth: beam, maxLength, lengthPenalty: o.lengthPenalty });
  const outputWords = d.words.map((k) => target.words[k]);
  return {
    input, sourceWords: [...words.map((w) => (unknown.includes(w) ? UNK : w)), '<eos>'], output: outputWords.join(' '),
    outputWords: d.ended ? [...outputWords, '<eos>'] : outputWords, unknown, attention: d.attention, logProb: d.logProb,
  };
}
