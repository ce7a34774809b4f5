import { CharVocabulary } from '../../lib/data/text';
import { SequenceModel } from '../../lib/models/sequence-model';
import { sampleText } from '../../lib/tasks/char-lm';
import { beamText } from '../../lib/tasks/text-beam';
import { textLogProb } from '../../lib/tasks/text-scores';

const vocab = CharVocabulary.fromTexts(['abc']); // the unknown symbol, a, b, c
const model = new SequenceModel({ mode: 'lstm', inputSize: vocab.size, hiddenSize: 6, numLayers: 2, seed: 5, head: { mode: 'all', outFeatures: vocab.size } });
// Sharper logits than a fresh model's, so that greedy and the best continuation part ways.
for (const p of model.namedParameters()) for (let k = 0; k < p.value.data.length; k++) p.value.data[k] *= 4;

/** Every string of `n` characters over a, b, c. */
const all = (n: number): string[] => (n === 0 ? [''] : all(n - 1).flatMap((s) => ['a', 'b', 'c'].map((c) => s + c)));

describe('beam search over a character model (BEAM-3)', () => {
  it('a beam of 1 is greedy decoding: the text sampling at temperature 0 gives', () => {
    const greedy = sampleText(model, vocab, { prime: 'ab', length: 8, temperature: 0 });
    expect(beamText(model, vocab, { prime: 'ab', length: 8, beam: 1 }).text).toBe(greedy);
  });

  it('a beam wide enough for every continuation but the last character finds the most probable one, with its log-probability', () => {
    const n = 4;
    const scored = all(n).map((s) => ({ s, logp: textLogProb(model, vocab, 'ab', s) }));
    const best = scored.reduce((a, b) => (b.logp > a.logp ? b : a));
    const r = beamText(model, vocab, { prime: 'ab', length: n, beam: 27 }); // 3^(n−1)
    expect(r.text).toBe('ab' + best.s);
    expect(r.logProb).toBeCloseTo(best.logp, 10);
    const greedy = sampleText(model, vocab, { prime: 'ab', length: n, temperature: 0 }).slice(2);
    expect(best.s).not.toBe(greedy); // the case is one where search matters
    expect(textLogProb(model, vocab, 'ab', greedy)).toBeLessThan(best.logp);
  });

  it('a wider beam never scores lower here, and names a bad argument', () => {
    const scores = [1, 2, 4, 8].map((beam) => beamText(model, vocab, { prime: 'c', length: 6, beam }).logProb);
    for (let k = 1; k < scores.length; k++) expect(scores[k]).toBeGreaterThanOrEqual(scores[k - 1] - 1e-12);
    expect(() => beamText(model, vocab, { prime: 'c', length: 6, beam: 0 })).toThrow('beamText beam: expected an integer >= 1, got 0');
    expect(() => beamText(model, vocab, { prime: 'z', length: 6, beam: 2 })).toThrow('beamText prime: "z" never occur in the training text');
  });
});
