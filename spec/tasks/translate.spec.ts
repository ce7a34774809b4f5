import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../../lib/kernels/tensor';
import { readPairs, SentencePair } from '../../lib/data/pairs';
import { WordVocabulary } from '../../lib/data/text';
import { prepareTranslation, buildTranslator, trainTranslator, scoreTranslations, translate, evaluateLoss, TranslateTask } from '../../lib/tasks/translate';
import { madeUpPairs, tmpDir } from '../synthetic';

describe('translation task', () => {
  // 216 English<TAB>French pairs from a tiny grammar (spec/synthetic.ts), French read first.
  const file = path.join(tmpDir('translate-'), 'pairs.txt');
  fs.writeFileSync(file, madeUpPairs(216).join('\n') + '\n');
  const pairs = readPairs(file, true);

  it('splits by position (i % 10 = 8 validation, 9 test) and builds the vocabularies from the training part only', () => {
    const data = prepareTranslation(pairs, 1);
    expect([data.train.length, data.validation.length, data.test.length]).toEqual([174, 21, 21]); // 8, 18, …, 208 and 9, …, 209
    expect(data.test[0]).toBe(pairs[9]);
    expect(data.validation[1]).toBe(pairs[18]);
    const trainWords = new Set(data.train.flatMap((p) => p.source.split(' ')));
    expect(data.source.size).toBe(4 + trainWords.size);
    expect(prepareTranslation(pairs, 2).source.size).toBeLessThan(data.source.size); // rare words read as <unk>
    expect(() => prepareTranslation(pairs.slice(0, 9))).toThrow('9 sentence pairs are too few to split');
  });

  it('a small model learns a few pairs by heart: the loss falls and greedy decoding reproduces them', () => {
    // 24 pairs whose French sides all differ (the file has several translations of some sentences, which
    // no model can all reproduce).
    const seen = new Set<string>();
    const few: SentencePair[] = pairs.filter((p) => !seen.has(p.source) && !!seen.add(p.source)).slice(0, 24);
    const data = {
      source: WordVocabulary.fromSentences(few.map((p) => p.source)), target: WordVocabulary.fromSentences(few.map((p) => p.target)),
      train: few, validation: few, test: few,
    };
    const model = buildTranslator(data, { hidden: 24, attention: true, seed: 3 });
    const before = evaluateLoss(model, data, few);
    const r = trainTranslator(model, data, { hidden: 24, attention: true, epochs: 60, batchSize: 8, lr: 0.01, teacherForcing: 1, patience: null, seed: 3 });
    expect(r.epochs).toBe(60);
    expect(r.valLoss).toBeLessThan(before / 10);
    const s = scoreTranslations(model, data, few);
    expect(s.exactMatch).toBeGreaterThan(0.9);
    expect(s.bleu).toBeGreaterThan(0.8);
    expect(scoreTranslations(model, data, few, { beam: 3 }).exactMatch).toBeGreaterThan(0.9);
  });

  it('stops at --max-seconds, still validating the model once so that there is a best to keep', () => {
    const data = prepareTranslation(pairs.slice(0, 200), 1);
    const model = buildTranslator(data, { hidden: 8 });
    const r = trainTranslator(model, data, { hidden: 8, epochs: 50, maxSeconds: 1e-9 });
    expect(r.stoppedBy).toBe('time');
    expect(r.epochs).toBe(0); // no epoch finished (the clock is read in whole milliseconds, so at most one batch ran)
    expect(r.steps).toBeLessThanOrEqual(1);
    expect(Number.isFinite(r.valLoss)).toBe(true);
  });

  it('translate: unknown words read as <unk> and are named; a sentence with none known is an error', () => {
    const data = prepareTranslation(pairs.slice(0, 100), 1);
    const task: TranslateTask = { name: 'translate', sourceVocabulary: data.source.toJSON(), targetVocabulary: data.target.toJSON() };
    const model = buildTranslator(data, { hidden: 8 });
    const t = translate(model, task, 'Je suis XYZZY !', { maxLength: 4 });
    expect(t.input).toBe('je suis xyzzy !');
    expect(t.unknown).toEqual(['xyzzy']);
    expect(t.sourceWords).toEqual(['je', 'suis', '<unk>', '!', '<eos>']);
    expect(t.attention!.length).toBe(t.outputWords.length);
    expect(t.outputWords.length).toBeLessThanOrEqual(5);
    expect(() => translate(model, task, 'qwerty zzz')).toThrow(new ValueError(`translate: none of the words of "qwerty zzz" is in the model's source vocabulary (${data.source.size - 4} words), so there is nothing to translate`));
    expect(() => translate(model, task, '... ,,,')).toThrow('has no words');
    expect(WordVocabulary.fromJSON(task.targetVocabulary, 't').size).toBe(data.target.size);
  });
});
