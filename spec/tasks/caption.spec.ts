import { Rng } from '../../lib/kernels/random';
import { ValueError } from '../../lib/kernels/tensor';
import {
  CAPTION_WORDS, SCENE_ROWS, SCENE_COLS, SIZES, captionOf, combinationsOf, isHeldOut, isUnseen, makeScenes, parseCaption, resizeDigit, drawScene,
} from '../../lib/tasks/caption-scenes';
import { captionSlots, slotMatches, scoreCaptionStrings, prepareCaptionData, captionVocabulary, buildCaptioner, captionTrainer, scoreCaptioner, FreshScenes } from '../../lib/tasks/caption';
import { fitSoftmaxRegression, predictClass, templateOf, mostFrequentCaption, fitTemplateCaptioner, templateCaption } from '../../lib/tasks/caption-baselines';
import { parsePgm, toPgm } from '../../lib/data/pgm';
import { expectPlateauRates } from '../helpers';

/** Ten made-up 8×8 "digits" (0–16): class c lights the bands of two rows given by the bits of c + 1, with a little noise. */
function fakeDigits(perClass: number, seed = 3): { images: Float64Array[]; labels: number[] } {
  const rng = new Rng(seed), images: Float64Array[] = [], labels: number[] = [];
  for (let c = 0; c < 10; c++) for (let k = 0; k < perClass; k++) {
    const im = new Float64Array(64);
    for (let r = 0; r < 8; r++) for (let j = 0; j < 8; j++) {
      const on = j > 0 && j < 7 && (((c + 1) >> (r >> 1)) & 1) === 1; // bands of two rows: the bits of c + 1
      im[r * 8 + j] = Math.min(16, Math.max(0, (on ? 14 : 1) + 2 * rng.normal()));
    }
    images.push(im);
    labels.push(c);
  }
  return { images, labels };
}

