/**
 * `unrolled classify`: trains a sequence classifier on a directory of class files (one text sample per
 * line) or on rows of numbers with the label last, and reports accuracy, macro-F1 and the confusion matrix.
 */
import { ValueError } from '../kernels/tensor';
import { readClassDirectory, textSequences, readNumericRows, numericSequences, stratifiedSplit, LabelledSequences } from '../data/labelled';
import { CharVocabulary, foldToAscii } from '../data/text';
import { fitScaler, scale } from '../data/series';
import { ClassifyResult, ClassifyTask, trainClassifier } from '../tasks/classify';
import { formatSeconds } from '../training/progress';
import { confusionMatrixChart } from '../charts/svg';
import { OptionSpec, parseArgs, formatOptions, Parsed } from './args';
import { modelOptions, outputOptions, fitOptionsFrom, attachProgress, writeOutputs, checkDataFile, registered, Out } from './model-options';
import { defaultWorkers } from './train-options';

export const CLASSIFY_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': { kind: 'string', help: 'a directory with one .txt file per class, one sample per line (default: the names data set, surnames by language)' },
  data: { kind: 'string', help: 'or a CSV (.csv or .csv.gz) of numbers per row with the label last, read as steps of --step-size values' },
  'step-size': { kind: 'int', help: 'with --data: values per time step (8 for the 8×8 digits read row by row)', min: 1 },
  'test-fraction': { kind: 'number', help: 'share of every class held out for test', default: 0.2, positive: true },
  'val-fraction': { kind: 'number', help: 'share of every class used for validation (early stopping)', default: 0.1, min: 0 },
  'class-weights': { kind: 'string', help: 'weight the loss by class: balanced counts every class the same', default: 'none', choices: ['none', 'balanced'] },
  bucket: { kind: 'flag', help: 'batches of similar lengths: less padding, faster epochs (each learns less)' },
  ...modelOptions({
    hidden: 64, batch: 64, epochs: 20, lr: 0.003, patience: 4,
    workers: { kind: 'int', help: 'threads to split each batch over (default: 2 when there are 2 cores and a batch of 16 or more)', min: 1 },
  }),
  ...outputOptions('runs/classify'),
};

export function classifyHelp(): string {
  return `usage: unrolled classify [--data-dir DIR | --data FILE.csv.gz --step-size N] [options]

Trains a many-to-one recurrent classifier on variable-length sequences, split by class (stratified,
seeded) into train, validation and test; reports accuracy, macro-F1, per-class precision / recall / F1
and the confusion matrix on the test part. Writes confusion.svg and checkpoint.json into --out;
\`unrolled predict --checkpoint FILE "Dostoevsky"\` prints the 3 most probable classes.

${formatOptions(CLASSIFY_OPTIONS)}`;
}

export function runClassify(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, CLASSIFY_OPTIONS, 'classify');
  if (a.help) {
    out.write(classifyHelp() + '\n');
    return 0;
  }
  if (a.data !== null && a['data-dir'] !== null) throw new ValueError('classify: give --data-dir (text, one file per class) or --data (numeric rows), not both');
  a.workers ??= defaultWorkers(a.batch as number);
  const { data, task, source } = loadData(a);
  const fitOpts = fitOptionsFrom(a);
  const options = {
    ...fitOpts, testFraction: a['test-fraction'] as number, valFraction: a['val-fraction'] as number,
    classWeights: a['class-weights'] as 'none' | 'balanced', bucketByLength: a.bucket as boolean,
  };
  const trainSize = Math.round(data.labels.length * (1 - options.testFraction - options.valFraction));
  const progress = attachProgress(options, a, out, Math.ceil(trainSize / (fitOpts.batchSize as number)));
  const tty = !a.json && out.isTTY === true;
  if (tty) out.write(`classifying ${data.labels.length} sequences of ${source} into ${data.classes.length} classes\n`);
  const r = trainClassifier(data, options, task);
  progress.finish();

  const chart = confusionMatrixChart({
    title: `${source}: test confusion matrix (${fitOpts.cell}, accuracy ${(100 * r.test.accuracy).toFixed(1)}%, macro-F1 ${r.test.macroF1.toFixed(3)})`,
    rowLabel: 'true class', colLabel: 'predicted class', labels: data.classes, counts: r.test.confusion,
  });
  const [chartFile, ckptFile] = writeOutputs(a.out as string, { 'confusion.svg': chart, 'checkpoint.json': JSON.stringify(r.trainer.toCheckpoint()) });
  const majority = Math.max(...r.trainCounts) / r.split.train.length;
  const summary = {
    task: 'classify', data: source, cell: fitOpts.cell, hidden: fitOpts.hidden, classes: data.classes,
    sizes: { train: r.split.train.length, validation: r.split.validation.length, test: r.split.test.length },
    classWeights: options.classWeights, epochs: r.training.epochs, steps: r.training.steps, valLoss: r.training.valLoss,
    testAccuracy: r.test.accuracy, testMacroF1: r.test.macroF1, majorityClassShare: majority,
    perClass: r.test.perClass.map((c, k) => ({ class: data.classes[k], ...c })), confusion: r.test.confusion,
    chart: chartFile, checkpoint: ckptFile, seconds: r.training.seconds,
  };
  if (!tty) {
    out.write(JSON.stringify(summary) + '\n');
    return 0;
  }
  out.write(report(r, a, data, source) + `chart: ${chartFile}\ncheckpoint: ${ckptFile} (try: unrolled predict --checkpoint ${ckptFile} ${task.input === 'text' ? '"Dostoevsky"' : '"<values>"'})\n`);
  return 0;
}

