/**
 * `unrolled translate "je suis tres fatigue ."`: a translation from a checkpoint of
 * `unrolled train --task translate` (lib/cli/translate-train.ts), with its attention weights as a chart.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../kernels/tensor';
import { seq2seqFromJson } from '../training/seq2seq-checkpoint';
import { readCheckpointJson, checkpointTaskName } from '../training/checkpoint';
import { WordVocabulary } from '../data/text';
import { TranslateTask, translate } from '../tasks/translate';
import { attentionChart } from '../charts/svg';
import { OptionSpec, parseArgs, formatOptions } from './args';
import { Out, registered, writeOutputs } from './model-options';
import { TRAIN_OPTIONS } from './train-options';
import { DEFAULT_TRANSLATE_CHECKPOINT, runTranslateTrain } from './translate-train';

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
about 15 minutes) if it is not there.

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
      err.write(`translate: no ${file} yet; training one on the eng-fra sentence pairs first (about 15 minutes; progress below)\n`);
      runTranslateTrain(parseArgs(['--task', 'translate', '--checkpoint', file], TRAIN_OPTIONS, 'train'), err); // its progress and scores go to stderr
    }
  }
  if (!fs.existsSync(file)) throw new ValueError(`translate --checkpoint: no such file ${JSON.stringify(file)}`);
  const json = readCheckpointJson(file); // parsed once: it may be many megabytes
  const written = checkpointTaskName(json);
  if (written !== 'translate') throw new ValueError(`translate --checkpoint: ${file} was written by ${written ? `the ${JSON.stringify(written)} task` : 'a run with no task'}; translate reads translate checkpoints`);
  const { model, ckpt } = seq2seqFromJson(json, `checkpoint ${file}`, { best: true }); // the best validated weights
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
