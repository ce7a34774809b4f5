#!/usr/bin/env node
/**
 * The `unrolled` command: `unrolled train | forecast | classify | predict | sample | generate-names | translate | lab | data |
 * export | import | help`.
 * Bad input ends with a one-line message naming the option or file and exit status 2; a training run
 * that fails (too many non-finite steps) ends with status 1, and so does a failed download.
 */
import { ShapeError, ValueError } from '../kernels/tensor';
import { TrainingError } from '../training/trainer';
import { DownloadError } from '../data/download';
import { runTrain, trainHelp } from './train';
import { runLabCommand, labHelp } from './lab';
import { runForecast, forecastHelp } from './forecast';
import { runClassify, classifyHelp } from './classify';
import { runPredict, predictHelp } from './predict';
import { runSample, sampleHelp } from './char-lm';
import { runGenerateNames, generateNamesHelp } from './generate-names';
import { runTranslate, translateHelp } from './translate';
import { runData, dataHelp } from './data';
import { runExport, runImport, exportHelp, importHelp } from './weights';

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
  data      the data sets the commands read: list, download (checked by sha256), verify, path
  export    a checkpoint's weights as safetensors, for PyTorch (architecture and task in its metadata)
  import    a checkpoint from safetensors weights (trained on in PyTorch, say)
  help      show this help, or \`unrolled help <command>\`

Run \`unrolled <command> --help\` for a command's options.`;

const HELP: Record<string, () => string> = { train: trainHelp, lab: labHelp, forecast: forecastHelp, classify: classifyHelp, predict: predictHelp, sample: sampleHelp, 'generate-names': generateNamesHelp, translate: translateHelp, data: dataHelp, export: exportHelp, import: importHelp };

/** Runs one command; resolves to its exit status (a download is asynchronous, the other commands are not). */
export function main(argv: string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'data':
        return runData(rest).catch(exitStatus);
      case 'export':
        return runExport(rest);
      case 'import':
        return runImport(rest);
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
    return exitStatus(err);
  }
}

/** The exit status of a command that threw: 2 for bad input, 1 for a run or a download that failed. */
function exitStatus(err: unknown): number {
  if (err instanceof ValueError || err instanceof ShapeError || err instanceof RangeError) {
    process.stderr.write(`unrolled: ${err.message}\n`);
    return 2;
  }
  if (err instanceof TrainingError || err instanceof DownloadError) {
    process.stderr.write(`unrolled: ${err.message}\n`);
    return 1;
  }
  throw err;
}

if (require.main === module) {
  Promise.resolve(main(process.argv.slice(2))).then((status) => {
    process.exitCode = status;
  });
}
