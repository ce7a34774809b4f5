/**
 * The browser's twin of parallel.ts. Node's worker_threads, which parallel.ts splits a batch over, do not
 * exist in a page; a page that trains runs the whole Trainer inside one Web Worker instead, so the page
 * stays responsive (docs/browser.md). A browser build (scripts/build-browser.ts) takes this module
 * wherever the library imports parallel.ts; asking it for more than one thread is refused in one line.
 */
import { Mat, ValueError } from '../kernels/tensor';
import type { ParallelTrainer as NodeParallelTrainer } from './parallel';
import { SequenceModel } from '../models/sequence-model';
import { Batch, Objective } from '../models/objectives';
import { Seq2Seq, Seq2SeqBatch } from '../models/seq2seq';
import { Captioner, CaptionImage } from '../models/captioner';

export class ParallelTrainer implements Pick<NodeParallelTrainer, 'workers' | 'lossAndGradients' | 'lossGradientsAndState' | 'seq2seqLossAndGradients' | 'seq2seqLoss' | 'close'> {
  readonly workers: number;

  constructor(workers: number) {
    throw refusal(workers);
  }

  lossAndGradients(model: SequenceModel, batch: Batch, objective: Objective): number {
    void model, batch, objective;
    throw refusal(this.workers);
  }

  lossGradientsAndState(model: SequenceModel, batch: Batch, objective: Objective): { loss: number; h_n: Mat; c_n: Mat | null } {
    void model, batch, objective;
    throw refusal(this.workers);
  }

  seq2seqLossAndGradients(model: Seq2Seq | Captioner, batch: Seq2SeqBatch<readonly number[]> | Seq2SeqBatch<CaptionImage>, forced: readonly boolean[]): number {
    void model, batch, forced;
    throw refusal(this.workers);
  }

  seq2seqLoss(model: Seq2Seq | Captioner, batch: Seq2SeqBatch<readonly number[]> | Seq2SeqBatch<CaptionImage>, forced: readonly boolean[]): number {
    void model, batch, forced;
    throw refusal(this.workers);
  }

  close(): void {}
}

function refusal(workers: number): ValueError {
  return new ValueError(`workers: ${workers} threads need Node's worker_threads; in the browser, train with workers: 1 (inside a Web Worker, so the page stays responsive)`);
}
