/**
 * npm run gradcheck [-- --filter TEXT]
 *
 * Checks every analytic gradient of every configuration in the gradient-check matrix, then of the
 * encoder–decoder (every cell × attention × layers), against central finite differences and prints one
 * row per tensor. Exits 1 if any relative error is ≥ 1e-6.
 */
import { gradcheckMatrix, configLabel, runGradcheckConfig } from '../lib/diagnostics/gradcheck-suite';
import { seq2seqMatrix, seq2seqLabel, runSeq2SeqGradcheck } from '../lib/diagnostics/gradcheck-seq2seq';
import { GRADCHECK_THRESHOLD, GradcheckRow } from '../lib/diagnostics/gradcheck';

function main(): number {
  const args = process.argv.slice(2);
  const at = args.indexOf('--filter');
  const filter = at >= 0 ? args[at + 1] ?? '' : '';
  const configs: { label: string; run: () => GradcheckRow[] }[] = [
    ...gradcheckMatrix().map((c) => ({ label: configLabel(c), run: () => runGradcheckConfig(c) })),
    ...seq2seqMatrix().map((c) => ({ label: seq2seqLabel(c), run: () => runSeq2SeqGradcheck(c) })),
  ].filter((c) => c.label.includes(filter));
  if (configs.length === 0) {
    console.error(`gradcheck: no configuration matches --filter ${JSON.stringify(filter)}`);
    return 2;
  }
  console.log(`gradient check: central differences (eps 1e-5), float64; a row fails at relative error >= ${GRADCHECK_THRESHOLD.toExponential(0)}`);
  let failed = 0, rows = 0, worst = 0, worstRow = '';
  const started = Date.now();
  for (const c of configs) {
    for (const r of c.run()) {
      const label = c.label;
      rows++;
      if (!r.ok) failed++;
      if (!(r.maxRelError <= worst)) {
        worst = r.maxRelError;
        worstRow = `${label} ${r.name}`;
      }
      console.log(`${label.padEnd(30)} ${r.name.padEnd(30)} ${r.ok ? 'OK    ' : 'FAIL  '} ${r.maxRelError.toExponential(1)}`);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n${configs.length} configurations, ${rows} tensors, ${failed} failed; worst ${worst.toExponential(2)} (${worstRow}); ${seconds} s`);
  console.log(failed === 0 ? 'gradcheck: PASS' : 'gradcheck: FAIL');
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
