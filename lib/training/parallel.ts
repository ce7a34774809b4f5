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
import { Worker, MessageChannel, MessagePort, receiveMessageOnPort } from 'worker_threads';
import { Mat, zeros, toFlat, fromArray, ValueError, ShapeError } from '../kernels/tensor';
import { SequenceModel, SequenceModelConfig } from '../models/sequence-model';
import { Batch, Objective, lossAndGradients } from '../models/objectives';
import { sliceBatch, sliceObjective, objectiveTerms, isSum } from '../models/objective-slices';

/** A tensor as plain data for a worker: its values (over shared memory) and its shape. */
export interface ShapedArray {
  data: Float64Array;
  shape: number[];
}

/** A record whose tensors are ShapedArrays: a batch or an objective as it crosses to a worker. */
type Plain = Record<string, unknown>;

/** A batch slice's job, as plain data. */
export interface SliceJob {
  config: SequenceModelConfig;
  params: Float64Array; // every parameter, concatenated in namedParameters() order
  batch: Plain;
  objective: Plain;
  grads: Float64Array; // where the slice's gradients go (same layout as params)
  result: Float64Array; // [loss, terms]
  hN: Float64Array; // where the slice's final hidden state goes, [L·D, slice rows, H]
  cN: Float64Array | null; // and the final cell state (LSTM)
}

const isMat = (v: unknown): v is Mat => typeof v === 'object' && v !== null && 'stride' in v && 'data' in v && 'shape' in v;
const isShaped = (v: unknown): v is ShapedArray => typeof v === 'object' && v !== null && (v as ShapedArray).data instanceof Float64Array && Array.isArray((v as ShapedArray).shape);

/** Every tensor field copied into shared memory, every index list as a plain array; the rest as it is. */
function toPlain(record: object): Plain {
  const out: Plain = {};
  for (const [k, v] of Object.entries(record)) {
    if (isMat(v)) {
      const data = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, v.size))).subarray(0, v.size);
      data.set(toFlat(v));
      out[k] = { data, shape: v.shape.slice() };
    } else out[k] = v !== null && typeof v === 'object' && 'length' in v ? Array.from(v as ArrayLike<number>) : v;
  }
  return out;
}

/** The record again, each ShapedArray as a tensor. */
function fromPlain<T>(plain: Plain): T {
  const out: Plain = {};
  for (const [k, v] of Object.entries(plain)) out[k] = isShaped(v) ? fromArray(v.data, v.shape) : v;
  return out as T;
}

/** Computes one slice: used by the main thread for slice 0 and by every worker for its own. */
export function runSlice(job: SliceJob, model: SequenceModel): void {
  let at = 0;
  for (const p of model.namedParameters()) {
    p.value.data.set(job.params.subarray(at, at + p.value.size));
    at += p.value.size;
  }
  const batch = fromPlain<Batch>(job.batch), objective = fromPlain<Objective>(job.objective);
  const r = lossAndGradients(model, batch, objective);
  at = 0;
  for (const p of model.namedParameters()) {
    job.grads.set(p.grad.data, at);
    at += p.grad.size;
  }
  const [T, B] = batch.x.shape;
  job.result[0] = r.loss;
  job.result[1] = objectiveTerms(objective, T, B, batch.lengths ?? null);
  job.hN.set(toFlat(r.forward.h_n));
  if (job.cN && r.forward.c_n) job.cN.set(toFlat(r.forward.c_n));
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
    const config = model.toConfig();
    for (let w = 0; w < W; w++) {
      const [b0, b1] = [bounds[w], bounds[w + 1]];
      jobs.push({
        config, params: flatParams, grads: shared(total), result: shared(2),
        batch: toPlain(sliceBatch(batch, b0, b1)), objective: toPlain(sliceObjective(objective, b0, b1, T, B)),
        hN: shared(LD * (b1 - b0) * H), cN: mode === 'lstm' ? shared(LD * (b1 - b0) * H) : null,
      });
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
    if (Atomics.load(this.control, 2) !== 0) throw this.workerError();

    // Add the slices in a fixed order, each weighted by its share of the loss's mean.
    const weightSum = jobs.reduce((a, j) => a + j.result[1], 0);
    let loss = 0;
    for (const p of params) p.grad.data.fill(0);
    for (const job of jobs) {
      const share = isSum(objective) ? 1 : job.result[1] / weightSum;
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

  /** The error a worker sent back, with its message and the class it had (a bad input stays a ValueError). */
  private workerError(): Error {
    for (const [k, h] of this.handles.entries()) {
      const reply = receiveMessageOnPort(h.port)?.message as { error?: { name: string; message: string } } | undefined;
      if (!reply?.error) continue;
      const message = `ParallelTrainer: worker thread ${k + 1} failed on its slice of the batch: ${reply.error.message}`;
      if (reply.error.name === 'ValueError') return new ValueError(message);
      if (reply.error.name === 'ShapeError') return new ShapeError(message);
      return new Error(message);
    }
    return new Error('ParallelTrainer: a worker thread failed on its slice of the batch and sent no message');
  }
}