describe('caption scenes', () => {
  const digits = fakeDigits(6);
  const pool = digits.images.map((_, i) => i);

  it('every caption is a sentence of the grammar that reads back to its layout, digits and sizes', () => {
    const scenes = makeScenes(digits.images, digits.labels, pool, { count: 400, unseen: 'exclude', seed: 1 });
    const words = new Set<string>(CAPTION_WORDS);
    expect(words.size).toBe(23); // as the docs say: ten digits and 13 words
    const layouts = new Set<string>();
    for (const s of scenes) {
      for (const w of s.caption.split(' ')) expect(words.has(w)).toBe(true);
      expect(parseCaption(s.caption)).toEqual({ layout: s.layout, digits: s.digits.map((d) => d.digit), sizes: s.digits.map((d) => d.size) });
      layouts.add(s.layout);
    }
    expect([...layouts].sort()).toEqual(['above', 'left', 'one', 'three']);
    expect(parseCaption('a 3 to the left')).toBeNull();
    expect(parseCaption('a 3 above a 4 above a 5')).toBeNull();
    expect(parseCaption('three digits : a 4 , a 9')).toBeNull();
  });

  it('places digits inside the canvas, never overlapping, in the order and relation the caption states', () => {
    const scenes = makeScenes(digits.images, digits.labels, pool, { count: 300, unseen: 'exclude', seed: 2 });
    for (const s of scenes) {
      const boxes = s.digits.map((d) => ({ r0: d.row, c0: d.col, r1: d.row + SIZES[d.size], c1: d.col + SIZES[d.size] }));
      for (const b of boxes) expect([b.r0 >= 0, b.c0 >= 0, b.r1 <= SCENE_ROWS, b.c1 <= SCENE_COLS]).toEqual([true, true, true, true]);
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        expect(a.r1 <= b.r0 || b.r1 <= a.r0 || a.c1 <= b.c0 || b.c1 <= a.c0).toBe(true);
      }
      if (s.layout === 'left' || s.layout === 'three') for (let i = 1; i < boxes.length; i++) expect(boxes[i - 1].c1 <= boxes[i].c0).toBe(true);
      if (s.layout === 'above') {
        expect(boxes[0].r1 <= boxes[1].r0).toBe(true);
        expect(Math.min(boxes[0].c1, boxes[1].c1) > Math.max(boxes[0].c0, boxes[1].c0)).toBe(true); // their columns overlap
      }
      expect(s.pixels).toEqual(drawScene(s.digits, digits.images));
    }
  });

  it('keeps held-out combinations out of the seen sets and puts one in every unseen scene', () => {
    const seen = makeScenes(digits.images, digits.labels, pool, { count: 500, unseen: 'exclude', seed: 3 });
    const unseen = makeScenes(digits.images, digits.labels, pool, { count: 300, unseen: 'only', seed: 4 });
    for (const s of seen) expect(isUnseen(s.layout, s.digits.map((d) => d.digit))).toBe(false);
    for (const s of unseen) expect([s.layout !== 'one', isUnseen(s.layout, s.digits.map((d) => d.digit))]).toEqual([true, true]);
    // 10 held-out pairs per relation, and every digit on both sides of both relations among the others.
    for (const r of ['left', 'above'] as const) {
      const held = Array.from({ length: 100 }, (_, k) => [Math.floor(k / 10), k % 10]).filter(([x, y]) => isHeldOut(x, r, y));
      expect(held.length).toBe(10);
      for (let d = 0; d < 10; d++) expect(held.filter(([x]) => x === d).length).toBe(1);
    }
    expect(combinationsOf('three', [1, 2, 3])).toEqual([[1, 'left', 2], [2, 'left', 3]]);
  });

  it('draws each split\'s scenes from its own digit images only', () => {
    const data = prepareCaptionData(fakeDigits(20), { train: 200, validation: 50, test: 50, seed: 2 });
    const used = (scenes: { digits: { image: number }[] }[]) => new Set(scenes.flatMap((s) => s.digits.map((d) => d.image)));
    const train = used(data.train), val = used(data.validation), test = new Set([...used(data.testSeen), ...used(data.testUnseen)]);
    for (const i of val) expect(train.has(i)).toBe(false);
    for (const i of test) expect(train.has(i) || val.has(i)).toBe(false);
    expect(data.images).toEqual({ train: 140, validation: 20, test: 40 });
    expect(() => prepareCaptionData(fakeDigits(20), { train: 0 })).toThrow(new ValueError('prepareCaptionData train: expected an integer >= 1, got 0'));
  });

  it('resizes a digit bilinearly: same size unchanged, a constant stays constant, a 2× larger copy keeps the mean', () => {
    const d = fakeDigits(1).images[4];
    expect(resizeDigit(d, 8)).toEqual(d);
    expect([...resizeDigit(new Float64Array(64).fill(5), 6)].every((v) => Math.abs(v - 5) < 1e-12)).toBe(true);
    const big = resizeDigit(d, 16), mean = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0) / a.length;
    expect(Math.abs(mean(big) - mean(d))).toBeLessThan(0.6);
  });

  it('writes the captions of the grammar', () => {
    expect(captionOf('left', [{ digit: 3, size: 'normal' }, { digit: 7, size: 'large' }])).toBe('a 3 to the left of a large 7');
    expect(captionOf('above', [{ digit: 5, size: 'large' }, { digit: 2, size: 'small' }])).toBe('a large 5 above a small 2');
    expect(captionOf('three', [{ digit: 4, size: 'normal' }, { digit: 9, size: 'normal' }, { digit: 1, size: 'normal' }])).toBe('three digits : a 4 , a 9 and a 1');
    expect(captionOf('one', [{ digit: 0, size: 'small' }])).toBe('a small 0');
  });
});

describe('fresh training scenes', () => {
  it('makes new scenes for every batch from the training images only, repeatably under the generator', () => {
    const data = prepareCaptionData(fakeDigits(20), { train: 100, validation: 20, test: 20, seed: 4 });
    const fresh = new FreshScenes(data, 100, 0.5);
    const a = fresh.batch([0, 1, 2, 3], new Rng(9)), b = fresh.batch([0, 1, 2, 3], new Rng(9));
    expect(b).toEqual(a); // the same generator state, the same batch
    const rng = new Rng(9);
    const first = fresh.batch([0, 1, 2, 3], rng), second = fresh.batch([0, 1, 2, 3], rng);
    expect(second.targets).not.toEqual(first.targets); // the next batch is new scenes
    expect(fresh.size).toBe(100);
    expect(first.sources[0].pixels.length).toBe(16 * 24);
    expect(first.targets.every((t) => t[t.length - 1] === 2)).toBe(true); // each caption ends in <eos>
    // Only training images: a pool without any image of some digit cannot make its scenes.
    expect(() => new FreshScenes({ ...data, pools: { ...data.pools, train: [0] } }, 10, 1).batch([0], new Rng(1))).toThrow(/no image of the digit/);
  });
});

