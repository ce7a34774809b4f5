import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTrain } from '../../lib/cli/train';
import { runTranslate } from '../../lib/cli/translate';
import { runSample } from '../../lib/cli/char-lm';
import { madeUpPairs } from '../synthetic';
import { asCommand } from '../helpers';

function capture() {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY: false }, text: () => text };
}

describe('unrolled train --task translate, and translate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'translate-'));
  const data = path.join(dir, 'pairs.txt');
  fs.writeFileSync(data, madeUpPairs(200).join('\n') + '\n'); // English<TAB>French, from a tiny grammar
  const ckpt = path.join(dir, 'run', 'translate.json');
  const plain = path.join(dir, 'plain.json');

  it('resumes a run exactly: one epoch, then a resumed second, ends where two in a row end', () => {
    const common = ['--task', 'translate', '--data', data, '--hidden', '6', '--batch', '16', '--beam', '1', '--json'];
    const straight = path.join(dir, 'straight.json'), halves = path.join(dir, 'halves.json');
    expect(runTrain([...common, '--epochs', '2', '--checkpoint', straight], capture().out)).toBe(0);
    expect(runTrain([...common, '--epochs', '1', '--checkpoint', halves], capture().out)).toBe(0);
    const resumed = capture();
    expect(runTrain(['--task', 'translate', '--resume', halves, '--epochs', '2', '--beam', '1', '--json'], resumed.out)).toBe(0);
    const a = JSON.parse(fs.readFileSync(straight, 'utf8')), b = JSON.parse(fs.readFileSync(halves, 'utf8'));
    for (const key of ['weights', 'optimizer', 'rng', 'counters', 'trainer', 'model', 'task']) expect([key, b[key]]).toEqual([key, a[key]]);
    expect(a.counters.epoch).toBe(2);
    expect(JSON.parse(resumed.text().trim().split('\n').pop() as string).test.loss).toBe(a.metrics.test.loss);
    expect(() => runTrain(['--task', 'translate', '--resume', halves, '--hidden', '8'], capture().out)).toThrow('train --resume: --hidden cannot change on resume');
  });

  it('trains, scores the test part, writes a checkpoint that translate reads, with an attention chart', () => {
    const c = capture();
    expect(runTrain(['--task', 'translate', '--data', data, '--epochs', '2', '--hidden', '12', '--checkpoint', ckpt, '--beam', '2', '--json'], c.out)).toBe(0);
    const summary = JSON.parse(c.text().trim().split('\n').pop() as string);
    expect(summary).toMatchObject({ task: 'translate', cell: 'gru', attention: true, epochs: 2, testPairs: 20, bleuSmoothing: 'none', checkpoint: ckpt });
    expect(summary.test.decoding).toBe('greedy');
    expect(summary.testBeam.decoding).toBe('beam 2');
    // Two epochs already beat a uniform guess over the target words (log V nats per word), and the loss,
    // which does not depend on decoding, is the same for greedy and beam and is what the checkpoint keeps.
    const saved = JSON.parse(fs.readFileSync(ckpt, 'utf8'));
    expect(summary.test.loss).toBeLessThan(Math.log(saved.model.targetVocabSize));
    expect(summary.testBeam.loss).toBe(summary.test.loss);
    expect(saved.metrics.test.loss).toBe(summary.test.loss);
    expect(fs.readFileSync(path.join(dir, 'run', 'loss.svg'), 'utf8')).toContain('loss per target word');
    const t = capture(), err = capture();
    const chart = path.join(dir, 'charts', 'attention.svg');
    expect(runTranslate(['--checkpoint', ckpt, 'Je suis calme.', 'je suis zzzq', '--json', '--heatmap', chart, '--max-length', '5'], t.out, err.out)).toBe(0);
    const lines = t.text().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.input)).toEqual(['je suis calme', 'je suis zzzq']);
    expect(lines[1].unknown).toEqual(['zzzq']);
    expect(err.text()).toContain('not in the vocabulary, read as <unk>: zzzq');
    expect(fs.readFileSync(chart, 'utf8')).toContain('attention: je suis calme');
  });

  it('without attention: a plain decoder, and no chart to draw', () => {
    expect(runTrain(['--task', 'translate', '--data', data, '--epochs', '1', '--hidden', '8', '--cell', 'lstm', '--attention', 'no', '--checkpoint', plain, '--beam', '1', '--json'], capture().out)).toBe(0);
    const t = capture();
    expect(runTranslate(['--checkpoint', plain, 'je suis calme', '--beam', '3'], t.out, capture().out)).toBe(0);
    expect(t.text().split('\n')).toHaveLength(2);
    expect(() => runTranslate(['--checkpoint', plain, 'je suis calme', '--heatmap', path.join(dir, 'x.svg')], capture().out, capture().out)).toThrow('has no attention (trained with --attention no)');
    expect(fs.existsSync(path.join(dir, 'x.svg'))).toBe(false);
  });

  it('one-line errors, and nothing written on failure', () => {
    expect(() => runTranslate(['--checkpoint', ckpt, 'qqq zzz'], capture().out, capture().out)).toThrow("none of the words of \"qqq zzz\" is in the model's source vocabulary");
    expect(() => runTranslate(['--checkpoint', ckpt], capture().out, capture().out)).toThrow('translate: give a sentence to translate');
    const bad = path.join(dir, 'bad', 'never.json');
    expect(asCommand(() => runTrain(['--task', 'translate', '--data', data, '--teacher-forcing', '1.5', '--checkpoint', bad], capture().out))).toThrow('--teacher-forcing: expected a probability in [0, 1], got 1.5');
    expect(asCommand(() => runTrain(['--task', 'translate', '--data', path.join(dir, 'missing.txt'), '--checkpoint', bad], capture().out))).toThrow('--data: no such file');
    expect(() => runTrain(['--task', 'translate', '--data', data, '--steps', '10', '--checkpoint', bad], capture().out)).toThrow('train --steps: not an option of the translate task');
    expect(fs.existsSync(path.dirname(bad))).toBe(false);
    // A checkpoint of another task is refused, both ways.
    const other = path.join(dir, 'adding.json');
    runTrain(['--steps', '2', '--eval-every', '2', '--train-size', '16', '--val-size', '8', '--hidden', '3', '--seq-len', '4', '--checkpoint', other, '--json', '--workers', '1'], capture().out);
    expect(() => runTranslate(['--checkpoint', other, 'je suis calme'], capture().out, capture().out)).toThrow('was written by the "adding" task; translate reads translate checkpoints');
    expect(() => runSample(['--checkpoint', ckpt], capture().out)).toThrow('was written by the "translate" task; sample reads char-lm checkpoints');
  });
});
