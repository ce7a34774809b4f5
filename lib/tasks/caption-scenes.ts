/**
 * Scenes made of real handwritten digits, and their captions from a small grammar.   docs: docs/use-cases.md
 *
 * A scene is a canvas of 16 rows × 24 columns (pixel values 0–16 as in the digits data set, background 0)
 * holding one to three 8×8 digits of the data set, each drawn small (6×6), normal (8×8) or large (10×10)
 * (resampled bilinearly), placed at seeded positions. Four layouts, each with one caption, so that an image
 * has exactly one right caption:
 *   one      one digit anywhere                         "a 7", "a small 7", "a large 7"
 *   left     two digits side by side: the first in columns 0–11, the second in 12–23, any heights
 *                                                       "a 3 to the left of a large 7"
 *   above    two digits one over the other (their columns overlap, rows do not; heights add up to ≤ 16)
 *                                                       "a large 5 above a small 2"
 *   three    three normal digits in columns 0–7, 8–15, 16–23, each at its own height
 *                                                       "three digits : a 4 , a 9 and a 1"
 * The first digit named is the left (or upper) one. The grammar's 23 words: the ten digits, a, small,
 * large, to, the, left, of, above, three, digits, ":", ",", and.
 *
 * Held-out combinations: the 10 pairs (x, y) with (3x + y) mod 10 = 7 never appear side by side as
 * "x to the left of y" in training (nor as neighbours of a three-digit row), and the 10 with
 * (x + 7y) mod 10 = 4 never as "x above y". Every digit still appears on both sides of both relations in
 * training; only these combinations are new at test time ("unseen").
 *
 * The digit images are split once, stratified by class (70 % train, 10 % validation, 20 % test), and a
 * scene of a split draws its digits from that split's images only.
 */
import { ValueError } from '../kernels/tensor';
import { Rng } from '../kernels/random';
import { stratifiedSplit } from '../data/splits';

export const SCENE_ROWS = 16;
export const SCENE_COLS = 24;
export const DIGIT_SIZE = 8; // the data set's digits are 8×8
export const SIZES = { small: 6, normal: 8, large: 10 } as const;
export type SizeName = keyof typeof SIZES;
export type Layout = 'one' | 'left' | 'above' | 'three';
export type Relation = 'left' | 'above';

/** The grammar's words, in the order a vocabulary lists them. */
export const CAPTION_WORDS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'small', 'large', 'to', 'the', 'left', 'of', 'above', 'three', 'digits', ':', ',', 'and'] as const;

/** One placed digit: which image of the data set, its class, its size and its top-left corner. */
export interface PlacedDigit {
  image: number;
  digit: number;
  size: SizeName;
  row: number;
  col: number;
}

export interface Scene {
  layout: Layout;
  digits: PlacedDigit[]; // in the order the caption names them
  pixels: Float64Array; // [16·24], 0–16
  caption: string;
}

/** Whether "x <relation> y" is one of the held-out combinations. */
export function isHeldOut(x: number, relation: Relation, y: number): boolean {
  return relation === 'left' ? (3 * x + y) % 10 === 7 : (x + 7 * y) % 10 === 4;
}

/** The (x, relation, y) combinations a scene's caption states: its pair, or the neighbours of a row of three. */
export function combinationsOf(layout: Layout, digits: readonly number[]): [number, Relation, number][] {
  if (layout === 'left' || layout === 'above') return [[digits[0], layout, digits[1]]];
  if (layout === 'three') return [[digits[0], 'left', digits[1]], [digits[1], 'left', digits[2]]];
  return [];
}

/** Whether a scene states a held-out combination. */
export function isUnseen(layout: Layout, digits: readonly number[]): boolean {
  return combinationsOf(layout, digits).some(([x, r, y]) => isHeldOut(x, r, y));
}

