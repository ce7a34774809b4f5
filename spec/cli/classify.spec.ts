import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../../lib/kernels/tensor';
import { runClassify } from '../../lib/cli/classify';
import { runPredict } from '../../lib/cli/predict';
import { tmpDir, writeDigitRows, writeNameFiles } from '../synthetic';
import { asCommand } from '../helpers';

function capture(isTTY = false) {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY }, text: () => text };
}
const tmp = () => tmpDir('classify-');

/** Four classes of 40 made-up names each (spec/synthetic.ts); none has a capital N. */
const smallNames = () => writeNameFiles(path.join(tmp(), 'names'), ['Greek', 'Japanese', 'Polish', 'Scottish'], 40);

describe('unrolled classify', () => {
  it('trains on a directory of class files, reports accuracy, macro-F1 and the confusion matrix; predict reloads it', () => {
    const dir = smallNames(), out = path.join(tmp(), 'run'), c = capture();
    expect(runClassify(['--data-dir', dir, '--epochs', '2', '--hidden', '8', '--batch', '16', '--out', out, '--json'], c.out)).toBe(0);
    const last = JSON.parse(c.text().trim().split('\n').pop() as string);
    expect(last).toMatchObject({ task: 'classify', classes: ['Greek', 'Japanese', 'Polish', 'Scottish'], sizes: { train: 112, validation: 16, test: 32 } });
    expect(last.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(last.confusion.flat().reduce((a: number, v: number) => a + v, 0)).toBe(32);
    expect(fs.readFileSync(path.join(out, 'confusion.svg'), 'utf8')).toContain('predicted class');

    const p = capture(), err = capture();
    expect(runPredict(['--checkpoint', path.join(out, 'checkpoint.json'), 'Papadopoulos', 'Nakamurą'], p.out, err.out)).toBe(0);
    const blocks = p.text().trim().split('\n');
    expect(blocks[0]).toBe('Papadopoulos');
    expect(blocks.filter((l) => /^ {2}\(\d\.\d{3}\) \w+$/.test(l))).toHaveLength(6); // top 3 for each input
    // ą folds to a, which training has seen; no name of this small set starts with N
    expect(err.text()).toBe('predict: "Nakamurą": characters not seen in training, read as unknown: "N"\n');
    expect(() => runPredict(['--checkpoint', path.join(out, 'checkpoint.json'), '日本'], p.out, err.out)).toThrow('predict: none of the characters of "日本" was seen in training');
  });

  it('prints the report a practitioner expects on a terminal', () => {
    const dir = smallNames(), c = capture(true);
    expect(runClassify(['--data-dir', dir, '--epochs', '1', '--hidden', '4', '--batch', '32', '--out', path.join(tmp(), 'o')], c.out)).toBe(0);
    expect(c.text()).toMatch(/test accuracy [\d.]+%\s+macro-F1 [\d.]+/);
    expect(c.text()).toContain('class     precision  recall     F1  support');
    expect(c.text()).toContain('confusion matrix (rows: true class, columns: predicted');
    expect(c.text()).toContain('imbalance: the largest class');
  });

  it('reads numeric rows as steps (8×8 images as 8 rows of 8 pixels)', () => {
    const dir = tmp(), out = path.join(dir, 'digits'), c = capture();
    const rows = writeDigitRows(dir, 20); // 10 classes × 20 rows, gzipped
    expect(runClassify(['--data', rows, '--step-size', '8', '--epochs', '1', '--hidden', '8', '--out', out, '--json'], c.out)).toBe(0);
    const last = JSON.parse(c.text().trim().split('\n').pop() as string);
    expect(last.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(last.sizes).toEqual({ train: 140, validation: 20, test: 40 }); // 20 % and 10 % of each class of 20
    const p = capture();
    expect(runPredict(['--checkpoint', path.join(out, 'checkpoint.json'), '--top', '2', Array(64).fill(8).join(',')], p.out)).toBe(0);
    expect(p.text().trim().split('\n')).toHaveLength(3);
    expect(() => runPredict(['--checkpoint', path.join(out, 'checkpoint.json'), '1,2,3'], p.out)).toThrow('predict: expected 64 comma-separated numbers (8 steps of 8)');
  });

  it('one-line errors for bad input, and nothing written', () => {
    const dir = smallNames(), out = path.join(tmp(), 'never');
    const run = (args: string[]) => asCommand(() => runClassify(['--epochs', '1', '--out', out, ...args], capture().out)); // errors as the command line says them
    fs.writeFileSync(path.join(dir, 'Korean.txt'), '');
    expect(run(['--data-dir', dir])).toThrow(new ValueError(`--data-dir: the class file ${path.join(dir, 'Korean.txt')} is empty; remove it or add one sample per line`));
    expect(run(['--data-dir', path.join(dir, 'nope')])).toThrow('--data-dir: no such directory');
    const rows = writeDigitRows(tmp(), 3);
    expect(run(['--data', rows])).toThrow('classify --step-size: with --data, say how many values make one time step');
    expect(run(['--data', rows, '--step-size', '7'])).toThrow(`each row of ${rows} has 64 values, which cannot be cut into steps of 7`);
    expect(run(['--data', 'x.csv', '--data-dir', dir])).toThrow('classify: give --data-dir (text, one file per class) or --data (numeric rows), not both');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('predict says what a checkpoint of another task is', () => {
    const file = path.join(tmp(), 'adding.json');
    fs.writeFileSync(file, '{}');
    expect(() => runPredict(['--checkpoint', file, 'x'], capture().out)).toThrow(/checkpoint/);
  });
});
