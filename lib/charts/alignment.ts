/**
 * A recording's features as an image, with what a CTC model read at each frame under it: the picture of
 * `unrolled listen --svg`. Columns are frames (10 ms); the image's rows are the coefficients, coloured
 * from blue (low) through white to red (high), each row scaled to its own range; the strip below marks
 * each frame's most probable class, a digit where it is one and nothing where it is the blank.
 */
import { esc } from './svg';

export interface AlignmentChartOptions {
  title: string;
  features: readonly ArrayLike<number>[]; // [frames][coefficients]
  rows: number; // how many coefficients to draw (the first ones)
  frameLabels: readonly string[]; // per frame: '' for the blank, else the label
}

function colour(v: number): string {
  const c = Math.max(-1, Math.min(1, v)); // −1 … 1
  const r = c > 0 ? 255 : Math.round(255 * (1 + c)), b = c < 0 ? 255 : Math.round(255 * (1 - c)), g = Math.round(255 * (1 - Math.abs(c)));
  return `rgb(${r},${g},${b})`;
}

export function alignmentChart(o: AlignmentChartOptions): string {
  const F = o.features.length, R = Math.min(o.rows, o.features[0]?.length ?? 0);
  const cw = Math.max(3, Math.min(12, Math.floor(900 / Math.max(1, F)))), ch = 12, left = 70, top = 40;
  const W = left + F * cw + 20, H = top + R * ch + 70;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(o.title)}</text>`];
  for (let r = 0; r < R; r++) {
    let lo = Infinity, hi = -Infinity;
    for (const f of o.features) { lo = Math.min(lo, f[r]); hi = Math.max(hi, f[r]); }
    const mid = (lo + hi) / 2, half = Math.max(1e-12, (hi - lo) / 2);
    out.push(`<text x="${left - 6}" y="${top + r * ch + ch - 2}" text-anchor="end">c${r}</text>`);
    o.features.forEach((f, t) => out.push(`<rect x="${left + t * cw}" y="${top + r * ch}" width="${cw}" height="${ch}" fill="${colour((f[r] - mid) / half)}"/>`));
  }
  const y = top + R * ch + 22;
  out.push(`<text x="${left - 6}" y="${y}" text-anchor="end">heard</text>`);
  o.frameLabels.forEach((l, t) => {
    if (l !== '') out.push(`<rect x="${left + t * cw}" y="${y - 11}" width="${cw}" height="14" fill="#fde9d2"/>`);
  });
  o.frameLabels.forEach((l, t) => { // the labels after every shading, so that no later frame's shading covers one
    if (l !== '' && (t === 0 || o.frameLabels[t - 1] !== l)) out.push(`<text x="${left + t * cw + 1}" y="${y}" font-weight="bold">${esc(l)}</text>`);
  });
  out.push(`<text x="${left + (F * cw) / 2}" y="${H - 12}" text-anchor="middle">frame (10 ms each); shaded: the frames whose most probable class is a digit, not the blank</text>`);
  out.push('</svg>');
  return out.join('\n');
}
