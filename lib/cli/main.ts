#!/usr/bin/env node
/**
 * The `unrolled` command: `unrolled train | forecast | classify | predict | sample | generate-names | translate | lab | help`.
 * Bad input ends with a one-line message naming the option or file and exit status 2; a training run
 * that fails (too many non-finite steps) ends with status 1.
 */
import { ShapeError, ValueError } from '../kernels/tensor';
import { TrainingError } from '../training/trainer';
import { runTrain, trainHelp } from './train';
import { runLabCommand, labHelp } from './lab';
import { runForecast, forecastHelp } from './forecast';
import { runClassify, classifyHelp } from './classify';
import { runPredict, predictHelp } from './predict';
import { runSample, sampleHelp } from './char-lm';
import { runGenerateNames, generateNamesHelp } from './generate-names';
import { runTranslate, translateHelp } from './translate';

const USAGE = `usage: unrolled <command> [options]

commands:
  train     train on a built-in task: the adding problem (checkpoints, resume), a character language model,
            a names model or a translation model
  forecast  forecast a column of a CSV file; compare with persistence, seasonal naive and the mean
  classify  classify sequences (text lines per class file, or rows of numbers); accuracy, macro-F1, confusion
  predict   use a forecast or classify checkpoint: the next values, or the top classes of an input
  sample    generate text from a character language model checkpoint
  generate-names  surnames of a given language from a conditioned character model
  translate  translate a sentence (French into English) with an encoder–decoder checkpoint
  lab       the gradient-flow laboratory: profiles, verdicts and charts of four cells on the adding problem
  help      show this help, or \`unrolled help <command>\`

Run \`unrolled <command> --help\` for a command's options.`;

const HELP: Record<string, () => string> = { train: trainHelp, lab: labHelp, forecast: forecastHelp, classify: classifyHelp, predict: predictHelp, sample: sampleHelp, 'generate-names': generateNamesHelp, translate: translateHelp };

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        return runTrain(rest);
      case 'lab':
        return runLabCommand(rest);
      case 'forecast':
        return runForecast(rest);
      case 'classify':
        return runClassify(rest);
      case 'predict':
        return runPredict(rest);
      case 'sample':
        return runSample(rest);
      case 'generate-names':
        return runGenerateNames(rest);
      case 'translate':
        return runTranslate(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write((HELP[rest[0]] ?? (() => USAGE))() + '\n');
        return 0;
      default:
        process.stderr.write(`unrolled: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ValueError || err instanceof ShapeError || err instanceof RangeError) {
      process.stderr.write(`unrolled: ${err.message}\n`);
      return 2;
    }
    if (err instanceof TrainingError) {
      process.stderr.write(`unrolled: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
