/**
 * The measurements of `unrolled bench` (bench.ts): one training step of this engine, the matrix kernel
 * on the shapes a step uses, and the two in alternation. Benchmarks measure; they are never timed tests.
 */
import { SequenceModel } from '../models/sequence-model';
import { lossAndGradients } from '../models/objectives';
import { createOptimizer } from '../training/optimizers';
import { zeros } from '../kernels/tensor';
import { Rng, fillNormal } from '../kernels/random';
import { CellKind, gateCount } from '../cells/cell-params';
import { RecurrentCache } from '../layers/recurrent';
import { gemm, GemmWorkspace } from '../kernels/gemm';
import { matmulAdd, transposed } from '../kernels/matmul';
import { ParallelTrainer } from '../training/parallel';

/** How long to measure: timed repetitions, warm-up steps, and whether this is the quick run. */
export interface BenchSettings {
  reps: number;
  warmup: number;
  quick: boolean;
}

export interface Row {
  system: string; cell: string; workers: number; T: number; H: number; B: number; I: number;
  msPerStep: number; msMin: number; msMax: number; gflops: number; seqPerSecond: number; peakMemoryMB: number; activationMB?: number;
}

/** FLOPs of one step: forward 2·T·B·(I+H)·G·H, backward twice that (the input and the weight gradients). */
export function stepFlops(cell: CellKind, T: number, B: number, I: number, H: number): number {
  return 6 * T * B * (I + H) * gateCount(cell) * H;
}

export function stats(times: number[]) {
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

/** The benchmarked step's model, input, probe objective (dOutput = G) and SGD optimizer, from fixed seeds. */
function stepSetup(cell: CellKind, T: number, B: number, I: number, H: number) {
  const model = new SequenceModel({ mode: cell, inputSize: I, hiddenSize: H, seed: 1 });
  const rng = new Rng(2);
  const x = zeros([T, B, I]), G = zeros([T, B, H]);
  fillNormal(x, rng);
  fillNormal(G, rng);
  const objective = { type: 'probe' as const, G, Gh: zeros([1, B, H]), Gc: cell === 'lstm' ? zeros([1, B, H]) : null };
  return { model, x, objective, opt: createOptimizer('SGD', { lr: 1e-4 }), rng };
}

export function benchOurs(s: BenchSettings, cell: CellKind, T: number, B: number, I: number, H: number, reps = s.reps, workers = 1): Row {
  const { model, x, objective, opt } = stepSetup(cell, T, B, I, H);
  const parallel = workers > 1 ? new ParallelTrainer(workers) : null;
  const times: number[] = [];
  let peak = 0, act = 0;
  for (let k = 0; k < s.warmup + reps; k++) {
    const t0 = performance.now();
    if (parallel) parallel.lossAndGradients(model, { x }, objective);
    else act = activationBytes(lossAndGradients(model, { x }, objective).forward.cache.rnn);
    opt.step(model.namedParameters());
    const ms = performance.now() - t0;
    if (k >= s.warmup) times.push(ms);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  parallel?.close();
  const { median, min, max } = stats(times);
  return {
    system: workers > 1 ? `unrolled (float64), ${workers} threads` : 'unrolled (float64)', cell, workers, T, H, B, I, msPerStep: median, msMin: min, msMax: max,
    gflops: stepFlops(cell, T, B, I, H) / median / 1e6, seqPerSecond: (B * 1000) / median, peakMemoryMB: peak / 2 ** 20, activationMB: act / 2 ** 20,
  };
}

export const KERNEL_SHAPES: [string, number, number, number, boolean, boolean][] = [
    ['[32×192]·[192×512]', 32, 192, 512, false, false],
    ['[32×192]·[512×192]ᵀ', 32, 192, 512, false, true],
    ['[1600×64]·[64×512]', 1600, 64, 512, false, false],
    ['[1600×512]ᵀ·[1600×64]', 512, 1600, 64, true, false],
    ['[1600×512]·[512×64]', 1600, 512, 64, false, false],
];

/** GFLOP/s of the fast product (and of its reference twin) on the shapes a step uses, in both layouts. */
export function benchKernels(s: BenchSettings): { shape: string; gflops: number; referenceGflops: number }[] {
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
    const fast = time(() => gemm(out, a, b, ws), s.quick ? 5 : 20);
    const ref = time(() => matmulAdd(out, a, b), s.quick ? 1 : 3);
    return { shape, gflops: flops / fast / 1e6, referenceGflops: flops / ref / 1e6 };
  });
}

/**
 * A whole step's rate as a share of the kernel's, with the two timed in alternation (the kernel's shapes
 * once, one training step, the kernel again, …) so that a machine whose speed drifts during the run moves
 * both alike: the median over the pairs of (step GFLOP/s) / (kernel GFLOP/s, mean over its shapes).
 */
export function stepShareOfKernel(s: BenchSettings, cell: CellKind, T: number, B: number, I: number, H: number, pairs: number): number {
  const { model, x, objective, opt, rng } = stepSetup(cell, T, B, I, H);
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
  for (let k = 0; k < s.warmup; k++) { kernelRate(); stepRate(); }
  const shares: number[] = [];
  for (let k = 0; k < pairs; k++) {
    const before = kernelRate(), step = stepRate(), after = kernelRate();
    shares.push(step / ((before + after) / 2));
  }
  return stats(shares).median;
}
