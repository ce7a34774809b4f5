/**
 * `unrolled gradcheck [--filter TEXT]`: every analytic gradient of every configuration in the
 * gradient-check matrix, then of the encoder–decoder (every cell × attention × layers), against central
 * finite differences, one row per tensor. Exit status 1 if any relative error is ≥ 1e-6.
 */
import { gradcheckMatrix, configLabel, runGradcheckConfig } from '../diagnostics/gradcheck-suite';
import { seq2seqMatrix, seq2seqLabel, runSeq2SeqGradcheck, captionerMatrix, captionerLabel, runCaptionerGradcheck } from '../diagnostics/gradcheck-seq2seq';
import { GRADCHECK_THRESHOLD, GradcheckRow } from '../diagnostics/gradcheck';
import { ValueError } from '../kernels/tensor';
import * as fs from 'fs';
import { OptionSpec, Parsed, parseArgs, formatOptions } from './args';
import { Out } from './model-options';
import { MUTANTS, mutantByName, checkMutant, mutantGradcheck } from '../diagnostics/mutant-checks';

export const GRADCHECK_OPTIONS: Record<string, OptionSpec> = {
  filter: { kind: 'string', help: 'only the configurations whose label contains this text (e.g. "lstm L2")' },
  mutant: { kind: 'string', help: 'put one named mistake into the textbook engine and check its gradients (see --mutants)' },
  mutants: { kind: 'flag', help: 'every mistake of the zoo: is it caught by the gradient check? by the PyTorch cases?' },
  golden: { kind: 'string', help: 'with --mutants: the PyTorch case folders, comma-separated (default: spec/fixtures/golden,spec/fixtures/golden-packed where they exist)' },
  json: { kind: 'flag', help: 'with --mutants: the last line is one JSON object, { "mutants": [...] }' },
  help: { kind: 'flag', help: 'show this help' },
};

export function gradcheckHelp(): string {
  return `usage: unrolled gradcheck [--filter TEXT] | --mutant NAME | --mutants [--golden DIR,DIR] [--json]

Checks every gradient the engine computes against central finite differences (eps 1e-5, float64): every
cell × layers × directions × bias × objective, then the encoder–decoder. One row per tensor; a row fails
at relative error >= ${GRADCHECK_THRESHOLD.toExponential(0)}, and the command then exits with status 1.
A zoo of wrong gradients (lib/diagnostics/mutants.ts) shows what the checks catch: ${MUTANTS.map((m) => m.name).join(', ')}.

${formatOptions(GRADCHECK_OPTIONS)}`;
}

export function runGradcheck(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, GRADCHECK_OPTIONS, 'gradcheck');
  if (a.help) {
    out.write(gradcheckHelp() + '\n');
    return 0;
  }
  if (a.mutants) return runMutantTable(a, out);
  if (a.mutant) return runOneMutant(a.mutant as string, out);
  const filter = (a.filter as string | null) ?? '';
  const configs: { label: string; run: () => GradcheckRow[] }[] = [
    ...gradcheckMatrix().map((c) => ({ label: configLabel(c), run: () => runGradcheckConfig(c) })),
    ...seq2seqMatrix().map((c) => ({ label: seq2seqLabel(c), run: () => runSeq2SeqGradcheck(c) })),
    ...captionerMatrix().map((c) => ({ label: captionerLabel(c), run: () => runCaptionerGradcheck(c) })),
  ].filter((c) => c.label.includes(filter));
  if (configs.length === 0) throw new ValueError(`gradcheck --filter: no configuration matches ${JSON.stringify(filter)}`);
  out.write(`gradient check: central differences (eps 1e-5), float64; a row fails at relative error >= ${GRADCHECK_THRESHOLD.toExponential(0)}\n`);
  let failed = 0, rows = 0, worst = 0, worstRow = '';
  const started = Date.now();
  for (const c of configs) {
    for (const r of c.run()) {
      rows++;
      if (!r.ok) failed++;
      if (!(r.maxRelError <= worst)) {
        worst = r.maxRelError;
        worstRow = `${c.label} ${r.name}`;
      }
      out.write(`${c.label.padEnd(30)} ${r.name.padEnd(30)} ${r.ok ? 'OK    ' : 'FAIL  '} ${r.maxRelError.toExponential(1)}\n`);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  out.write(`\n${configs.length} configurations, ${rows} tensors, ${failed} failed; worst ${worst.toExponential(2)} (${worstRow}); ${seconds} s\n`);
  out.write(failed === 0 ? 'gradcheck: PASS\n' : 'gradcheck: FAIL\n');
  return failed === 0 ? 0 : 1;
}

/** `--mutant NAME`: the textbook engine's gradient check with one mistake in place; status 0 if it is caught. */
function runOneMutant(name: string, out: Out): number {
  const m = mutantByName(name);
  if (!m) throw new ValueError(`gradcheck --mutant: expected one of ${MUTANTS.map((x) => x.name).join(', ')}, got ${JSON.stringify(name)}`);
  out.write(`mutant ${m.name} (${m.cells.join(', ')}): ${m.mistake}\n`);
  let failed = 0;
  const rows = mutantGradcheck(m);
  for (const { label, row } of rows) {
    if (!row.ok) failed++;
    out.write(`${label.padEnd(40)} ${row.name.padEnd(16)} ${row.ok ? 'OK    ' : 'FAIL  '} ${row.maxRelError.toExponential(1)}\n`);
  }
  out.write(`\n${failed} of ${rows.length} tensors fail: ${failed > 0 ? 'the gradient check catches this mistake' : 'the gradient check does NOT catch this mistake (see --mutants for the PyTorch cases)'}\n`);
  return 0;
}

/** `--mutants`: every mutant, caught by the gradient check? by the PyTorch cases? Status 1 if one escapes both. */
function runMutantTable(a: Parsed, out: Out): number {
  const dirs = a.golden ? (a.golden as string).split(',').filter((d) => d !== '')
    : ['spec/fixtures/golden', 'spec/fixtures/golden-packed'].filter((d) => fs.existsSync(d));
  for (const d of dirs) if (!fs.existsSync(d) || !fs.statSync(d).isDirectory()) throw new ValueError(`gradcheck --golden: ${d} is not a directory`);
  const yes = (v: boolean | null) => (v === null ? 'not run' : v ? 'caught' : 'missed');
  const verdicts = MUTANTS.map((m) => checkMutant(m, dirs));
  if (!a.json) {
    out.write(`a zoo of wrong gradients, each put into the textbook engine in turn; PyTorch cases: ${dirs.length ? dirs.join(', ') : 'none found (give --golden DIR,DIR)'}\n\n`);
    out.write(`${'mutant'.padEnd(36)} ${'gradient check'.padEnd(15)} ${'PyTorch cases'.padEnd(14)} mistake\n`);
    for (const v of verdicts) out.write(`${v.name.padEnd(36)} ${yes(v.gradcheck).padEnd(15)} ${yes(v.golden).padEnd(14)} ${v.mistake}\n`);
  }
  const escaped = verdicts.filter((v) => !v.gradcheck && v.golden !== true);
  if (!a.json) out.write(`\n${verdicts.length - escaped.length} of ${verdicts.length} caught by at least one check${escaped.length ? `; escaped: ${escaped.map((v) => v.name).join(', ')}` : ''}\n`);
  else out.write(JSON.stringify({ mutants: verdicts.map((v) => ({ name: v.name, gradcheck: v.gradcheck, golden: v.golden })) }) + '\n');
  return escaped.length === 0 ? 0 : 1;
}
