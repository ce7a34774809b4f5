/**
 * Labelled sequences for classification: reading them, a stratified split, class weights, and
 * variable-length batches.                                                     docs: docs/data.md
 *
 * Two sources: a directory of text files, one per class, one sequence of characters per line (the
 * surnames by language); and rows of numbers with the label last, read as T steps of F values (the 8×8
 * digits, read row by row: 8 steps of 8 pixels).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { Mat, ValueError } from '../kernels/tensor';
import { CharVocabulary, foldToAscii } from './text';

export { stratifiedSplit, classCounts, balancedClassWeights } from './splits'; // pure: the browser build reads them from there

/** Samples addressed by index: each has a length, a label, and writes itself into a batch. */
export interface LabelledSequences {
  readonly classes: string[];
  readonly features: number; // F, values per step
  readonly labels: readonly number[];
  length(i: number): number;
  /** Writes sample i's steps into column b of x [T,B,F] (steps past its length are left as they are). */
  write(i: number, x: Mat, b: number): void;
}

/** The lines of every `*.txt` file in `dir`: one class per file (named after it), one sample per line. */
export function readClassDirectory(dir: string): { classes: string[]; texts: string[]; labels: number[] } {
  if (!fs.existsSync(dir)) throw new ValueError(`readClassDirectory dir: no such directory ${JSON.stringify(dir)}`);
  if (!fs.statSync(dir).isDirectory()) throw new ValueError(`readClassDirectory dir: ${JSON.stringify(dir)} is a file; expected a directory of one text file per class`);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  if (files.length < 2) throw new ValueError(`readClassDirectory dir: ${dir} holds ${files.length} .txt file(s); expected one per class, at least 2`);
  const classes: string[] = [], texts: string[] = [], labels: number[] = [];
  files.forEach((f, c) => {
    const lines = fs.readFileSync(path.join(dir, f), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    if (lines.length === 0) throw new ValueError(`readClassDirectory dir: the class file ${path.join(dir, f)} is empty; remove it or add one sample per line`);
    classes.push(f.slice(0, -4));
    for (const l of lines) {
      texts.push(l);
      labels.push(c);
    }
  });
  return { classes, texts, labels };
}

/** Texts as sequences of one-hot characters over `vocab` (after folding to ASCII). */
export function textSequences(texts: readonly string[], labels: readonly number[], classes: string[], vocab: CharVocabulary): LabelledSequences {
  const encoded = texts.map((t) => vocab.encode(foldToAscii(t)));
  const empty = encoded.findIndex((e) => e.length === 0);
  if (empty >= 0) throw new ValueError(`sample ${empty + 1} (${JSON.stringify(texts[empty])}, class ${classes[labels[empty]]}) has no characters left after folding to ASCII`);
  return {
    classes, features: vocab.size, labels,
    length: (i) => encoded[i].length,
    write: (i, x, b) => encoded[i].forEach((k, t) => x.set(t, b, k, 1)),
  };
}

/** Rows of numbers, the label last: the class names are the distinct labels, sorted. */
export function readNumericRows(file: string): { rows: Float64Array[]; labels: number[]; classes: string[] } {
  if (!fs.existsSync(file)) throw new ValueError(`readNumericRows file: no such file ${JSON.stringify(file)}`);
  const raw = fs.readFileSync(file);
  const text = (file.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8');
  const rows: Float64Array[] = [], names: string[] = [];
  text.split(/\r?\n/).forEach((line, k) => {
    if (line.trim() === '') return;
    const fields = line.split(',');
    if (fields.length < 2) throw new ValueError(`${file} line ${k + 1}: expected values and a label, got ${fields.length} field`);
    const values = fields.slice(0, -1).map((f) => Number(f));
    const bad = values.findIndex((v, j) => fields[j].trim() === '' || !Number.isFinite(v));
    if (bad >= 0) throw new ValueError(`${file} line ${k + 1}: field ${bad + 1} is ${JSON.stringify(fields[bad])}, which is not a number`);
    if (rows.length && values.length !== rows[0].length) throw new ValueError(`${file} line ${k + 1}: expected ${rows[0].length} values and a label as on the first row, got ${values.length} values`);
    rows.push(Float64Array.from(values));
    names.push(fields[fields.length - 1].trim());
  });
  if (rows.length === 0) throw new ValueError(`${file}: no data rows`);
  const classes = [...new Set(names)].sort((a, b) => (Number.isFinite(+a) && Number.isFinite(+b) ? +a - +b : a < b ? -1 : 1));
  return { rows, labels: names.map((n) => classes.indexOf(n)), classes };
}

/** Rows of T·F numbers as T steps of F values each, mapped through `scale`. */
export function numericSequences(rows: readonly Float64Array[], labels: readonly number[], classes: string[], stepSize: number, scale: (v: number) => number): LabelledSequences {
  const n = rows[0].length;
  if (!Number.isInteger(stepSize) || stepSize < 1 || n % stepSize !== 0) {
    throw new ValueError(`numericSequences stepSize: each row has ${n} values, which cannot be cut into steps of ${stepSize}; give a divisor of ${n}`);
  }
  const T = n / stepSize;
  return {
    classes, features: stepSize, labels,
    length: () => T,
    write: (i, x, b) => {
      for (let t = 0; t < T; t++) for (let f = 0; f < stepSize; f++) x.set(t, b, f, scale(rows[i][t * stepSize + f]));
    },
  };
}
