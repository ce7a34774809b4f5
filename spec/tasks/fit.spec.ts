import { Rng } from '../../lib/kernels/random';
import { ValueError } from '../../lib/kernels/tensor';
import { CharVocabulary } from '../../lib/data/text';
import { textSequences } from '../../lib/data/labelled';
import { SequenceClassificationDataset } from '../../lib/tasks/classify';
import { buildModel, fit, FitOptions } from '../../lib/tasks/fit';
import { expectPlateauRates } from '../helpers';

// Short strings whose class is their first letter: enough for a model to learn, and to overshoot at a high rate.
const rng = new Rng(3);
const texts: string[] = [], labels: number[] = [];
for (let i = 0; i < 32; i++) {
  texts.push((i % 2 ? 'q' : 'z') + Array.from({ length: 1 + rng.int(6) }, () => 'abcde'[rng.int(5)]).join(''));
  labels.push(i % 2);
}
const vocab = CharVocabulary.fromTexts(texts);
const data = textSequences(texts, labels, ['z', 'q'], vocab);
const train = new SequenceClassificationDataset(data, Array.from({ length: 24 }, (_, i) => i));
const validation = new SequenceClassificationDataset(data, Array.from({ length: 8 }, (_, i) => 24 + i));

/** The rate of every step, epoch by epoch (24 samples in batches of 6: four steps an epoch), and every validation loss. */
function rates(o: FitOptions, withValidation = true): { lrs: number[][]; vals: number[] } {
  const lrs: number[][] = [], vals: number[] = [];
  fit(buildModel(o, vocab.size, 2), train, withValidation ? validation : null, {
    ...o, batchSize: 6, epochs: 8, patience: null,
    onStep: (i) => { if (i.step % 4 === 1) lrs.push([]); lrs[lrs.length - 1].push(i.lr); },
    onEval: (i) => vals.push(i.valLoss),
  }, null);
  return { lrs, vals };
}

describe('fit', () => {
  it('with lrDecay, multiplies the rate by it after each epoch whose validation loss is not below the best, and only then', () => {
    const lr = 0.2, decay = 0.5; // a high rate, so that some epochs do not improve
    const { lrs, vals } = rates({ hidden: 8, lr, lrDecay: decay, seed: 2 });
    expect(vals.length).toBe(8);
    const drops = expectPlateauRates(lrs, vals, lr, decay); // every epoch's rate, from the losses before it
    expect(drops).toBeGreaterThan(0); // the rule was exercised both ways
    expect(drops).toBeLessThan(7);
  });

  it('keeps the rate constant without lrDecay, or without a validation set to read plateaus from', () => {
    for (const [o, withValidation] of [[{ hidden: 8, lr: 0.2, seed: 2 }, true], [{ hidden: 8, lr: 0.2, lrDecay: 0.5, seed: 2 }, false]] as const) {
      const { lrs } = rates(o, withValidation);
      expect(lrs.length).toBe(8);
      expect(lrs.flat().every((r) => r === 0.2)).toBe(true);
    }
  });

  it('refuses an lrDecay that is not a factor in (0, 1)', () => {
    for (const bad of [1, 0, -0.5, 1.5]) {
      expect(() => fit(buildModel({ hidden: 4 }, vocab.size, 2), train, validation, { hidden: 4, lrDecay: bad }, null))
        .toThrow(new ValueError(`lrDecay: expected a factor in (0, 1), got ${bad}`));
    }
  });
});
