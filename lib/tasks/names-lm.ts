/**
 * Generating names of a given origin: a character model conditioned on the class (one-to-many), as in
 * PyTorch's tutorial "Generating names with a character-level RNN".            docs: docs/use-cases.md
 *
 * A name of class c, say "Rovak", is read as the steps
 *   x_t = [onehot(R) ‖ onehot(c)], [onehot(o) ‖ onehot(c)], …, [onehot(k) ‖ onehot(c)]
 * with targets "o", "v", "a", "k", END: the class is given at every step, and END ("\n") ends a name.
 * Names of a batch have their own lengths (padded positions take no loss, ce_all with lengths). To
 * generate, the start letters are read, then the model's own draws are fed back until END or maxLength.
 */
import { zeros, ValueError } from '../kernels/tensor';
import { Rng } from '../kernels/random';
import { SequenceModel } from '../models/sequence-model';
import { Batch, Objective } from '../models/objectives';
import { Dataset, TrainResult, Trainer } from '../training/trainer';
import { CharVocabulary, foldToAscii } from '../data/text';
import { stratifiedSplit } from '../data/labelled';
import { FitOptions, fit, fitDefaults, resumeFit, dropoutOptions } from './fit';
import { Checkpoint } from '../training/checkpoint';
import { drawCharacter } from './char-lm';

export const END = '\n';

export interface NamesLmTask {
  name: 'names-lm';
  classes: string[];
  vocabulary: string; // CharVocabulary.toJSON(), END included
  valFraction?: number; // the split, with options.seed (absent in checkpoints that cannot be resumed)
  options?: SavedFitOptions; // how the run trained
}

/** Names with their classes as conditioned next-character sequences. */
export class ConditionalNames implements Dataset {
  private readonly ids: number[][];

  constructor(names: readonly string[], readonly labels: readonly number[], readonly classes: readonly string[], readonly vocab: CharVocabulary, readonly indices: readonly number[]) {
    this.ids = indices.map((i) => vocab.encode(foldToAscii(names[i]) + END));
  }

  get size(): number {
    return this.indices.length;
  }

  /** The steps of sample i: its letters (END is only a target). */
  lengthOf(i: number): number {
    return this.ids[i].length - 1;
  }

  /** x [T,B,V+K] (letter one-hot ‖ class one-hot), lengths, and the next letter (or END) at every valid step. */
  batch(idx: readonly number[]): { batch: Batch; objective: Objective } {
    const V = this.vocab.size, K = this.classes.length, B = idx.length;
    const lengths = idx.map((i) => this.lengthOf(i));
    const T = Math.max(...lengths);
    const x = zeros([T, B, V + K]);
    const targets = new Array<number>(T * B).fill(0); // padded positions are left out by their lengths
    idx.forEach((i, b) => {
      const ids = this.ids[i], c = this.labels[this.indices[i]];
      for (let t = 0; t < lengths[b]; t++) {
        x.set(t, b, ids[t], 1);
        x.set(t, b, V + c, 1);
        targets[t * B + b] = ids[t + 1];
      }
    });
    return { batch: { x, lengths }, objective: { type: 'ce_all', targets } };
  }
}

export interface NamesLmResult {
  model: SequenceModel;
  trainer: Trainer;
  task: NamesLmTask;
  training: TrainResult;
  sizes: { train: number; validation: number };
}

/** The split (stratified, `valFraction` held out, from the seed) and the vocabulary of the training names. */
function namesData(names: readonly string[], labels: readonly number[], classes: string[], seed: number, valFraction: number) {
  const split = stratifiedSplit(labels, classes.length, valFraction, 0, seed);
  const train = split.train, validation = split.test;
  const vocab = CharVocabulary.fromTexts(train.map((i) => foldToAscii(names[i]) + END));
  return {
    vocab, sizes: { train: train.length, validation: validation.length },
    trainSet: new ConditionalNames(names, labels, classes, vocab, train), valSet: new ConditionalNames(names, labels, classes, vocab, validation),
  };
}

/** The options a resumed run must reuse (the budget, threads and hooks may change, so they are not kept). */
type SavedFitOptions = Omit<ReturnType<typeof fitDefaults>, 'onStep' | 'onEval' | 'epochs' | 'maxSeconds' | 'workers'>;

