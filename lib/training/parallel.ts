/**
 * Data-parallel gradients on both cores: the batch is split by rows, the main thread computes the first
 * slice and each worker thread (worker_threads) one other, and the gradients are added in a fixed order
 * (slice 0, 1, …), so the result is the same on every run.                 docs: docs/performance.md
 *
 * Rows of a batch never interact in a recurrent network until the losses and the weight gradients sum
 * over them, so each slice's forward values are exactly those of the whole batch; only the order of the
 * final sums differs (spec/training/parallel.spec.ts holds one worker and two to 1e-12 relative).
 *
 * Everything a worker needs for a step (the parameters, its inputs and targets) is copied into
 * SharedArrayBuffers; the call blocks on Atomics until every worker has written its gradients, so the
 * API stays synchronous, like the single-threaded one.
 */
import * as path from 'path';
import { Worker, MessageChannel, MessagePort } from 'worker_threads';
import { Mat, zeros, toFlat, fromArray, ValueError } from '../kernels/tensor';
import { SequenceModel, SequenceModelConfig } from '../models/sequence-model';
import { Batch, Objective, lossAndGradients } from '../models/objectives';
import { IGNORE_INDEX } from '../layers/losses';

/** A batch slice's job, as plain data (tensors as Float64Arrays over shared memory, with their shapes). */
export interface SliceJob {
  config: SequenceModelConfig;
  params: Float64Array; // every parameter, concatenated in namedParameters() order
  x: ShapedArray;
  h0: ShapedArray | null;
  c0: ShapedArray | null;
  lengths: number[] | null;
  objective: { type: Objective['type']; tensors: ShapedArray[]; targets: number[] | null; classWeights: number[] | null };
  grads: Float64Array; // where the slice's gradients go (same layout as params)
  result: Float64Array; // [loss, weight]
  hN: Float64Array; // where the slice's final hidden state goes, [L·D, slice rows, H]
  cN: Float64Array | null; // and the final cell state (LSTM)
}

export interface ShapedArray {
  data: Float64Array;
  shape: number[];
}

/** Computes one slice: used by the main thread for slice 0 and by every worker for its own. */
export function runSlice(job: SliceJob, model: SequenceModel): void {
  let at = 0;
  for (const p of model.namedParameters()) {
    p.value.data.set(job.params.subarray(at, at + p.value.size));
    at += p.value.size;
  }
  const m = (s: ShapedArray | null): Mat | null => (s ? fromArray(s.data, s.shape) : null);
  const objective = rebuildObjective(job.objective);
  const batch: Batch = { x: m(job.x) as Mat, h0: m(job.h0), c0: m(job.c0), lengths: job.lengths };
  const r = lossAndGradients(model, batch, objective);
  at = 0;
  for (const p of model.namedParameters()) {
    job.grads.set(p.grad.data, at);
    at += p.grad.size;
  }
  job.result[0] = r.loss;
  job.result[1] = objectiveWeight(objective, job.x.shape, job.lengths);
  job.hN.set(toFlat(r.forward.h_n));
  if (job.cN && r.forward.c_n) job.cN.set(toFlat(r.forward.c_n));
}

/** How many terms the slice's loss averages over (1 for the probe, which is a sum). */
function objectiveWeight(o: Objective, xShape: number[], lengths: number[] | null): number {
  const [T, B] = xShape;
  const valid = lengths ? lengths.reduce((a, n) => a + n, 0) : T * B;
  switch (o.type) {
    case 'probe':
      return 1;
    case 'mse_last':
      return o.target.size;
    case 'mse_all':
      return valid * o.target.shape[2];
    case 'ce_all': {
      let n = 0;
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if ((!lengths || t < lengths[b]) && o.targets[t * B + b] !== IGNORE_INDEX) n++;
      return n;
    }
    case 'ce_last': {
      let n = 0; // Σ_b w_{k_b}, the denominator of (CE-2)
      for (let b = 0; b < B; b++) if (o.targets[b] !== IGNORE_INDEX) n += o.classWeights ? o.classWeights[o.targets[b]] : 1;
      return n;
    }
  }
}

