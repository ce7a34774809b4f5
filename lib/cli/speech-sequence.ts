/**
 * `unrolled speech --task sequence`: connected digits read by a bidirectional recurrent network trained
 * with CTC, evaluated with each speaker held out in turn (digit error rate and whole-sequence accuracy),
 * then trained on every speaker for the checkpoint `unrolled listen` reads.        docs: docs/speech.md
 */
import { Utterance, Normalization, speakersOf } from '../tasks/speech-data';
import { connectedDigits, trainConnected, evaluateConnected, ConnectedDigitDataset, trainingUtterances } from '../tasks/speech-sequences';
import { SPEECH_DEFAULTS } from '../audio/features';
import { FitOptions } from '../tasks/fit';

export interface SequenceRunOptions {
  fit: FitOptions & { augment: boolean; stack: number; normalize: Normalization };
  utterances: number; // training utterances per run
  trainDigits: readonly [number, number]; // their fewest and most digits (the held-out speakers' utterances have CONNECTED_DEFAULTS' 2–7)
  testUtterances: number; // per held-out speaker
  finalOnly: boolean;
  checkpoint: string;
  say: (obj: Record<string, unknown>, text: string) => void;
}

export interface SequenceResult {
  speakers: Record<string, number>; // digit error rate per held-out speaker
  sequenceAccuracy: Record<string, number>;
  mean: number | null;
}

/** What a checkpoint keeps to hear new recordings. */
export function sequenceTask(utts: readonly Utterance[], stack: number, normalize: Normalization) {
  return { name: 'speech-sequence', classes: ['blank', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], blank: 0, sampleRate: 8000, frontEnd: SPEECH_DEFAULTS, deltas: true, normalize, stack, speakers: speakersOf(utts) };
}

export function runSequenceTask(utts: readonly Utterance[], o: SequenceRunOptions): SequenceResult {
  const all = utts.map((_, i) => i);
  const seed = o.fit.seed ?? 1;
  const made = (indices: number[], k: number) => trainingUtterances(utts, indices, o.utterances, seed * 1000 + k, o.trainDigits);
  const onEval = (label: string) => (e: { step: number; valLoss: number; improved: boolean }) =>
    o.say({ run: label, step: e.step, valLoss: e.valLoss, improved: e.improved }, `  ${label}: step ${e.step}, validation loss ${e.valLoss.toFixed(4)}${e.improved ? ' (best)' : ''}`);
  const speakers: Record<string, number> = {}, sequenceAccuracy: Record<string, number> = {};
  const names = speakersOf(utts);
  if (!o.finalOnly && names.length > 1) {
    names.forEach((s, k) => {
      const label = `held-out speaker ${s}`;
      const { train, val } = made(all.filter((i) => utts[i].speaker !== s), k + 1);
      const t0 = Date.now();
      const r = trainConnected(train, val, { ...o.fit, onEval: onEval(label) });
      const test = new ConnectedDigitDataset(connectedDigits(utts, all.filter((i) => utts[i].speaker === s), o.testUtterances, seed * 1000 + 900 + k), r.features, false, o.fit.normalize);
      const m = evaluateConnected(r.model, test);
      speakers[s] = m.digitErrorRate;
      sequenceAccuracy[s] = m.sequenceAccuracy;
      o.say({ run: label, digitErrorRate: m.digitErrorRate, sequenceAccuracy: m.sequenceAccuracy, test: test.size, epochs: r.training.epochs, seconds: (Date.now() - t0) / 1000 },
        `${label}: digit error rate ${(100 * m.digitErrorRate).toFixed(1)}%, whole sequences right ${(100 * m.sequenceAccuracy).toFixed(1)}% of ${test.size} (${r.training.epochs} epochs, ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    });
  }
  const { train, val } = made(all, 0);
  trainConnected(train, val, { ...o.fit, checkpointPath: o.checkpoint, onEval: onEval('final model') }, sequenceTask(utts, o.fit.stack, o.fit.normalize));
  const rates = Object.values(speakers);
  return { speakers, sequenceAccuracy, mean: rates.length ? rates.reduce((a, v) => a + v, 0) / rates.length : null };
}
