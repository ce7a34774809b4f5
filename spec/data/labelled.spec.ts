import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { zeros, ValueError } from '../../lib/kernels/tensor';
import {
  readClassDirectory, textSequences, readNumericRows, numericSequences, stratifiedSplit, classCounts, balancedClassWeights,
} from '../../lib/data/labelled';
import { CharVocabulary, WordVocabulary, foldToAscii, tokenize, UNKNOWN } from '../../lib/data/text';
import { writeDigitRows } from '../synthetic';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'labelled-'));

describe('text input', () => {
  it('folds accents away as the names tutorial does', () => {
    expect(foldToAscii('Ślusàrski')).toBe('Slusarski');
    expect(foldToAscii('Gómez-Núñez')).toBe('Gomez-Nunez');
  });

  it('a character vocabulary: index 0 is unknown, the rest sorted; it round-trips through its saved form', () => {
    const v = CharVocabulary.fromTexts(['ba', 'ca']);
    expect(v.chars).toEqual([UNKNOWN, 'a', 'b', 'c']);
    expect(v.encode('cab?')).toEqual([3, 1, 2, 0]);
    expect(v.unknownIn('xax')).toEqual(['x']);
    expect(CharVocabulary.fromJSON(v.toJSON(), 'v').chars).toEqual(v.chars);
    expect(() => CharVocabulary.fromJSON(5, 'ckpt vocab')).toThrow('ckpt vocab: expected the vocabulary as a string of characters, got number');
  });

  it('reads one class per file and one sample per line; an empty class file is an error', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'Greek.txt'), 'Papadopoulos\r\nAlexopoulos\r\n');
    fs.writeFileSync(path.join(dir, 'Czech.txt'), 'Novak\n\nDvořák');
    fs.writeFileSync(path.join(dir, 'notes.md'), 'not a class');
    expect(readClassDirectory(dir)).toEqual({ classes: ['Czech', 'Greek'], texts: ['Novak', 'Dvořák', 'Papadopoulos', 'Alexopoulos'], labels: [0, 0, 1, 1] });
    fs.writeFileSync(path.join(dir, 'Irish.txt'), '\n');
    expect(() => readClassDirectory(dir)).toThrow(new ValueError(`readClassDirectory dir: the class file ${path.join(dir, 'Irish.txt')} is empty; remove it or add one sample per line`));
    expect(() => readClassDirectory(path.join(dir, 'nope'))).toThrow('readClassDirectory dir: no such directory');
  });

  it('writes each text as one-hot steps of its own length', () => {
    const v = CharVocabulary.fromTexts(['ab']);
    const data = textSequences(['ba', 'a'], [1, 0], ['x', 'y'], v);
    expect([data.length(0), data.length(1), data.features]).toEqual([2, 1, 3]);
    const x = zeros([2, 2, 3]);
    data.write(0, x, 0);
    data.write(1, x, 1);
    expect([x.get(0, 0, 2), x.get(1, 0, 1), x.get(0, 1, 1), x.get(1, 1, 1)]).toEqual([1, 1, 1, 0]);
  });
});

