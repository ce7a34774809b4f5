/**
 * The encoder–decoder as the Trainer (lib/training/trainer.ts) trains it: pairs (a sentence or an image,
 * and its target sentence) as a dataset whose batches draw, from the Trainer's generator, which rows are
 * teacher-forced; the loss per target word; its rows split over worker threads; validation teacher-forced
 * in batches of 64 (split over the threads too), weighted by words. The translator (Seq2Seq) and the
 * captioner share it.
 */
import { Rng } from '../kernels/random';
import { Seq2Seq, Seq2SeqBatch } from '../models/seq2seq';
import { Captioner, CaptionImage } from '../models/captioner';
import { Dataset, Learner, StepOutcome } from '../training/learner';
import { ParallelTrainer } from '../training/parallel';
import { SEQ2SEQ_FORMAT, SEQ2SEQ_VERSION } from '../training/seq2seq-checkpoint';

/** A batch of pairs, and which of its rows are teacher-forced. */
export interface PairBatch<Src = readonly number[]> extends Seq2SeqBatch<Src> {
  forced: boolean[];
}

/** The models trained on pairs, and what each reads. */
export type PairModel = Seq2Seq | Captioner;
export type SourceOf<M extends PairModel> = M extends Captioner ? CaptionImage : readonly number[];

/** Pairs whose batches are teacher-forced row by row with probability `teacherForcing`. */
export class PairDataset<Src = readonly number[]> implements Dataset<PairBatch<Src>> {
  readonly size: number;

  constructor(private readonly pairs: Seq2SeqBatch<Src>, private readonly teacherForcing: number) {
    this.size = pairs.sources.length;
  }

  /** Rows `indices`; each is teacher-forced with probability `teacherForcing`, drawn from `rng` (none: every row). */
  batch(indices: readonly number[], rng?: Rng): PairBatch<Src> {
    return {
      sources: indices.map((i) => this.pairs.sources[i]),
      targets: indices.map((i) => this.pairs.targets[i]),
      forced: indices.map(() => (rng ? rng.uniform() < this.teacherForcing : true)),
    };
  }
}

export class Seq2SeqLearner<M extends PairModel = Seq2Seq> implements Learner<PairBatch<SourceOf<M>>, M> {
  private parallel: ParallelTrainer | null = null;

  /** `format`: the checkpoint's (the translator's by default). */
  constructor(readonly model: M, readonly format = { format: SEQ2SEQ_FORMAT, format_version: SEQ2SEQ_VERSION }) {}

  lossAndGradients(batch: PairBatch<SourceOf<M>>, workers: number): StepOutcome {
    let loss: number;
    if (workers > 1) {
      this.parallel ??= new ParallelTrainer(workers);
      loss = this.parallel.seq2seqLossAndGradients(this.model, batch as Seq2SeqBatch<readonly number[]> | Seq2SeqBatch<CaptionImage>, batch.forced);
    } else {
      this.model.zeroGrad();
      loss = this.loss(batch, { forced: batch.forced, backward: true }).loss;
    }
    // The encoder–decoder does not locate a non-finite value step by step; it says whether it is the loss
    // (else the Trainer reports the gradient norm).
    const diagnose = () => (Number.isFinite(loss) ? null : {
      phase: 'loss' as const, tensor: 'loss', layer: null, direction: null, step: null, value: loss,
      message: `non-finite value ${loss} first appeared in the loss pass: loss`,
    });
    return { loss, stepGradNorms: [], diagnose };
  }

  /**
   * The teacher-forced loss per target word over the whole set, in batches of 64, each split over the
   * threads when training has started them.
   */
  evaluate(data: Dataset<PairBatch<SourceOf<M>>>): number {
    let total = 0, words = 0;
    for (let at = 0; at < data.size; at += 64) {
      const indices = Array.from({ length: Math.min(64, data.size - at) }, (_, k) => at + k);
      const batch = data.batch(indices);
      const n = batch.targets.reduce((a, t) => a + t.length, 0); // the words the loss is a mean over
      total += n * (this.parallel
        ? this.parallel.seq2seqLoss(this.model, batch as Seq2SeqBatch<readonly number[]> | Seq2SeqBatch<CaptionImage>, batch.forced)
        : this.loss(batch).loss);
      words += n;
    }
    return total / words;
  }

  /** The model's loss on a batch of what it reads (the union of the two models' `loss` cannot be called as one). */
  private loss(batch: Seq2SeqBatch<SourceOf<M>>, o: { forced?: readonly boolean[]; backward?: boolean } = {}): { loss: number; words: number } {
    return (this.model as { loss(b: Seq2SeqBatch<SourceOf<M>>, o: { forced?: readonly boolean[]; backward?: boolean }): { loss: number; words: number } }).loss(batch, o);
  }

  close(): void {
    this.parallel?.close();
    this.parallel = null;
  }
}
