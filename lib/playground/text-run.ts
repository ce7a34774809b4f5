/**
 * The Text page's training, as its Web Worker runs it: a character language model on the text the
 * reader gave, trained with truncated BPTT by the same code as `unrolled train --task char-lm`
 * (lib/tasks/char-lm.ts), and sampled from as it learns. No DOM here: the worker (worker.ts) calls it,
 * and a spec runs it in Node.                                                docs: docs/use-cases.md
 */
import { checkInteger } from './settings';
import { CellKind } from '../cells/cell-params';
import { SequenceModel } from '../models/sequence-model';
import { Trainer } from '../training/trainer';
import { ChunkBatch } from '../tasks/char-lm-learner';
import { prepareCharLm, charLmTrainer, sampleText, checkText } from '../tasks/char-lm';

export interface TextSettings {
  text: string;
  cell: CellKind;
  hidden: number;
  seqLen: number; // characters per chunk of truncated BPTT
  batch: number; // streams read side by side
  lr: number;
  steps: number;
  evalEvery: number; // steps between validations (and samples)
  seed: number;
}

export const TEXT_DEFAULTS: Omit<TextSettings, 'text'> = { cell: 'lstm', hidden: 64, seqLen: 32, batch: 16, lr: 0.005, steps: 1500, evalEvery: 50, seed: 1 };

export interface TextReport {
  step: number;
  losses: [number, number][]; // (step, nats per character of the training batch) since the last report
  valLoss: [number, number] | null; // (step, nats per character of the held-out tenth) when a validation ran
  symbols: number; // the vocabulary's size
  trainChars: number;
  valChars: number;
}

export function checkTextSettings(s: TextSettings): void {
  checkText(s.text, 'text');
  checkInteger(s.hidden, 1, 512, 'H');
  checkInteger(s.seqLen, 2, 256, 'chunk length');
  checkInteger(s.batch, 1, 128, 'streams');
  checkInteger(s.steps, 1, 1000000, 'steps');
  // The held-out tenth must give every stream of validation at least a few chunks.
  if (s.text.length < 20 * s.seqLen) throw new RangeError(`text: ${s.text.length} characters is too short for chunks of ${s.seqLen}; give at least ${20 * s.seqLen}`);
}

export class TextRun {
  readonly data: ReturnType<typeof prepareCharLm>;
  readonly model: SequenceModel;
  private readonly trainer: Trainer<ChunkBatch>;
  private losses: [number, number][] = [];
  private valLoss: [number, number] | null = null;

  constructor(readonly settings: TextSettings) {
    checkTextSettings(settings);
    const s = settings;
    this.data = prepareCharLm(s.text, { batchSize: s.batch, seqLen: s.seqLen });
    const V = this.data.vocab.size;
    this.model = new SequenceModel({ mode: s.cell, inputSize: V, hiddenSize: s.hidden, seed: s.seed, head: { mode: 'all', outFeatures: V } });
    this.trainer = charLmTrainer(this.model, this.data, { lr: s.lr, steps: s.steps, evalEvery: s.evalEvery, seed: s.seed, clip: 5, schedule: 'constant' });
  }

  get step(): number {
    return this.trainer.counters.step;
  }

  get done(): boolean {
    return this.step >= this.settings.steps;
  }

  /** One step of truncated BPTT; every `evalEvery` steps, the loss on the held-out text as well. */
  advance(): void {
    const info = this.trainer.step();
    this.losses.push([info.step, info.loss]);
    if (info.step % this.settings.evalEvery === 0 || info.step === this.settings.steps) this.valLoss = [info.step, this.trainer.evaluate()];
  }

  /** `length` characters from the model as it is now, after `prime`. */
  sample(prime: string, length: number, temperature: number, seed: number): string {
    const known = [...prime].filter((c) => this.data.vocab.unknownIn(c).length === 0).join('');
    return sampleText(this.model, this.data.vocab, { prime: known.length ? known : this.data.vocab.chars[1], length, temperature, seed });
  }

  report(): TextReport {
    const r: TextReport = {
      step: this.step, losses: this.losses, valLoss: this.valLoss, symbols: this.data.vocab.size, trainChars: this.data.trainChars, valChars: this.data.valChars,
    };
    this.losses = [];
    this.valLoss = null;
    return r;
  }
}