function rebuildObjective(o: SliceJob['objective']): Objective {
  const t = o.tensors.map((s) => fromArray(s.data, s.shape));
  switch (o.type) {
    case 'probe':
      return { type: 'probe', G: t[0], Gh: t[1], Gc: t[2] ?? null };
    case 'mse_last':
      return { type: 'mse_last', target: t[0] };
    case 'mse_all':
      return { type: 'mse_all', target: t[0] };
    case 'ce_all':
      return { type: 'ce_all', targets: o.targets as number[] };
    case 'ce_last':
      return { type: 'ce_last', targets: o.targets as number[], classWeights: o.classWeights };
  }
}

/** A contiguous copy of rows [b0, b1) along `axis` of a tensor, in shared memory. */
function sliceShared(m: Mat, axis: number, b0: number, b1: number): ShapedArray {
  const lo = m.shape.map((_, k) => (k === axis ? b0 : 0));
  const hi = m.shape.map((n, k) => (k === axis ? b1 : n));
  const view = m.hi(...hi).lo(...lo);
  const data = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, view.size))).subarray(0, view.size);
  data.set(toFlat(view));
  return { data, shape: view.shape.slice() };
}

interface WorkerHandle {
  worker: Worker;
  port: MessagePort;
}

export class ParallelTrainer {
  readonly workers: number;
  private readonly handles: WorkerHandle[] = [];
  private readonly control: Int32Array; // [0] job counter, [1] workers done, [2] a worker failed
  private readonly local: SequenceModel; // the main thread's replica for slice 0

  /** `workers` slices in all: the main thread and workers − 1 threads. */
  constructor(config: SequenceModelConfig, workers: number) {
    if (!Number.isInteger(workers) || workers < 1) throw new ValueError(`ParallelTrainer workers: expected an integer >= 1, got ${workers}`);
    this.workers = workers;
    this.control = new Int32Array(new SharedArrayBuffer(12));
    this.local = new SequenceModel(config);
    const isSource = __filename.endsWith('.ts');
    const file = path.join(__dirname, isSource ? 'parallel-worker.ts' : 'parallel-worker.js');
    for (let w = 1; w < workers; w++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(file, {
        workerData: { control: this.control, port: port2 },
        transferList: [port2],
        execArgv: isSource ? ['--require', require.resolve('tsx/cjs')] : [],
      });
      worker.unref();
      this.handles.push({ worker, port: port1 });
    }
  }

  /**
   * The loss and the gradients of `model` on the batch, computed slice by slice on all threads and added
   * in slice order into the model's gradients (which are overwritten). Returns the loss.
   */
  lossAndGradients(model: SequenceModel, batch: Batch, objective: Objective): number {
    return this.lossGradientsAndState(model, batch, objective).loss;
  }

