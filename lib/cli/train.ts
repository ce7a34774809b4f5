/**
 * `unrolled train`: trains a model on a built-in task, with progress and checkpoints. A dispatcher over
 * the table of tasks below: each task is one module with its own runner and defaults; the options they
 * share are in train-options.ts.
 */
import { ValueError } from '../kernels/tensor';
import { parseArgs, formatOptions, Parsed } from './args';
import { Out } from './model-options';
import { TRAIN_OPTIONS } from './train-options';
import { runAddingTrain } from './train-adding';
import { runCharLmTrain, CHAR_LM_DEFAULTS } from './char-lm';
import { runNamesLmTrain, NAMES_LM_DEFAULTS } from './names-lm';
import { runTranslateTrain, TRANSLATE_DEFAULTS } from './translate-train';

export { TRAIN_OPTIONS } from './train-options';

interface TrainTask {
  run(a: Parsed, out: Out, err: Out): number;
  defaults: Record<string, number | string> | null; // the options it sets differently from TRAIN_OPTIONS
  about: string; // for the help
}

const defaultsText = (d: Record<string, number | string>) => Object.entries(d).map(([k, v]) => `--${k} ${v}`).join(', ');

export const TRAIN_TASKS: Record<string, TrainTask> = {
  adding: {
    run: runAddingTrain,
    defaults: null,
    about: `the adding problem (Hochreiter & Schmidhuber, 1997). Each step carries a value from U(0,1)
and a marker; two steps are marked, one in each half; the target is their sum. Always answering 1
scores MSE 0.167; an LSTM that solves it reaches below 0.01. Checkpoints and --resume.`,
  },
  'char-lm': {
    run: (a, out) => runCharLmTrain(a, out),
    defaults: CHAR_LM_DEFAULTS,
    about: `a character language model on --data (default: the tinyshakespeare data set), the last 10 % held
out; truncated BPTT over ${CHAR_LM_DEFAULTS.batch} parallel streams with the state carried across chunks.`,
  },
  'names-lm': {
    run: (a, out) => {
      runNamesLmTrain(a, out);
      return 0;
    },
    defaults: NAMES_LM_DEFAULTS,
    about: `a character model of names conditioned on their language (--data-dir, default: the names data set),
for \`unrolled generate-names\`; checkpoint runs/names-lm/checkpoint.json unless --checkpoint.`,
  },
  translate: {
    run: (a, out) => runTranslateTrain(a, out),
    defaults: TRANSLATE_DEFAULTS,
    about: `an encoder–decoder from French into English on sentence pairs (--data, default: the eng-fra
data set); every 10th pair is validation, every 10th test; reports the test loss, exact match and
BLEU-4; checkpoint runs/translate/checkpoint.json unless --checkpoint, for \`unrolled translate\`.`,
  },
};

export function trainHelp(): string {
  const tasks = Object.entries(TRAIN_TASKS)
    .map(([name, t]) => `${name}: ${t.about}${t.defaults ? `\nIts defaults: ${defaultsText(t.defaults)}.` : ''}`)
    .join('\n');
  return `usage: unrolled train [options]

Trains a recurrent network on a built-in task (--task) and reports training and validation loss.
${tasks}

${formatOptions(TRAIN_OPTIONS)}`;
}

export function runTrain(argv: string[], out: Out = process.stdout, err: Out = process.stderr): number {
  const a = parseArgs(argv, TRAIN_OPTIONS, 'train');
  if (a.help) {
    out.write(trainHelp() + '\n');
    return 0;
  }
  const task = TRAIN_TASKS[a.task as string];
  if (!task) throw new ValueError(`train --task: expected one of ${Object.keys(TRAIN_TASKS).join(', ')}, got ${JSON.stringify(a.task)}`);
  if (a.engine === 'textbook') {
    if (a.task !== 'adding' && a.task !== 'char-lm') throw new ValueError(`train --engine textbook: the ${a.task} task runs on the fast engine only; the textbook engine trains the adding and char-lm models`);
    err.write('train: the textbook engine (lib/textbook) runs every product as a plain triple loop and allocates at every step, for reading and checking: expect it to be about 5 times slower than the fast engine\n');
  }
  return task.run(a, out, err);
}
