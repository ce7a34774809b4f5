/**
 * `unrolled train --task char-lm`: a character-level language model on a text file, with truncated BPTT,
 * validation in nats and bits per character, samples along the way, and checkpoints of the best weights.
 * `unrolled sample --checkpoint FILE`: text from such a checkpoint.
 */
import * as fs from 'fs';
import { ValueError } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { Engine } from '../layers/recurrent';
import { Checkpoint, modelFromCheckpoint } from '../training/checkpoint';
import { formatSeconds } from '../training/progress';
import { CharVocabulary } from '../data/text';
import { CharLmTask, checkText, prepareCharLm, charLmTrainer, resumeCharLmTrainer, charLmResult, sampleText } from '../tasks/char-lm';
import { CellKind } from '../cells/cell-params';
import { beamText } from '../tasks/text-beam';
import { Warmup, Plateau } from '../training/schedules';
import { OptionSpec, Parsed, parseArgs, formatOptions } from './args';
import { refuseChangesOnResume, scheduleExtrasFromArgs } from './train-options';
import { CELLS, Out, registered, readTaskCheckpoint, dropoutFromArgs } from './model-options';
import { dropoutOptions } from '../tasks/fit';

/** What `train --task char-lm` uses for the options it is not given. */
export const CHAR_LM_DEFAULTS: Record<string, number> = {
  hidden: 256, layers: 1, 'seq-len': 64, batch: 32, steps: 2000, 'eval-every': 400, lr: 0.002, 'checkpoint-every': 400,
};

/** Options that fix the model, the data and the training: with --resume they come from the checkpoint. */
const FROM_CHECKPOINT = ['data', 'cell', 'hidden', 'layers', 'seq-len', 'batch', 'optimizer', 'lr', 'clip', 'schedule', 'min-lr', 'seed', 'dropout', 'recurrent-dropout', 'warmup-steps', 'warmup-start', 'plateau-factor', 'plateau-patience', 'embedding', 'tie-weights'];

/** What a char-lm checkpoint's task holds beyond the vocabulary: how to rebuild its data and its training. */
interface CharLmTaskJson extends CharLmTask {
  data: string;
  batch: number;
  options: { cell: string; optimizer: string; lr: number; clip: number; seed: number; schedule: 'constant' | 'cosine'; minLr?: number; warmup?: Warmup; plateau?: Plateau };
}

/** --embedding E (an input embedding) and --tie-weights (shared with the output layer, so E = --hidden). */
function embeddingFromArgs(a: Parsed): { dim: number; tied: boolean } | null {
  const hidden = a.hidden as number, dim = a.embedding as number | null;
  if (!a['tie-weights']) return dim === null ? null : { dim, tied: false };
  if (dim !== null && dim !== hidden) throw new ValueError(`train --embedding: a tied embedding is the output layer's weight, so it has --hidden (${hidden}) values; got ${dim}`);
  return { dim: hidden, tied: true };
}

/**
 * Trains a character model with truncated BPTT, or (--resume FILE) continues a run exactly. The
 * checkpoint (every --checkpoint-every steps and at the end) holds the latest state, the carried state of
 * the streams and the best weights, which `unrolled sample` reads.
 */
