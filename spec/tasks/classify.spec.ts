import { Rng } from '../../lib/kernels/random';
import { CharVocabulary } from '../../lib/data/text';
import { textSequences } from '../../lib/data/labelled';
import { SequenceModel } from '../../lib/models/sequence-model';
import { SequenceClassificationDataset, trainClassifier, predictClasses, topK, ClassifyTask } from '../../lib/tasks/classify';

// Two classes told apart by the letter a word starts with, over words of 2 to 9 letters: the model must
// carry the first letter to the word's own last step, whatever the padding of its batch.
const rng = new Rng(5);
const texts: string[] = [], labels: number[] = [];
for (let i = 0; i < 240; i++) {
  const c = i % 2;
  const len = 2 + rng.int(8);
  texts.push((c ? 'q' : 'z') + Array.from({ length: len - 1 }, () => 'abcde'[rng.int(5)]).join(''));
  labels.push(c);
}
const vocab = CharVocabulary.fromTexts(texts);
const data = textSequences(texts, labels, ['starts-z', 'starts-q'], vocab);
const task: ClassifyTask = { name: 'classify', classes: data.classes, input: 'text', vocabulary: vocab.toJSON(), fold: 'ascii' };

describe('sequence classification', () => {
  it('batches pad to the longest sequence and pass every length', () => {
    const ds = new SequenceClassificationDataset(data, [0, 1, 2]);
    const { batch, objective } = ds.batch([0, 2]);
    expect(batch.lengths).toEqual([texts[0].length, texts[2].length]);
    expect(batch.x.shape).toEqual([Math.max(texts[0].length, texts[2].length), 2, vocab.size]);
    expect(objective).toEqual({ type: 'ce_last', targets: [0, 0], classWeights: null });
  });

  it('a sequence is classified the same alone and padded inside a batch', () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: vocab.size, hiddenSize: 5, seed: 2, head: { mode: 'last', outFeatures: 2 } });
    const together = predictClasses(model, data, [0, 1, 2, 3]);
    const alone = [0, 1, 2, 3].map((i) => predictClasses(model, data, [i])[0]);
    together.forEach((p, k) => p.forEach((v, c) => expect(Math.abs(v - alone[k][c])).toBeLessThan(1e-14)));
  });

  it('learns to read the first letter at the last step: all test words right, the same under the same seed', () => {
    const options = { cell: 'lstm' as const, hidden: 8, epochs: 25, batchSize: 16, lr: 0.02, patience: 10, seed: 1 };
    const r = trainClassifier(data, options, task);
    expect(r.split.test.length).toBe(48);
    expect(r.test.accuracy).toBe(1);
    expect(r.test.macroF1).toBe(1);
    expect(trainClassifier(data, { ...options, epochs: 2 }, task).predictions).toEqual(trainClassifier(data, { ...options, epochs: 2 }, task).predictions);
  });

  it('balanced class weights are measured on the training part and sent to the loss', () => {
    const skewed = textSequences(texts.slice(0, 90), labels.slice(0, 90).map((l, i) => (i < 60 ? 0 : l)), data.classes, vocab);
    const r = trainClassifier(skewed, { hidden: 4, epochs: 1, classWeights: 'balanced' }, task);
    const n = r.trainCounts.reduce((a, c) => a + c, 0);
    expect(r.classWeights).toEqual(r.trainCounts.map((c) => n / (2 * c)));
  });

  it('topK orders classes by probability', () => {
    expect(topK([0.2, 0.5, 0.3], ['a', 'b', 'c'], 2)).toEqual([{ label: 'b', probability: 0.5 }, { label: 'c', probability: 0.3 }]);
  });
});