/** The caption of a layout's digits (with their sizes), as the grammar writes it. */
export function captionOf(layout: Layout, digits: readonly { digit: number; size: SizeName }[]): string {
  const np = (d: { digit: number; size: SizeName }) => `a ${d.size === 'normal' ? '' : d.size + ' '}${d.digit}`;
  switch (layout) {
    case 'one': return np(digits[0]);
    case 'left': return `${np(digits[0])} to the left of ${np(digits[1])}`;
    case 'above': return `${np(digits[0])} above ${np(digits[1])}`;
    case 'three': return `three digits : a ${digits[0].digit} , a ${digits[1].digit} and a ${digits[2].digit}`;
  }
}

/** What a caption states, read back: its layout, digits and sizes; null if it is not a sentence of the grammar. */
export function parseCaption(caption: string): { layout: Layout; digits: number[]; sizes: SizeName[] } | null {
  const w = caption.split(' ').filter((x) => x !== '');
  const digit = (s: string | undefined) => (s !== undefined && /^[0-9]$/.test(s) ? Number(s) : null);
  let at = 0;
  const np = (): { digit: number; size: SizeName } | null => {
    if (w[at] !== 'a') return null;
    at++;
    let size: SizeName = 'normal';
    if (w[at] === 'small' || w[at] === 'large') size = w[at++] as SizeName;
    const d = digit(w[at]);
    if (d === null) return null;
    at++;
    return { digit: d, size };
  };
  if (w[0] === 'three') {
    const m = /^three digits : a ([0-9]) , a ([0-9]) and a ([0-9])$/.exec(w.join(' '));
    return m ? { layout: 'three', digits: [+m[1], +m[2], +m[3]], sizes: ['normal', 'normal', 'normal'] } : null;
  }
  const first = np();
  if (!first) return null;
  if (at === w.length) return { layout: 'one', digits: [first.digit], sizes: [first.size] };
  let layout: Layout;
  if (w.slice(at, at + 4).join(' ') === 'to the left of') (layout = 'left'), (at += 4);
  else if (w[at] === 'above') (layout = 'above'), (at += 1);
  else return null;
  const second = np();
  if (!second || at !== w.length) return null;
  return { layout, digits: [first.digit, second.digit], sizes: [first.size, second.size] };
}

/** An 8×8 digit (0–16, row after row) resampled to s×s: bilinear, pixel centres matched. */
export function resizeDigit(src: ArrayLike<number>, s: number): Float64Array {
  const n = DIGIT_SIZE;
  if (s === n) return Float64Array.from(src);
  const out = new Float64Array(s * s);
  const at = (i: number, j: number) => src[Math.min(n - 1, Math.max(0, i)) * n + Math.min(n - 1, Math.max(0, j))];
  for (let i = 0; i < s; i++) {
    const u = Math.min(n - 1, Math.max(0, ((i + 0.5) * n) / s - 0.5)), i0 = Math.floor(u), fu = u - i0;
    for (let j = 0; j < s; j++) {
      const v = Math.min(n - 1, Math.max(0, ((j + 0.5) * n) / s - 0.5)), j0 = Math.floor(v), fv = v - j0;
      out[i * s + j] = (1 - fu) * ((1 - fv) * at(i0, j0) + fv * at(i0, j0 + 1)) + fu * ((1 - fv) * at(i0 + 1, j0) + fv * at(i0 + 1, j0 + 1));
    }
  }
  return out;
}

/** The canvas of placed digits (a pixel covered twice keeps the larger value; placements never overlap). */
export function drawScene(digits: readonly PlacedDigit[], images: readonly ArrayLike<number>[]): Float64Array {
  const canvas = new Float64Array(SCENE_ROWS * SCENE_COLS);
  for (const d of digits) {
    const s = SIZES[d.size], px = resizeDigit(images[d.image], s);
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) {
      const k = (d.row + i) * SCENE_COLS + d.col + j;
      canvas[k] = Math.max(canvas[k], px[i * s + j]);
    }
  }
  return canvas;
}

/** The three splits of the digit images, stratified by class (seeded). */
export function splitDigitImages(labels: readonly number[], seed: number): { train: number[]; validation: number[]; test: number[] } {
  return stratifiedSplit(labels, 10, 0.2, 0.1, seed);
}