  /** As lossAndGradients, and also the final states h_n, c_n [L·D,B,H] of the whole batch (for truncated BPTT). */
  lossGradientsAndState(model: SequenceModel, batch: Batch, objective: Objective): { loss: number; h_n: Mat; c_n: Mat | null } {
    const [T, B] = batch.x.shape;
    const W = Math.min(this.workers, B);
    const params = model.namedParameters();
    const total = params.reduce((a, p) => a + p.value.size, 0);
    const shared = (n: number) => new Float64Array(new SharedArrayBuffer(8 * Math.max(1, n))).subarray(0, n);
    const flatParams = shared(total);
    let at = 0;
    for (const p of params) {
      flatParams.set(p.value.data, at);
      at += p.value.size;
    }
    const bounds = Array.from({ length: W + 1 }, (_, w) => Math.round((w * B) / W));
    const { numLayers, bidirectional, hiddenSize: H, mode } = model.rnn.config;
    const LD = numLayers * (bidirectional ? 2 : 1);
    const jobs: SliceJob[] = [];
    for (let w = 0; w < W; w++) {
      const rows = bounds[w + 1] - bounds[w];
      const job = this.makeJob(model, batch, objective, bounds[w], bounds[w + 1], T, B, flatParams, shared(total), shared(2));
      jobs.push({ ...job, hN: shared(LD * rows * H), cN: mode === 'lstm' ? shared(LD * rows * H) : null });
    }

    Atomics.store(this.control, 1, 0);
    Atomics.store(this.control, 2, 0);
    for (let w = 1; w < W; w++) this.handles[w - 1].port.postMessage(jobs[w]);
    const others = this.handles.length;
    for (let w = W; w <= others; w++) this.handles[w - 1].port.postMessage(null); // idle this step
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    runSlice(jobs[0], this.local);
    for (let done = Atomics.load(this.control, 1); done < others; done = Atomics.load(this.control, 1)) {
      Atomics.wait(this.control, 1, done, 60_000);
    }
    if (Atomics.load(this.control, 2) !== 0) throw new ValueError('ParallelTrainer: a worker thread failed while computing its slice');

    // Add the slices in a fixed order, each weighted by its share of the loss's mean.
    const weightSum = jobs.reduce((a, j) => a + j.result[1], 0);
    let loss = 0;
    for (const p of params) p.grad.data.fill(0);
    for (const job of jobs) {
      const share = objective.type === 'probe' ? 1 : job.result[1] / weightSum;
      loss += share * job.result[0];
      at = 0;
      for (const p of params) {
        const g = p.grad.data;
        for (let k = 0; k < g.length; k++) g[k] += share * job.grads[at + k];
        at += g.length;
      }
    }
    // The final states, slice by slice along the batch axis: [L·D, rows, H] each into [L·D, B, H].
    const h_n = zeros([LD, B, H]);
    const c_n = mode === 'lstm' ? zeros([LD, B, H]) : null;
    jobs.forEach((job, w) => {
      const rows = bounds[w + 1] - bounds[w];
      for (let l = 0; l < LD; l++) {
        h_n.data.set(job.hN.subarray(l * rows * H, (l + 1) * rows * H), (l * B + bounds[w]) * H);
        if (c_n && job.cN) c_n.data.set(job.cN.subarray(l * rows * H, (l + 1) * rows * H), (l * B + bounds[w]) * H);
      }
    });
    return { loss, h_n, c_n };
  }

  /** Stops the worker threads. */
  close(): void {
    for (const h of this.handles) void h.worker.terminate();
  }

  private makeJob(
    model: SequenceModel, batch: Batch, objective: Objective, b0: number, b1: number, T: number, B: number,
    params: Float64Array, grads: Float64Array, result: Float64Array,
  ): Omit<SliceJob, 'hN' | 'cN'> {
    const tensors: ShapedArray[] = [];
    let targets: number[] | null = null;
    let classWeights: number[] | null = null;
    if (objective.type === 'probe') {
      tensors.push(sliceShared(objective.G, 1, b0, b1), sliceShared(objective.Gh, 1, b0, b1));
      if (objective.Gc) tensors.push(sliceShared(objective.Gc, 1, b0, b1));
    } else if (objective.type === 'mse_last') {
      tensors.push(sliceShared(objective.target, 0, b0, b1));
    } else if (objective.type === 'mse_all') {
      tensors.push(sliceShared(objective.target, 1, b0, b1));
    } else if (objective.type === 'ce_all') {
      targets = [];
      for (let t = 0; t < T; t++) for (let b = b0; b < b1; b++) targets.push(objective.targets[t * B + b]);
    } else {
      targets = Array.from(objective.targets).slice(b0, b1);
      classWeights = objective.classWeights ? Array.from(objective.classWeights) : null;
    }
    return {
      config: model.toConfig(), params, grads, result,
      x: sliceShared(batch.x, 1, b0, b1),
      h0: batch.h0 ? sliceShared(batch.h0, 1, b0, b1) : null,
      c0: batch.c0 ? sliceShared(batch.c0, 1, b0, b1) : null,
      lengths: batch.lengths ? Array.from(batch.lengths).slice(b0, b1) : null,
      objective: { type: objective.type, tensors, targets, classWeights },
    };
  }
}
