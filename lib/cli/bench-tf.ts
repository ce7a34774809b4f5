/**
 * The same training step in TensorFlow.js, for comparison in `unrolled bench`: its CPU backend, and
 * WASM with SIMD where it installs. TensorFlow.js is a development dependency, not the package's: when it
 * is not installed the comparison is skipped with a note.
 */
import * as path from 'path';
import { CellKind } from '../cells/cell-params';
import { BenchSettings, Row, stepFlops, stats } from './bench-runs';

export async function benchTf(s: BenchSettings, backend: 'cpu' | 'wasm', cell: CellKind, T: number, B: number, I: number, H: number): Promise<Row | string> {
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
  for (let k = 0; k < s.warmup + s.reps; k++) {
    const t0 = performance.now();
    tf.tidy(() => { opt.minimize(() => tf.sum(tf.mul(layer.apply(x) as import('@tensorflow/tfjs').Tensor, G)) as import('@tensorflow/tfjs').Scalar, false, vars); });
    const ms = performance.now() - t0;
    if (k >= s.warmup) times.push(ms);
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
