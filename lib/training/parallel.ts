/**
 * Data-parallel gradients on both cores: the batch is split by rows, the main thread computes the first
 * slice and each worker thread (worker_threads) one other, and the gradients are added in a fixed order
 * (slice 0, 1, …), so the result is the same on every run.                 docs: docs/performance.md
 *
 * Rows of a batch never interact in a recurrent network until the losses and the weight gradients sum
 * over them, so each slice's forward values are exactly those of the whole batch; only the order of the
 * final sums differs (spec/training/parallel.spec.ts holds one worker and two to 1e-12 relative). A
 * SequenceModel and the encoder–decoder are split alike; what a slice holds for each is in
 * parallel-slices.ts.
 *
 * Everything a worker needs for a step (the parameters, its inputs and targets) is copied into
 * SharedArrayBuffers; the call blocks on Atomics until every worker has written its gradients, so the
 * API stays synchronous, like the single-threaded one. A worker that fails sends its error back.
 */
import * as path from 'path';
import { Worker, MessageChannel, MessagePort, receiveMessageOnPort } from 'worker_threads';
import { Mat, zeros, ValueError, ShapeError } from '../kernels/tensor';
import { NamedParameter } from '../kernels/parameter';
import { SequenceModel } from '../models/sequence-model';
import { Batch, Objective } from '../models/objectives';
import { sliceBatch, sliceObjective, isSum } from '../models/objective-slices';
import { Seq2Seq, Seq2SeqBatch } from '../models/seq2seq';
import { Captioner, CaptionImage } from '../models/captioner';
import { SliceJob, SliceModels, toPlain } from './parallel-slices';

interface WorkerHandle {
  worker: Worker;
  port: MessagePort;
}

const shared = (n: number) => new Float64Array(new SharedArrayBuffer(8 * Math.max(1, n))).subarray(0, n);

/** Row bounds of W slices of B rows: slice w is rows bounds[w] … bounds[w+1]−1. */
const boundsOf = (B: number, W: number) => Array.from({ length: W + 1 }, (_, w) => Math.round((w * B) / W));

export class ParallelTrainer {
  readonly workers: number;
  private readonly handles: WorkerHandle[] = [];
  private readonly control: Int32Array; // [0] job counter, [1] workers done, [2] a worker failed
  private readonly local = new SliceModels(); // the main thread's replicas, for slice 0
  // Shared memory kept from one step to the next: every parameter, and each slice's gradients.
  private params: Float64Array | null = null;
  private readonly grads: Float64Array[] = [];

  /** `workers` slices in all: the main thread and workers − 1 threads. */
  constructor(workers: number) {
    if (!Number.isInteger(workers) || workers < 1) throw new ValueError(`ParallelTrainer workers: expected an integer >= 1, got ${workers}`);
    this.workers = workers;
    this.control = new Int32Array(new SharedArrayBuffer(12));
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
    const params = model.namedParameters();
    const flat = this.sharedParams(params);
    const bounds = boundsOf(B, Math.min(this.workers, B));
    const { numLayers, bidirectional, hiddenSize: H, mode } = model.rnn.config;
    const R = model.rnn.stateSize; // h's size (P with an LSTM projection); c keeps H
    const LD = numLayers * (bidirectional ? 2 : 1);
    const config = { ...model.toConfig(), engine: model.rnn.engine }; // the slices run on the model's engine
    const drop = model.dropoutState;
    const jobs: Extract<SliceJob, { kind: 'sequence' }>[] = bounds.slice(1).map((b1, w) => {
      const b0 = bounds[w];
      return {
        kind: 'sequence', config, params: flat, grads: this.sharedGrads(w, flat.length), result: shared(2),
        batch: toPlain(sliceBatch(batch, b0, b1)), objective: toPlain(sliceObjective(objective, b0, b1, T, B)),
        hN: shared(LD * (b1 - b0) * R), cN: mode === 'lstm' ? shared(LD * (b1 - b0) * H) : null,
        dropout: drop ? { seed: drop.seed, rowOffset: drop.rowOffset + b0 } : null, // each row keeps its masks
      };
    });
    const loss = this.runAndAdd(jobs, params, isSum(objective));
    // The final states, slice by slice along the batch axis: [L·D, rows, R] each into [L·D, B, R] (c: H).
    const h_n = zeros([LD, B, R]);
    const c_n = mode === 'lstm' ? zeros([LD, B, H]) : null;
    jobs.forEach((job, w) => {
      const rows = bounds[w + 1] - bounds[w];
      for (let l = 0; l < LD; l++) {
        h_n.data.set(job.hN.subarray(l * rows * R, (l + 1) * rows * R), (l * B + bounds[w]) * R);
        if (c_n && job.cN) c_n.data.set(job.cN.subarray(l * rows * H, (l + 1) * rows * H), (l * B + bounds[w]) * H);
      }
    });
    return { loss, h_n, c_n };
  }

  /**
   * The encoder–decoder's (or the captioner's) loss per target word on a batch of pairs (`forced[b]`: row b
   * teacher-forced), its rows split over the threads; the gradients go into the model's (overwritten).
   * Returns the loss.
   */
  seq2seqLossAndGradients(model: Seq2Seq | Captioner, batch: Seq2SeqBatch<readonly number[]> | Seq2SeqBatch<CaptionImage>, forced: readonly boolean[]): number {
    return this.pairLoss(model, batch, forced, true);
  }

  /** The same loss with no backward pass (validation): the model's gradients are left as they are. */
  seq2seqLoss(model: Seq2Seq | Captioner, batch: Seq2SeqBatch<readonly number[]> | Seq2SeqBatch<CaptionImage>, forced: readonly boolean[]): number {
    return this.pairLoss(model, batch, forced, false);
  }

