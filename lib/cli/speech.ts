/**
 * `unrolled speech --task digits`: a recurrent recogniser of spoken digits on MFCC frames, evaluated on
 * the data set's official split and speaker-independently (each speaker held out in turn), then trained
 * on every speaker given for the checkpoint that `unrolled listen` reads.           docs: docs/speech.md
 */
import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../kernels/tensor';
import { confusionMatrixChart } from '../charts/svg';
import { readSpokenDigits, speakersOf, Utterance, Normalization } from '../tasks/speech-data';
import { DigitsOptions, DIGITS_RECIPE, trainDigits, speakerEvaluation } from '../tasks/speech-digits';
import { ClassMetrics } from '../tasks/metrics';
import { SPEECH_DEFAULTS } from '../audio/features';
import { OptionSpec, parseArgs, formatOptions, Parsed } from './args';
import { CELLS, Out, registered, writeOutputs, DROPOUT_OPTIONS, dropoutFromArgs } from './model-options';
import { defaultWorkers } from './train-options';
import { runSequenceTask } from './speech-sequence';
import { SEQUENCE_RECIPE, CONNECTED_DEFAULTS } from '../tasks/speech-sequences';
import { ADAPT_RECIPE } from '../tasks/speech-adapt';

export const SPEECH_OPTIONS: Record<string, OptionSpec> = {
  task: { kind: 'string', help: 'digits: one spoken digit per recording (many-to-one); sequence: 2–7 connected digits read with CTC', default: 'digits', choices: ['digits', 'sequence'] },
  utterances: { kind: 'int', help: 'sequence: connected utterances made for each training run', default: 2000, min: 1 },
  'test-utterances': { kind: 'int', help: 'sequence: connected utterances of each held-out speaker', default: 300, min: 1 },
  'train-digits': { kind: 'string', help: `sequence: the fewest and most digits of a training utterance, MIN-MAX (default: ${SEQUENCE_RECIPE.trainDigits.join('-')}; the held-out speakers' have ${CONNECTED_DEFAULTS.minDigits}-${CONNECTED_DEFAULTS.maxDigits})` },
  data: { kind: 'string', help: 'a folder of {digit}_{speaker}_{index}.wav recordings (default: the fsdd data set)' },
  speakers: { kind: 'string', help: 'only these speakers, comma-separated (default: every speaker in the folder)' },
  checkpoint: { kind: 'string', help: 'where to write the final model (default: OUT/checkpoint.json)' },
  'final-only': { kind: 'flag', help: 'skip the evaluation; spend the whole budget on the final model' },
  adapt: { kind: 'number', help: `sequence: the share of each held-out run's budget spent learning the held-out voice from its own speech, without its labels: the utterances the model is sure of, labelled with what it heard, join the training ones; 0: none (default: ${ADAPT_RECIPE.share})`, min: 0 },
  ensemble: { kind: 'int', help: 'sequence: train this many models per run, each from its own seed, and read with them together (the labelling with the highest product of their probabilities); the final models go to CK, CK-2.json, …', default: 1, min: 1 },
  cell: { kind: 'string', help: 'recurrent cell', default: 'gru', choices: Object.keys(CELLS) },
  hidden: { kind: 'int', help: `hidden size H per direction (default: ${DIGITS_RECIPE.hidden} for digits, ${SEQUENCE_RECIPE.hidden} for sequence)`, min: 1 },
  layers: { kind: 'int', help: 'stacked layers', default: 1, min: 1 },
  unidirectional: { kind: 'flag', help: 'one direction only (default: bidirectional)' },
  stack: { kind: 'int', help: `frames of 10 ms the network reads per step, side by side (default: ${DIGITS_RECIPE.stack} for digits, ${SEQUENCE_RECIPE.stack} for sequence)`, min: 1 },
  head: { kind: 'string', help: 'how the classifier reads the frames: their mean, or the last one', default: 'mean', choices: ['mean', 'last'] },
  normalize: { kind: 'string', help: `what the features are normalised by: each speaker's statistics over all their recordings (a held-out voice's from its own recordings, without labels), or each recording's own (default: ${DIGITS_RECIPE.normalize} for digits, ${SEQUENCE_RECIPE.normalize} for sequence)`, choices: ['speaker', 'utterance'] },
  'no-augment': { kind: 'flag', help: 'train on the plain recordings (no speed, noise, shift or masking)' },
  lr: { kind: 'number', help: 'learning rate (Adam)', default: 0.003, positive: true },
  'lr-decay': { kind: 'number', help: `multiply the learning rate by this after each epoch without a better validation loss; 1: a constant rate (default: ${DIGITS_RECIPE.lrDecay} for digits, ${SEQUENCE_RECIPE.lrDecay} for sequence)`, positive: true },
  batch: { kind: 'int', help: 'mini-batch size', default: 32, min: 1 },
  epochs: { kind: 'int', help: 'at most this many passes over the training part, per run', default: 20, min: 1 },
  patience: { kind: 'int', help: 'stop a run after this many epochs without a better validation loss', default: 5, min: 1 },
  'max-seconds': { kind: 'number', help: 'the whole command\'s training budget, shared equally by its runs', positive: true },
  seed: { kind: 'int', help: 'seed for the weights, the shuffling and the augmentation', default: 1 },
  workers: { kind: 'int', help: 'threads to split each batch over (default: 2 when there are 2 cores)', min: 1 },
  ...DROPOUT_OPTIONS,
  dropout: { ...DROPOUT_OPTIONS.dropout, help: `${DROPOUT_OPTIONS.dropout.help} (default: ${DIGITS_RECIPE.dropout} for digits, ${SEQUENCE_RECIPE.dropout} for sequence)`, default: undefined },
  out: { kind: 'string', help: 'directory for the confusion charts and the checkpoint', default: 'runs/speech' },
  json: { kind: 'flag', help: 'one JSON line per run; the last line holds the results' },
  help: { kind: 'flag', help: 'show this help' },
};

