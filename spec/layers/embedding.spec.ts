import { zeros, toNested, flattenRows, ShapeError, ValueError } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { Embedding } from '../../lib/layers/embedding';
import { Linear } from '../../lib/layers/linear';
import { softmaxCrossEntropy } from '../../lib/layers/losses';
import { numericalGradient, maxRelError } from '../../lib/diagnostics/gradcheck';
import { randn } from '../helpers';

describe('Embedding', () => {
  it.each([null, 0])('gradient check (padding %s): ∂L/∂W through a head and a cross-entropy, with repeated tokens', (paddingIdx) => {
    const rng = new Rng(12);
    const emb = new Embedding(6, 4, { rng, paddingIdx });
    const head = new Linear(4, 3, { rng });
    const tokens = [2, 5, 2, 0, 3, 2]; // 2 three times (scatter-add), 0 is padding
    const targets = [1, 0, 2, 1, 1, 0];
    const loss = () => softmaxCrossEntropy(head.forward(flattenRows(emb.forward(tokens, [3, 2]).y)).y, targets).loss;
    const { y, cache } = emb.forward(tokens, [3, 2]);
    const flat = flattenRows(y); // [T·B,E]
    const h = head.forward(flat);
    const { dlogits } = softmaxCrossEntropy(h.y, targets);
    emb.zeroGrad();
    emb.backward(cache, head.backward(h.cache, dlogits));
    const numerical = numericalGradient(loss, emb.params.weight);
    // With padding, row 0 is left out on purpose (PyTorch's padding_idx): the loss depends on it, but it
    // takes no gradient. Every other row must match central differences.
    if (paddingIdx === 0) {
      expect(Math.abs(numerical.get(0, 0))).toBeGreaterThan(1e-4);
      expect(toNested(emb.grads.weight.pick(0))).toEqual([0, 0, 0, 0]);
      for (let j = 0; j < 4; j++) numerical.set(0, j, 0);
    }
    expect(maxRelError(emb.grads.weight, numerical)).toBeLessThan(1e-7);
    expect(toNested(emb.grads.weight.pick(1))).toEqual([0, 0, 0, 0]); // an unused token takes none
  });

  it('the lookup is a one-hot product: e = onehot(k)·W, shaped [T,B,E]', () => {
    const emb = new Embedding(5, 3, { rng: new Rng(2) });
    const { y } = emb.forward([4, 1, 1, 0], [2, 2]);
    expect(y.shape).toEqual([2, 2, 3]);
    expect(toNested(y.pick(0, 0))).toEqual(toNested(emb.params.weight.pick(4)));
    expect(toNested(y.pick(1, 0))).toEqual(toNested(emb.params.weight.pick(1)));
  });

  it('adds the gradient of every use of a token (scatter-add)', () => {
    const emb = new Embedding(3, 2, { rng: new Rng(1) });
    const { cache } = emb.forward([1, 1, 2]);
    const dy = randn([3, 2], new Rng(4));
    emb.zeroGrad();
    emb.backward(cache, dy);
    expect(emb.grads.weight.get(1, 0)).toBeCloseTo(dy.get(0, 0) + dy.get(1, 0), 15);
    expect(emb.grads.weight.get(2, 1)).toBe(dy.get(2, 1));
    expect(emb.grads.weight.get(0, 0)).toBe(0);
  });

  it('starts the padding vector at zero, and says what is wrong with bad input', () => {
    const emb = new Embedding(4, 2, { paddingIdx: 3 });
    expect(toNested(emb.params.weight.pick(3))).toEqual([0, 0]);
    expect(() => emb.forward([0, 4])).toThrow(new ValueError('Embedding.forward indices[1]: expected a token index in [0, 3], got 4'));
    expect(() => emb.forward([0, 1, 2], [2, 2])).toThrow(new ShapeError('Embedding.forward shape: [2,2] holds 4 tokens, but 3 indices were given'));
    expect(() => emb.backward(emb.forward([1]).cache, zeros([1, 3]))).toThrow('Embedding.backward dy: expected 1·2 values ending in [2], got [1,3]');
    expect(() => new Embedding(4, 2, { paddingIdx: 4 })).toThrow('Embedding paddingIdx: expected an index in [0, 3] or null, got 4');
    expect(() => new Embedding(0, 2)).toThrow('Embedding numEmbeddings: expected an integer >= 1, got 0');
  });
});
