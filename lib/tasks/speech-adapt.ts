/**
 * Learning a held-out voice from its own speech (self-training): the connected-digit recogniser reads
 * utterances of a voice it was not trained on, without their digits, and trains further on those it is
 * sure of (CTC-10), labelled with what it heard.                                docs: docs/speech.md
 */
import { ValueError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { labellingLogProb } from '../layers/ctc';
import { FitOptions, fit } from './fit';
import { ConnectedDigitDataset, ConnectedRun, ConnectedUtterance, readConnected } from './speech-sequences';

/**
 * How a held-out run learns the voice it is tested on from that voice's speech alone (docs/speech.md):
 * its models read `utterances` other joinings of the voice's recordings, without their digits; those
 * whose labelling they are sure of (CTC-10: a probability of at least `threshold`) join the run's training
 * utterances, labelled with what was heard, and each model trains on them for `share` of the run's
 * budget (at most `epochs` epochs), at the rate `lr`.
 */
export const ADAPT_RECIPE = { share: 0.3, utterances: 1000, threshold: 0.9, lr: 0.001, epochs: 3 } as const;

/**
 * The utterances of `data` the models are sure of, labelled with the digits they hear in them: those whose
 * labelling ℓ* has a mean log-probability over the models of at least ln `threshold` (CTC-10). The digits
 * `data` holds are not read.
 */
export function confidentlyHeard(models: readonly SequenceModel[], data: ConnectedDigitDataset, threshold: number): ConnectedUtterance[] {
  if (models.length < 1) throw new ValueError('confidentlyHeard models: expected at least 1 model, got 0');
  if (!(threshold > 0 && threshold <= 1)) throw new ValueError(`confidentlyHeard threshold: expected a probability in (0, 1], got ${threshold}`);
  const kept: ConnectedUtterance[] = [];
  for (const { i, frames, labels } of readConnected(models, data)) {
    if (labels.length === 0) continue; // nothing heard: nothing to learn a word from
    const confidence = frames.reduce((sum, f) => sum + labellingLogProb(f, labels, 0), 0) / frames.length; // (CTC-10)
    if (confidence >= Math.log(threshold)) kept.push({ speaker: data.items[i].speaker, samples: data.items[i].samples, digits: labels.map((c) => c - 1) });
  }
  return kept;
}

/**
 * Adapts the models of one held-out run (an ensemble's members share their datasets) to a new voice from
 * `unlabeled` utterances of it (ADAPT_RECIPE): the models read them together, the ones they are sure of
 * join the run's training utterances with what was heard as their labels (their own digits are dropped
 * before anything reads them), and each model trains on the union, validated on the run's validation set
 * as before. `o`: the run's options, with the adaptation's budget, rate and epochs. Returns how many
 * utterances were kept.
 */
export function adaptConnected(runs: readonly ConnectedRun[], unlabeled: readonly ConnectedUtterance[], o: FitOptions, threshold: number = ADAPT_RECIPE.threshold): { kept: number } {
  if (runs.length < 1) throw new ValueError('adaptConnected runs: expected at least 1 run, got 0');
  const { features, train, validation } = runs[0].sets;
  const voice = new ConnectedDigitDataset(unlabeled.map((u) => ({ ...u, digits: [] })), features, false, train.normalize);
  const heard = confidentlyHeard(runs.map((r) => r.model), voice, threshold);
  if (heard.length === 0) return { kept: 0 };
  const both = new ConnectedDigitDataset([...train.items, ...heard], features, train.augment, train.normalize);
  for (const r of runs) fit(r.model, both, validation, { ...o, checkpointPath: null, bucketByLength: true }, null);
  return { kept: heard.length };
}
