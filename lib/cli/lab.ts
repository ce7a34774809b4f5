/** `unrolled lab`: runs the gradient-flow laboratory and prints where its report is. */
import * as os from 'os';
import * as path from 'path';
import { runLab } from '../diagnostics/lab';
import { OptionSpec, parseArgs, formatOptions } from './args';

export const LAB_OPTIONS: Record<string, OptionSpec> = {
  'seq-len': { kind: 'int', help: 'sequence length T of the adding problem', default: 100, min: 2 },
  hidden: { kind: 'int', help: 'hidden size of every model', default: 32, min: 1 },
  steps: { kind: 'int', help: 'training steps per model', default: 1500, min: 1 },
  seed: { kind: 'int', help: 'seed for weights and data', default: 1 },
  out: { kind: 'string', help: 'output folder for the report, the SVGs and summary.json', default: 'lab-report' },
  workers: { kind: 'int', help: 'threads per training run', min: 1 },
  json: { kind: 'flag', help: 'print the summary as one JSON object on the last line' },
  help: { kind: 'flag', help: 'show this help' },
};

export function labHelp(): string {
  return `usage: unrolled lab [options]

The gradient-flow laboratory on the adding problem: the temporal gradient profiles of tanh RNN, relu RNN,
LSTM and GRU at initialisation and after training, their loss curves, and a tanh RNN whose gradients
explode, without and with clipping. Writes report.html, SVG charts and summary.json.

${formatOptions(LAB_OPTIONS)}`;
}

export function runLabCommand(argv: string[]): number {
  const a = parseArgs(argv, LAB_OPTIONS, 'lab');
  if (a.help) {
    process.stdout.write(labHelp() + '\n');
    return 0;
  }
  const log = (line: string) => { if (!a.json) process.stdout.write(line + '\n'); };
  const r = runLab({
    seqLen: a['seq-len'] as number, hidden: a.hidden as number, steps: a.steps as number, seed: a.seed as number,
    out: path.resolve(a.out as string), workers: (a.workers as number | null) ?? (os.availableParallelism() >= 2 ? 2 : 1), log,
  });
  log(`\nreport: ${path.join(path.resolve(a.out as string), 'report.html')} (${r.seconds.toFixed(0)} s)`);
  if (a.json) {
    process.stdout.write(JSON.stringify({
      models: r.models.map((m) => ({ cell: m.cell, horizon: m.horizon, verdict: m.verdict.verdict, finalValLoss: m.finalValLoss })),
      exploding: { verdict: r.exploding.verdict.verdict, firstNonFinite: r.exploding.firstNonFinite, clippedNonFiniteSteps: r.exploding.clippedNonFiniteSteps },
      seconds: r.seconds, report: path.join(path.resolve(a.out as string), 'report.html'),
    }) + '\n');
  }
  return 0;
}
