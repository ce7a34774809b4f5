/**
 * npm run demo
 *
 * The engine proving itself: the gradient check of every configuration against finite differences,
 * then the PyTorch conformance cases (models, variable-length batches, optimizers, clipping), each with
 * its verdict, then a short tour of the gradient-flow laboratory, ending with where its report is.
 * Exits 1 if a check fails.
 */
import * as path from 'path';
import { gradcheckMatrix, configLabel, runGradcheckConfig } from '../lib/diagnostics/gradcheck-suite';
import { GRADCHECK_THRESHOLD } from '../lib/diagnostics/gradcheck';
import { runGoldenDir } from '../lib/diagnostics/conformance';
import { runLab } from '../lib/diagnostics/lab';
import * as os from 'os';

function gradcheckTable(): boolean {
  console.log('1. Gradient check: every analytic gradient vs central differences (float64, eps 1e-5)');
  console.log(`   one row per configuration, the worst tensor in it; a tensor fails at relative error >= ${GRADCHECK_THRESHOLD.toExponential(0)}\n`);
  console.log(`   ${'configuration'.padEnd(30)} ${'tensors'.padStart(7)}  ${'worst tensor'.padEnd(22)} error`);
  let ok = true, worst = 0, tensors = 0;
  const configs = gradcheckMatrix();
  for (const c of configs) {
    const rows = runGradcheckConfig(c);
    const w = rows.reduce((a, b) => (b.maxRelError > a.maxRelError ? b : a));
    const pass = rows.every((r) => r.ok);
    ok &&= pass;
    worst = Math.max(worst, w.maxRelError);
    tensors += rows.length;
    console.log(`   ${configLabel(c).padEnd(30)} ${String(rows.length).padStart(7)}  ${w.name.padEnd(22)} ${w.maxRelError.toExponential(1)} ${pass ? 'OK' : 'FAIL'}`);
  }
  console.log(`\n   gradient check: ${ok ? 'PASS' : 'FAIL'} (${configs.length} configurations, ${tensors} tensors, worst ${worst.toExponential(2)})\n`);
  return ok;
}

function conformanceTable(): boolean {
  const dirs = ['golden', 'golden-packed', 'golden-train'].map((d) => path.join(__dirname, '../spec/fixtures', d));
  console.log('2. PyTorch conformance: cases exported from PyTorch 1.13 in float64 (spec/fixtures/golden*):');
  console.log('   RNN/LSTM/GRU models, variable-length batches, optimizer traces and gradient clipping');
  console.log('   values within 1e-12 + 1e-10·|torch|; gradients, updates and optimizer state within 1e-9·|torch|, element by element\n');
  let ok = true, worstValue = 0, worstGrad = 0;
  const reports = dirs.flatMap((dir) => runGoldenDir(dir));
  for (const r of reports) {
    ok &&= r.ok;
    const value = Math.max(0, ...r.comparisons.filter((c) => c.kind === 'value').map((c) => c.maxAbsError));
    const grad = Math.max(0, ...r.comparisons.filter((c) => c.kind === 'grad').map((c) => c.maxRelError));
    worstValue = Math.max(worstValue, value);
    worstGrad = Math.max(worstGrad, grad);
    const detail = r.error ?? `values |Δ| ≤ ${value.toExponential(1)}   relative ≤ ${grad.toExponential(1)}`;
    console.log(`   ${r.name.padEnd(28)} ${r.ok ? 'OK  ' : 'FAIL'}  ${detail}`);
  }
  console.log(`\n   PyTorch conformance: ${ok ? 'PASS' : 'FAIL'} (${reports.length} cases, worst value error ${worstValue.toExponential(2)}, worst relative error ${worstGrad.toExponential(2)})\n`);
  return ok;
}

/** A short tour of the gradient-flow laboratory: the same experiment as `unrolled lab`, on shorter sequences. */
function labTour(): string {
  const out = path.resolve('lab-report');
  console.log('3. The gradient-flow laboratory, short tour (adding problem, T=40, 400 training steps per model;');
  console.log('   `npx unrolled lab` runs the full one at T=100)\n');
  const r = runLab({ seqLen: 40, hidden: 32, steps: 400, seed: 1, out, workers: os.availableParallelism() >= 2 ? 2 : 1, log: (l) => console.log(l.split('\n').map((x) => `   ${x}`).join('\n')) });
  console.log(`\n   report: ${path.join(out, 'report.html')} (${r.seconds.toFixed(0)} s)\n`);
  return path.join(out, 'report.html');
}

const started = Date.now();
const gradOk = gradcheckTable();
const goldenOk = conformanceTable();
const report = labTour();
console.log(`verdict: ${gradOk && goldenOk ? 'PASS' : 'FAIL'} (${((Date.now() - started) / 1000).toFixed(1)} s); open ${report} for the charts`);
process.exitCode = gradOk && goldenOk ? 0 : 1;