describe('numeric rows', () => {
  it('reads a gzipped CSV with the label last, as steps of --step-size values', () => {
    const dir = tmp(), file = path.join(dir, 'rows.csv.gz');
    fs.writeFileSync(file, zlib.gzipSync('1,2,3,4,7\n5,6,7,8,10\n0,0,0,0,7\n'));
    const { rows, labels, classes } = readNumericRows(file);
    expect(classes).toEqual(['7', '10']); // sorted as numbers
    expect(labels).toEqual([0, 1, 0]);
    const data = numericSequences(rows, labels, classes, 2, (v) => v / 10);
    expect(data.length(1)).toBe(2);
    const x = zeros([2, 1, 2]);
    data.write(1, x, 0);
    expect([x.get(0, 0, 0), x.get(0, 0, 1), x.get(1, 0, 0), x.get(1, 0, 1)]).toEqual([0.5, 0.6, 0.7, 0.8]);
    expect(() => numericSequences(rows, labels, classes, 3, (v) => v)).toThrow('numericSequences stepSize: each row has 4 values, which cannot be cut into steps of 3; give a divisor of 4');
  });

  it('names the line of a bad value or a short row', () => {
    const dir = tmp(), file = path.join(dir, 'rows.csv');
    fs.writeFileSync(file, '1,2,0\n3,x,1\n');
    expect(() => readNumericRows(file)).toThrow(`${file} line 2: field 2 is "x", which is not a number`);
    fs.writeFileSync(file, '1,2,0\n3,1\n');
    expect(() => readNumericRows(file)).toThrow(`${file} line 2: expected 2 values and a label as on the first row, got 1 values`);
  });

  it('reads gzipped rows in the digits layout: 64 pixels and the label, ten classes', () => {
    const { rows, labels, classes } = readNumericRows(writeDigitRows(tmp(), 7)); // 7 rows of each class, in turn
    expect([rows.length, rows[0].length, classes.length]).toEqual([70, 64, 10]);
    expect(classCounts(labels, labels.map((_, i) => i), 10)).toEqual(Array(10).fill(7));
    expect(labels.slice(0, 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(Math.max(...rows.map((r) => Math.max(...r)))).toBeLessThanOrEqual(16);
  });
});

describe('stratified split and class weights', () => {
  const labels = [...Array(50).fill(0), ...Array(30).fill(1), ...Array(20).fill(2)];

  it('keeps every class share in every part, covers each sample once, and is the same for the same seed', () => {
    const s = stratifiedSplit(labels, 3, 0.2, 0.1, 7);
    expect(classCounts(labels, s.test, 3)).toEqual([10, 6, 4]);
    expect(classCounts(labels, s.validation, 3)).toEqual([5, 3, 2]);
    expect(classCounts(labels, s.train, 3)).toEqual([35, 21, 14]);
    expect([...s.train, ...s.validation, ...s.test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(stratifiedSplit(labels, 3, 0.2, 0.1, 7)).toEqual(s);
    expect(stratifiedSplit(labels, 3, 0.2, 0.1, 8).test).not.toEqual(s.test);
  });

  it('leaves at least one sample of a tiny class for training', () => {
    const s = stratifiedSplit([0, 0, 0, 1], 2, 0.5, 0.4, 1);
    expect(classCounts([0, 0, 0, 1], s.train, 2)[1]).toBe(1);
  });

  it('balanced weights n / (K·n_c) make every class weigh the same', () => {
    const w = balancedClassWeights([50, 30, 20]);
    w.forEach((v, c) => expect(v * [50, 30, 20][c]).toBeCloseTo(100 / 3, 12));
    expect(() => balancedClassWeights([3, 0])).toThrow('class 1 has no training samples');
  });

  it('rejects fractions that leave nothing to train on', () => {
    expect(() => stratifiedSplit(labels, 3, 0.6, 0.5, 1)).toThrow('stratifiedSplit testFraction 0.6, valFraction 0.5: expected test > 0, validation >= 0 and together < 1');
  });
});

describe('word vocabulary', () => {
  it('puts <pad> <sos> <eos> <unk> first, then words seen at least minCount times, most frequent first', () => {
    const v = WordVocabulary.fromSentences(['i am cold .', 'i am here .', 'you are cold'], 2);
    expect(v.words).toEqual(['<pad>', '<sos>', '<eos>', '<unk>', '.', 'am', 'cold', 'i']);
    expect(v.encode('i am tired .', { sos: true, eos: true })).toEqual([1, 7, 5, 3, 4, 2]);
    expect(v.decode([1, 7, 5, 3, 2, 6, 0])).toBe('i am <unk>');
    expect(v.unknownIn('you am tired')).toEqual(['you', 'tired']);
    expect(WordVocabulary.fromJSON(v.toJSON(), 'v').words).toEqual(v.words);
    expect(() => WordVocabulary.fromJSON(['a'], 'ckpt')).toThrow('WordVocabulary: word 0 must be <pad>, got "a"');
    expect(tokenize('  two  words ')).toEqual(['two', 'words']);
  });
});