describe('caption scores', () => {
  it('counts slots: each digit in order, and the relation of two or three digits', () => {
    expect(captionSlots('a large 5 above a small 2')).toEqual({ digits: [5, 2], relation: 'above' });
    expect(slotMatches('a 3 to the left of a 7', 'a 3 to the left of a 1')).toEqual({ right: 2, slots: 3 });
    expect(slotMatches('a 3 to the left of a 7', 'a 3 above a 7')).toEqual({ right: 2, slots: 3 });
    expect(slotMatches('a 3', 'a large 3')).toEqual({ right: 1, slots: 1 }); // a size is not a slot
    expect(slotMatches('three digits : a 1 , a 2 and a 3', 'three digits : a 1 , a 2 and a')).toEqual({ right: 3, slots: 4 }); // outside the grammar: read for digits and relation
  });

  it('scores exact match, BLEU-4 and slot accuracy over a set', () => {
    const scenes = [{ caption: 'a 3 to the left of a 7' }, { caption: 'a small 4' }] as unknown as Parameters<typeof scoreCaptionStrings>[0];
    const s = scoreCaptionStrings(scenes, ['a 3 to the left of a 7', 'a 4']);
    expect(s.exactMatch).toBe(0.5);
    expect(s.slotAccuracy).toBe(1);
    expect(s.bleu4).toBeGreaterThan(0);
    expect(s.bleu4).toBeLessThan(1);
    expect(scoreCaptionStrings(scenes, ['a 3 to the left of a 7', 'a small 4']).bleu4).toBeCloseTo(1, 12);
  });
});

describe('caption baselines', () => {
  it('softmax regression separates linearly separable classes', () => {
    const rng = new Rng(1), xs: Float64Array[] = [], ys: number[] = [];
    for (let i = 0; i < 300; i++) {
      const c = i % 3, x = Float64Array.from({ length: 4 }, () => 0.1 * rng.normal());
      x[c] += 1;
      xs.push(x);
      ys.push(c);
    }
    const m = fitSoftmaxRegression(xs, ys, 3, { epochs: 20 });
    expect(xs.filter((x, i) => predictClass(m, x) === ys[i]).length).toBeGreaterThan(295);
  });

  it('fills the template the classifiers pick; the most frequent caption is the mode', () => {
    expect(templateOf('a large 5 above a small 2')).toBe('a large # above a small #');
    const digits = fakeDigits(10);
    const train = makeScenes(digits.images, digits.labels, digits.images.map((_, i) => i), { count: 300, unseen: 'exclude', seed: 5 });
    const m = fitTemplateCaptioner(train, { epochs: 5 });
    for (const s of train.slice(0, 20)) expect(parseCaption(templateCaption(m, s.pixels))).not.toBeNull(); // always a sentence of the grammar
    const counts = new Map<string, number>();
    train.forEach((s) => counts.set(s.caption, (counts.get(s.caption) ?? 0) + 1));
    expect(counts.get(mostFrequentCaption(train))).toBe(Math.max(...counts.values()));
  });
});

