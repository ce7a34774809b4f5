import { ValueError } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { SequenceModel } from '../../lib/models/sequence-model';
import { lossOnly } from '../../lib/models/objectives';
import { CharVocabulary } from '../../lib/data/text';
import { CharStreams, prepareCharLm, evaluateStreams, trainCharLm, sampleText, drawCharacter, checkText } from '../../lib/tasks/char-lm';

const vocab = CharVocabulary.fromTexts(['abcdefgh']);
const ids = Int32Array.from(vocab.encode('abcdefghabcdefghabcdefghabcdefghabcdefghX'.replace('X', 'a')));

describe('character streams for truncated BPTT', () => {
  it('row b of chunk c + 1 continues row b of chunk c, and every target is the next character', () => {
    const s = new CharStreams(ids, vocab.size, 2, 4); // 41 ids: streams of 20, 5 chunks of 4
    expect([s.streamLength, s.chunks]).toEqual([20, 5]);
    const char = (x: ReturnType<CharStreams['batch']>['x'], t: number, b: number) => vocab.chars[[...Array(vocab.size).keys()].find((k) => x.get(t, b, k) === 1) as number];
    const c0 = s.batch(0), c1 = s.batch(1);
    expect([0, 1, 2, 3].map((t) => char(c0.x, t, 0)).join('')).toBe('abcd');
    expect([0, 1, 2, 3].map((t) => char(c1.x, t, 0)).join('')).toBe('efgh');
    expect([0, 1, 2, 3].map((t) => char(c0.x, t, 1)).join('')).toBe('efgh'); // stream 1 starts at 20: 'e'
    const targets = (c0.objective as { targets: ArrayLike<number> }).targets;
    expect([0, 1, 2, 3].map((t) => vocab.chars[targets[t * 2]]).join('')).toBe('bcde');
    expect(() => new CharStreams(ids, vocab.size, 8, 8)).toThrow('the text (41 characters) is too short for 8 streams of chunks of 8; lower --batch or --seq-len');
  });

  it('the loss over chunks with the carried state is the loss of one pass over the whole streams', () => {
    const s = new CharStreams(ids, vocab.size, 2, 4);
    const model = new SequenceModel({ mode: 'lstm', inputSize: vocab.size, hiddenSize: 5, numLayers: 2, seed: 3, head: { mode: 'all', outFeatures: vocab.size } });
    const whole = new CharStreams(ids, vocab.size, 2, 20); // one chunk of all 20 steps
    const { x, objective } = whole.batch(0);
    expect(evaluateStreams(model, s)).toBeCloseTo(lossOnly(model, { x }, objective), 12);
  });
});

describe('training and sampling a character model', () => {
  const text = 'the cat sat on the mat. '.repeat(60);
  const data = prepareCharLm(text, { batchSize: 4, seqLen: 12 });
  const newModel = () => new SequenceModel({ mode: 'gru', inputSize: data.vocab.size, hiddenSize: 24, seed: 2, head: { mode: 'all', outFeatures: data.vocab.size } });

  it('learns a repetitive text far below the uniform ln V, the same under the same seed', () => {
    const model = newModel();
    const r = trainCharLm(model, data, { steps: 150, evalEvery: 50, lr: 0.02, seed: 1 });
    expect(r.valLoss).toBeLessThan(0.3 * Math.log(data.vocab.size));
    const again = newModel();
    expect(trainCharLm(again, data, { steps: 150, evalEvery: 50, lr: 0.02, seed: 1 }).valLoss).toBe(r.valLoss);
    // greedy decoding continues the pattern it learned
    expect(sampleText(model, data.vocab, { prime: 'the cat ', length: 16, temperature: 0 })).toBe('the cat sat on the mat. ');
  });

  it('sampling: same seed, same text; temperature 0 and top-k 1 are greedy; a prime it cannot read is an error', () => {
    const model = newModel();
    const a = sampleText(model, data.vocab, { prime: 'the', length: 30, temperature: 1, seed: 4 });
    expect(sampleText(model, data.vocab, { prime: 'the', length: 30, temperature: 1, seed: 4 })).toBe(a);
    expect(sampleText(model, data.vocab, { prime: 'the', length: 30, temperature: 1, seed: 5 })).not.toBe(a);
    const greedy = sampleText(model, data.vocab, { prime: 'the', length: 30, temperature: 0, seed: 1 });
    expect(sampleText(model, data.vocab, { prime: 'the', length: 30, temperature: 0, seed: 9 })).toBe(greedy);
    expect(sampleText(model, data.vocab, { prime: 'the', length: 30, temperature: 1, topK: 1, seed: 9 })).toBe(greedy);
    expect(() => sampleText(model, data.vocab, { prime: 'THE?', length: 3 })).toThrow(new ValueError('sampleText prime: "T", "H", "E", "?" never occur in the training text, so the model cannot read them; leave them out'));
  });

  it('draws in proportion to softmax(logits / T), never the unknown symbol, and only the top k', () => {
    const rng = new Rng(7);
    const N = 30000;
    // A draw's share of symbol 2 is binomial: within 4 standard deviations of its probability p, which a
    // wrong temperature (p = 0.59 for T applied as a factor, 2/3 for T ignored) misses by 30 or more.
    const expectShare = (count: number, p: number) => expect(Math.abs(count / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    const counts = [0, 0, 0];
    for (let n = 0; n < N; n++) counts[drawCharacter([50, 0, Math.log(2)], 1, null, rng)]++;
    expect(counts[0]).toBe(0); // index 0 is the unknown symbol, whatever its logit
    expectShare(counts[2], 2 / 3); // e^0 : e^(log 2) = 1 : 2
    const cold = [0, 0, 0];
    for (let n = 0; n < N; n++) cold[drawCharacter([0, 0, Math.log(2)], 0.5, null, rng)]++;
    expect(cold[0]).toBe(0);
    expectShare(cold[2], 4 / 5); // T = 0.5: 1 : 2^(1/0.5) = 1 : 4
    expect(drawCharacter([0, 1, 3, 2], 1, 1, rng)).toBe(2);
  });

  it('refuses empty and binary files', () => {
    expect(() => checkText('', 'x.txt')).toThrow('x.txt: the file is empty; give a text file');
    expect(() => checkText('\u0000\u0001\u0002abc', 'x.bin')).toThrow('x.bin: this looks like a binary file');
  });
});