  private pairLoss(model: Seq2Seq | Captioner, batch: Seq2SeqBatch<readonly number[]> | Seq2SeqBatch<CaptionImage>, forced: readonly boolean[], backward: boolean): number {
    const params = model.namedParameters();
    const flat = this.sharedParams(params);
    const B = batch.sources.length, W = Math.min(this.workers, B);
    // A decoder step costs what its rows still writing cost, so the rows are dealt out by target length,
    // longest first, in turn: every slice gets about the same words and the same number of steps.
    const byLength = Array.from({ length: B }, (_, b) => b).sort((a, b) => batch.targets[b].length - batch.targets[a].length || a - b);
    const jobs: Extract<SliceJob, { kind: 'seq2seq' | 'caption' }>[] = Array.from({ length: W }, (_, w) => {
      const rows = byLength.filter((_, k) => k % W === w);
      const base = {
        params: flat, grads: w === 0 || !backward ? new Float64Array(0) : this.sharedGrads(w, flat.length), result: shared(2), // slice 0 runs in place
        targets: rows.map((b) => [...batch.targets[b]]), forced: rows.map((b) => forced[b]), backward,
      };
      return model instanceof Captioner
        ? { ...base, kind: 'caption', config: model.toConfig(), sources: rows.map((b) => (batch as Seq2SeqBatch<CaptionImage>).sources[b]) }
        : { ...base, kind: 'seq2seq', config: model.toConfig(), sources: rows.map((b) => [...(batch as Seq2SeqBatch).sources[b]]) };
    });
    // Slice 0 runs on the model itself, its gradients left in place: no copy of the parameters in or of
    // the gradients out on this thread.
    const first = jobs[0];
    return this.runAndAdd(jobs, backward ? params : null, false, () => {
      if (backward) model.zeroGrad();
      const r = first.kind === 'caption' && model instanceof Captioner
        ? model.loss({ sources: first.sources, targets: first.targets }, { forced: first.forced, backward })
        : (model as Seq2Seq).loss({ sources: first.sources as number[][], targets: first.targets }, { forced: first.forced, backward });
      return { loss: r.loss, terms: r.words };
    });
  }

  /** Every parameter, concatenated in order, into the shared buffer kept for them. */
  private sharedParams(params: NamedParameter[]): Float64Array {
    const n = params.reduce((a, p) => a + p.value.size, 0);
    if (this.params?.length !== n) this.params = shared(n);
    let at = 0;
    for (const p of params) {
      this.params.set(p.value.data, at);
      at += p.value.size;
    }
    return this.params;
  }

  /** The shared buffer slice w writes its n gradients into (each worker overwrites all of it). */
  private sharedGrads(w: number, n: number): Float64Array {
    if (this.grads[w]?.length !== n) this.grads[w] = shared(n);
    return this.grads[w];
  }

  /** Stops the worker threads. */
  close(): void {
    for (const h of this.handles) void h.worker.terminate();
  }

  /**
   * Runs job 0 here and the others on the workers, waits for all, and adds the slices in order into the
   * parameters' gradients, each weighted by its share of the terms (or by 1 for a sum). Returns the loss.
   * With `inPlace`, job 0 is run by it on the model itself, which leaves its gradients in the parameters'.
   * With no `params` (a loss without gradients), only the loss is combined.
   */
  private runAndAdd(jobs: SliceJob[], params: NamedParameter[] | null, sum: boolean, inPlace: (() => { loss: number; terms: number }) | null = null): number {
    Atomics.store(this.control, 1, 0);
    Atomics.store(this.control, 2, 0);
    for (let w = 1; w < jobs.length; w++) this.handles[w - 1].port.postMessage(jobs[w]);
    const others = this.handles.length;
    for (let w = jobs.length; w <= others; w++) this.handles[w - 1].port.postMessage(null); // idle this step
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    if (inPlace) {
      const r = inPlace();
      jobs[0].result[0] = r.loss;
      jobs[0].result[1] = r.terms;
    } else {
      this.local.run(jobs[0]);
    }
    for (let done = Atomics.load(this.control, 1); done < others; done = Atomics.load(this.control, 1)) {
      Atomics.wait(this.control, 1, done, 60_000);
    }
    if (Atomics.load(this.control, 2) !== 0) throw this.workerError();

    const termSum = jobs.reduce((a, j) => a + j.result[1], 0);
    const share = (job: SliceJob) => (sum ? 1 : job.result[1] / termSum);
    let loss = 0;
    for (const job of jobs) loss += share(job) * job.result[0];
    let at = 0;
    for (const p of params ?? []) {
      const g = p.grad.data, n = g.length;
      // g = Σ_w share_w·g_w in slice order; slice 0's gradients are already in g when it ran in place.
      const s0 = inPlace ? share(jobs[0]) : 0, first = inPlace ? 1 : 0;
      for (let w = first; w < jobs.length; w++) {
        const sw = share(jobs[w]), from = jobs[w].grads;
        if (w > first) for (let k = 0; k < n; k++) g[k] += sw * from[at + k];
        else if (inPlace) for (let k = 0; k < n; k++) g[k] = s0 * g[k] + sw * from[at + k];
        else for (let k = 0; k < n; k++) g[k] = sw * from[at + k]; // whatever g held before is overwritten
      }
      if (jobs.length === first) for (let k = 0; k < n; k++) g[k] *= s0;
      at += n;
    }
    return loss;
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


