/**
 * An image and its caption, with where the captioner looked for each word: the picture of
 * `unrolled caption --image … --svg`. The image is drawn in grey (white background, black ink) at the top;
 * below it one small copy per generated word (and <eos>), each region the model attends over (a column of
 * one of `bands` horizontal bands; region s = g·cols + c; with `rowRegions`, then one region per row,
 * s = bands·cols + r) tinted red by that word's attention weight on it
 * (in proportion, full from α = 0.25 on, so that weights spread evenly show as a faint wash), the word and
 * its largest weight under it.
 */
import { esc } from './svg';

export interface CaptionAttentionOptions {
  title: string;
  rows: number;
  cols: number;
  pixels: ArrayLike<number>; // [rows·cols] in [0, 1], row after row
  words: readonly string[]; // the caption's words, then <eos> if it was produced
  attention: readonly (readonly number[])[]; // [word][region], bands·cols (+ rows) regions each
  bands?: number; // default 1: whole columns
  rowRegions?: boolean; // the rows are regions too, after the columns (a captioner with regions 'columns+rows')
}

const FULL_TINT = 0.25; // an attention weight drawn fully red

function grey(v: number): string {
  const g = Math.round(255 * (1 - Math.max(0, Math.min(1, v))));
  return `rgb(${g},${g},${g})`;
}

/** The image at (x, y) with cells of `cell` pixels, regions tinted by `tint` (0 … 1 each) if given. */
function image(o: CaptionAttentionOptions, x: number, y: number, cell: number, tint: readonly number[] | null): string[] {
  const out: string[] = [], G = o.bands ?? 1, h = (o.rows / G) * cell;
  for (let r = 0; r < o.rows; r++) for (let c = 0; c < o.cols; c++) out.push(`<rect x="${x + c * cell}" y="${y + r * cell}" width="${cell}" height="${cell}" fill="${grey(o.pixels[r * o.cols + c])}"/>`);
  const columnRegions = G * o.cols;
  if (tint) tint.forEach((t, s) => {
    if (t <= 0.005) return;
    const opacity = (0.7 * t).toFixed(3);
    if (s >= columnRegions) { // a row: a horizontal strip
      out.push(`<rect x="${x}" y="${y + (s - columnRegions) * cell}" width="${o.cols * cell}" height="${cell}" fill="red" fill-opacity="${opacity}"/>`);
      return;
    }
    const g = Math.floor(s / o.cols), c = s % o.cols;
    out.push(`<rect x="${x + c * cell}" y="${y + g * h}" width="${cell}" height="${h}" fill="red" fill-opacity="${opacity}"/>`);
  });
  out.push(`<rect x="${x}" y="${y}" width="${o.cols * cell}" height="${o.rows * cell}" fill="none" stroke="#888"/>`);
  return out;
}

export function captionAttentionChart(o: CaptionAttentionOptions): string {
  if (o.attention.length !== o.words.length) throw new Error(`captionAttentionChart: ${o.words.length} words but ${o.attention.length} rows of attention`);
  const regions = (o.bands ?? 1) * o.cols + (o.rowRegions ? o.rows : 0);
  const which = `${o.bands ?? 1} band(s) × ${o.cols} columns${o.rowRegions ? ` + ${o.rows} rows` : ''}`;
  o.attention.forEach((a, k) => {
    if (a.length !== regions) throw new Error(`captionAttentionChart attention[${k}]: expected ${regions} weights (${which}), got ${a.length}`);
  });
  const big = Math.max(4, Math.min(14, Math.floor(420 / o.cols))), small = Math.max(2, Math.min(6, Math.floor(170 / o.cols)));
  const panelW = o.cols * small + 16, perRow = Math.max(1, Math.min(o.words.length, Math.floor(900 / panelW)));
  const top = 40, bigH = o.rows * big, panelsTop = top + bigH + 40, panelH = o.rows * small + 36;
  const W = Math.max(o.cols * big + 40, perRow * panelW + 30), H = panelsTop + Math.ceil(o.words.length / perRow) * panelH + 10;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(o.title)}</text>`];
  const bigX = (W - o.cols * big) / 2;
  out.push(...image(o, bigX, top, big, null));
  out.push(`<text x="${W / 2}" y="${top + bigH + 24}" text-anchor="middle" font-size="13">${esc(o.words.filter((w) => w !== '<eos>').join(' '))}</text>`);
  out.push(`<text x="${W - 10}" y="${top + bigH + 24}" text-anchor="end" fill="#666">red: each word's attention α over the regions (full at α ≥ ${FULL_TINT})</text>`);
  o.words.forEach((w, k) => {
    const a = o.attention[k], max = Math.max(...a);
    const x = 15 + (k % perRow) * panelW, y = panelsTop + Math.floor(k / perRow) * panelH;
    out.push(...image(o, x, y, small, a.map((v) => Math.min(1, v / FULL_TINT))));
    out.push(`<text x="${x + (o.cols * small) / 2}" y="${y + o.rows * small + 14}" text-anchor="middle" font-weight="bold">${esc(w)}</text>`);
    out.push(`<text x="${x + (o.cols * small) / 2}" y="${y + o.rows * small + 27}" text-anchor="middle" fill="#666">max α ${max.toFixed(2)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