/** Reads the samples and describes how input is encoded (what the checkpoint keeps). */
function loadData(a: Parsed): { data: LabelledSequences; task: ClassifyTask; source: string } {
  if (a.data !== null) {
    const file = a.data as string;
    checkDataFile(file, 'classify --data');
    if (a['step-size'] === null) throw new ValueError('classify --step-size: with --data, say how many values make one time step (e.g. 8 for 8×8 digits read row by row)');
    const { rows, labels, classes } = readNumericRows(file);
    const stepSize = a['step-size'] as number;
    if (rows[0].length % stepSize !== 0) throw new ValueError(`classify --step-size: each row of ${file} has ${rows[0].length} values, which cannot be cut into steps of ${stepSize}; give a divisor of ${rows[0].length}`);
    // The min-max scaler is fitted on the training part of the same split trainClassifier makes.
    const split = stratifiedSplit(labels, classes.length, a['test-fraction'] as number, a['val-fraction'] as number, a.seed as number);
    const s = fitScaler('minmax', split.train.flatMap((i) => Array.from(rows[i])));
    const task: ClassifyTask = { name: 'classify', classes, input: 'numeric', stepSize, steps: rows[0].length / stepSize, scaler: { shift: s.shift, scale: s.scale } };
    return { data: numericSequences(rows, labels, classes, stepSize, (v) => scale(s, v)), task, source: file };
  }
  const dir = (a['data-dir'] as string | null) ?? registered('names', '--data-dir DIR');
  const { classes, texts, labels } = readClassDirectory(dir);
  const split = stratifiedSplit(labels, classes.length, a['test-fraction'] as number, a['val-fraction'] as number, a.seed as number);
  const vocab = CharVocabulary.fromTexts(split.train.map((i) => foldToAscii(texts[i]))); // characters seen in training
  const task: ClassifyTask = { name: 'classify', classes, input: 'text', vocabulary: vocab.toJSON(), fold: 'ascii' };
  return { data: textSequences(texts, labels, classes, vocab), task, source: dir };
}

function report(r: ClassifyResult, a: Parsed, data: LabelledSequences, source: string): string {
  const K = data.classes.length;
  const width = Math.max(8, ...data.classes.map((c) => c.length));
  const majority = Math.max(...r.trainCounts);
  const lines = [
    `${source}: ${data.labels.length} sequences, ${K} classes; train ${r.split.train.length}, validation ${r.split.validation.length}, test ${r.split.test.length} (stratified, seed ${a.seed})`,
    `imbalance: the largest class (${data.classes[r.trainCounts.indexOf(majority)]}) is ${(100 * majority / r.split.train.length).toFixed(1)}% of training, the smallest ${(100 * Math.min(...r.trainCounts) / r.split.train.length).toFixed(1)}%`
      + (r.classWeights ? '; the loss is weighted by class (balanced)' : '; --class-weights balanced weights the loss against it'),
    `${a.cell} H=${a.hidden}: ${r.training.epochs} epochs (${r.training.stoppedBy}), ${r.training.steps} steps in ${formatSeconds(r.training.seconds)}; best validation loss ${r.training.valLoss?.toFixed(4) ?? '-'}`,
    '',
    `test accuracy ${(100 * r.test.accuracy).toFixed(2)}%   macro-F1 ${r.test.macroF1.toFixed(4)}`,
    '',
    `${'class'.padEnd(width)}  precision  recall     F1  support`,
    ...r.test.perClass.map((c, k) => `${data.classes[k].padEnd(width)}  ${c.precision.toFixed(3).padStart(9)} ${c.recall.toFixed(3).padStart(7)} ${c.f1.toFixed(3).padStart(6)} ${String(c.support).padStart(8)}`),
    '',
    'confusion matrix (rows: true class, columns: predicted, in the order above)',
    ...r.test.confusion.map((row, k) => `${data.classes[k].slice(0, width).padEnd(width)} ${row.map((v) => String(v).padStart(4)).join('')}`),
  ];
  return lines.join('\n') + '\n';
}
