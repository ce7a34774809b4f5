/**
 * `unrolled golden DIR [DIR ...]`: runs every PyTorch case file in each DIR through the engine and
 * prints, per case, the worst element-wise error of its values and of its gradients. Exit status 1
 * unless every element of every case is within tolerance (lib/diagnostics/compare.ts).
 */
import * as fs from 'fs';
import { runGoldenDir, CaseReport } from '../diagnostics/conformance';
import { VALUE_TOLERANCE, GRAD_TOLERANCE } from '../diagnostics/compare';
import { ValueError } from '../kernels/tensor';
import { OptionSpec, parseArgs, formatOptions } from './args';
import { Out } from './model-options';
import { Engine, ENGINES } from '../layers/recurrent';

export const GOLDEN_OPTIONS: Record<string, OptionSpec> = {
  engine: { kind: 'string', help: 'which engine runs the recurrent layers: fast, or textbook (lib/textbook: plain, slow, the same numbers)', default: 'fast', choices: [...ENGINES] },
  verbose: { kind: 'flag', help: 'one line per tensor of every case, not only of the failing ones' },
  help: { kind: 'flag', help: 'show this help' },
};

export function goldenHelp(): string {
  return `usage: unrolled golden DIR [DIR ...] [--engine fast|textbook] [--verbose]

PyTorch conformance: each DIR holds case files exported from PyTorch (see the FORMAT.md beside them:
RNN/LSTM/GRU forward and backward, variable lengths, optimizer steps, clipping). Every number must agree:
values within ${VALUE_TOLERANCE.abs} + ${VALUE_TOLERANCE.rel}·|torch|, gradients within ${GRAD_TOLERANCE.rel}·|torch| + ${GRAD_TOLERANCE.abs}.

${formatOptions(GOLDEN_OPTIONS)}`;
}

function caseLine(r: CaseReport, verbose: boolean): string[] {
  if (r.error) return [`${r.name.padEnd(34)} FAIL  ${r.error}`];
  const worst = (kind: 'value' | 'grad'): string => {
    const cs = r.comparisons.filter((c) => c.kind === kind);
    if (cs.length === 0) return kind === 'grad' ? '(no gradients in this case)' : '(no values in this case)';
    const rel = Math.max(...cs.map((c) => c.maxRelError));
    const abs = Math.max(...cs.map((c) => c.maxAbsError));
    return `${kind === 'value' ? 'values' : 'grads '} max|Δ| ${abs.toExponential(1)} rel ${rel.toExponential(1)}`;
  };
  const lines = [`${r.name.padEnd(34)} ${r.ok ? 'OK   ' : 'FAIL '} ${worst('value')}   ${worst('grad')}`];
  for (const c of r.comparisons) {
    if (verbose || !c.ok) lines.push(`    ${c.name.padEnd(30)} ${c.ok ? 'OK  ' : 'FAIL'}  max|Δ| ${c.maxAbsError.toExponential(2)}  max rel ${c.maxRelError.toExponential(2)}  (${c.count} values)`);
  }
  return lines;
}

export function runGolden(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, GOLDEN_OPTIONS, 'golden', true);
  if (a.help) {
    out.write(goldenHelp() + '\n');
    return 0;
  }
  const dirs = a._positional;
  if (dirs.length === 0) throw new ValueError('golden: give a folder of PyTorch case files, e.g. unrolled golden spec/fixtures/golden');
  for (const dir of dirs) if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ValueError(`golden: ${dir} is not a directory`);
  const engine = a.engine as Engine;
  const reports = dirs.map((dir) => ({ dir, reports: runGoldenDir(dir, engine) })); // every folder read before anything is printed
  out.write(`PyTorch conformance, ${engine} engine; values within ${VALUE_TOLERANCE.abs} + ${VALUE_TOLERANCE.rel}·|torch|, gradients within ${GRAD_TOLERANCE.rel}·|torch| + ${GRAD_TOLERANCE.abs}\n`);
  let cases = 0, failed = 0, worstValue = 0, worstGrad = 0;
  for (const { dir, reports: rs } of reports) {
    out.write(`\n${dir}: ${rs.length} cases\n`);
    for (const r of rs) {
      for (const line of caseLine(r, a.verbose as boolean)) out.write(line + '\n');
      cases++;
      if (!r.ok) failed++;
      for (const c of r.comparisons) {
        if (c.kind === 'value') worstValue = Math.max(worstValue, c.maxAbsError);
        else worstGrad = Math.max(worstGrad, c.maxRelError);
      }
    }
  }
  out.write(`\n${cases - failed} passed, ${failed} failed\n`);
  out.write(`worst value error ${worstValue.toExponential(2)} (absolute), worst gradient error ${worstGrad.toExponential(2)} (relative)\n`);
  out.write(failed === 0 ? 'golden: PASS\n' : 'golden: FAIL\n');
  return failed === 0 ? 0 : 1;
}
