/**
 * `unrolled predict --checkpoint FILE ...`: uses a model saved by `forecast` or `classify`.
 *   forecast   the next --horizon values after the series the model was trained on (or after --data)
 *   classify   the most probable classes of each input given after the options
 */
import * as fs from 'fs';
import { ValueError, zeros } from '../kernels/tensor';
import { modelFromCheckpoint } from '../training/checkpoint';
import { parseCsv, seriesFromTable } from '../data/csv';
import { CharVocabulary, foldToAscii } from '../data/text';
import { ForecastTask, forecastNext } from '../tasks/forecast';
import { ClassifyTask, softmax, topK } from '../tasks/classify';
import { OptionSpec, parseArgs, formatOptions } from './args';
import { Out, readTaskCheckpoint } from './model-options';

export const PREDICT_OPTIONS: Record<string, OptionSpec> = {
  checkpoint: { kind: 'string', help: 'a checkpoint written by forecast or classify (required)' },
  data: { kind: 'string', help: 'forecast: forecast after the end of this CSV (same column) instead of the training series' },
  top: { kind: 'int', help: 'classify: how many classes to print', default: 3, min: 1 },
  json: { kind: 'flag', help: 'print one JSON object' },
  help: { kind: 'flag', help: 'show this help' },
};

export function predictHelp(): string {
  return `usage: unrolled predict --checkpoint FILE [options] [INPUT ...]

With a forecast checkpoint: prints the next values after the series (or after --data).
With a classify checkpoint: prints the most probable classes of every INPUT, e.g. "Dostoevsky", or for a
numeric classifier a comma-separated row of values.

${formatOptions(PREDICT_OPTIONS)}`;
}

export function runPredict(argv: string[], out: Out = process.stdout, err: Out = process.stderr): number {
  const a = parseArgs(argv, PREDICT_OPTIONS, 'predict', true);
  if (a.help) {
    out.write(predictHelp() + '\n');
    return 0;
  }
  if (a.checkpoint === null) throw new ValueError('predict --checkpoint: required; give a checkpoint written by `unrolled forecast` or `unrolled classify`');
  const file = a.checkpoint as string;
  const { ckpt, task } = readTaskCheckpoint(file, 'predict', ['forecast', 'classify'], 'checkpoints of forecast and classify');
  const model = modelFromCheckpoint(ckpt, `checkpoint ${file}`, { best: true });
  if (task.name === 'forecast') {
    const t = task as unknown as ForecastTask;
    if (a._positional.length) throw new ValueError(`predict: a forecast checkpoint takes no inputs (got ${JSON.stringify(a._positional[0])}); use --data FILE to forecast after another series`);
    let past = t.tail;
    let pastFeatures: number[][] | null = null; // null: the checkpoint's own
    if (a.data !== null) {
      const f = a.data as string;
      if (!fs.existsSync(f)) throw new ValueError(`predict --data: no such file ${JSON.stringify(f)}`);
      const table = parseCsv(fs.readFileSync(f, 'utf8'), f);
      past = seriesFromTable(table, { column: t.column }, f).values;
      pastFeatures = (t.features ?? []).map((feature) => seriesFromTable(table, { column: feature.name }, f).values);
    }
    const values = forecastNext(model, t, past, pastFeatures);
    if (a.json) out.write(JSON.stringify({ task: 'forecast', column: t.column, after: a.data ?? t.lastDate, forecast: values }) + '\n');
    else out.write(`next ${values.length} value(s) of ${t.column} after ${a.data ? `the end of ${a.data}` : t.lastDate ?? 'the series'}: ${values.map((v) => +v.toPrecision(6)).join(', ')}\n`);
    return 0;
  }
  // a classify checkpoint
  const t = task as unknown as ClassifyTask;
  if (a._positional.length === 0) throw new ValueError(`predict: give one or more inputs to classify after the options, e.g. ${t.input === 'text' ? '"Dostoevsky"' : 'a comma-separated row of values'}`);
  const results = a._positional.map((input) => {
    const x = encodeInput(t, input, err);
    const y = model.forward(x).y!; // [1,K]
    const p = softmax(Array.from({ length: y.shape[1] }, (_, k) => y.get(0, k)));
    return { input, top: topK(p, t.classes, a.top as number) };
  });
  if (a.json) out.write(JSON.stringify({ task: 'classify', results }) + '\n');
  else for (const r of results) out.write(`${r.input}\n${r.top.map((c) => `  (${c.probability.toFixed(3)}) ${c.label}`).join('\n')}\n`);
  return 0;
}

/** One input as x [T,1,F], encoded as the task's training data was. */
function encodeInput(t: ClassifyTask, input: string, err: Out) {
  if (t.input === 'text') {
    const vocab = CharVocabulary.fromJSON(t.vocabulary, 'checkpoint task.vocabulary');
    const folded = foldToAscii(input.trim());
    if (folded.length === 0) throw new ValueError(`predict: the input ${JSON.stringify(input)} is empty`);
    const unknown = vocab.unknownIn(folded);
    if (unknown.length === [...new Set(folded)].length) throw new ValueError(`predict: none of the characters of ${JSON.stringify(input)} was seen in training`);
    if (unknown.length) err.write(`predict: ${JSON.stringify(input)}: characters not seen in training, read as unknown: ${unknown.map((c) => JSON.stringify(c)).join(' ')}\n`);
    const idx = vocab.encode(folded);
    const x = zeros([idx.length, 1, vocab.size]);
    idx.forEach((k, s) => x.set(s, 0, k, 1));
    return x;
  }
  const values = input.split(',').map((v) => Number(v));
  const n = t.stepSize * t.steps;
  if (values.length !== n || values.some((v) => !Number.isFinite(v))) throw new ValueError(`predict: expected ${n} comma-separated numbers (${t.steps} steps of ${t.stepSize}), got ${JSON.stringify(input.slice(0, 40))}`);
  const x = zeros([t.steps, 1, t.stepSize]);
  values.forEach((v, k) => x.set(Math.floor(k / t.stepSize), 0, k % t.stepSize, (v - t.scaler.shift) / t.scaler.scale));
  return x;
}
