/**
 * Characters as model inputs: folding to ASCII, and a character vocabulary with an unknown symbol that
 * is saved with the model.                                                      docs: docs/data.md
 */
import { ValueError } from '../kernels/tensor';

/** Ślusàrski → Slusarski: Unicode decomposition (NFD), then the combining marks are dropped. */
export function foldToAscii(s: string): string {
  return s.normalize('NFD').replace(/\p{Mn}/gu, '');
}

/** The symbol that stands for any character the vocabulary has not seen; always index 0. */
export const UNKNOWN = '\u0000';

/** Characters ↔ indices. Index 0 is UNKNOWN; the others are the characters seen when it was built, sorted. */
export class CharVocabulary {
  readonly chars: string[]; // chars[0] = UNKNOWN
  private readonly index: Map<string, number>;

  constructor(chars: readonly string[]) {
    if (chars[0] !== UNKNOWN) throw new ValueError('CharVocabulary: the first symbol must be the unknown symbol');
    if (new Set(chars).size !== chars.length) throw new ValueError('CharVocabulary: a character appears twice');
    this.chars = chars.slice();
    this.index = new Map(this.chars.map((c, k) => [c, k]));
  }

  /** Every character of `texts`, sorted by code point, after UNKNOWN. */
  static fromTexts(texts: Iterable<string>): CharVocabulary {
    const seen = new Set<string>();
    for (const t of texts) for (const ch of t) seen.add(ch);
    seen.delete(UNKNOWN);
    return new CharVocabulary([UNKNOWN, ...[...seen].sort()]);
  }

  get size(): number {
    return this.chars.length;
  }

  /** Indices of the characters of `s` (code points); an unseen character becomes 0 (UNKNOWN). */
  encode(s: string): number[] {
    return Array.from(s, (ch) => this.index.get(ch) ?? 0);
  }

  /** The distinct characters of `s` that are not in the vocabulary. */
  unknownIn(s: string): string[] {
    return [...new Set(Array.from(s).filter((ch) => !this.index.has(ch)))];
  }

  decode(indices: readonly number[]): string {
    return indices.map((k) => this.chars[k] ?? UNKNOWN).join('');
  }

  /** The saved mapping: the characters after UNKNOWN, in index order. */
  toJSON(): string {
    return this.chars.slice(1).join('');
  }

  static fromJSON(json: unknown, what: string): CharVocabulary {
    if (typeof json !== 'string') throw new ValueError(`${what}: expected the vocabulary as a string of characters, got ${typeof json}`);
    return new CharVocabulary([UNKNOWN, ...Array.from(json)]);
  }
}

/** The special words of a word vocabulary, at these indices. */
export const PAD = '<pad>', SOS = '<sos>', EOS = '<eos>', UNK = '<unk>';
export const SPECIAL_WORDS = [PAD, SOS, EOS, UNK] as const;

/**
 * Words ↔ indices: 0 <pad>, 1 <sos>, 2 <eos>, 3 <unk>, then every word seen at least `minCount` times
 * (most frequent first, ties in alphabetical order). Sentences are split on spaces.
 */
export class WordVocabulary {
  readonly words: string[];
  private readonly index: Map<string, number>;

  constructor(words: readonly string[]) {
    SPECIAL_WORDS.forEach((w, k) => {
      if (words[k] !== w) throw new ValueError(`WordVocabulary: word ${k} must be ${w}, got ${JSON.stringify(words[k])}`);
    });
    if (new Set(words).size !== words.length) throw new ValueError('WordVocabulary: a word appears twice');
    this.words = words.slice();
    this.index = new Map(this.words.map((w, k) => [w, k]));
  }

  static fromSentences(sentences: Iterable<string>, minCount = 1): WordVocabulary {
    if (!Number.isInteger(minCount) || minCount < 1) throw new ValueError(`WordVocabulary minCount: expected an integer >= 1, got ${minCount}`);
    const counts = new Map<string, number>();
    for (const s of sentences) for (const w of tokenize(s)) counts.set(w, (counts.get(w) ?? 0) + 1);
    for (const w of SPECIAL_WORDS) counts.delete(w);
    const kept = [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
    return new WordVocabulary([...SPECIAL_WORDS, ...kept]);
  }

  get size(): number {
    return this.words.length;
  }

  /** The indices of a sentence's words (unknown words → <unk>), optionally framed by <sos> / <eos>. */
  encode(sentence: string, frame: { sos?: boolean; eos?: boolean } = {}): number[] {
    const ids = tokenize(sentence).map((w) => this.index.get(w) ?? 3);
    return [...(frame.sos ? [1] : []), ...ids, ...(frame.eos ? [2] : [])];
  }

  /** The words of `indices`, stopping at <eos> and leaving out <pad> and <sos>. */
  decode(indices: readonly number[]): string {
    const out: string[] = [];
    for (const k of indices) {
      if (k === 2) break;
      if (k === 0 || k === 1) continue;
      out.push(this.words[k] ?? UNK);
    }
    return out.join(' ');
  }

  /** The words of a sentence that are not in the vocabulary. */
  unknownIn(sentence: string): string[] {
    return [...new Set(tokenize(sentence).filter((w) => !this.index.has(w)))];
  }

  toJSON(): string[] {
    return this.words.slice();
  }

  static fromJSON(json: unknown, what: string): WordVocabulary {
    if (!Array.isArray(json) || !json.every((w) => typeof w === 'string')) throw new ValueError(`${what}: expected the vocabulary as a list of words`);
    return new WordVocabulary(json);
  }
}

/** A sentence's words: split on runs of whitespace, empty ones dropped. */
export function tokenize(sentence: string): string[] {
  return sentence.split(/\s+/).filter((w) => w !== '');
}
