/**
 * Sentence pairs for translation: one pair per line, the two sides separated by a tab (English first in
 * the bundled file), normalised as PyTorch's translation tutorial normalises them.   docs: docs/data.md
 *
 * normalizeSentence: lower case and trim; Unicode NFD without combining marks (é → e); a space before
 * each . ! ?; every run of characters other than a–z, ! and ? becomes one space (so "." and apostrophes
 * go: "I'm" → "i m"); trim again.
 */
import * as fs from 'fs';
import { ValueError } from '../kernels/tensor';

export function normalizeSentence(s: string): string {
  return s.toLowerCase().trim().normalize('NFD').replace(/\p{Mn}/gu, '')
    .replace(/([.!?])/g, ' $1').replace(/[^a-zA-Z!?]+/g, ' ').trim();
}

export interface SentencePair {
  source: string; // normalised
  target: string;
  line: number;
}

/**
 * Reads tab-separated pairs. `reverse` swaps the sides (the bundled file is English<TAB>French; the
 * tutorial translates French into English, so it reverses them). A line without a tab is an error.
 */
export function readPairs(file: string, reverse = false): SentencePair[] {
  if (!fs.existsSync(file)) throw new ValueError(`--data: no such file ${JSON.stringify(file)}`);
  const out: SentencePair[] = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, k) => {
    if (line.trim() === '') return;
    const fields = line.split('\t');
    if (fields.length < 2) throw new ValueError(`${file} line ${k + 1}: expected two sentences separated by a tab`);
    const [a, b] = [normalizeSentence(fields[0]), normalizeSentence(fields[1])];
    if (a === '' || b === '') throw new ValueError(`${file} line ${k + 1}: a side is empty after normalisation`);
    out.push(reverse ? { source: b, target: a, line: k + 1 } : { source: a, target: b, line: k + 1 });
  });
  if (out.length === 0) throw new ValueError(`${file}: no sentence pairs`);
  return out;
}
