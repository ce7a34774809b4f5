import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readClassDirectory } from '../../lib/data/labelled';
import { runTrain } from '../../lib/cli/train';
import { runGenerateNames } from '../../lib/cli/generate-names';
import { writeNameFiles } from '../synthetic';

function capture() {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY: false }, text: () => text };
}

describe('unrolled train --task names-lm, and generate-names', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'names-lm-'));
  const data = writeNameFiles(path.join(dir, 'names'), ['Greek', 'Japanese', 'Russian'], 60); // made-up names
  const ckpt = path.join(dir, 'names.json');

  it('trains, writes a checkpoint, and generates one name per start letter', () => {
    const c = capture();
    expect(runTrain(['--task', 'names-lm', '--data-dir', data, '--epochs', '2', '--hidden', '8', '--batch', '16', '--checkpoint', ckpt, '--workers', '1', '--json'], c.out)).toBe(0);
    expect(JSON.parse(c.text().trim().split('\n').pop() as string)).toMatchObject({ task: 'names-lm', classes: 3, epochs: 2, checkpoint: ckpt });
    const g = capture();
    expect(runGenerateNames(['--checkpoint', ckpt, '--language', 'Greek', '--start', 'ABD', '--json'], g.out)).toBe(0);
    const r = JSON.parse(g.text());
    expect(r.names.map((n: { start: string }) => n.start)).toEqual(['A', 'B', 'D']);
    r.names.forEach((n: { start: string; names: string[] }) => expect(n.names[0].startsWith(n.start)).toBe(true));
    const several = capture();
    runGenerateNames(['--checkpoint', ckpt, '--language', 'Russian', '--start', 'B', '--count', '3', '--temperature', '0.8'], several.out);
    expect(several.text().trim().split('\n')).toHaveLength(3);
  });

  it('resumes a run exactly: two epochs in a row, or one and then a resumed second, end in the same state', () => {
    const common = ['--task', 'names-lm', '--data-dir', data, '--hidden', '8', '--batch', '16', '--workers', '1', '--json'];
    const straight = path.join(dir, 'straight.json'), halves = path.join(dir, 'halves.json');
    expect(runTrain([...common, '--epochs', '3', '--checkpoint', straight], capture().out)).toBe(0);
    expect(runTrain([...common, '--epochs', '1', '--checkpoint', halves], capture().out)).toBe(0);
    expect(runTrain(['--task', 'names-lm', '--data-dir', data, '--resume', halves, '--epochs', '3', '--workers', '1', '--json'], capture().out)).toBe(0);
    const a = JSON.parse(fs.readFileSync(straight, 'utf8')), b = JSON.parse(fs.readFileSync(halves, 'utf8'));
    for (const key of ['weights', 'optimizer', 'rng', 'counters', 'trainer', 'model', 'task']) expect([key, b[key]]).toEqual([key, a[key]]);
    expect(a.counters.epoch).toBe(3);
    expect(() => runTrain(['--task', 'names-lm', '--data-dir', data, '--resume', halves, '--lr', '0.1'], capture().out)).toThrow('train --resume: --lr cannot change on resume');
  });

  it('one-line errors: no language, greedy with --count, a checkpoint of another task', () => {
    expect(() => runGenerateNames(['--checkpoint', ckpt], capture().out)).toThrow('generate-names --language: required, e.g. --language Russian');
    expect(() => runGenerateNames(['--checkpoint', ckpt, '--language', 'Greek', '--count', '2'], capture().out)).toThrow('at temperature 0 every name from a start letter is the same');
    const other = path.join(dir, 'adding.json');
    runTrain(['--steps', '2', '--eval-every', '2', '--train-size', '16', '--val-size', '8', '--hidden', '3', '--seq-len', '4', '--checkpoint', other, '--json', '--workers', '1'], capture().out);
    expect(() => runGenerateNames(['--checkpoint', other, '--language', 'Greek'], capture().out)).toThrow('was written by the "adding" task; generate-names reads names-lm checkpoints');
    expect(readClassDirectory(data).classes).toEqual(['Greek', 'Japanese', 'Russian']);
  });
});