export function speechHelp(): string {
  return `usage: unrolled speech --task digits|sequence [options]

Recognises spoken digits from 8 kHz recordings: MFCC frames (13 coefficients and their deltas,
normalised per speaker or per recording) into a bidirectional GRU.
  digits    one digit per recording: the mean of the GRU's outputs over the frames is classified.
            Measured on the official split (recordings 0–4 of every speaker held out) and with each
            speaker held out in turn (a recogniser of voices it has never heard).
  sequence  2–7 digits per utterance, made by joining recordings of one speaker with quiet gaps: every
            frame is classified into the blank and the ten digits and trained with CTC; measured by the
            digit error rate and whole-sequence accuracy with each speaker held out in turn.
Then trains on every speaker for the checkpoint. \`unrolled listen --checkpoint CK FILE.wav\` says what
it hears in a recording.

${formatOptions(SPEECH_OPTIONS)}`;
}

interface RunReport { label: string; accuracy: number; macroF1: number; epochs: number; seconds: number }

export function runSpeech(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, SPEECH_OPTIONS, 'speech');
  if (a.help) {
    out.write(speechHelp() + '\n');
    return 0;
  }
  const decay = a['lr-decay'] as number | null;
  if (decay !== null && !(decay <= 1)) throw new ValueError(`speech --lr-decay: expected a factor in (0, 1], got ${decay}`);
  const trainLengths = trainDigitsOf(a['train-digits'] as string | null); // checked before the recordings are read
  if (a.task !== 'sequence' && (a.ensemble as number) > 1) throw new ValueError(`speech --ensemble: only for --task sequence (got --task ${a.task} with --ensemble ${a.ensemble})`);
  if (a.task !== 'sequence' && a.adapt !== null) throw new ValueError(`speech --adapt: only for --task sequence (got --task ${a.task} with --adapt ${a.adapt})`);
  if (a.adapt !== null && !((a.adapt as number) < 1)) throw new ValueError(`speech --adapt: expected a share of the budget in [0, 1), got ${a.adapt}`);
  const dir = (a.data as string | null) ?? registered('fsdd', '--data DIR');
  const speakers = a.speakers === null ? null : (a.speakers as string).split(',').map((s) => s.trim()).filter(Boolean);
  const utts = readSpokenDigits(dir, speakers, (note) => process.stderr.write(note + '\n'));
  const found = speakersOf(utts);
  if (speakers) for (const s of speakers) if (!found.includes(s)) throw new ValueError(`speech --speakers: no recordings of ${JSON.stringify(s)} in ${dir}; it has ${found.join(', ')}`);
  const json = (a.json as boolean) || !out.isTTY;
  const finalOnly = a['final-only'] as boolean;
  const sequence = a.task === 'sequence';
  const ensemble = a.ensemble as number;
  const runs = ensemble * (finalOnly ? 1 : (sequence ? 0 : 1) + (found.length > 1 ? found.length : 0) + 1); // the sequence task has no official split
  const started = Date.now();
  const options = digitsOptions(a, runs);
  const say = (obj: Record<string, unknown>, text: string) => out.write(json ? JSON.stringify(obj) + '\n' : text + '\n');
  if (sequence) return sequenceCommand(utts, a, options, trainLengths, say, json, out, started);
  if (!json) out.write(`${utts.length} recordings of ${found.length} speaker(s) (${found.join(', ')}) from ${dir}; ${runs} training run(s)\n`);

  const reports: RunReport[] = [];
  const run = (train: number[], test: number[], label: string, checkpointPath: string | null = null) => {
    const t0 = Date.now();
    const r = trainDigits(utts, train, test, {
      ...options, checkpointPath,
      onEval: (e) => say({ run: label, step: e.step, valLoss: e.valLoss, improved: e.improved }, `  ${label}: step ${e.step}, validation loss ${e.valLoss.toFixed(4)}${e.improved ? ' (best)' : ''}`),
    }, task(utts, options.stack ?? 1, options.normalize ?? DIGITS_RECIPE.normalize));
    const seconds = (Date.now() - t0) / 1000;
    if (r.test) {
      reports.push({ label, accuracy: r.test.accuracy, macroF1: r.test.macroF1, epochs: r.training.epochs, seconds });
      say({ run: label, accuracy: r.test.accuracy, macroF1: r.test.macroF1, test: test.length, epochs: r.training.epochs, seconds },
        `${label}: accuracy ${(100 * r.test.accuracy).toFixed(1)}% on ${test.length} recordings, macro-F1 ${r.test.macroF1.toFixed(3)} (${r.training.epochs} epochs, ${seconds.toFixed(0)} s)`);
    }
    return r.test;
  };
  const evaluation = finalOnly ? null : speakerEvaluation(utts, (train, test, label) => run(train, test, label));
  const outDir = a.out as string;
  const checkpoint = checkpointPath(a);
  run(utts.map((_, i) => i), [], 'final model', checkpoint);

  const perSpeaker = evaluation ? Object.fromEntries(Object.entries(evaluation.speakers).map(([s, m]) => [s, (m as ClassMetrics).accuracy])) : {};
  const accs = Object.values(perSpeaker);
  const mean = accs.length ? accs.reduce((x, y) => x + y, 0) / accs.length : null;
  const charts = evaluation ? confusionCharts(evaluation.official as ClassMetrics, Object.values(evaluation.speakers) as ClassMetrics[]) : {};
  const files = writeOutputs(outDir, charts);
  const official = evaluation?.official ? { accuracy: (evaluation.official as ClassMetrics).accuracy, macroF1: (evaluation.official as ClassMetrics).macroF1 } : undefined;
  const result = { task: 'digits', ...(official ? { official } : {}), speakers: perSpeaker, mean, seconds: (Date.now() - started) / 1000, checkpoint, charts: files };
  if (json) {
    out.write(JSON.stringify(result) + '\n');
    return 0;
  }
  out.write(`\n${table(reports, mean)}\ncharts: ${files.join(', ') || '(none: --final-only)'}\ncheckpoint: ${checkpoint} (try: unrolled listen --checkpoint ${checkpoint} FILE.wav)\n`);
  return 0;
}

