/**
 * `unrolled generate-names --language Russian --start RUS`: names of a given origin from a character model
 * conditioned on the language. Without --checkpoint it uses runs/names-lm/checkpoint.json, training it
 * first on the registry's surnames (`unrolled train --task names-lm`) if it is not there yet.
 */
import * as fs from 'fs';
import { ValueError } from '../kernels/tensor';
import { modelFromCheckpoint } from '../training/checkpoint';
import { NamesLmTask, generateName } from '../tasks/names-lm';
import { OptionSpec, parseArgs, formatOptions } from './args';
import { Out, registered, readTaskCheckpoint } from './model-options';
import { readClassDirectory } from '../data/labelled';
import { DEFAULT_NAMES_CHECKPOINT, runNamesLmTrain } from './names-lm';
import { TRAIN_OPTIONS } from './train-options';

export const GENERATE_OPTIONS: Record<string, OptionSpec> = {
  language: { kind: 'string', help: 'the language of origin (a class file name, e.g. Russian) (required)' },
  start: { kind: 'string', help: 'start letters: one name for each (e.g. RUS)', default: 'ABC' },
  count: { kind: 'int', help: 'names per start letter (more than 1 needs --temperature > 0)', default: 1, min: 1 },
  temperature: { kind: 'number', help: 'sampling temperature; 0 takes the most probable letter, as the tutorial', default: 0, min: 0 },
  'top-k': { kind: 'int', help: 'sample among the k most probable letters only', min: 1 },
  seed: { kind: 'int', help: 'same seed, same names', default: 1 },
  'max-length': { kind: 'int', help: 'longest name', default: 20, min: 1 },
  checkpoint: { kind: 'string', help: `a names-lm checkpoint (default ${DEFAULT_NAMES_CHECKPOINT}, trained first if missing)` },
  json: { kind: 'flag', help: 'print one JSON object' },
  help: { kind: 'flag', help: 'show this help' },
};

export function generateNamesHelp(): string {
  return `usage: unrolled generate-names --language NAME [--start LETTERS] [options]

Generates surnames of a given language of origin from a character model that reads the language at
every step. Without --checkpoint it uses ${DEFAULT_NAMES_CHECKPOINT}, training it first on the
registry's surnames (the names data set; about a minute or two) if it is not there.

${formatOptions(GENERATE_OPTIONS)}`;
}

export function runGenerateNames(argv: string[], out: Out = process.stdout, err: Out = process.stderr): number {
  const a = parseArgs(argv, GENERATE_OPTIONS, 'generate-names');
  if (a.help) {
    out.write(generateNamesHelp() + '\n');
    return 0;
  }
  if (a.language === null) throw new ValueError('generate-names --language: required, e.g. --language Russian');
  if ((a.count as number) > 1 && a.temperature === 0) throw new ValueError('generate-names --count: at temperature 0 every name from a start letter is the same; give --temperature > 0 (e.g. 0.7) for several');
  let file = a.checkpoint as string | null;
  if (file === null) {
    file = DEFAULT_NAMES_CHECKPOINT;
    if (!fs.existsSync(file)) {
      const { classes } = readClassDirectory(registered('names', '--checkpoint FILE'));
      if (!classes.includes(a.language as string)) throw new ValueError(`--language: unknown language ${JSON.stringify(a.language)}; the names data set has ${classes.join(', ')}`);
      err.write(`generate-names: no ${file} yet; training one on the names data set first\n`);
      let log = '';
      runNamesLmTrain(parseArgs(['--task', 'names-lm', '--checkpoint', file, '--json'], TRAIN_OPTIONS, 'train'), { write: (s: string) => (log += s) });
      err.write(log.trim().split('\n').pop() + '\n');
    }
  }
  const { ckpt, task: t } = readTaskCheckpoint(file, 'generate-names', ['names-lm'], 'names-lm checkpoints');
  const task = t as unknown as NamesLmTask;
  const model = modelFromCheckpoint(ckpt, `checkpoint ${file}`, { best: true });
  const names: { start: string; names: string[] }[] = [];
  let seed = a.seed as number;
  for (const start of Array.from(a.start as string)) {
    const list: string[] = [];
    for (let n = 0; n < (a.count as number); n++) {
      list.push(generateName(model, task, {
        language: a.language as string, start, temperature: a.temperature as number, topK: (a['top-k'] as number | null) ?? null,
        seed: seed++, maxLength: a['max-length'] as number,
      }));
    }
    names.push({ start, names: list });
  }
  if (a.json) out.write(JSON.stringify({ task: 'generate-names', language: a.language, temperature: a.temperature, names }) + '\n');
  else out.write(names.map((n) => n.names.join('\n')).join('\n') + '\n');
  return 0;
}
