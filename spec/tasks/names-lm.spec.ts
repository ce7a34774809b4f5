import { ValueError } from '../../lib/kernels/tensor';
import { CharVocabulary } from '../../lib/data/text';
import { ConditionalNames, END, trainNamesLm, generateName } from '../../lib/tasks/names-lm';

describe('names conditioned on their language', () => {
  it('reads a name as letters ‖ language at every step, with the next letter (END last) as targets', () => {
    const vocab = CharVocabulary.fromTexts(['Abc' + END, 'Xy' + END]);
    const data = new ConditionalNames(['Abc', 'Xy'], [1, 0], ['L0', 'L1'], vocab, [0, 1]);
    const { batch, objective } = data.batch([0, 1]);
    const V = vocab.size;
    expect(batch.lengths).toEqual([3, 2]);
    expect(batch.x.shape).toEqual([3, 2, V + 2]);
    expect([batch.x.get(0, 0, vocab.encode('A')[0]), batch.x.get(2, 0, V + 1), batch.x.get(1, 1, V + 0), batch.x.get(2, 1, V + 0)]).toEqual([1, 1, 1, 0]);
    const targets = (objective as { targets: ArrayLike<number> }).targets;
    expect([targets[0], targets[2], targets[4]].map((k) => vocab.chars[k]).join('')).toBe('bc' + END);
    expect(vocab.chars[targets[3]]).toBe(END); // "Xy": y is followed by END
  });

  it('learns each language\'s names well enough to tell them apart when generating', () => {
    const names = ['Ivanov', 'Petrov', 'Smirnov', 'Sokolov', 'Popov', 'Lebedev', 'Kozlov', 'Novikov', 'Tanaka', 'Suzuki', 'Takahashi', 'Watanabe', 'Ito', 'Nakamura', 'Kobayashi', 'Kato'];
    const labels = names.map((_, i) => (i < 8 ? 0 : 1));
    const r = trainNamesLm([...names, ...names, ...names], [...labels, ...labels, ...labels], ['Russian', 'Japanese'], { hidden: 24, epochs: 60, lr: 0.02, batchSize: 8, patience: 60, seed: 2 });
    // The same first letter, two languages: the language input alone decides which names come out. Greedy
    // decoding of a model that has learnt its 16 names gives one of them (K: Kozlov in Russian; Kobayashi
    // or Kato in Japanese), so a model that ignored the language could not pass both.
    const generate = (language: string, start: string) => generateName(r.model, r.task, { language, start });
    expect(['Popov', 'Petrov']).toContain(generate('Russian', 'P'));
    expect(generate('Russian', 'K')).toBe('Kozlov');
    expect(['Kobayashi', 'Kato']).toContain(generate('Japanese', 'K'));
    expect(['Tanaka', 'Takahashi']).toContain(generate('Japanese', 'T'));
    expect(generateName(r.model, r.task, { language: 'Russian', start: 'P', temperature: 1, seed: 3 })).toBe(generateName(r.model, r.task, { language: 'Russian', start: 'P', temperature: 1, seed: 3 }));
    expect(() => generateName(r.model, r.task, { language: 'Klingon', start: 'K' })).toThrow(new ValueError('generateName language: unknown language "Klingon"; the model knows Russian, Japanese'));
    expect(() => generateName(r.model, r.task, { language: 'Russian', start: 'Q' })).toThrow('generateName start: "Q" never start or occur in a training name');
    expect(generateName(r.model, r.task, { language: 'Russian', start: 'P', maxLength: 3 })).toHaveLength(3);
  });
});
