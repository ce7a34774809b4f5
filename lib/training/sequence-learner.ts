/**
 * A SequenceModel under one of its objectives (lib/models/objectives.ts) as the Trainer trains it: a batch
 * is inputs and an objective; its gradients come from one thread or, split by rows, from several
 * (parallel.ts); a non-finite value is located layer by layer and step by step (nonfinite.ts).
 */
import { Rng } from '../kernels/random';
import { SequenceModel } from '../models/sequence-model';
import { SequenceBatch, lossAndGradients, lossOnly } from '../models/objectives';

export type { SequenceBatch } from '../models/objectives';
import { Dataset, Learner, StepOutcome } from './learner';
import { ParallelTrainer } from './parallel';
import { findNonFinite } from './nonfinite';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint';

export class SequenceLearner implements Learner<SequenceBatch, SequenceModel> {
  readonly format = { format: CHECKPOINT_FORMAT, format_version: CHECKPOINT_VERSION };
  private parallel: ParallelTrainer | null = null;

  constructor(readonly model: SequenceModel) {}

  lossAndGradients({ batch, objective }: SequenceBatch, workers: number): StepOutcome {
    if (workers > 1) {
      this.parallel ??= new ParallelTrainer(workers);
      const loss = this.parallel.lossAndGradients(this.model, batch, objective);
      // The place of a non-finite value is found on this thread, by running the batch here once more.
      const diagnose = () => {
        const r = lossAndGradients(this.model, batch, objective);
        return findNonFinite(this.model, r.forward, r.loss, r.grads);
      };
      return { loss, stepGradNorms: [], diagnose };
    }
    const r = lossAndGradients(this.model, batch, objective);
    return { loss: r.loss, stepGradNorms: r.grads.stepGradNorms, diagnose: () => findNonFinite(this.model, r.forward, r.loss, r.grads) };
  }

  /** Mean validation loss, weighted by batch size. */
  evaluate(data: Dataset<SequenceBatch>, batchSize: number): number {
    let total = 0;
    for (let start = 0; start < data.size; start += batchSize) {
      const indices = Array.from({ length: Math.min(batchSize, data.size - start) }, (_, k) => start + k);
      const { batch, objective } = data.batch(indices, new Rng(0)); // the same batches at every validation
      total += lossOnly(this.model, batch, objective) * indices.length;
    }
    return total / data.size;
  }

  close(): void {
    this.parallel?.close();
    this.parallel = null;
  }
}
