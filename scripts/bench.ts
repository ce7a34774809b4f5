/**
 * npm run bench [-- --json] [-- --quick]
 *
 * One training step (forward over the whole sequence, BPTT, an SGD update) of a one-layer RNN, LSTM and
 * GRU with I = 64, H = 128, T = 50, B = 32, float64: ms per step (median of 10 after warm-up, min, max),
 * GFLOP/s, sequences per second and peak memory; the same step in TensorFlow.js (CPU backend, and WASM
 * with SIMD where it installs), float32, with the ratio; and how the cost scales with T and H.
 * Benchmarks measure; they are never timed tests.
 */
import * as path from 'path';
import { SequenceModel } from '../lib/models/sequence-model';
import { lossAndGradients } from '../lib/models/objectives';
import { createOptimizer } from '../lib/training/optimizers';
import { zeros } from '../lib/kernels/tensor';
import { Rng, fillNormal } from '../lib/kernels/random';
import { CellKind, gateCount } from '../lib/cells/cell-params';
import { RecurrentCache } from '../lib/layers/recurrent';
import { gemm, GemmWorkspace } from '../lib/kernels/gemm';
import { matmulAdd, transposed } from '../lib/kernels/matmul';
import { ParallelTrainer } from '../lib/training/parallel';

const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const QUICK = args.includes('--quick');
const REPS = QUICK ? 3 : 10;
const WARMUP = QUICK ? 1 : 2;
const say = (s: string) => { if (!JSON_OUT) console.log(s); };

interface Row {
  system: string; cell: string; workers: number; T: number; H: number; B: number; I: number;
  msPerStep: number; msMin: number; msMax: number; gflops: number; seqPerSecond: number; peakMemoryMB: number; activationMB?: number;
}

/** FLOPs of one step: forward 2·T·B·(I+H)·G·H, backward twice that (the input and the weight gradients). */
function stepFlops(cell: CellKind, T: number, B: number, I: number, H: number): number {
  return 6 * T * B * (I + H) * gateCount(cell) * H;
}

