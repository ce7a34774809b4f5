import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValueError } from '../../lib/kernels/tensor';
import { runTrain } from '../../lib/cli/train';
import { runSample } from '../../lib/cli/char-lm';
import { madeUpText } from '../synthetic';
import { asCommand } from '../helpers';

function capture(isTTY = false) {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY }, text: () => text };
}
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'char-lm-'));
const small = ['--task', 'char-lm', '--hidden', '12', '--steps', '12', '--eval-every', '6', '--batch', '4', '--seq-len', '16', '--workers', '1'];

describe('unrolled train --task char-lm, and unrolled sample', () => {
  const dir = tmp();
  const text = path.join(dir, 'text.txt');
  const written = madeUpText(30000); // a play-like text whose speakers include ANNA
  fs.writeFileSync(text, written);
  const symbols = new Set(written).size;
  const ckpt = path.join(dir, 'lm.json');

  it('reports validation in nats and bits per character, samples along the way, and the final line', () => {
    const c = capture();
    expect(runTrain([...small, '--data', text, '--checkpoint', ckpt, '--json'], c.out)).toBe(0);
    const lines = c.text().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event ?? 'final')).toEqual(['step', 'eval', 'sample', 'step', 'eval', 'sample', 'final']);
    const last = lines[lines.length - 1];
    expect(last).toMatchObject({ task: 'char-lm', steps: 12, checkpoint: ckpt });
    expect(last.valBpc).toBeCloseTo(last.valLoss / Math.LN2, 12);
    expect(last.valLoss).toBeLessThan(Math.log(symbols)); // below a uniform guess over its symbols
    expect(typeof lines[2].text).toBe('string');
    expect(fs.existsSync(ckpt)).toBe(true);
  });

  it('resumes a run exactly, mid-epoch, with the streams\' carried state: 12 steps in a row or 7 and a resumed 5', () => {
    const straight = path.join(dir, 'straight.json'), halves = path.join(dir, 'halves.json');
    const two = ['--task', 'char-lm', '--hidden', '12', '--eval-every', '6', '--batch', '4', '--seq-len', '16', '--workers', '2', '--data', text, '--json'];
    expect(runTrain([...two, '--steps', '12', '--checkpoint', straight], capture().out)).toBe(0);
    expect(runTrain([...two, '--steps', '7', '--checkpoint', halves], capture().out)).toBe(0);
    expect(runTrain(['--task', 'char-lm', '--resume', halves, '--steps', '12', '--eval-every', '6', '--workers', '2', '--json'], capture().out)).toBe(0);
    const a = JSON.parse(fs.readFileSync(straight, 'utf8')), b = JSON.parse(fs.readFileSync(halves, 'utf8'));
    for (const key of ['weights', 'optimizer', 'rng', 'counters', 'trainer', 'carried', 'model', 'task']) expect([key, b[key]]).toEqual([key, a[key]]);
    expect(a.carried.h).not.toBeNull(); // the state of the streams, mid-pass, is part of the checkpoint
    expect(() => runTrain(['--task', 'char-lm', '--resume', halves, '--seq-len', '8'], capture().out)).toThrow('train --resume: --seq-len cannot change on resume');
  });

  it('sample: the same seed gives the same text; greedy at temperature 0', () => {
    const a = capture(), b = capture(), g = capture();
    runSample(['--checkpoint', ckpt, '--prime', 'ANNA:', '--length', '60', '--seed', '3'], a.out);
    runSample(['--checkpoint', ckpt, '--prime', 'ANNA:', '--length', '60', '--seed', '3'], b.out);
    expect(a.text()).toBe(b.text());
    expect(a.text().startsWith('ANNA:')).toBe(true);
    expect(a.text().length).toBe(5 + 60 + 1);
    runSample(['--checkpoint', ckpt, '--prime', 'ANNA:', '--length', '20', '--temperature', '0', '--json'], g.out);
    expect(JSON.parse(g.text())).toMatchObject({ task: 'sample', temperature: 0 });
    const b1 = capture(), b3 = capture();
    runSample(['--checkpoint', ckpt, '--prime', 'ANNA:', '--length', '20', '--beam', '1', '--json'], b1.out);
    expect(JSON.parse(b1.text()).text).toBe(JSON.parse(g.text()).text); // a beam of 1 is greedy
    runSample(['--checkpoint', ckpt, '--prime', 'ANNA:', '--length', '20', '--beam', '3', '--json'], b3.out);
    expect(JSON.parse(b3.text()).logProb).toBeGreaterThanOrEqual(JSON.parse(b1.text()).logProb);
    expect(() => runSample(['--checkpoint', ckpt, '--beam', '3', '--temperature', '0.5'], capture().out)).toThrow('sample --temperature: a beam search draws nothing at random');
  });

  it('one-line errors: a prime it cannot read, a checkpoint of another task, empty or binary text', () => {
    expect(asCommand(() => runSample(['--checkpoint', ckpt, '--prime', 'Ωmega'], capture().out))).toThrow('--prime: "Ω" never occur in the training text');
    const adding = path.join(dir, 'adding.json');
    runTrain(['--steps', '2', '--eval-every', '2', '--train-size', '16', '--val-size', '8', '--hidden', '3', '--seq-len', '4', '--checkpoint', adding, '--json', '--workers', '1'], capture().out);
    expect(() => runSample(['--checkpoint', adding], capture().out)).toThrow(new ValueError(`sample --checkpoint: ${adding} was written by the "adding" task; sample reads char-lm checkpoints`));
    const empty = path.join(dir, 'empty.txt'), bin = path.join(dir, 'x.bin'), out = path.join(dir, 'never.json');
    fs.writeFileSync(empty, '');
    fs.writeFileSync(bin, Buffer.from(Array.from({ length: 500 }, (_, k) => (k * 37) % 256)));
    expect(() => runTrain([...small, '--data', empty, '--checkpoint', out], capture().out)).toThrow(`${empty}: the file is empty; give a text file`);
    expect(() => runTrain([...small, '--data', bin, '--checkpoint', out], capture().out)).toThrow('this looks like a binary file');
    expect(() => runTrain([...small, '--data', text, '--schedule', 'step'], capture().out)).toThrow('train --schedule: a char-lm run takes constant, cosine');
    expect(() => runTrain(['--task', 'char-lm', '--resume', adding], capture().out)).toThrow(`${adding} was written by the "adding" task; train --resume reads char-lm checkpoints`);
    expect(fs.existsSync(out)).toBe(false);
  });
});
