/**
 * `unrolled speech --task sequence`: connected digits read by a bidirectional recurrent network trained
 * with CTC, evaluated with each speaker held out in turn (digit error rate and whole-sequence accuracy),
 * then trained on every speaker for the checkpoint `unrolled listen` reads.        docs: docs/speech.md
 */
import { Utterance, Normalization, speakersOf } from '../tasks/speech-data';
import { connectedDigits, trainConnected, evaluateConnected, ConnectedDigitDataset, ConnectedRun, ConnectedSets, trainingUtterances, CONNECTED_DEFAULTS } from '../tasks/speech-sequences';
import { adaptConnected, ADAPT_RECIPE } from '../tasks/speech-adapt';
import { SPEECH_DEFAULTS } from '../audio/features';
import { FitOptions } from '../tasks/fit';

export interface SequenceRunOptions {
  fit: FitOptions & { augment: boolean; stack: number; normalize: Normalization };
  utterances: number; // training utterances per run
  trainDigits: readonly [number, number]; // their fewest and most digits (the held-out speakers' utterances have CONNECTED_DEFAULTS' 2–7)
  testUtterances: number; // per held-out speaker
  finalOnly: boolean;
  ensemble: number; // models trained per run (seeds seed, seed + 1, …), read together (CTC-9)
  adapt: number; // the share of a held-out run's budget spent learning the held-out voice from its unlabelled speech (ADAPT_RECIPE); 0: none
  checkpoint: string; // the final model's; an ensemble's other members go beside it (memberPath)
  say: (obj: Record<string, unknown>, text: string) => void;
}

export interface SequenceResult {
  speakers: Record<string, number>; // digit error rate per held-out speaker
  sequenceAccuracy: Record<string, number>;
  mean: number | null;
  members: Record<string, number[]>; // with an ensemble: each member's own digit error rate, per held-out speaker
  unadapted: Record<string, number>; // with --adapt: the digit error rate per held-out speaker before adapting
  adapted: Record<string, number>; // with --adapt: how many of the voice's unlabelled utterances were kept to learn from
  checkpoints: string[]; // the final model's, one per member
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
  const speakers: Record<string, number> = {}, sequenceAccuracy: Record<string, number> = {}, members: Record<string, number[]> = {};
  const unadapted: Record<string, number> = {}, adapted: Record<string, number> = {};
  const seeds = Array.from({ length: o.ensemble }, (_, m) => seed + m);
  const member = (label: string, m: number) => (o.ensemble > 1 ? `${label}, model ${m + 1} of ${o.ensemble}` : label);
  const names = speakersOf(utts);
  const share = o.fit.maxSeconds ?? null; // each run's
  if (!o.finalOnly && names.length > 1) {
    names.forEach((s, k) => {
      const label = `held-out speaker ${s}`;
      const { train, val } = made(all.filter((i) => utts[i].speaker !== s), k + 1);
      const own = all.filter((i) => utts[i].speaker === s);
      const t0 = Date.now();
      const runs: ConnectedRun[] = []; // the members share the first one's datasets
      const first = { ...o.fit, maxSeconds: share === null ? null : share * (1 - o.adapt) };
      for (const [m, sd] of seeds.entries()) runs.push(trainConnected(train, val, { ...first, seed: sd, onEval: onEval(member(label, m)) }, null, runs[0]?.sets));
      const test = new ConnectedDigitDataset(connectedDigits(utts, own, o.testUtterances, seed * 1000 + 900 + k), runs[0].features, false, o.fit.normalize);
      if (o.adapt > 0) {
        unadapted[s] = evaluateConnected(runs.map((r) => r.model), test).digitErrorRate;
        const voice = connectedDigits(utts, own, ADAPT_RECIPE.utterances, seed * 1000 + 700 + k, { ...CONNECTED_DEFAULTS, minDigits: o.trainDigits[0], maxDigits: o.trainDigits[1] });
        const { kept } = adaptConnected(runs, voice, { ...o.fit, lr: ADAPT_RECIPE.lr, epochs: ADAPT_RECIPE.epochs, maxSeconds: share === null ? null : share * o.adapt, onEval: onEval(`${label}, adapting`) });
        adapted[s] = kept;
        o.say({ run: label, unadaptedDigitErrorRate: unadapted[s], adaptedOn: kept, of: voice.length },
          `${label}: digit error rate ${(100 * unadapted[s]).toFixed(1)}% before adapting; adapting on the ${kept} of ${voice.length} of their unlabelled utterances heard with a probability of at least ${ADAPT_RECIPE.threshold}`);
      }
      const m = evaluateConnected(runs.map((r) => r.model), test);
      speakers[s] = m.digitErrorRate;
      sequenceAccuracy[s] = m.sequenceAccuracy;
      if (o.ensemble > 1) members[s] = m.members;
      const epochs = runs.map((r) => r.training.epochs).join(', ');
      const seconds = (Date.now() - t0) / 1000;
      o.say({ run: label, digitErrorRate: m.digitErrorRate, sequenceAccuracy: m.sequenceAccuracy, ...(o.ensemble > 1 ? { members: members[s] } : {}), test: test.size, epochs: runs.map((r) => r.training.epochs), seconds },
        `${label}: digit error rate ${(100 * m.digitErrorRate).toFixed(1)}%, whole sequences right ${(100 * m.sequenceAccuracy).toFixed(1)}% of ${test.size}` +
        (o.ensemble > 1 ? ` (the ${o.ensemble} models together; alone ${members[s].map((v) => `${(100 * v).toFixed(1)}%`).join(', ')})` : '') + ` (${epochs} epochs, ${seconds.toFixed(0)} s)`);
    });
  }
  const { train, val } = made(all, 0);
  const checkpoints = seeds.map((_, m) => memberPath(o.checkpoint, m));
  let sets: ConnectedSets | undefined; // the first member's, shared by the others
  for (const [m, sd] of seeds.entries()) {
    sets = trainConnected(train, val, { ...o.fit, seed: sd, checkpointPath: checkpoints[m], onEval: onEval(member('final model', m)) }, sequenceTask(utts, o.fit.stack, o.fit.normalize), sets).sets;
  }
  const rates = Object.values(speakers);
  return { speakers, sequenceAccuracy, mean: rates.length ? rates.reduce((a, v) => a + v, 0) / rates.length : null, members, unadapted, adapted, checkpoints };
}

/** Where member m of an ensemble is written: the checkpoint itself for the first, then CK-2.json, CK-3.json, …. */
export function memberPath(checkpoint: string, m: number): string {
  return m === 0 ? checkpoint : checkpoint.replace(/(\.json)?$/, `-${m + 1}.json`);
}
