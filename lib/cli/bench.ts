/**
 * `unrolled bench [--json] [--quick]`
 *
 * One training step (forward over the whole sequence, BPTT, an SGD update) of a one-layer RNN, LSTM and
 * GRU with I = 64, H = 128, T = 50, B = 32, float64: ms per step (median of 10 after warm-up, min, max),
 * GFLOP/s, sequences per second and peak memory; the step's rate as a share of the matrix kernel's; the
 * same step in TensorFlow.js (CPU backend, and WASM with SIMD where it installs), float32, with the
 * ratio; and how the cost scales with T and H. Benchmarks measure; they are never timed tests.
 */
import { CellKind } from '../cells/cell-params';
import { OptionSpec, parseArgs, formatOptions } from './args';
import { Out } from './model-options';
import { BenchSettings, Row, benchKernels, benchOurs, stepShareOfKernel } from './bench-runs';
import { benchTf } from './bench-tf';

export const BENCH_OPTIONS: Record<string, OptionSpec> = {
  quick: { kind: 'flag', help: 'fewer repetitions, and no TensorFlow.js CPU backend (about a minute)' },
  json: { kind: 'flag', help: 'print every figure as one JSON object instead of the tables' },
  help: { kind: 'flag', help: 'show this help' },
};

export function benchHelp(): string {
  return `usage: unrolled bench [--quick] [--json]

Measures one training step of a tanh RNN, an LSTM and a GRU (I = 64, H = 128, T = 50, B = 32, float64) on one
and two threads, the matrix kernel on the step's shapes, the step's rate as a share of the kernel's, and,
where TensorFlow.js is installed, the same step there. Takes several minutes (--quick: about one).

${formatOptions(BENCH_OPTIONS)}`;
}

const fmtRow = (r: Row, ratio: string) =>
  `${r.system.padEnd(34)} ${r.cell.padEnd(9)} ${r.msPerStep.toFixed(0).padStart(7)} ${`${r.msMin.toFixed(0)}–${r.msMax.toFixed(0)}`.padStart(11)} ${r.gflops.toFixed(2).padStart(7)} ${r.seqPerSecond.toFixed(0).padStart(8)} ${r.peakMemoryMB.toFixed(0).padStart(8)}  ${ratio}`;

export async function runBench(argv: string[], out: Out = process.stdout, err: Out = process.stderr): Promise<number> {
  const a = parseArgs(argv, BENCH_OPTIONS, 'bench');
  if (a.help) {
    out.write(benchHelp() + '\n');
    return 0;
  }
  const json = a.json as boolean;
  const s: BenchSettings = { reps: a.quick ? 3 : 10, warmup: a.quick ? 1 : 2, quick: a.quick as boolean };
  const say = (line: string) => { if (!json) out.write(line + '\n'); };
  const [T, B, I, H] = [50, 32, 64, 128];
  const cells: CellKind[] = ['rnn_tanh', 'lstm', 'gru'];
  const rows: Row[] = [], others: Row[] = [], notes: string[] = [];
  const kernels = benchKernels(s);
  say('Matrix product out += a·b, float64, one core (the shapes of this step):');
  for (const k of kernels) say(`  ${k.shape.padEnd(24)} packed 4×4 kernel ${k.gflops.toFixed(2)} GFLOP/s   reference triple loop ${k.referenceGflops.toFixed(2)} GFLOP/s`);
  const kernelGflops = kernels.reduce((a, k) => a + k.gflops, 0) / kernels.length;
  say(`  mean ${kernelGflops.toFixed(2)} GFLOP/s\n`);
  say(`One training step: forward over T=${T}, BPTT, SGD update; I=${I}, H=${H}, B=${B}, one layer. Median of ${s.reps} after ${s.warmup} warm-up steps.\n`);
  say(`${'system'.padEnd(34)} ${'cell'.padEnd(9)} ${'ms/step'.padStart(7)} ${'min–max'.padStart(11)} ${'GFLOP/s'.padStart(7)} ${'seq/s'.padStart(8)} ${'peak MB'.padStart(8)}  ours vs it`);
  // Ours first, all of it, before TensorFlow.js is loaded into the process (its heap would tax our GC).
  const progress = (what: string) => err.write(`bench: ${what}\n`); // the tables come at the end
  progress('one thread');
  for (const cell of cells) rows.push(benchOurs(s, cell, T, B, I, H));
  progress('two threads');
  const twoCores = cells.map((cell) => benchOurs(s, cell, T, B, I, H, s.reps, 2));
  progress('steps in alternation with the kernel');
  const shares = cells.map((cell) => ({ cell, share: stepShareOfKernel(s, cell, T, B, I, H, 2 * s.reps) }));
  progress('scaling with T and H');
  const scaling: Row[] = [];
  const grid: [number, number][] = [[25, 128], [50, 128], [100, 128], [200, 128], [50, 64], [50, 256]];
  for (const [t, h] of grid) scaling.push(benchOurs(s, 'lstm', t, B, I, h, s.quick ? 2 : 5));
  for (const cell of cells) {
    for (const backend of ['wasm', 'cpu'] as const) {
      if (s.quick && backend === 'cpu') continue;
      progress(`TensorFlow.js ${backend}, ${cell}`);
      const r = await benchTf(s, backend, cell, T, B, I, H);
      if (typeof r === 'string') notes.push(r);
      else others.push(r);
    }
  }
  for (const cell of cells) {
    const ours = rows.find((r) => r.cell === cell) as Row;
    say(fmtRow(ours, ''));
    const two = twoCores.find((r) => r.cell === cell) as Row;
    say(fmtRow(two, `${(ours.msPerStep / two.msPerStep).toFixed(2)}× one thread`));
    for (const r of others.filter((o) => o.cell === cell)) say(fmtRow(r, `${(r.msPerStep / ours.msPerStep).toFixed(2)}× faster`));
  }
  for (const n of new Set(notes)) say(`note: ${n}`);
  for (const r of rows) say(`${r.cell}: whole step ${r.gflops.toFixed(2)} GFLOP/s = ${((100 * r.gflops) / kernelGflops).toFixed(0)}% of the kernel's mean ${kernelGflops.toFixed(2)}`);
  say(`Timed in alternation with the kernel (median of ${2 * s.reps} step/kernel pairs; steadier on a machine whose speed drifts):`);
  for (const r of shares) say(`${r.cell}: whole step at ${(100 * r.share).toFixed(0)}% of the kernel's rate`);

  say('\nScaling (LSTM, B=32, I=64): cost linear in T, quadratic in H; stored activations linear in T.');
  say(`${'T'.padStart(5)} ${'H'.padStart(5)} ${'ms/step'.padStart(8)} ${'ms per T·H²·1e-6'.padStart(17)} ${'GFLOP/s'.padStart(8)} ${'activations MB'.padStart(15)}`);
  for (const r of scaling) {
    say(`${String(r.T).padStart(5)} ${String(r.H).padStart(5)} ${r.msPerStep.toFixed(0).padStart(8)} ${(r.msPerStep / (r.T * r.H * r.H * 1e-6)).toFixed(1).padStart(17)} ${r.gflops.toFixed(2).padStart(8)} ${(r.activationMB ?? 0).toFixed(1).padStart(15)}`);
  }
  if (json) out.write(JSON.stringify({ config: { T, B, I, H }, kernels, kernelGflops, rows: [...rows, ...twoCores, ...scaling], stepShares: shares, others, notes }) + '\n');
  return 0;
}