function sequenceCommand(utts: Utterance[], a: Parsed, options: CommandOptions, trainDigits: [number, number], say: (obj: Record<string, unknown>, text: string) => void, json: boolean, out: Out, started: number): number {
  const checkpoint = checkpointPath(a);
  const r = runSequenceTask(utts, {
    fit: options,
    utterances: a.utterances as number, trainDigits, testUtterances: a['test-utterances'] as number,
    finalOnly: a['final-only'] as boolean, ensemble: a.ensemble as number, adapt: (a.adapt as number | null) ?? ADAPT_RECIPE.share, checkpoint, say,
  });
  const ensemble = r.checkpoints.length > 1 ? { members: r.members, checkpoints: r.checkpoints } : {};
  const adapted = Object.keys(r.adapted).length ? { unadapted: r.unadapted, adaptedOn: r.adapted } : {};
  const result = { task: 'sequence', speakers: r.speakers, sequenceAccuracy: r.sequenceAccuracy, mean: r.mean, ...adapted, ...ensemble, seconds: (Date.now() - started) / 1000, checkpoint };
  if (json) out.write(JSON.stringify(result) + '\n');
  else out.write(`\nmean digit error rate over held-out speakers: ${r.mean === null ? 'n/a (--final-only or one speaker)' : `${(100 * r.mean).toFixed(1)}%`}\ncheckpoint: ${r.checkpoints.join(', ')} (try: unrolled listen --checkpoint ${r.checkpoints.join(',')} FILE.wav)\n`);
  return 0;
}

