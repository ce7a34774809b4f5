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

  it('returns the best-scoring of the hypotheses it kept, each with its true log-probability', () => {
    for (const [seed, lengthPenalty] of [[1, 0], [2, 1], [3, 0.6]] as const) {
      const model = new Seq2Seq(config('gru', true), seed);
      for (const s of sources) {
        const beam = beamSearch(model, s, { beamWidth: 3, maxLength: 6, lengthPenalty });
        expect(beam.kept.length).toBeGreaterThan(0);
        expect(beam.kept.length).toBeLessThanOrEqual(3);
        for (const h of beam.kept) {
          expect(h.logProb).toBeCloseTo(logProbOf(model, s, h.words, beam.ended), 12);
          expect(h.score).toBeCloseTo(h.logProb / Math.pow(h.words.length + (beam.ended ? 1 : 0), lengthPenalty), 12); // (BEAM-2)
        }
        const best = Math.max(...beam.kept.map((h) => h.score));
        const answer = beam.kept.find((h) => h.words.join() === beam.words.join());
        expect(answer?.score).toBe(best);
        expect(beam.logProb).toBeCloseTo(logProbOf(model, s, beam.words, beam.ended), 12);
      }
    }
  });

  it('finds the more probable translation that greedy decoding misses, with a beam of 2', () => {
    // A decoder built by hand (GRU, no attention, H = E = 2; target words <pad> <sos> <eos> A B). All encoder
    // weights are 0, so s₀ = 0; the decoder's update gate is shut (b_z = −30, so s_t = n_t) and its candidate
    // reads only the word fed in: s_t = tanh(3·e(y_{t−1})), with e(<sos>) = 0, e(A) = (1, 0), e(B) = (0, 1).
    // The first word is A with p = 0.6 and B with 0.4; after A, <eos> has p = e^0.1 / (e^0.1 + 2) ≈ 0.356,
    // after B, p = e^5 / (e^5 + 2) ≈ 0.987. Greedy takes A and ends: 0.6 · 0.356 ≈ 0.21; "B <eos>" has
    // 0.4 · 0.987 ≈ 0.39, and a beam of 2, which keeps B after the first step, finds it.
    const A = 3, Bw = 4;
    const model = new Seq2Seq({ mode: 'gru', attention: false, numLayers: 1, sourceVocabSize: 4, targetVocabSize: 5, embeddingSize: 2, hiddenSize: 2 }, 1);
    const param = (name: string) => model.namedParameters().find((p) => p.name === name)!.value;
    for (const p of model.namedParameters()) p.value.data.fill(0);
    param('decoder.embedding.weight').set(A, 0, 1);
    param('decoder.embedding.weight').set(Bw, 1, 1);
    const W_ih = param('decoder.rnn.weight_ih_l0'); // rows [r | z | n], H = 2 each
    W_ih.set(4, 0, 3);
    W_ih.set(5, 1, 3);
    param('decoder.rnn.bias_ih_l0').set(2, -30);
    param('decoder.rnn.bias_ih_l0').set(3, -30);
    const first = [-50, -50, -20, Math.log(0.6), Math.log(0.4)]; // logits after <sos>: the output layer's bias
    const afterA = [-50, -50, 0.1, 0, 0], afterB = [-50, -50, 5, 0, 0];
    const s1 = Math.tanh(3);
    first.forEach((v, w) => {
      param('decoder.out.bias').set(w, v);
      param('decoder.out.weight').set(w, 0, (afterA[w] - v) / s1); // s = (tanh 3, 0) after A
      param('decoder.out.weight').set(w, 1, (afterB[w] - v) / s1); // s = (0, tanh 3) after B
    });
    const source = [3, 2];
    const greedy = greedyDecode(model, [source], 5)[0];
    expect(greedy.words).toEqual([A]);
    expect(Math.exp(greedy.logProb)).toBeCloseTo(0.6 * Math.exp(0.1) / (Math.exp(0.1) + 2), 6);
    const beam = beamSearch(model, source, { beamWidth: 2, maxLength: 5, lengthPenalty: 0 });
    expect(beam.words).toEqual([Bw]);
    expect(beam.ended).toBe(true);
    expect(Math.exp(beam.logProb)).toBeCloseTo(0.4 * Math.exp(5) / (Math.exp(5) + 2), 6);
    expect(beam.kept.map((h) => h.words)).toEqual([[Bw], [A]]); // both finished after two steps
    expect(beamSearch(model, source, { beamWidth: 1, maxLength: 5 }).words).toEqual([A]); // a beam of 1 is greedy
  });

  it('never produces <pad> or <sos>, stops at maxLength, and checks its options', () => {
    const model = new Seq2Seq(config('lstm', true), 8);
    for (const d of greedyDecode(model, sources, 3)) {
      expect(d.words.length).toBeLessThanOrEqual(3);
      expect(d.words.every((k) => k > EOS_ID)).toBe(true);
    }
    expect(beamSearch(model, sources[0], { beamWidth: 3, maxLength: 2 }).words.length).toBeLessThanOrEqual(2);
    expect(() => beamSearch(model, sources[0], { beamWidth: 0 })).toThrow('beamSearch beamWidth: expected an integer >= 1, got 0');
    expect(() => greedyDecode(model, sources, 0)).toThrow('greedyDecode maxLength: expected an integer >= 1, got 0');
  });
});
