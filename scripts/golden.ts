/**
 * npm run golden -- DIR [DIR ...]
 *
 * Runs every PyTorch case file in each DIR through the engine and prints, per case, the worst
 * element-wise error of each output, the loss and each gradient. Exits 1 unless every element of
 * every case is within tolerance:
 *   values     |ours − torch| ≤ 1e-12 + 1e-10·|torch|
 *   gradients  |ours − torch| ≤ 1e-9·|torch| + 1e-30
 */
import { runGoldenDir, CaseReport } from '../lib/diagnostics/conformance';
import { VALUE_TOLERANCE, GRAD_TOLERANCE } from '../lib/diagnostics/compare';

function printCase(r: CaseReport, verbose: boolean): void {
  if (r.error) {
    console.log(`${r.name.padEnd(34)} FAIL  ${r.error}`);
    return;
  }
  const worst = (kind: 'value' | 'grad'): string => {
    const cs = r.comparisons.filter((c) => c.kind === kind);
    const rel = Math.max(...cs.map((c) => c.maxRelError));
    const abs = Math.max(...cs.map((c) => c.maxAbsError));
    return `${kind === 'value' ? 'values' : 'grads '} max|Δ| ${abs.toExponential(1)} rel ${rel.toExponential(1)}`;
  };
  console.log(`${r.name.padEnd(34)} ${r.ok ? 'OK   ' : 'FAIL '} ${worst('value')}   ${worst('grad')}`);
  for (const c of r.comparisons) {
    if (verbose || !c.ok) {
      console.log(`    ${c.name.padEnd(30)} ${c.ok ? 'OK  ' : 'FAIL'}  max|Δ| ${c.maxAbsError.toExponential(2)}  max rel ${c.maxRelError.toExponential(2)}  (${c.count} values)`);
    }
  }
}

function main(): number {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose') || args.includes('-v');
  const dirs = args.filter((a) => !a.startsWith('-'));
  if (dirs.length === 0) {
    console.error('usage: npm run golden -- DIR [DIR ...] [--verbose]   (DIR holds PyTorch case files, e.g. spec/fixtures/golden)');
    return 2;
  }
  console.log(`PyTorch conformance; values within ${VALUE_TOLERANCE.abs} + ${VALUE_TOLERANCE.rel}·|torch|, gradients within ${GRAD_TOLERANCE.rel}·|torch| + ${GRAD_TOLERANCE.abs}`);
  let cases = 0, failed = 0, worstValue = 0, worstGrad = 0;
  for (const dir of dirs) {
    let reports: CaseReport[];
    try {
      reports = runGoldenDir(dir);
    } catch (err) {
      console.error((err as Error).message);
      return 2;
    }
    console.log(`\n${dir}: ${reports.length} cases`);
    for (const r of reports) {
      printCase(r, verbose);
      cases++;
      if (!r.ok) failed++;
      for (const c of r.comparisons) {
        if (c.kind === 'value') worstValue = Math.max(worstValue, c.maxAbsError);
        else worstGrad = Math.max(worstGrad, c.maxRelError);
      }
    }
  }
  console.log(`\n${cases - failed} passed, ${failed} failed`);
  console.log(`worst value error ${worstValue.toExponential(2)} (absolute), worst gradient error ${worstGrad.toExponential(2)} (relative)`);
  console.log(failed === 0 ? 'golden: PASS' : 'golden: FAIL');
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