/** --train-digits MIN-MAX as [MIN, MAX] (the recipe's when not given). */
function trainDigitsOf(given: string | null): [number, number] {
  if (given === null) return [...SEQUENCE_RECIPE.trainDigits];
  const m = /^(\d+)-(\d+)$/.exec(given.trim());
  const [lo, hi] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(lo >= 1 && hi >= lo)) throw new ValueError(`speech --train-digits: expected MIN-MAX with 1 <= MIN <= MAX (e.g. 1-4), got ${JSON.stringify(given)}`);
  return [lo, hi];
}

/** --checkpoint, or OUT/checkpoint.json; its folder is made. */
function checkpointPath(a: Parsed): string {
  const checkpoint = (a.checkpoint as string | null) ?? path.join(a.out as string, 'checkpoint.json');
  try {
    fs.mkdirSync(path.dirname(path.resolve(checkpoint)), { recursive: true });
  } catch (err) {
    throw new ValueError(`speech --checkpoint: cannot create the folder of ${JSON.stringify(checkpoint)}: ${(err as Error).message}`);
  }
  return checkpoint;
}

/** The options of every run, each not given on the command line from the task's recipe. */
type CommandOptions = DigitsOptions & { augment: boolean; stack: number; normalize: Normalization };

function digitsOptions(a: Parsed, runs: number): CommandOptions {
  const budget = a['max-seconds'] as number | null;
  const recipe = a.task === 'sequence' ? SEQUENCE_RECIPE : DIGITS_RECIPE; // what an option not given defaults to
  return {
    cell: CELLS[a.cell as string], hidden: (a.hidden as number | null) ?? recipe.hidden, layers: a.layers as number, bidirectional: !(a.unidirectional as boolean),
    head: a.head as 'mean' | 'last', augment: !(a['no-augment'] as boolean), lr: a.lr as number, lrDecay: lrDecayOf((a['lr-decay'] as number | null) ?? recipe.lrDecay), batchSize: a.batch as number,
    epochs: a.epochs as number, patience: a.patience as number, maxSeconds: budget === null ? null : budget / runs,
    seed: a.seed as number, workers: (a.workers as number | null) ?? defaultWorkers(a.batch as number), clip: 1,
    stack: (a.stack as number | null) ?? recipe.stack,
    normalize: (a.normalize as Normalization | null) ?? recipe.normalize,
    ...dropoutFromArgs(a), ...(a.dropout === null ? { dropout: recipe.dropout } : {}),
  };
}

/** A decay factor as fit reads it: null for a constant rate (a factor of 1). */
function lrDecayOf(f: number): number | null {
  return f === 1 ? null : f;
}

/** What a checkpoint keeps to hear new recordings: the task, the classes and the front end. */
function task(utts: readonly Utterance[], stack: number, normalize: Normalization) {
  return { name: 'speech-digits', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], sampleRate: 8000, frontEnd: SPEECH_DEFAULTS, deltas: true, normalize, stack, speakers: speakersOf(utts) };
}

function confusionCharts(official: ClassMetrics, held: ClassMetrics[]): Record<string, string> {
  const labels = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  const chart = (title: string, counts: number[][]) => confusionMatrixChart({ title, rowLabel: 'spoken digit', colLabel: 'recognised as', labels, counts });
  const files: Record<string, string> = { 'confusion-official.svg': chart(`Official split: accuracy ${(100 * official.accuracy).toFixed(1)}%`, official.confusion) };
  if (held.length) {
    const sum = labels.map((_, r) => labels.map((__, c) => held.reduce((s, m) => s + m.confusion[r][c], 0)));
    const acc = held.reduce((s, m) => s + m.accuracy, 0) / held.length;
    files['confusion-speakers.svg'] = chart(`Each speaker held out in turn (summed): mean accuracy ${(100 * acc).toFixed(1)}%`, sum);
  }
  return files;
}

function table(reports: RunReport[], mean: number | null): string {
  const rows = reports.map((r) => `  ${r.label.padEnd(28)} ${(100 * r.accuracy).toFixed(1).padStart(6)}%  ${r.macroF1.toFixed(3).padStart(8)}  ${String(r.epochs).padStart(6)}  ${r.seconds.toFixed(0).padStart(6)} s`);
  return [`  ${'run'.padEnd(28)} ${'accuracy'.padStart(7)}  ${'macro-F1'.padStart(8)}  ${'epochs'.padStart(6)}  ${'time'.padStart(8)}`, ...rows,
    ...(mean === null ? [] : [`  ${'mean over held-out speakers'.padEnd(28)} ${(100 * mean).toFixed(1).padStart(6)}%`])].join('\n');
}