export interface SceneOptions {
  count: number;
  unseen: 'exclude' | 'only'; // training and "seen" sets exclude held-out combinations; the "unseen" set has one in every scene
  seed: number;
}

/**
 * `count` scenes whose digits are drawn from `pool` (indices into `images`/`labels`). Layouts one : left :
 * above : three = 2 : 3.5 : 3 : 1.5 (no "one" in an unseen set, which has nothing to hold out); sizes
 * normal : small : large = 2 : 1 : 1.
 */
export function makeScenes(images: readonly ArrayLike<number>[], labels: readonly number[], pool: readonly number[], o: SceneOptions): Scene[] {
  if (!Number.isInteger(o.count) || o.count < 0) throw new ValueError(`makeScenes count: expected an integer >= 0, got ${o.count}`);
  const byDigit = Array.from({ length: 10 }, (_, c) => pool.filter((i) => labels[i] === c));
  byDigit.forEach((members, c) => {
    if (members.length === 0) throw new ValueError(`makeScenes pool: no image of the digit ${c}; every digit needs at least one`);
  });
  const rng = new Rng(o.seed);
  const pickSize = (): SizeName => (['normal', 'normal', 'small', 'large'] as const)[rng.int(4)];
  const between = (lo: number, hi: number) => lo + rng.int(hi - lo + 1); // an integer in [lo, hi]
  const scenes: Scene[] = [];
  while (scenes.length < o.count) {
    const r = rng.uniform() * (o.unseen === 'only' ? 8 : 10);
    const layout: Layout = o.unseen === 'only' ? (r < 3.5 ? 'left' : r < 6.5 ? 'above' : 'three') : r < 2 ? 'one' : r < 5.5 ? 'left' : r < 8.5 ? 'above' : 'three';
    const n = layout === 'one' ? 1 : layout === 'three' ? 3 : 2;
    const classes = Array.from({ length: n }, () => rng.int(10));
    if (layout !== 'one' && isUnseen(layout, classes) !== (o.unseen === 'only')) continue; // draw again
    let sizes: SizeName[] = layout === 'three' ? ['normal', 'normal', 'normal'] : classes.map(pickSize);
    while (layout === 'above' && SIZES[sizes[0]] + SIZES[sizes[1]] > SCENE_ROWS) sizes = classes.map(pickSize);
    const placed: PlacedDigit[] = classes.map((digit, k) => ({ image: byDigit[digit][rng.int(byDigit[digit].length)], digit, size: sizes[k], row: 0, col: 0 }));
    const s = placed.map((d) => SIZES[d.size]);
    if (layout === 'one') {
      placed[0].row = between(0, SCENE_ROWS - s[0]);
      placed[0].col = between(0, SCENE_COLS - s[0]);
    } else if (layout === 'left') {
      placed.forEach((d, k) => {
        d.row = between(0, SCENE_ROWS - s[k]);
        d.col = k === 0 ? between(0, SCENE_COLS / 2 - s[0]) : between(SCENE_COLS / 2, SCENE_COLS - s[1]);
      });
    } else if (layout === 'above') {
      placed[0].row = between(0, SCENE_ROWS - s[0] - s[1]);
      placed[1].row = between(placed[0].row + s[0], SCENE_ROWS - s[1]);
      placed[0].col = between(0, SCENE_COLS - s[0]);
      const centred = placed[0].col + Math.round((s[0] - s[1]) / 2) + between(-2, 2);
      placed[1].col = Math.min(SCENE_COLS - s[1], Math.max(0, centred));
    } else {
      placed.forEach((d, k) => {
        d.row = between(0, SCENE_ROWS - DIGIT_SIZE);
        d.col = k * DIGIT_SIZE;
      });
    }
    scenes.push({ layout, digits: placed, pixels: drawScene(placed, images), caption: captionOf(layout, placed) });
  }
  return scenes;
}
