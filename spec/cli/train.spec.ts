import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../lib/cli/args';
import { runTrain, TRAIN_OPTIONS } from '../../lib/cli/train';
import { ValueError } from '../../lib/kernels/tensor';

function capture() {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY: false }, text: () => text };
}
const small = ['--train-size', '64', '--val-size', '16', '--hidden', '6', '--seq-len', '8', '--batch', '16', '--eval-every', '4'];

describe('command-line options', () => {
  it('parses values, flags and defaults', () => {
    const a = parseArgs(['--hidden', '64', '--lr=0.5', '--bidirectional'], TRAIN_OPTIONS, 'train');
    expect([a.hidden, a.lr, a.bidirectional, a.cell, a.seed]).toEqual([64, 0.5, true, 'lstm', 1]);
    expect([...a._given].sort()).toEqual(['bidirectional', 'hidden', 'lr']);
  });

  it('names the option in every error', () => {
    const p = (argv: string[]) => () => parseArgs(argv, TRAIN_OPTIONS, 'train');
    expect(p(['--hiden', '3'])).toThrow(new ValueError('train: unknown option --hiden; see `unrolled train --help`'));
    expect(p(['--hidden'])).toThrow('train --hidden: expected a value');
    expect(p(['--hidden', '2.5'])).toThrow('train --hidden: expected an integer, got 2.5');
    expect(p(['--lr', '0'])).toThrow('train --lr: expected a number > 0, got 0');
    expect(p(['--lr', 'fast'])).toThrow('train --lr: expected a number, got "fast"');
    expect(p(['--cell', 'transformer'])).toThrow('train --cell: expected one of lstm, gru, rnn, rnn_tanh, tanh, rnn_relu, relu, got "transformer"');
    expect(p(['--optimizer', 'lbfgs'])).toThrow('train --optimizer: expected one of sgd, adagrad, rmsprop, adam, adamw, got "lbfgs"');
    expect(p(['--json=1'])).toThrow('train --json: is a flag and takes no value');
    expect(p(['hidden'])).toThrow('train: unexpected argument "hidden"; options start with --');
  });
});

describe('unrolled train', () => {
  it('prints one JSON object per report line and the final metrics last', () => {
    const c = capture();
    expect(runTrain([...small, '--steps', '8', '--json'], c.out)).toBe(0);
    const lines = c.text().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event ?? 'final')).toEqual(['step', 'eval', 'step', 'eval', 'final']);
    const final = lines[lines.length - 1];
    for (const key of ['task', 'cell', 'steps', 'trainLoss', 'valLoss', 'seconds']) expect(final).toHaveProperty(key);
    expect([final.task, final.cell, final.steps]).toEqual(['adding', 'lstm', 8]);
    expect(Number.isFinite(final.valLoss)).toBe(true);
  });

  it('--engine textbook trains the same model to the same numbers, says that it is slow, and refuses the tasks it cannot run', () => {
    const run = (engine: string) => {
      const c = capture(), e = capture();
      expect(runTrain([...small, '--steps', '4', '--workers', '1', '--json', '--engine', engine], c.out, e.out)).toBe(0);
      return { final: JSON.parse(c.text().trim().split('\n').pop()!), err: e.text() };
    };
    const fast = run('fast'), textbook = run('textbook');
    expect(textbook.err).toMatch(/^train: the textbook engine \(lib\/textbook\) runs every product as a plain triple loop/);
    expect(fast.err).toBe('');
    expect(Math.abs(textbook.final.valLoss - fast.final.valLoss)).toBeLessThanOrEqual(1e-12 * fast.final.valLoss);
    expect(textbook.final.trainLoss).not.toBe(0);
    expect(() => runTrain(['--task', 'translate', '--engine', 'textbook'], capture().out, capture().out)).toThrow(
      new ValueError('train --engine textbook: the translate task runs on the fast engine only; the textbook engine trains the adding and char-lm models'));
  });

  it('resumes from its checkpoint to the same result as one run, and refuses to change the architecture', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-cli-'));
    const file = path.join(dir, 'run.json');
    const last = (argv: string[]) => {
      const c = capture();
      runTrain(argv, c.out);
      return JSON.parse(c.text().trim().split('\n').pop()!);
    };
    const once = last([...small, '--steps', '12', '--json']);
    last([...small, '--steps', '5', '--json', '--checkpoint', file]);
    const resumed = last(['--resume', file, '--steps', '12', '--eval-every', '4', '--batch', '16', '--json']);
    expect(resumed.valLoss).toBe(once.valLoss);
    expect(resumed.steps).toBe(12);
    expect(() => runTrain(['--resume', file, '--hidden', '8'], capture().out)).toThrow('train --resume: --hidden cannot change on resume; the architecture, data and optimizer come from the checkpoint');
    fs.writeFileSync(file, '{"format": "unrolled-checkpoint", "format_vers');
    expect(() => runTrain(['--resume', file], capture().out)).toThrow(/not valid JSON, so it is truncated or was edited by hand/);
  });
});
