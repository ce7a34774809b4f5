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
