import { Seq2Seq, Seq2SeqConfig, SOS_ID, EOS_ID } from '../../lib/models/seq2seq';
import { greedyDecode, beamSearch } from '../../lib/models/decoding';

const config = (mode: Seq2SeqConfig['mode'], attention: boolean): Seq2SeqConfig => ({
  mode, attention, numLayers: 1, sourceVocabSize: 9, targetVocabSize: 8, embeddingSize: 4, hiddenSize: 6,
});
const sources = [[4, 5, 6, 2], [3, 2], [6, 4, 7, 8, 2]];

/** Σ log p of `words` (then <eos> if `ended`), read step by step: the score beam search maximises (BEAM-1). */
function logProbOf(model: Seq2Seq, source: number[], words: number[], ended: boolean): number {
  const enc = model.encode([source]);
  let state = model.initialState(enc), prev = SOS_ID, total = 0;
  for (const w of ended ? [...words, EOS_ID] : words) {
    const step = model.decoderStep(enc, state, [prev]);
    const z = Array.from({ length: 8 }, (_, k) => step.logits.get(0, k));
    const m = Math.max(...z);
    total += z[w] - m - Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
    state = step.state;
    prev = w;
  }
  return total;
}

describe('decoding', () => {
  it.each([['gru', true], ['lstm', false]] as const)('beam search with k = 1 is greedy decoding (%s, attention %s)', (mode, attention) => {
    const model = new Seq2Seq(config(mode, attention), 3);
    const greedy = greedyDecode(model, sources, 7);
    sources.forEach((s, b) => {
      const beam = beamSearch(model, s, { beamWidth: 1, maxLength: 7 });
      expect(beam.words).toEqual(greedy[b].words);
      expect(beam.ended).toBe(greedy[b].ended);
      expect(beam.logProb).toBeCloseTo(greedy[b].logProb, 12);
    });
  });

  it('greedy decoding of a batch gives each sentence what it gets alone, and its log-probability', () => {
    const model = new Seq2Seq(config('gru', true), 5);
    const batch = greedyDecode(model, sources, 9);
    sources.forEach((s, b) => {
      const alone = greedyDecode(model, [s], 9)[0];
      expect(alone.words).toEqual(batch[b].words);
      expect(alone.logProb).toBeCloseTo(batch[b].logProb, 12);
      expect(batch[b].logProb).toBeCloseTo(logProbOf(model, s, batch[b].words, batch[b].ended), 12);
      expect(batch[b].attention!.length).toBe(batch[b].words.length + (batch[b].ended ? 1 : 0));
      for (const row of batch[b].attention!) expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
    });
  });

  it('a wider beam finds a translation at least as probable as greedy, and reports its true log-probability', () => {
    let strictlyBetter = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const model = new Seq2Seq(config('gru', false), seed);
      for (const s of sources) {
        const greedy = greedyDecode(model, [s], 12)[0];
        const beam = beamSearch(model, s, { beamWidth: 4, maxLength: 12, lengthPenalty: 0 });
        expect(beam.logProb).toBeCloseTo(logProbOf(model, s, beam.words, beam.ended), 12);
        if (greedy.ended && beam.ended) {
          expect(beam.logProb).toBeGreaterThanOrEqual(greedy.logProb - 1e-12);
          if (beam.logProb > greedy.logProb + 1e-9) strictlyBetter++;
        }
      }
    }
    expect(strictlyBetter).toBeGreaterThan(0); // the search is not greedy in disguise
  });

  it('never produces <pad> or <sos>, stops at maxLength, and checks its options', () => {
    const model = new Seq2Seq(config('lstm', true), 8);
    for (const d of greedyDecode(model, sources, 3)) {
      expect(d.words.length).toBeLessThanOrEqual(3);
      expect(d.words.every((k) => k > EOS_ID)).toBe(true);
    }
    expect(beamSearch(model, sources[0], { beamWidth: 3, maxLength: 2 }).words.length).toBeLessThanOrEqual(2);
    expect(() => beamSearch(model, sources[0], { beamWidth: 0 })).toThrow('--beam: expected an integer >= 1, got 0');
    expect(() => greedyDecode(model, sources, 0)).toThrow('--max-length: expected an integer >= 1, got 0');
  });
});
