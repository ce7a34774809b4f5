#!/usr/bin/env node
/**
 * The `unrolled` command: a table of commands (COMMANDS), each one module of lib/cli with its own options
 * and help: `unrolled train | forecast | classify | predict | sample | generate-names | translate | caption | speech | listen | lab |
 * gradcheck | golden | trace | playground | bench | data | export | import | help`.
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
import { runCaption, captionHelp } from './caption';
import { runData, dataHelp } from './data';
import { runExport, runImport, exportHelp, importHelp } from './weights';
import { runGradcheck, gradcheckHelp } from './gradcheck';
import { runGolden, goldenHelp } from './golden';
import { runBench, benchHelp } from './bench';
import { runTrace, traceHelp } from './trace';
import { runPlayground, playgroundHelp } from './playground';
import { runSpeech, speechHelp } from './speech';
import { runListen, listenHelp } from './listen';
import { asCommandLine } from './flags';

interface Command {
  run(argv: string[]): number | Promise<number>;
  help(): string;
  summary: string; // one line (or two) for the usage
}

/** Every command, in the order the usage lists them. */
export const COMMANDS: Record<string, Command> = {
  train: { run: runTrain, help: trainHelp, summary: 'train on a built-in task: the adding problem (checkpoints, resume), a character language model,\na names model or a translation model' },
  forecast: { run: runForecast, help: forecastHelp, summary: 'forecast a column of a CSV file; compare with persistence, seasonal naive and the mean' },
  classify: { run: runClassify, help: classifyHelp, summary: 'classify sequences (text lines per class file, or rows of numbers); accuracy, macro-F1, confusion' },
  predict: { run: runPredict, help: predictHelp, summary: 'use a forecast or classify checkpoint: the next values, or the top classes of an input' },
  sample: { run: runSample, help: sampleHelp, summary: 'generate text from a character language model checkpoint' },
  'generate-names': { run: runGenerateNames, help: generateNamesHelp, summary: 'surnames of a given language from a conditioned character model' },
  translate: { run: runTranslate, help: translateHelp, summary: 'translate a sentence (French into English) with an encoder–decoder checkpoint' },
  caption: { run: runCaption, help: captionHelp, summary: 'caption images (scenes of handwritten digits) with attention over their columns; seen and unseen combinations' },
  speech: { run: runSpeech, help: speechHelp, summary: 'recognise spoken digits from WAV recordings (MFCC front end, bidirectional GRU), evaluated on held-out speakers' },
  listen: { run: runListen, help: listenHelp, summary: 'the digit a recogniser trained by `unrolled speech` hears in each WAV file' },
  lab: { run: runLabCommand, help: labHelp, summary: 'the gradient-flow laboratory: profiles, verdicts and charts of four cells on the adding problem' },
  gradcheck: { run: runGradcheck, help: gradcheckHelp, summary: 'check every gradient the engine computes against finite differences' },
  golden: { run: runGolden, help: goldenHelp, summary: 'run PyTorch reference cases (DIR …) through the engine and compare every number' },
  trace: { run: runTrace, help: traceHelp, summary: 'every tagged quantity of a tiny network, forward then backward, with the line that computed it' },
  playground: { run: runPlayground, help: playgroundHelp, summary: 'serve the pages where BPTT is stepped through and gradients watched live, on 127.0.0.1' },
  bench: { run: runBench, help: benchHelp, summary: 'time a training step (tanh RNN, LSTM, GRU) against the matrix kernel and TensorFlow.js' },
  data: { run: runData, help: dataHelp, summary: 'the data sets the commands read: list, download (checked by sha256), verify, path' },
  export: { run: runExport, help: exportHelp, summary: "a checkpoint's weights as safetensors, for PyTorch (architecture and task in its metadata)" },
  import: { run: runImport, help: importHelp, summary: 'a checkpoint from safetensors weights (trained on in PyTorch, say)' },
};

const USAGE = `usage: unrolled <command> [options]

commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(15)}${c.summary.replace(/\n/g, `\n${' '.repeat(17)}`)}`).join('\n')}
  help           show this help, or \`unrolled help <command>\`

Run \`unrolled <command> --help\` for a command's options.`;

/** Runs one command; resolves to its exit status (a download and the benchmark are asynchronous). */
export function main(argv: string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write((COMMANDS[rest[0]]?.help ?? (() => USAGE))() + '\n');
    return 0;
  }
  const c = COMMANDS[command];
  if (!c) {
    process.stderr.write(`unrolled: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const status = c.run(rest);
    return typeof status === 'number' ? status : status.catch(exitStatus);
  } catch (err) {
    return exitStatus(err);
  }
}

/** The exit status of a command that threw: 2 for bad input, 1 for a run or a download that failed. */
function exitStatus(err: unknown): number {
  if (err instanceof ValueError || err instanceof ShapeError || err instanceof RangeError) {
    process.stderr.write(`unrolled: ${asCommandLine(err.message)}\n`);
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
