/**
 * Sentence pairs for translation: one pair per line, the two sides separated by a tab (English first in
 * the eng-fra data set), normalised as PyTorch's translation tutorial normalises them.   docs: docs/data.md
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
 * Reads tab-separated pairs. `reverse` swaps the sides (the eng-fra data set is English<TAB>French; the
 * tutorial translates French into English, so it reverses them). A line without a tab is an error.
 */
export function readPairs(file: string, reverse = false): SentencePair[] {
  if (!fs.existsSync(file)) throw new ValueError(`readPairs file: no such file ${JSON.stringify(file)}`);
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

/** The English beginnings the translation tutorial keeps (as it writes them: some without a final space). */
export const TUTORIAL_PREFIXES = ['i am ', 'i m ', 'he is', 'he s ', 'she is', 'she s ', 'you are', 'you re ', 'we are', 'we re ', 'they are', 'they re '];
const TUTORIAL_MAX_LENGTH = 10;

/**
 * The translation tutorial's filter, applied to a whole `English<TAB>French` file: the lines, unchanged
 * and in their order, whose normalised sides both have fewer than 10 words (split at single spaces, as
 * Python's `split(' ')`) and whose normalised English side starts with one of TUTORIAL_PREFIXES. This is
 * how the `eng-fra` data set is cut from the tutorial's eng-fra.txt; on its own output it keeps every line.
 */
export function tutorialPairs(text: string): string {
  const kept = text.split('\n').filter((line) => {
    const [eng, fra] = line.split('\t').map(normalizeSentence);
    if (fra === undefined) return false;
    return eng.split(' ').length < TUTORIAL_MAX_LENGTH && fra.split(' ').length < TUTORIAL_MAX_LENGTH
      && TUTORIAL_PREFIXES.some((p) => eng.startsWith(p));
  });
  return kept.length === 0 ? '' : kept.join('\n') + '\n';
}
