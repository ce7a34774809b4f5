import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalizeSentence, readPairs, tutorialPairs } from '../../lib/data/pairs';
import { WordVocabulary, tokenize } from '../../lib/data/text';
import { madeUpPairs } from '../synthetic';

describe('sentence pairs', () => {
  it('normalises as the translation tutorial does', () => {
    expect(normalizeSentence("I'm 19.")).toBe('i m');
    expect(normalizeSentence('  Je suis très fatigué !')).toBe('je suis tres fatigue !');
    expect(normalizeSentence('Vous êtes grande\u202f?')).toBe('vous etes grande ?');
  });

  it('reads pairs reversed (French → English), normalised, with the vocabulary their grammar gives', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pairs-')), 'p.txt');
    fs.writeFileSync(file, madeUpPairs(72).join('\n') + '\n'); // 6 subjects × 12 adjectives, "today", every 9th a town
    const pairs = readPairs(file, true);
    expect(pairs).toHaveLength(72);
    expect(pairs[0]).toEqual({ source: 'je suis fatigue aujourd hui', target: 'i am tired today', line: 1 });
    expect(pairs[2].target).toBe('she is tired today !');
    const eng = WordVocabulary.fromSentences(pairs.map((p) => p.target));
    // 6 subjects in 9 words (i am he is she we are you they), 12 adjectives, today, in, 8 towns (i % 9 = 4), ! and the 4 specials
    expect(eng.size).toBe(9 + 12 + 1 + 1 + 8 + 1 + 4);
    const lengths = pairs.map((p) => tokenize(p.target).length);
    expect([Math.min(...lengths), Math.max(...lengths)]).toEqual([4, 6]);
  });

  it('cuts a file as the translation tutorial filters it: fewer than 10 words a side, English starting with one of its prefixes', () => {
    const lines = [
      'I am cold.\tJ\'ai froid.', //                                 kept: "i am "
      'He isn\'t here.\tIl n\'est pas ici.', //                      kept: "he is" has no final space in the tutorial
      'I\'m 19.\tJ\'ai 19 ans.', //                                  dropped: "i m" lacks the space of "i m "
      'Tom is tired.\tTom est fatigué.', //                          dropped: no prefix
      'You are one of the nine people I trust.\tTu es une des neuf personnes.', // kept: 9 English words
      'You are one of the ten people I trust now.\tTu es une des dix.', // dropped: 10 English words
      'We are here.\tNous sommes ici avec eux tous ce soir pour de bon.', // dropped: 10 French words
      'They\'re late!\tIls sont en retard !', //                      kept: "they re "
      'no tab on this line',
    ];
    const kept = tutorialPairs(lines.join('\n') + '\n');
    expect(kept).toBe([lines[0], lines[1], lines[4], lines[7]].join('\n') + '\n');
    expect(tutorialPairs(kept)).toBe(kept); // on its own output it keeps every line
    expect(tutorialPairs('Tom is here.\tTom est ici.\n')).toBe('');
  });

  it('names a line without a tab', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pairs-')), 'p.txt');
    fs.writeFileSync(file, 'I am here.\tJe suis ici.\nno tab here\n');
    expect(() => readPairs(file)).toThrow(`${file} line 2: expected two sentences separated by a tab`);
  });
});
