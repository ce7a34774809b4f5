import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../../lib/kernels/tensor';
import { parseSafetensors, readSafetensors, saveSafetensors, serializeSafetensors, writeSafetensors } from '../../lib/models/safetensors';
import { SequenceModel } from '../../lib/models/sequence-model';
import { stateDict } from '../../lib/models/state-dict';
import { readCheckpoint } from '../../lib/training/checkpoint';
import { exportCheckpoint, importWeights } from '../../lib/training/weights-file';
import { runTrain } from '../../lib/cli/train';
import { runClassify } from '../../lib/cli/classify';
import { runPredict } from '../../lib/cli/predict';
import { runTranslate } from '../../lib/cli/translate';
import { madeUpPairs, tmpDir, writeNameFiles } from '../synthetic';

function capture() {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY: false }, text: () => text };
}
const adding = (file: string, extra: string[] = []) =>
  runTrain(['--train-size', '64', '--val-size', '16', '--hidden', '5', '--seq-len', '6', '--batch', '16', '--steps', '8', '--eval-every', '4', '--workers', '1', '--checkpoint', file, '--json', ...extra], capture().out);

describe('checkpoints to safetensors and back', () => {
  const dir = tmpDir('weights-');
  const ckpt = path.join(dir, 'adding.json');
  adding(ckpt);

  it('export writes the best weights under PyTorch\'s names, with the architecture and the task in the metadata', () => {
    const out = path.join(dir, 'adding.safetensors');
    const r = exportCheckpoint(ckpt, out);
    const c = readCheckpoint(ckpt);
    const { tensors, metadata } = readSafetensors(out);
    expect(r).toMatchObject({ format: 'unrolled-checkpoint', tensors: 6, weights: 'best' });
    expect([...tensors.keys()]).toEqual(['bias_hh_l0', 'bias_ih_l0', 'head.bias', 'head.weight', 'weight_hh_l0', 'weight_ih_l0']);
    expect(Array.from(tensors.get('weight_hh_l0')!.data)).toEqual((c.trainer!.bestWeights!.weight_hh_l0 as number[][]).flat());
    expect(Object.fromEntries(metadata!)).toEqual({
      kind: 'SequenceModel', format: 'unrolled-checkpoint', model: JSON.stringify(c.model), task: JSON.stringify(c.task),
      cell: 'lstm', inputSize: '2', hiddenSize: '5', numLayers: '1', bidirectional: 'false', bias: 'true', weights: 'best',
    });
    exportCheckpoint(ckpt, out, { weights: 'latest' });
    expect(Array.from(readSafetensors(out).tensors.get('weight_hh_l0')!.data)).toEqual((c.weights.weight_hh_l0 as number[][]).flat());
  });

  it('import --like keeps the task, the optimizer settings and the counters; moments and best-weight bookkeeping start afresh; training resumes', () => {
    const weights = path.join(dir, 'latest.safetensors'), out = path.join(dir, 'imported.json');
    exportCheckpoint(ckpt, weights, { weights: 'latest' });
    expect(importWeights(weights, ckpt, out)).toEqual({ format: 'unrolled-checkpoint', from: 'like' });
    const before = readCheckpoint(ckpt), after = readCheckpoint(out);
    expect(after.weights).toEqual(before.weights);
    expect([after.task, after.model, after.counters, after.schedule, after.rng]).toEqual([before.task, before.model, before.counters, before.schedule, before.rng]);
    expect(after.optimizer).toEqual({ ...before.optimizer, state: {} });
    expect(after.trainer).toMatchObject({ bestWeights: before.weights, bestValLoss: null, bestStep: null, evalsSinceBest: 0 });
    const c = capture();
    expect(runTrain(['--resume', out, '--steps', '12', '--eval-every', '4', '--workers', '1', '--json'], c.out)).toBe(0);
    expect(JSON.parse(c.text().trim().split('\n').pop()!)).toMatchObject({ task: 'adding', steps: 12 });
  });

  it('import without --like rebuilds the checkpoint from the metadata alone', () => {
    const weights = path.join(dir, 'best.safetensors'), out = path.join(dir, 'rebuilt.json');
    exportCheckpoint(ckpt, weights);
    expect(importWeights(weights, null, out)).toEqual({ format: 'unrolled-checkpoint', from: 'metadata' });
    const before = readCheckpoint(ckpt), after = readCheckpoint(out);
    expect([after.model, after.task, after.weights]).toEqual([before.model, before.task, before.trainer!.bestWeights]);
    expect([after.optimizer, after.trainer]).toEqual([null, null]);
  });

  it('a model saved by saveSafetensors alone imports too: its architecture is in the metadata, with no task', () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 4, head: { mode: 'all', outFeatures: 2 } });
    const weights = path.join(dir, 'model.safetensors'), out = path.join(dir, 'model.json');
    saveSafetensors(model, weights);
    expect(importWeights(weights, null, out)).toEqual({ format: 'unrolled-checkpoint', from: 'metadata' });
    const c = readCheckpoint(out);
    expect([c.model, c.task]).toEqual([model.toConfig(), null]);
    expect(c.weights).toEqual(stateDict(model));
  });

  it('a classifier comes back predicting the same probabilities, bit for bit', () => {
    const names = writeNameFiles(path.join(dir, 'names'), ['Greek', 'Japanese', 'Polish'], 30), run = path.join(dir, 'classify');
    runClassify(['--data-dir', names, '--epochs', '1', '--hidden', '6', '--workers', '1', '--out', run, '--json'], capture().out);
    const weights = path.join(dir, 'classify.safetensors'), back = path.join(dir, 'classify-back.json');
    exportCheckpoint(path.join(run, 'checkpoint.json'), weights);
    importWeights(weights, null, back);
    const predict = (file: string) => {
      const c = capture();
      runPredict(['--checkpoint', file, '--json', '--top', '3', 'Papadakis', 'Kamura'], c.out);
      return c.text();
    };
    expect(predict(back)).toBe(predict(path.join(run, 'checkpoint.json')));
  });

  it('an encoder–decoder goes out and back: the same translations', () => {
    const pairs = path.join(dir, 'pairs.txt'), model = path.join(dir, 'translate.json');
    fs.writeFileSync(pairs, madeUpPairs(100).join('\n') + '\n');
    runTrain(['--task', 'translate', '--data', pairs, '--epochs', '1', '--hidden', '6', '--beam', '1', '--checkpoint', model, '--json'], capture().out);
    const weights = path.join(dir, 'translate.safetensors');
    expect(exportCheckpoint(model, weights)).toMatchObject({ format: 'unrolled-seq2seq', weights: 'best' });
    expect([...readSafetensors(weights).tensors.keys()]).toContain('decoder.attention.Wa.weight');
    const translateWith = (file: string) => {
      const c = capture();
      runTranslate(['--checkpoint', file, '--json', 'je suis calme maintenant'], c.out, capture().out);
      return JSON.parse(c.text()).output;
    };
    const rebuilt = path.join(dir, 'translate-back.json'), like = path.join(dir, 'translate-like.json');
    expect(importWeights(weights, null, rebuilt)).toEqual({ format: 'unrolled-seq2seq', from: 'metadata' });
    expect(importWeights(weights, model, like)).toEqual({ format: 'unrolled-seq2seq', from: 'like' });
    expect(translateWith(rebuilt)).toBe(translateWith(model));
    expect(translateWith(like)).toBe(translateWith(model));
  });

  it('refuses, writing nothing: no metadata and no --like, another architecture of the same shapes, a missing tensor', () => {
    const weights = path.join(dir, 'plain.safetensors');
    exportCheckpoint(ckpt, weights);
    const bare = path.join(dir, 'bare.safetensors'), out = path.join(dir, 'never.json');
    const read = parseSafetensors(fs.readFileSync(weights));
    writeSafetensors(bare, read.tensors, null); // as PyTorch saves a state dict without metadata
    expect(() => importWeights(bare, null, out)).toThrow(new ValueError(`${bare}: its metadata has no "format" (a file saved without the metadata \`unrolled export\` writes); give --like CHECKPOINT, a checkpoint of the same architecture`));
    expect(importWeights(bare, ckpt, path.join(dir, 'bare.json')).from).toBe('like'); // names and shapes decide

    const gru = path.join(dir, 'gru.json');
    adding(gru, ['--cell', 'gru']);
    expect(() => importWeights(weights, gru, out)).toThrow(/plain.safetensors was exported from a model {"mode":"lstm",.*, but --like .*gru.json is {"mode":"gru",/);
    expect(() => importWeights(bare, gru, out)).toThrow(`${bare}: tensor "weight_ih_l0": expected shape [15,2], got [20,2]`); // no metadata: the shapes tell
    const tanh = path.join(dir, 'tanh.json'), relu = path.join(dir, 'relu.json');
    adding(tanh, ['--cell', 'rnn_tanh']);
    adding(relu, ['--cell', 'rnn_relu']);
    const tanhWeights = path.join(dir, 'tanh.safetensors');
    exportCheckpoint(tanh, tanhWeights);
    expect(() => importWeights(tanhWeights, relu, out)).toThrow(`was exported from a model {"mode":"rnn_tanh"`);

    const partial = new Map(read.tensors);
    partial.delete('head.bias');
    const missing = path.join(dir, 'missing.safetensors');
    fs.writeFileSync(missing, serializeSafetensors(partial, read.metadata));
    expect(() => importWeights(missing, null, out)).toThrow(`${missing}: no tensor "head.bias" (the model needs one of shape [1])`);
    expect(fs.existsSync(out)).toBe(false);
  });
});