describe('the captioner on scenes', () => {
  it('learns to caption single made-up digits, trained by the Trainer', () => {
    const digits = fakeDigits(10, 7);
    const data = prepareCaptionData(digits, { train: 1000, validation: 40, test: 100, seed: 3 });
    const only = (scenes: typeof data.train) => scenes.filter((s) => s.layout === 'one');
    const small = { ...data, train: only(data.train), validation: only(data.validation) };
    const model = buildCaptioner(captionVocabulary(), { encoder: 12, hidden: 24, embedding: 8 });
    const before = scoreCaptioner(model, data.vocabulary, only(data.testSeen));
    captionTrainer(model, small, { encoder: 12, hidden: 24, embedding: 8, epochs: 20, lr: 0.005, batchSize: 4, patience: null, seed: 2, freshScenes: false }).run();
    const after = scoreCaptioner(model, data.vocabulary, only(data.testSeen));
    // The digit named right on held-out images: chance is 0.1; a digit anywhere on the canvas, at any
    // of three sizes, is slow to learn for so small a model (0.59 after these 20 epochs).
    expect(before.slotAccuracy).toBeLessThan(0.2);
    expect(after.slotAccuracy).toBeGreaterThan(0.5);
  });

  it('with lrDecay, multiplies the rate by it after each epoch whose validation loss is not below the best, and only then', () => {
    const data = prepareCaptionData(fakeDigits(10, 5), { train: 24, validation: 8, test: 10, seed: 4 });
    const model = buildCaptioner(captionVocabulary(), { encoder: 6, hidden: 10, embedding: 4 });
    const lrs: number[][] = [], vals: number[] = [];
    const lr = 0.08, decay = 0.5; // a high rate, so that some epochs do not improve
    captionTrainer(model, data, {
      encoder: 6, hidden: 10, embedding: 4, epochs: 8, lr, lrDecay: decay, batchSize: 6, patience: null, seed: 1, freshScenes: false,
      onStep: (i) => { if (i.step % 4 === 1) lrs.push([]); lrs[lrs.length - 1].push(i.lr); }, // 24 scenes / 6: four steps an epoch
      onEval: (i) => vals.push(i.valLoss),
    }).run();
    expect(vals.length).toBe(8);
    const drops = expectPlateauRates(lrs, vals, lr, decay); // every epoch's rate, from the losses before it
    expect(drops).toBeGreaterThan(0); // the rule was exercised both ways
    expect(drops).toBeLessThan(7);
  });

  it('refuses an lrDecay that is not a factor in (0, 1)', () => {
    const data = prepareCaptionData(fakeDigits(10, 5), { train: 8, validation: 4, test: 4, seed: 4 });
    const model = buildCaptioner(captionVocabulary(), { encoder: 4, hidden: 6, embedding: 4 });
    for (const bad of [1, 0, -0.5]) {
      expect(() => captionTrainer(model, data, { encoder: 4, hidden: 6, embedding: 4, lrDecay: bad }))
        .toThrow(new ValueError(`caption lrDecay: expected a factor in (0, 1), got ${bad}`));
    }
  });
});

describe('PGM', () => {
  const bytes = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

  it('reads P2 and P5 alike, with comments, and writes P5 that reads back', () => {
    const p2 = parsePgm(bytes('P2\n# a comment\n3 2\n# another\n255\n0 128 255\n 64 0\n32\n'), 'a.pgm');
    const p5 = parsePgm(bytes('P5 3 2 255\n' + String.fromCharCode(0, 128, 255, 64, 0, 32)), 'b.pgm');
    expect(p2).toEqual(p5);
    expect(p2.width).toBe(3);
    expect(Array.from(p2.pixels)).toEqual([0, 128 / 255, 1, 64 / 255, 0, 32 / 255]);
    expect(Array.from(parsePgm(bytes('P2 1 1 15 3'), 'c.pgm', { inverted: true }).pixels)).toEqual([1 - 3 / 15]);
    const again = parsePgm(toPgm(p2, 'a\ncaption'), 'd.pgm');
    expect(again.pixels).toEqual(p2.pixels);
  });

  it('refuses what it does not read, in one line naming the file', () => {
    expect(() => parsePgm(bytes('P6 1 1 255\n\0\0\0'), 'x.ppm')).toThrow(new ValueError('x.ppm: a raw PPM (colour) image (P6); only greyscale PGM (P2 or P5) is read'));
    expect(() => parsePgm(bytes('P5 1 1 65535\n\0\0'), 'x.pgm')).toThrow(new ValueError('x.pgm: a 16-bit PGM (maxval 65535); only 8-bit images (maxval ≤ 255) are read'));
    expect(() => parsePgm(bytes('GIF89a'), 'x.gif')).toThrow(new ValueError('x.gif: not a PGM image (it starts with "GIF89a", not P2 or P5)'));
    expect(() => parsePgm(bytes('P5 2 2 255\n\0\0'), 'x.pgm')).toThrow(new ValueError('x.pgm: 2 × 2 pixels need 4 bytes, the file has 2 after its header'));
    expect(() => parsePgm(bytes('P2 2 1 9 3'), 'x.pgm')).toThrow(new ValueError('x.pgm: 2 × 1 = 2 pixels expected, the file ends after 1'));
    expect(() => parsePgm(bytes('P2 1 1 9 12'), 'x.pgm')).toThrow(new ValueError('x.pgm: pixel 0 (row 0, column 0) is 12, above maxval 9'));
    expect(() => parsePgm(bytes('P2 x'), 'x.pgm')).toThrow(new ValueError('x.pgm: expected the width (a whole number) at byte 3, got "x"'));
  });
});