export function runCharLmTrain(a: Parsed, out: Out): number {
  for (const [k, v] of Object.entries(CHAR_LM_DEFAULTS)) if (!a._given.has(k)) a[k] = v;
  if (a.schedule === 'step') throw new ValueError('train --schedule: a char-lm run takes constant, cosine (to --min-lr, default lr / 10), warmup or plateau');
  let resumed: { ckpt: Checkpoint; task: CharLmTaskJson } | null = null;
  if (a.resume) {
    refuseChangesOnResume(a, FROM_CHECKPOINT, 'the model, the data and the training');
    const { ckpt } = readTaskCheckpoint(a.resume as string, 'train --resume', ['char-lm'], 'char-lm checkpoints');
    const task = ckpt.task as CharLmTaskJson;
    if (!task.options) throw new ValueError(`train --resume: ${a.resume} was written before char-lm runs could be resumed; start a new run`);
    resumed = { ckpt, task };
  }
  const file = resumed?.task.data ?? (a.data as string | null) ?? registered('tinyshakespeare', '--data FILE');
  if (!fs.existsSync(file)) throw new ValueError(`train --data: no such file ${JSON.stringify(file)}`);
  const text = fs.readFileSync(file, 'utf8');
  checkText(text, file);
  const seqLen = resumed?.task.seqLen ?? (a['seq-len'] as number), batchSize = resumed?.task.batch ?? (a.batch as number);
  const data = prepareCharLm(text, { batchSize, seqLen, valFraction: 0.1 });
  if (resumed && data.vocab.toJSON() !== resumed.task.vocabulary) throw new ValueError(`train --resume: ${file} no longer gives the alphabet the checkpoint was trained with; it has changed since`);
  const V = data.vocab.size;
  const options: CharLmTaskJson['options'] = resumed?.task.options ?? {
    cell: CELLS[a.cell as string], optimizer: a.optimizer as string, lr: a.lr as number, clip: a.clip as number, seed: a.seed as number,
    schedule: a.schedule === 'cosine' ? 'cosine' : 'constant', // the command's default is constant, as for every task
    ...(a._given.has('min-lr') ? { minLr: a['min-lr'] as number } : {}), ...scheduleExtrasFromArgs(a),
  };
  const task: CharLmTaskJson = { name: 'char-lm', vocabulary: data.vocab.toJSON(), seqLen, data: file, batch: batchSize, options };
  const checkpoint = (a.checkpoint as string | null) ?? (a.resume as string | null) ?? null;
  const json = (a.json as boolean) || !out.isTTY;
  const steps = a.steps as number, evalEvery = a['eval-every'] as number;
  const line = (obj: Record<string, unknown>, text: string) => out.write(json ? JSON.stringify(obj) + '\n' : `\r\x1b[K${text}\n`);
  const model = resumed ? null : new SequenceModel({
    mode: CELLS[a.cell as string], inputSize: V, hiddenSize: a.hidden as number, numLayers: a.layers as number,
    bidirectional: false, seed: a.seed as number, head: { mode: 'all', outFeatures: V }, ...dropoutOptions(dropoutFromArgs(a)),
    embedding: embeddingFromArgs(a),
  });
  if (!json) {
    const cfg = resumed ? resumed.ckpt.model : (model as SequenceModel).toConfig();
    out.write(`char-lm on ${file}: ${data.trainChars} training and ${data.valChars} validation characters, ${V} symbols; `
      + `${cfg.mode} H=${cfg.hiddenSize} L=${cfg.numLayers}, ${batchSize} streams × chunks of ${seqLen}, ${data.train.chunks} chunks per epoch\n`);
  }
  const started = Date.now();
  let lastDraw = 0, lossAvg: number | null = null;
  let sampleFrom: SequenceModel | null = model;
  const run = {
    cell: options.cell as CellKind, optimizer: options.optimizer, lr: options.lr, clip: options.clip, seed: options.seed,
    schedule: options.schedule, minLr: options.minLr, warmup: options.warmup, plateau: options.plateau, seqLen, batchSize,
    workers: (a.workers as number | null) ?? 2, steps, evalEvery, maxSeconds: (a['max-seconds'] as number | null) ?? null,
    checkpointPath: checkpoint, checkpointEvery: a['checkpoint-every'] as number, task,
    onStep: (s: { step: number; epoch: number; loss: number; lr: number; gradNorm: number; applied: boolean }) => {
      if (s.applied) lossAvg = lossAvg === null ? s.loss : 0.95 * lossAvg + 0.05 * s.loss;
      if (!s.applied) line({ event: 'non-finite', step: s.step }, `step ${s.step}: non-finite loss or gradient, skipped`);
      const now = Date.now();
      if (!json && (now - lastDraw > 200 || s.step === steps)) {
        lastDraw = now;
        const rate = s.step / ((now - started) / 1000);
        out.write(`\rstep ${s.step}/${steps}  loss ${lossAvg?.toFixed(3)} nats  ${rate.toFixed(2)} steps/s  ETA ${formatSeconds((steps - s.step) / rate)}\x1b[K`);
      } else if (json && s.step % evalEvery === 0) {
        out.write(JSON.stringify({ event: 'step', step: s.step, epoch: s.epoch, loss: s.loss, lossAvg, lr: s.lr, gradNorm: s.gradNorm, seconds: (now - started) / 1000 }) + '\n');
      }
    },
    onEval: (e: { step: number; valLoss: number; bestValLoss: number; improved: boolean }) => {
      line({ event: 'eval', step: e.step, valLoss: e.valLoss, valBpc: e.valLoss / Math.LN2, improved: e.improved },
        `step ${e.step}: validation ${e.valLoss.toFixed(4)} nats/char (${(e.valLoss / Math.LN2).toFixed(3)} bits/char)${e.improved ? ', best so far' : ''}`);
      const sample = sampleText(sampleFrom as SequenceModel, data.vocab, { prime: '\n', length: 200, temperature: 0.8, seed: e.step });
      line({ event: 'sample', step: e.step, text: sample }, `--- sample at step ${e.step} (temperature 0.8) ---${sample}\n---`);
    },
  };
  const trainer = resumed ? resumeCharLmTrainer(resumed.ckpt, data, run, `checkpoint ${a.resume}`) : charLmTrainer(model as SequenceModel, data, run);
  trainer.model.rnn.engine = a.engine as Engine; // new or resumed, the weights are the same objects on either engine
  sampleFrom = trainer.model;
  const result = charLmResult(trainer, data); // the model ends at its best validated weights
  const cfg = trainer.model.toConfig();
  const summary = {
    task: 'char-lm', data: file, cell: cfg.mode, hidden: cfg.hiddenSize, layers: cfg.numLayers, seqLen, batch: batchSize,
    steps: result.steps, epochs: result.epochs, trainLoss: result.trainLoss, valLoss: result.valLoss, valBpc: result.valLoss / Math.LN2,
    seconds: result.seconds, checkpoint,
  };
  if (json) out.write(JSON.stringify(summary) + '\n');
  else {
    out.write(`\ndone: ${result.steps} steps (${result.epochs.toFixed(2)} epochs) in ${formatSeconds(result.seconds)}; best validation `
      + `${result.valLoss.toFixed(4)} nats/char = ${(result.valLoss / Math.LN2).toFixed(3)} bits/char${checkpoint ? `\ncheckpoint: ${checkpoint} (try: unrolled sample --checkpoint ${checkpoint} --prime "ROMEO:")` : ''}\n`);
  }
  return 0;
}

