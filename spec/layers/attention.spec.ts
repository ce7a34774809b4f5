import { Mat, zeros, clone, toNested, ShapeError } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { AdditiveAttention } from '../../lib/layers/attention';
import { numericalGradient, maxRelError } from '../../lib/diagnostics/gradcheck';
import { randn } from '../helpers';

// S = 4 source positions, B = 3 rows (lengths 4, 2, 3), Hk = 5, Hq = 6, A = 7: every size differs.
const S = 4, B = 3, Hk = 5, Hq = 6, A = 7, lengths = [4, 2, 3];

/** L = Σ_t Σ ctx_t ⊙ R_t over three steps with their own queries, so dctx_t = R_t and dKeys sums over t. */
function setup(seed: number) {
  const rng = new Rng(seed);
  const att = new AdditiveAttention(Hq, Hk, A, rng);
  const keys = randn([S, B, Hk], rng);
  const queries = [0, 1, 2].map(() => randn([B, Hq], rng));
  const R = [0, 1, 2].map(() => randn([B, Hk], rng));
  const loss = () => {
    const k = att.prepare(keys, lengths);
    let L = 0;
    queries.forEach((q, t) => {
      const { context } = att.forward(k, q);
      for (let i = 0; i < context.size; i++) L += context.data[i] * R[t].data[i];
    });
    return L;
  };
  const backward = () => {
    att.zeroGrad();
    const k = att.prepare(keys, lengths);
    const dKeys = zeros(keys.shape), dP = zeros(k.p.shape);
    const dqs = queries.map((q, t) => att.backward(k, att.forward(k, q).cache, R[t], dKeys, dP));
    att.prepareBackward(k, dP, dKeys);
    return { dKeys, dqs };
  };
  return { att, keys, queries, loss, backward };
}

describe('AdditiveAttention', () => {
  it('gradient check: every parameter, the keys and each query match central differences', () => {
    const { att, keys, queries, loss, backward } = setup(3);
    const { dKeys, dqs } = backward();
    const cases: [string, Mat, Mat][] = att.namedParameters().map((p) => [p.name, p.value, clone(p.grad)]);
    cases.push(['keys', keys, dKeys]);
    queries.forEach((q, t) => cases.push([`q${t}`, q, dqs[t]]));
    for (const [name, value, analytic] of cases) {
      const err = maxRelError(analytic, numericalGradient(loss, value));
      expect([name, err < 1e-6]).toEqual([name, true]);
    }
  });

  it('weights are a softmax over the valid positions only; padded keys take no weight and no gradient', () => {
    const { att, keys, queries, backward } = setup(5);
    const k = att.prepare(keys, lengths);
    const { alpha, context } = att.forward(k, queries[0]);
    lengths.forEach((len, b) => {
      let sum = 0;
      for (let s = 0; s < S; s++) {
        if (s >= len) expect(alpha.get(b, s)).toBe(0);
        else expect(alpha.get(b, s)).toBeGreaterThan(0);
        sum += alpha.get(b, s);
      }
      expect(sum).toBeCloseTo(1, 14);
      for (let j = 0; j < Hk; j++) { // ctx_b = Σ_s α_{b,s} k_{s,b}   (ATT-5)
        let c = 0;
        for (let s = 0; s < len; s++) c += alpha.get(b, s) * keys.get(s, b, j);
        expect(context.get(b, j)).toBeCloseTo(c, 14);
      }
    });
    const { dKeys } = backward();
    expect(toNested(dKeys.pick(2, 1))).toEqual([0, 0, 0, 0, 0]); // row 1 has 2 valid positions
    expect(toNested(dKeys.pick(3, 2))).toEqual([0, 0, 0, 0, 0]);
  });

  it('a step of the first n rows gives those rows of the whole batch\'s step, forward and backward', () => {
    const rng = new Rng(8);
    const att = new AdditiveAttention(Hq, Hk, A, rng);
    const k = att.prepare(randn([S, B, Hk], rng), lengths);
    const q = randn([B, Hq], rng), dctx = randn([B, Hk], rng);
    const all = att.forward(k, q), two = att.forward(k, q.hi(2, Hq));
    expect(toNested(two.context)).toEqual(toNested(all.context.hi(2, Hk)));
    expect(toNested(two.alpha)).toEqual(toNested(all.alpha.hi(2, S)));
    // backward of the two rows = backward of all three with row 2's gradient 0
    const dKeysTwo = zeros([S, B, Hk]), dPTwo = zeros([S, B, A]), dKeysAll = zeros([S, B, Hk]), dPAll = zeros([S, B, A]);
    const dqTwo = att.backward(k, two.cache, dctx.hi(2, Hk), dKeysTwo, dPTwo);
    const masked = clone(dctx);
    for (let j = 0; j < Hk; j++) masked.set(2, j, 0);
    const dqAll = att.backward(k, all.cache, masked, dKeysAll, dPAll);
    expect(maxRelError(dqTwo, clone(dqAll.hi(2, Hq)))).toBeLessThan(1e-14);
    expect(maxRelError(dKeysTwo, dKeysAll)).toBeLessThan(1e-14);
    expect(maxRelError(dPTwo, dPAll)).toBeLessThan(1e-14);
    expect(() => att.forward(k, randn([B + 1, Hq], rng))).toThrow(`AdditiveAttention.forward q: expected at most ${B} rows (the batch's), got ${B + 1}`);
  });

  it('backward adds: a second call doubles every gradient', () => {
    const { att, keys, queries } = setup(7);
    const k = att.prepare(keys, lengths);
    const c = att.forward(k, queries[0]).cache;
    const R = randn([B, Hk], new Rng(1));
    att.zeroGrad();
    att.backward(k, c, R, zeros(keys.shape), zeros(k.p.shape));
    const once = att.namedParameters().map((p) => Array.from(p.grad.data));
    att.backward(k, c, R, zeros(keys.shape), zeros(k.p.shape));
    att.namedParameters().forEach((p, i) => p.grad.data.forEach((v, j) => expect(v).toBeCloseTo(2 * once[i][j], 13)));
  });

  it('says what is wrong with bad shapes and lengths', () => {
    const att = new AdditiveAttention(Hq, Hk, A, new Rng(1));
    expect(() => att.prepare(zeros([S, B, 4]), lengths)).toThrow(new ShapeError('AdditiveAttention.prepare keys: expected [S,B,5], got [4,3,4]'));
    expect(() => att.prepare(zeros([S, B, Hk]), [4, 0, 2])).toThrow('AdditiveAttention.prepare lengths[1]: expected an integer in [1, 4], got 0');
    expect(() => att.prepare(zeros([S, B, Hk]), [4, 2])).toThrow('AdditiveAttention.prepare lengths: expected 3 lengths, got 2');
    const k = att.prepare(zeros([S, B, Hk]), lengths);
    expect(() => att.forward(k, zeros([B, Hk]))).toThrow('AdditiveAttention.forward q: expected [3,6], got [3,5]');
  });
});
