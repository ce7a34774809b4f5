import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalizeSentence, readPairs } from '../../lib/data/pairs';
import { WordVocabulary, tokenize } from '../../lib/data/text';

describe('sentence pairs', () => {
  it('normalises as the translation tutorial does', () => {
    expect(normalizeSentence("I'm 19.")).toBe('i m');
    expect(normalizeSentence('  Je suis très fatigué !')).toBe('je suis tres fatigue !');
    expect(normalizeSentence('Vous êtes grande\u202f?')).toBe('vous etes grande ?');
  });

  it('the bundled file gives the tutorial\'s counts: 11,445 pairs, 4,601 French and 2,991 English words with SOS and EOS', () => {
    const pairs = readPairs('data/eng-fra-short.txt', true); // French → English
    expect(pairs).toHaveLength(11445);
    const fra = WordVocabulary.fromSentences(pairs.map((p) => p.source));
    const eng = WordVocabulary.fromSentences(pairs.map((p) => p.target));
    expect(fra.size - 4 + 2).toBe(4601); // without <pad> <unk>: the tutorial counts only SOS and EOS
    expect(eng.size - 4 + 2).toBe(2991);
    const lengths = pairs.map((p) => tokenize(p.target).length);
    expect([Math.min(...lengths), Math.max(...lengths)]).toEqual([3, 9]);
  });

  it('names a line without a tab', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pairs-')), 'p.txt');
    fs.writeFileSync(file, 'I am here.\tJe suis ici.\nno tab here\n');
    expect(() => readPairs(file)).toThrow(`${file} line 2: expected two sentences separated by a tab`);
  });
});
