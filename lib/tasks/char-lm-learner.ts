/**
 * A character model under truncated BPTT as the Trainer trains it: the chunks of the streams are a
 * sequential dataset (chunk 0, 1, …, never shuffled), and the learner carries each chunk's final state
 * into the next chunk, starting from zeros at chunk 0 and after a step that was not applied. The carried
 * state is part of the checkpoint, so a resumed run continues mid-epoch exactly.
 */
import { Mat, fromNested, toNested } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { SequenceBatch, lossAndGradients, lossAndOutput } from '../models/objectives';
import { Dataset, Learner, StepOutcome } from '../training/learner';
import { CarriedState } from '../training/tbptt';
import { ParallelTrainer } from '../training/parallel';
import { findNonFinite } from '../training/nonfinite';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from '../training/checkpoint';

/** Chunk c of every stream, and c itself (chunk 0 starts a pass over the streams from a zero state). */
export interface ChunkBatch extends SequenceBatch {
  chunk: number;
}

/** Streams cut into chunks (char-lm.ts, CharStreams): chunk c of every stream as one batch. */
export interface Chunks {
  readonly chunks: number;
  batch(c: number): { x: Mat; objective: SequenceBatch['objective'] };
}

/** The chunks of B streams as a sequential dataset: batch [c] is chunk c. */
export class ChunkDataset implements Dataset<ChunkBatch> {
  readonly sequential = true;
  readonly size: number;

  constructor(readonly streams: Chunks) {
    this.size = streams.chunks;
  }

  batch(indices: readonly number[]): ChunkBatch {
    const c = indices[0]; // one chunk per step (the Trainer's batch size is 1)
    const { x, objective } = this.streams.batch(c);
    return { batch: { x }, objective, chunk: c };
  }
}

export class CharLmLearner implements Learner<ChunkBatch, SequenceModel> {
  readonly format = { format: CHECKPOINT_FORMAT, format_version: CHECKPOINT_VERSION };
  private readonly state = new CarriedState(); // the training streams' state, from the last applied chunk
  private pending: { h_n: Mat; c_n: Mat | null } | null = null; // this step's final state, carried if it is applied
  private parallel: ParallelTrainer | null = null;

  constructor(readonly model: SequenceModel) {}

  lossAndGradients({ batch, objective, chunk }: ChunkBatch, workers: number): StepOutcome {
    if (chunk === 0) this.state.reset(); // a new pass over the streams starts from a zero state
    const withState = { ...batch, h0: this.state.h0, c0: this.state.c0 };
    if (workers > 1) {
      this.parallel ??= new ParallelTrainer(workers);
      const r = this.parallel.lossGradientsAndState(this.model, withState, objective);
      this.pending = { h_n: r.h_n, c_n: r.c_n };
      const diagnose = () => {
        const again = lossAndGradients(this.model, withState, objective);
        return findNonFinite(this.model, again.forward, again.loss, again.grads);
      };
      return { loss: r.loss, stepGradNorms: [], diagnose };
    }
    const r = lossAndGradients(this.model, withState, objective);
    this.pending = { h_n: r.forward.h_n, c_n: r.forward.c_n };
    return { loss: r.loss, stepGradNorms: r.grads.stepGradNorms, diagnose: () => findNonFinite(this.model, r.forward, r.loss, r.grads) };
  }

  /** A step that was not applied changes nothing, and the next chunk starts afresh. */
  afterStep(applied: boolean): void {
    if (applied && this.pending) this.state.carry(this.pending);
    else this.state.reset();
    this.pending = null;
  }

  /** Mean loss per character over every chunk of the validation streams, from a zero state, the state carried. */
  evaluate(data: Dataset<ChunkBatch>): number {
    const state = new CarriedState();
    let total = 0;
    for (let c = 0; c < data.size; c++) {
      const { batch, objective } = data.batch([c]);
      const { loss, forward } = lossAndOutput(this.model, { ...batch, h0: state.h0, c0: state.c0 }, objective);
      total += loss;
      state.carry(forward);
    }
    return total / data.size;
  }

  carriedState(): unknown {
    return { h: this.state.h0 ? toNested(this.state.h0) : null, c: this.state.c0 ? toNested(this.state.c0) : null };
  }

  loadCarriedState(json: unknown, what: string): void {
    const j = json as { h: unknown; c: unknown };
    this.state.reset();
    if (j?.h !== null && j?.h !== undefined) this.state.h0 = fromNested(j.h, null, `${what}.h`);
    if (j?.c !== null && j?.c !== undefined) this.state.c0 = fromNested(j.c, null, `${what}.c`);
  }

  close(): void {
    this.parallel?.close();
    this.parallel = null;
  }
}
