import { Rng } from '../../lib/kernels/random';
import { toFlat, ValueError } from '../../lib/kernels/tensor';
import { SequenceModel } from '../../lib/models/sequence-model';
import { Seq2Seq } from '../../lib/models/seq2seq';
import { Objective, lossAndGradients } from '../../lib/models/objectives';
import { ParallelTrainer } from '../../lib/training/parallel';
import { Trainer } from '../../lib/training/trainer';
import { createOptimizer } from '../../lib/training/optimizers';
import { addingDatasets } from '../../lib/tasks/adding';
import { PairDataset, Seq2SeqLearner } from '../../lib/tasks/translate-learner';
import { randn } from '../helpers';

/** max |a − b| over a tensor, relative to the tensor's largest |b|: the summation order is all that differs. */
function relativeToScale(a: Float64Array, b: Float64Array): number {
  let diff = 0, scale = 0;
  for (let k = 0; k < a.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return scale === 0 ? diff : diff / scale;
}

describe('data-parallel gradients over worker threads', () => {
  const T = 6, B = 5, I = 3, H = 4, K = 3;
  const lengths = [6, 2, 5, 1, 4];
  const cases = ['probe', 'mse_last', 'mse_all', 'ce_all', 'ce_last', 'ctc'] as const;

  it.each(cases)('%s: two workers give the gradients of one, to 1e-12 relative', (type) => {
    const rng = new Rng(91);
    const model = new SequenceModel({
      mode: 'lstm', inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 4,
      head: type === 'probe' ? null : { mode: type === 'mse_last' || type === 'ce_last' ? 'last' : 'all', outFeatures: K },
    });
    const x = randn([T, B, I], rng), h0 = randn([4, B, H], rng), c0 = randn([4, B, H], rng);
    const objective: Objective = type === 'probe' ? { type, G: randn([T, B, 2 * H], rng), Gh: randn([4, B, H], rng), Gc: randn([4, B, H], rng) }
      : type === 'mse_last' ? { type, target: randn([B, K], rng) }
        : type === 'mse_all' ? { type, target: randn([T, B, K], rng) }
          : type === 'ce_last' ? { type, targets: [0, 2, 2, 1, 0], classWeights: [3, 0.5, 1.5] } // weighted: the slices' shares differ
            : type === 'ctc' ? { type, targets: [[1, 2, 1], [2], [1, 1], [], [2, 1]] } // ragged, a repeat, an empty one
            : { type, targets: Array.from({ length: T * B }, () => rng.int(K)) };
    const batch = { x, h0, c0, lengths: type === 'probe' ? null : lengths };
    const one = lossAndGradients(model, batch, objective);
    const single = model.namedParameters().map((p) => toFlat(p.grad));
    const par = new ParallelTrainer(2);
    try {
      const loss = par.lossAndGradients(model, batch, objective);
      expect(Math.abs(loss - one.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(one.loss));
      model.namedParameters().forEach((p, k) => expect(relativeToScale(toFlat(p.grad), single[k])).toBeLessThanOrEqual(1e-12));
    } finally {
      par.close();
    }
  });

  it('returns the whole batch\'s final states, slice by slice, as one thread computes them', () => {
    const rng = new Rng(17);
    const model = new SequenceModel({ mode: 'lstm', inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 5, head: { mode: 'all', outFeatures: K } });
    const x = randn([T, B, I], rng), h0 = randn([4, B, H], rng), c0 = randn([4, B, H], rng);
    const objective: Objective = { type: 'ce_all', targets: Array.from({ length: T * B }, () => rng.int(K)) };
    const one = lossAndGradients(model, { x, h0, c0 }, objective);
    const par = new ParallelTrainer(2);
    try {
      const r = par.lossGradientsAndState(model, { x, h0, c0 }, objective);
      expect(r.h_n.shape).toEqual([4, B, H]);
      expect(relativeToScale(toFlat(r.h_n), toFlat(one.forward.h_n))).toBeLessThan(1e-14);
      expect(relativeToScale(toFlat(r.c_n!), toFlat(one.forward.c_n!))).toBeLessThan(1e-14);
    } finally {
      par.close();
    }
  });

  it('with dropout: two workers draw the masks of one (each row keeps its own), to 1e-12 relative', () => {
    const rng = new Rng(23);
    const model = new SequenceModel({
      mode: 'gru', inputSize: I, hiddenSize: H, numLayers: 2, seed: 6, head: { mode: 'all', outFeatures: K },
      inputDropout: 0.2, dropout: 0.5, recurrentDropout: 0.4, outputDropout: 0.3,
    });
    const x = randn([T, B, I], rng);
    const objective: Objective = { type: 'ce_all', targets: Array.from({ length: T * B }, () => rng.int(K)) };
    model.setDropout({ seed: 12, rowOffset: 0 });
    const one = lossAndGradients(model, { x, lengths }, objective);
    const single = model.namedParameters().map((p) => toFlat(p.grad));
    model.setDropout(null);
    expect(lossAndGradients(model, { x, lengths }, objective).loss).not.toBeCloseTo(one.loss, 6); // the masks did something
    model.setDropout({ seed: 12, rowOffset: 0 });
    const par = new ParallelTrainer(2);
    try {
      const loss = par.lossAndGradients(model, { x, lengths }, objective);
      expect(Math.abs(loss - one.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(one.loss));
      model.namedParameters().forEach((p, k) => expect(relativeToScale(toFlat(p.grad), single[k])).toBeLessThanOrEqual(1e-12));
    } finally {
      par.close();
    }
  });

  it('a training run over two workers is repeatable bit for bit, and follows the one-worker run', () => {
    const data = addingDatasets({ seqLen: 8, trainSize: 64, valSize: 16, dataSeed: 2 });
    const run = (workers: number) => {
      const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 6, seed: 3, head: { mode: 'last', outFeatures: 1 } });
      new Trainer(model, createOptimizer('Adam', { lr: 0.01 }), data.train, null, { batchSize: 16, maxSteps: 6, seed: 1, workers }).run();
      return model.namedParameters().map((p) => toFlat(p.value));
    };
    const a = run(2), b = run(2), c = run(1);
    expect(a).toEqual(b);
    a.forEach((w, k) => expect(relativeToScale(w, c[k])).toBeLessThan(1e-10));
  });

  it('the encoder–decoder: two workers give the loss and gradients of one, to 1e-12 relative', () => {
    const model = new Seq2Seq({ mode: 'gru', attention: true, numLayers: 1, sourceVocabSize: 9, targetVocabSize: 8, embeddingSize: 4, hiddenSize: 5 }, 3);
    const batch = {
      sources: [[4, 5, 6, 2], [3, 2], [6, 4, 7, 8, 2], [5, 5, 2], [7, 2]],
      targets: [[3, 4, 2], [5, 3, 4, 4, 2], [2], [6, 7, 2], [3, 3, 3, 2]],
    };
    const forced = [true, false, true, false, true];
    model.zeroGrad();
    const one = model.loss(batch, { forced, backward: true }).loss;
    const single = model.namedParameters().map((p) => toFlat(p.grad));
    const par = new ParallelTrainer(2);
    try {
      const loss = par.seq2seqLossAndGradients(model, batch, forced);
      expect(Math.abs(loss - one)).toBeLessThanOrEqual(1e-12 * Math.abs(one));
      model.namedParameters().forEach((p, k) => expect(relativeToScale(toFlat(p.grad), single[k])).toBeLessThanOrEqual(1e-12));
    } finally {
      par.close();
    }
  });

  it('the encoder–decoder\'s validation loss: two threads give one\'s, and leave the gradients alone', () => {
    const model = new Seq2Seq({ mode: 'lstm', attention: true, numLayers: 1, sourceVocabSize: 9, targetVocabSize: 8, embeddingSize: 4, hiddenSize: 5 }, 4);
    // 70 pairs: validation takes batches of 64, so the two batches' means are weighted by their words
    const few = [[[4, 5, 6, 2], [3, 4, 2]], [[3, 2], [5, 3, 4, 4, 2]], [[6, 4, 7, 8, 2], [2]], [[5, 5, 2], [6, 7, 2]], [[7, 2], [3, 3, 3, 2]], [[8, 8, 3, 2], [4, 2]]];
    const rows = Array.from({ length: 70 }, (_, i) => few[(i * i) % 6]);
    const sources = rows.map((r) => r[0]), targets = rows.map((r) => r[1]);
    const pairs = new PairDataset({ sources, targets }, 1);
    const learner = new Seq2SeqLearner(model);
    try {
      const alone = learner.evaluate(pairs);
      const one = model.loss({ sources, targets }).loss;
      expect(Math.abs(alone - one)).toBeLessThanOrEqual(1e-12 * one); // two batches weighted by their words: only the sums' order differs
      learner.lossAndGradients(pairs.batch([0, 1, 2, 3]), 2); // starts the threads; the gradients of rows 0–3
      const grads = model.namedParameters().map((p) => toFlat(p.grad));
      const split = learner.evaluate(pairs); // now over both threads
      expect(Math.abs(split - one)).toBeLessThanOrEqual(1e-12 * one);
      expect(model.namedParameters().map((p) => toFlat(p.grad))).toEqual(grads);
      const forced = rows.map((_, i) => i % 3 !== 1); // the loss-only slices honour teacher forcing too
      const par = new ParallelTrainer(2);
      try {
        const free = model.loss({ sources, targets }, { forced }).loss;
        expect(free).not.toBeCloseTo(one, 3);
        expect(Math.abs(par.seq2seqLoss(model, { sources, targets }, forced) - free)).toBeLessThanOrEqual(1e-12 * free);
      } finally {
        par.close();
      }
    } finally {
      learner.close();
    }
  });

  it('brings a worker\'s error back to the caller, with its message and its class', () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: I, hiddenSize: H, head: { mode: 'last', outFeatures: K }, seed: 2 });
    const x = randn([T, 4, I], new Rng(5));
    // rows 2 and 3 go to the worker; row 3's class is out of range, so only the worker's slice fails
    const objective: Objective = { type: 'ce_last', targets: [0, 1, 2, 7] };
    const par = new ParallelTrainer(2);
    try {
      expect(() => par.lossAndGradients(model, { x }, objective)).toThrow(ValueError);
      expect(() => par.lossAndGradients(model, { x }, objective)).toThrow(/^ParallelTrainer: worker thread 1 failed on its slice of the batch: .*7/);
      // and the threads still work afterwards
      expect(Number.isFinite(par.lossAndGradients(model, { x }, { type: 'ce_last', targets: [0, 1, 2, 2] }))).toBe(true);
    } finally {
      par.close();
    }
  });

  it('rejects a worker count that is not a positive integer', () => {
    expect(() => new ParallelTrainer(0)).toThrow(new ValueError('ParallelTrainer workers: expected an integer >= 1, got 0'));
  });
});