/** Trains a conditional name model on (names, labels); a stratified `valFraction` is held out for validation. */
export function trainNamesLm(names: readonly string[], labels: readonly number[], classes: string[], o: FitOptions & { valFraction?: number }): NamesLmResult {
  const r = fitDefaults(o);
  const valFraction = o.valFraction ?? 0.1;
  const d = namesData(names, labels, classes, r.seed, valFraction);
  const { onStep: _s, onEval: _e, epochs: _n, maxSeconds: _t, workers: _w, ...options } = r;
  const task: NamesLmTask = { name: 'names-lm', classes, vocabulary: d.vocab.toJSON(), valFraction, options };
  const model = new SequenceModel({
    mode: r.cell, inputSize: d.vocab.size + classes.length, hiddenSize: r.hidden, numLayers: r.layers, seed: r.seed,
    head: { mode: 'all', outFeatures: d.vocab.size }, ...dropoutOptions(r),
  });
  const { trainer, result } = fit(model, d.trainSet, d.valSet, o, task);
  return { model, trainer, task, training: result, sizes: d.sizes };
}

/**
 * Continues a names-lm run exactly where its checkpoint left off, on the same names: the model, the
 * split and the training options come from the checkpoint; `o` may change the budget, threads and hooks.
 */
export function resumeNamesLm(
  ckpt: Checkpoint, names: readonly string[], labels: readonly number[], classes: string[],
  o: Pick<FitOptions, 'epochs' | 'maxSeconds' | 'workers' | 'onStep' | 'onEval' | 'checkpointPath'>, what: string,
): NamesLmResult {
  const task = ckpt.task as NamesLmTask;
  if (!task.options || task.valFraction === undefined) throw new ValueError(`${what}: task: written before names-lm runs could be resumed (no options); start a new run`);
  if (JSON.stringify(task.classes) !== JSON.stringify(classes)) throw new ValueError(`${what}: task.classes: the checkpoint has ${task.classes.join(', ')}; the data has ${classes.join(', ')}`);
  const d = namesData(names, labels, classes, task.options.seed, task.valFraction);
  if (d.vocab.toJSON() !== task.vocabulary) throw new ValueError(`${what}: task.vocabulary: the names no longer give the alphabet the model was trained with; the data has changed`);
  const { trainer, result } = resumeFit(ckpt, d.trainSet, d.valSet, { ...task.options, ...o }, what);
  return { model: trainer.model, trainer, task, training: result, sizes: d.sizes };
}

export interface GenerateOptions {
  language: string;
  start: string; // the first letter(s) of the name
  temperature?: number; // 0 (default): the most probable letter every time, as the tutorial
  topK?: number | null;
  seed?: number;
  maxLength?: number; // default 20 letters
}

/** One name of class `language` that starts with `start`. */
export function generateName(model: SequenceModel, task: NamesLmTask, o: GenerateOptions): string {
  const c = task.classes.indexOf(o.language);
  if (c < 0) throw new ValueError(`generateName language: unknown language ${JSON.stringify(o.language)}; the model knows ${task.classes.join(', ')}`);
  const vocab = CharVocabulary.fromJSON(task.vocabulary, 'task.vocabulary');
  const start = foldToAscii(o.start);
  if (start.length === 0) throw new ValueError('generateName start: give at least one letter to start the name with');
  const unknown = vocab.unknownIn(start);
  if (unknown.length) throw new ValueError(`generateName start: ${unknown.map((ch) => JSON.stringify(ch)).join(', ')} never start or occur in a training name; use letters of the alphabet the names use`);
  const temperature = o.temperature ?? 0, maxLength = o.maxLength ?? 20;
  const V = vocab.size, K = task.classes.length;
  const rng = new Rng(o.seed ?? 1);
  // One letter at a time through the model's stepper (lib/models/stepper.ts): the state carries the name so far.
  const stepper = model.stepper();
  const x = zeros([1, V + K]); // [letter one-hot ‖ language one-hot]
  const read = (k: number) => {
    x.data.fill(0);
    x.data[k] = 1;
    x.data[V + c] = 1;
    return stepper.step(x); // [1,V] logits
  };
  const endId = vocab.encode(END)[0];
  let y = zeros([1, V]);
  for (const k of vocab.encode(start)) y = read(k);
  let name = start;
  while (name.length < maxLength) {
    const k = drawCharacter(Array.from(y.data.subarray(0, V)), temperature, o.topK ?? null, rng);
    if (k === endId) break;
    name += vocab.chars[k];
    y = read(k);
  }
  return name;
}
