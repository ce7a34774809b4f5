/**
 * `unrolled trace --cell lstm --steps 3 --hidden 2 [--seed 1] [--json]`: the whole computation of a tiny
 * network, forward then backward, one tagged quantity per line, with its numbers and the line of
 * lib/textbook that computed it (lib/textbook/trace.ts says which network and which loss).
 */
import { ValueError } from '../kernels/tensor';
import * as fs from 'fs';
import { recordTrace, TraceEntry } from '../textbook/trace';
import { traceHtml } from './trace-html';
import { OptionSpec, parseArgs, formatOptions } from './args';
import { CELLS, Out } from './model-options';

export const TRACE_OPTIONS: Record<string, OptionSpec> = {
  cell: { kind: 'string', help: 'the cell', default: 'lstm', choices: Object.keys(CELLS) },
  steps: { kind: 'int', help: 'time steps T (at most 16)', default: 3, min: 1 },
  hidden: { kind: 'int', help: 'hidden size H (at most 16)', default: 2, min: 1 },
  seed: { kind: 'int', help: 'seed of the weights, inputs and targets', default: 1 },
  json: { kind: 'flag', help: 'the whole trace as one JSON object' },
  html: { kind: 'string', help: 'also write a self-contained HTML stepper to this file: forward, then backward, one tagged line at a time' },
  help: { kind: 'flag', help: 'show this help' },
};

export function traceHelp(): string {
  return `usage: unrolled trace [--cell lstm] [--steps 3] [--hidden 2] [--seed 1] [--json] [--html FILE]

Runs a tiny network through the textbook engine (one layer, input width 1, one sequence; loss
L = Σ_t ½‖h_t − y_t‖²) and prints every tagged quantity of every step, forward then backward (the reverse
loop from the last step), with its equation's tag, its shape, its values and the line that computed it.

${formatOptions(TRACE_OPTIONS)}`;
}

const numbers = (v: number[]) => v.map((x) => (x >= 0 ? ' ' : '') + x.toFixed(4)).join(' ');

function line(e: TraceEntry): string {
  const where = e.source ? `${e.source.file.replace('lib/textbook/', '')}:${e.source.line}` : '';
  return `  t=${e.t}  ${`(${e.tag})`.padEnd(10)} ${e.name.padEnd(9)} ${`[${e.shape.join(',')}]`.padEnd(6)} ${where.padEnd(12)} ${numbers(e.values)}`;
}

export function runTrace(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, TRACE_OPTIONS, 'trace');
  if (a.help) {
    out.write(traceHelp() + '\n');
    return 0;
  }
  for (const k of ['steps', 'hidden'] as const) if ((a[k] as number) > 16) throw new ValueError(`trace --${k}: expected at most 16 (a trace is for reading), got ${a[k]}`);
  const t = recordTrace({ cell: CELLS[a.cell as string], steps: a.steps as number, hidden: a.hidden as number, seed: a.seed as number });
  if (a.html) {
    fs.writeFileSync(a.html as string, traceHtml(t));
    if (!a.json) out.write(`wrote ${a.html}: open it in a browser and step with ← →\n`);
  }
  if (a.json) {
    out.write(JSON.stringify(t) + '\n');
    return 0;
  }
  const { cell, steps, hidden, seed } = t.options;
  out.write(`${cell}, T = ${steps}, H = ${hidden}, I = 1, one sequence, seed ${seed}; loss L = Σ_t ½‖h_t − y_t‖² = ${t.loss.toFixed(6)}\n`);
  out.write(`x = ${numbers(t.x)}\n`);
  for (const p of t.params) out.write(`${p.name} [${p.shape.join(',')}] = ${numbers(p.values)}\n`);
  out.write('\nforward, t = 0 … T−1\n');
  for (const e of t.entries.filter((x) => x.phase === 'forward')) out.write(line(e) + '\n');
  out.write('\nbackward, from the last step: ∂ℓ_t/∂h_t = h_t − y_t, the weights\' gradients summed step by step\n');
  for (const e of t.entries.filter((x) => x.phase === 'backward')) out.write(line(e) + '\n');
  return 0;
}