export const SAMPLE_OPTIONS: Record<string, OptionSpec> = {
  checkpoint: { kind: 'string', help: 'a checkpoint written by `unrolled train --task char-lm` (required)' },
  prime: { kind: 'string', help: 'text to start from', default: '\\n' },
  length: { kind: 'int', help: 'characters to generate after the prime', default: 500, min: 0 },
  temperature: { kind: 'number', help: 'sampling temperature; 0 is greedy', default: 0.8, min: 0 },
  'top-k': { kind: 'int', help: 'sample among the k most probable characters only', min: 1 },
  seed: { kind: 'int', help: 'same seed, same text', default: 1 },
  beam: { kind: 'int', help: 'instead of sampling, the most probable continuation found by a beam this wide', min: 1 },
  json: { kind: 'flag', help: 'print one JSON object' },
  help: { kind: 'flag', help: 'show this help' },
};

export function sampleHelp(): string {
  return `usage: unrolled sample --checkpoint FILE [--prime TEXT] [--length N] [--temperature T] [--top-k K] [--seed S]
       unrolled sample --checkpoint FILE [--prime TEXT] [--length N] --beam K

Generates text from a character language model: reads the prime, then draws one character at a time
from softmax(logits / temperature) and feeds it back. Temperature 0 takes the most probable character.
With --beam K, searches K candidates wide for the most probable continuation of --length characters
instead (no chance involved; K = 1 is temperature 0).

${formatOptions(SAMPLE_OPTIONS)}`;
}

export function runSample(argv: string[], out: Out = process.stdout): number {
  const a = parseArgs(argv, SAMPLE_OPTIONS, 'sample');
  if (a.help) {
    out.write(sampleHelp() + '\n');
    return 0;
  }
  if (a.checkpoint === null) throw new ValueError('sample --checkpoint: required; give a checkpoint written by `unrolled train --task char-lm`');
  const file = a.checkpoint as string;
  const { ckpt, task: t } = readTaskCheckpoint(file, 'sample', ['char-lm'], 'char-lm checkpoints');
  const task = t as unknown as CharLmTask;
  const vocab = CharVocabulary.fromJSON(task.vocabulary, `checkpoint ${file}: task.vocabulary`);
  const model = modelFromCheckpoint(ckpt, `checkpoint ${file}`, { best: true }); // the best validated weights
  const prime = (a.prime as string).replace(/\\n/g, '\n');
  if (a.beam !== null) {
    const given = ['temperature', 'top-k', 'seed'].filter((k) => a._given.has(k));
    if (given.length) throw new ValueError(`sample ${given.map((k) => `--${k}`).join(', ')}: a beam search draws nothing at random; leave ${given.length > 1 ? 'them' : 'it'} out with --beam`);
    const r = beamText(model, vocab, { prime, length: a.length as number, beam: a.beam as number });
    out.write(a.json ? JSON.stringify({ task: 'sample', prime, beam: a.beam, logProb: r.logProb, text: r.text }) + '\n' : r.text + '\n');
    return 0;
  }
  const text = sampleText(model, vocab, {
    prime, length: a.length as number, temperature: a.temperature as number, topK: (a['top-k'] as number | null) ?? null, seed: a.seed as number,
  });
  out.write(a.json ? JSON.stringify({ task: 'sample', prime, temperature: a.temperature, seed: a.seed, text }) + '\n' : text + '\n');
  return 0;
}