function stats(times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

/** Bytes of the activations a forward pass keeps for backward (every buffer the caches took, once). */
function activationBytes(cache: RecurrentCache): number {
  const seen = new Set<ArrayBufferLike>();
  for (const layer of cache.layers) {
    for (const d of layer.dirs) for (const m of d.pooled) seen.add(m.data.buffer);
  }
  let bytes = 0;
  for (const b of seen) bytes += b.byteLength;
  return bytes;
}

function benchOurs(cell: CellKind, T: number, B: number, I: number, H: number, reps = REPS, workers = 1): Row {
  const model = new SequenceModel({ mode: cell, inputSize: I, hiddenSize: H, seed: 1 });
  const rng = new Rng(2);
  const x = zeros([T, B, I]), G = zeros([T, B, H]);
  fillNormal(x, rng);
  fillNormal(G, rng);
  const objective = { type: 'probe' as const, G, Gh: zeros([1, B, H]), Gc: cell === 'lstm' ? zeros([1, B, H]) : null };
  const opt = createOptimizer('SGD', { lr: 1e-4 });
  const parallel = workers > 1 ? new ParallelTrainer(model.toConfig(), workers) : null;
  const times: number[] = [];
  let peak = 0, act = 0;
  for (let k = 0; k < WARMUP + reps; k++) {
    const t0 = performance.now();
    if (parallel) parallel.lossAndGradients(model, { x }, objective);
    else act = activationBytes(lossAndGradients(model, { x }, objective).forward.cache.rnn);
    opt.step(model.namedParameters());
    const ms = performance.now() - t0;
    if (k >= WARMUP) times.push(ms);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  parallel?.close();
  const { median, min, max } = stats(times);
  return {
    system: workers > 1 ? `unrolled (float64), ${workers} threads` : 'unrolled (float64)', cell, workers, T, H, B, I, msPerStep: median, msMin: min, msMax: max,
    gflops: stepFlops(cell, T, B, I, H) / median / 1e6, seqPerSecond: (B * 1000) / median, peakMemoryMB: peak / 2 ** 20, activationMB: act / 2 ** 20,
  };
}

async function benchTf(backend: 'cpu' | 'wasm', cell: CellKind, T: number, B: number, I: number, H: number): Promise<Row | string> {
  let tf: typeof import('@tensorflow/tfjs');
  try {
    tf = await import('@tensorflow/tfjs');
    if (backend === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
    }
    if (!(await tf.setBackend(backend))) return `TensorFlow.js ${backend} backend did not start`;
    await tf.ready();
  } catch (err) {
    return `TensorFlow.js ${backend} backend unavailable (${(err as Error).message.split('\n')[0]})`;
  }
  const units = H;
  const layer = cell === 'lstm' ? tf.layers.lstm({ units, returnSequences: true, kernelInitializer: 'glorotUniform', recurrentInitializer: 'glorotUniform' })
    : cell === 'gru' ? tf.layers.gru({ units, returnSequences: true, kernelInitializer: 'glorotUniform', recurrentInitializer: 'glorotUniform' })
      : tf.layers.simpleRNN({ units, returnSequences: true, kernelInitializer: 'glorotUniform', recurrentInitializer: 'glorotUniform' });
  const x = tf.randomNormal([B, T, I]), G = tf.randomNormal([B, T, H]);
  layer.apply(x);
  const vars = layer.trainableWeights.map((w) => (w as unknown as { val: import('@tensorflow/tfjs').Variable }).val);
  const opt = tf.train.sgd(1e-4);
  const times: number[] = [];
  let peak = 0;
  for (let k = 0; k < WARMUP + REPS; k++) {
    const t0 = performance.now();
    tf.tidy(() => { opt.minimize(() => tf.sum(tf.mul(layer.apply(x) as import('@tensorflow/tfjs').Tensor, G)) as import('@tensorflow/tfjs').Scalar, false, vars); });
    const ms = performance.now() - t0;
    if (k >= WARMUP) times.push(ms);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const { median, min, max } = stats(times);
  tf.dispose([x, G]);
  const simd = backend === 'wasm' ? (tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? ', SIMD' : ', no SIMD') : '';
  return {
    system: `TensorFlow.js ${backend}${simd} (float32)`, cell, workers: 1, T, H, B, I, msPerStep: median, msMin: min, msMax: max,
    gflops: stepFlops(cell, T, B, I, H) / median / 1e6, seqPerSecond: (B * 1000) / median, peakMemoryMB: peak / 2 ** 20,
  };
}

const KERNEL_SHAPES: [string, number, number, number, boolean, boolean][] = [
    ['[32×192]·[192×512]', 32, 192, 512, false, false],
    ['[32×192]·[512×192]ᵀ', 32, 192, 512, false, true],
    ['[1600×64]·[64×512]', 1600, 64, 512, false, false],
    ['[1600×512]ᵀ·[1600×64]', 512, 1600, 64, true, false],
    ['[1600×512]·[512×64]', 1600, 512, 64, false, false],
];

/** GFLOP/s of the fast product (and of its reference twin) on the shapes a step uses, in both layouts. */
function benchKernels(): { shape: string; gflops: number; referenceGflops: number }[] {
  const rng = new Rng(3);
  const ws = new GemmWorkspace();
  return KERNEL_SHAPES.map(([shape, M, K, N, ta, tb]) => {
    const a = ta ? transposed(zeros([K, M])) : zeros([M, K]);
    const b = tb ? transposed(zeros([N, K])) : zeros([K, N]);
    fillNormal(a, rng);
    fillNormal(b, rng);
    const out = zeros([M, N]);
    const time = (f: () => void, reps: number) => {
      f();
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) f();
      return (performance.now() - t0) / reps;
    };
    const flops = 2 * M * N * K;
    const fast = time(() => gemm(out, a, b, ws), QUICK ? 5 : 20);
    const ref = time(() => matmulAdd(out, a, b), QUICK ? 1 : 3);
    return { shape, gflops: flops / fast / 1e6, referenceGflops: flops / ref / 1e6 };
  });
}

/**
 * A whole step's rate as a share of the kernel's, with the two timed in alternation (the kernel's shapes
 * once, one training step, the kernel again, …) so that a machine whose speed drifts during the run moves
 * both alike: the median over the pairs of (step GFLOP/s) / (kernel GFLOP/s, mean over its shapes).
 */
function stepShareOfKernel(cell: CellKind, T: number, B: number, I: number, H: number, pairs: number): number {
  const model = new SequenceModel({ mode: cell, inputSize: I, hiddenSize: H, seed: 1 });
  const rng = new Rng(2);
  const x = zeros([T, B, I]), G = zeros([T, B, H]);
  fillNormal(x, rng);
  fillNormal(G, rng);
  const objective = { type: 'probe' as const, G, Gh: zeros([1, B, H]), Gc: cell === 'lstm' ? zeros([1, B, H]) : null };
  const opt = createOptimizer('SGD', { lr: 1e-4 });
  const ws = new GemmWorkspace();
  const products = KERNEL_SHAPES.map(([, M, K, N, ta, tb]) => {
    const a = ta ? transposed(zeros([K, M])) : zeros([M, K]);
    const b = tb ? transposed(zeros([N, K])) : zeros([K, N]);
    fillNormal(a, rng);
    fillNormal(b, rng);
    const out = zeros([M, N]);
    return { run: () => gemm(out, a, b, ws), flops: 2 * M * N * K };
  });
  const kernelRate = () => {
    let rate = 0;
    for (const p of products) {
      const t0 = performance.now();
      for (let r = 0; r < 3; r++) p.run();
      rate += (3 * p.flops) / (performance.now() - t0) / 1e6;
    }
    return rate / products.length;
  };
  const stepRate = () => {
    const t0 = performance.now();
    lossAndGradients(model, { x }, objective);
    opt.step(model.namedParameters());
    return stepFlops(cell, T, B, I, H) / (performance.now() - t0) / 1e6;
  };
  for (let k = 0; k < WARMUP; k++) { kernelRate(); stepRate(); }
  const shares: number[] = [];
  for (let k = 0; k < pairs; k++) {
    const before = kernelRate(), step = stepRate(), after = kernelRate();
    shares.push(step / ((before + after) / 2));
  }
  return stats(shares).median;
}

const fmtRow = (r: Row, ratio: string) =>
  `${r.system.padEnd(34)} ${r.cell.padEnd(9)} ${r.msPerStep.toFixed(0).padStart(7)} ${`${r.msMin.toFixed(0)}–${r.msMax.toFixed(0)}`.padStart(11)} ${r.gflops.toFixed(2).padStart(7)} ${r.seqPerSecond.toFixed(0).padStart(8)} ${r.peakMemoryMB.toFixed(0).padStart(8)}  ${ratio}`;

async function main(): Promise<void> {
  const [T, B, I, H] = [50, 32, 64, 128];
  const cells: CellKind[] = ['rnn_tanh', 'lstm', 'gru'];
  const rows: Row[] = [], others: Row[] = [], notes: string[] = [];
  const kernels = benchKernels();
  say('Matrix product out += a·b, float64, one core (the shapes of this step):');
  for (const k of kernels) say(`  ${k.shape.padEnd(24)} packed 4×4 kernel ${k.gflops.toFixed(2)} GFLOP/s   reference triple loop ${k.referenceGflops.toFixed(2)} GFLOP/s`);
  const kernelGflops = kernels.reduce((a, k) => a + k.gflops, 0) / kernels.length;
  say(`  mean ${kernelGflops.toFixed(2)} GFLOP/s\n`);
  say(`One training step: forward over T=${T}, BPTT, SGD update; I=${I}, H=${H}, B=${B}, one layer. Median of ${REPS} after ${WARMUP} warm-up steps.\n`);
  say(`${'system'.padEnd(34)} ${'cell'.padEnd(9)} ${'ms/step'.padStart(7)} ${'min–max'.padStart(11)} ${'GFLOP/s'.padStart(7)} ${'seq/s'.padStart(8)} ${'peak MB'.padStart(8)}  ours vs it`);
  // Ours first, all of it, before TensorFlow.js is loaded into the process (its heap would tax our GC).
  for (const cell of cells) rows.push(benchOurs(cell, T, B, I, H));
  const twoCores = cells.map((cell) => benchOurs(cell, T, B, I, H, REPS, 2));
  const shares = cells.map((cell) => ({ cell, share: stepShareOfKernel(cell, T, B, I, H, 2 * REPS) }));
  const scaling: Row[] = [];
  const grid: [number, number][] = [[25, 128], [50, 128], [100, 128], [200, 128], [50, 64], [50, 256]];
  for (const [t, h] of grid) scaling.push(benchOurs('lstm', t, B, I, h, QUICK ? 2 : 5));
  for (const cell of cells) {
    for (const backend of ['wasm', 'cpu'] as const) {
      if (QUICK && backend === 'cpu') continue;
      const r = await benchTf(backend, cell, T, B, I, H);
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
  say(`Timed in alternation with the kernel (median of ${2 * REPS} step/kernel pairs; steadier on a machine whose speed drifts):`);
  for (const r of shares) say(`${r.cell}: whole step at ${(100 * r.share).toFixed(0)}% of the kernel's rate`);

  say('\nScaling (LSTM, B=32, I=64): cost linear in T, quadratic in H; stored activations linear in T.');
  say(`${'T'.padStart(5)} ${'H'.padStart(5)} ${'ms/step'.padStart(8)} ${'ms per T·H²·1e-6'.padStart(17)} ${'GFLOP/s'.padStart(8)} ${'activations MB'.padStart(15)}`);
  for (const r of scaling) {
    say(`${String(r.T).padStart(5)} ${String(r.H).padStart(5)} ${r.msPerStep.toFixed(0).padStart(8)} ${(r.msPerStep / (r.T * r.H * r.H * 1e-6)).toFixed(1).padStart(17)} ${r.gflops.toFixed(2).padStart(8)} ${(r.activationMB ?? 0).toFixed(1).padStart(15)}`);
  }
  if (JSON_OUT) console.log(JSON.stringify({ config: { T, B, I, H }, kernels, kernelGflops, rows: [...rows, ...twoCores, ...scaling], stepShares: shares, others, notes }));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
