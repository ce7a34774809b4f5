/**
 * `unrolled gradcheck [--filter TEXT]`: every analytic gradient of every configuration in the
 * gradient-check matrix, then of the encoder–decoder (every cell × attention × layers), against central
 * finite differences, one row per tensor. Exit status 1 if any relative error is ≥ 1e-6.
 */
import { gradcheckMatrix, configLabel, runGradcheckConfig } from '../diagnostics/gradcheck-suite';
import { seq2seqMatrix, seq2seqLabel, runSeq2SeqGradcheck } from '../diagnostics/gradcheck-seq2seq';
import { GRADCHECK_THRESHOLD, GradcheckRow } from '../diagnostics/gradcheck';
import { ValueError } from '../kernels/tensor';
import { OptionSpec, parseArgs, formatOptions } from './args';
import { Out } from './model-options';

export const GRADCHECK_OPTIONS: Record<string, OptionSpec> = {
  filter: { kind: 'string', help: 'only the configurations whose label contains this text (e.g. "lstm L2")' },
  help: { kind: 'flag', help: 'show this help' },
};

export function gradcheckHelp(): string {
  return `usage: unrolled gradcheck [--filter TEXT]

Checks every gradient the engine computes against central finite differences (eps 1e-5, float64): every
cell × layers × directions × bias × objective, then the encoder–decoder. One row per tensor; a row fails
at relative error >= ${GRADCHECK_THRESHOLD.toExponential(0)}, and the command then exits with status 1.

${formatOptions(GRADCHECK_OPTIONS)}`;
}

export function runGradcheck(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, GRADCHECK_OPTIONS, 'gradcheck');
  if (a.help) {
    out.write(gradcheckHelp() + '\n');
    return 0;
  }
  const filter = (a.filter as string | null) ?? '';
  const configs: { label: string; run: () => GradcheckRow[] }[] = [
    ...gradcheckMatrix().map((c) => ({ label: configLabel(c), run: () => runGradcheckConfig(c) })),
    ...seq2seqMatrix().map((c) => ({ label: seq2seqLabel(c), run: () => runSeq2SeqGradcheck(c) })),
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
