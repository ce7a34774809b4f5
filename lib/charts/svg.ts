/**
 * Charts as standalone SVG text: a line chart (linear or log y, several series, a legend, optional event
 * markers), a heatmap, a confusion matrix and attention weights. A small module of our own rather than a
 * charting library: these few kinds are all the reports need, the output is deterministic text that specs can read, and nothing is installed.
 */

export interface Series {
  name: string;
  points: [number, number][]; // (x, y); non-finite or (on a log axis) non-positive y values are skipped
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  series: Series[];
  markers?: { x: number; label: string }[]; // vertical ticks along the x axis (e.g. clipping events)
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
/** Text as it may stand in SVG or HTML. */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The first lines of every chart: the svg element, a white background, the title. */
function start(W: number, H: number, title: string, fontSize: number, titleSize: number): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="${fontSize}">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="${titleSize}" font-weight="bold">${esc(title)}</text>`,
  ];
}

/** White (f = 0) to dark blue (f = 1), the shading of the heatmaps. */
function blue(f: number): string {
  const c = (a: number, b: number) => Math.round(a + (b - a) * Math.min(1, Math.max(0, f)));
  return `rgb(${c(247, 8)},${c(251, 48)},${c(255, 107)})`;
}
const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-2) ? v.toExponential(0) : String(+v.toPrecision(3)));

/** Round tick values covering [lo, hi]: 1, 2, 5 × 10^k steps (linear) or whole decades (log). */
function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    const step = Math.max(1, Math.ceil((Math.ceil(hi) - Math.floor(lo)) / 8));
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e += step) out.push(e);
    return out;
  }
  const span = hi - lo || 1;
  const raw = span / 6, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) as number;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(+v.toPrecision(12));
  return out;
}

export function lineChart(o: LineChartOptions): string {
  const W = o.width ?? 720, H = o.height ?? 400;
  const m = { left: 72, right: 170, top: 40, bottom: 52 };
  const pw = W - m.left - m.right, ph = H - m.top - m.bottom;
  const ty = (y: number) => (o.logY ? Math.log10(y) : y);
  const usable = (y: number) => Number.isFinite(y) && (!o.logY || y > 0);
  const pts = o.series.flatMap((s) => s.points.filter(([, y]) => usable(y)));
  const xs = pts.map(([x]) => x), ys = pts.map(([, y]) => ty(y));
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (x0 === x1) x1 = x0 + 1;
  if (y0 === y1) { y0 -= 1; y1 += 1; }
  if (o.logY) { y0 = Math.floor(y0); y1 = Math.ceil(y1); }
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.top + ph - ((ty(y) - y0) / (y1 - y0)) * ph;
  const out: string[] = start(W, H, o.title, 12, 15);
  for (const t of ticks(y0, y1, !!o.logY)) {
    const y = m.top + ph - ((t - y0) / (y1 - y0)) * ph;
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${o.logY ? `1e${t}` : fmt(t)}</text>`);
  }
  for (const t of ticks(x0, x1, false)) {
    const x = sx(t);
    out.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${m.top + ph}" y2="${m.top + ph + 5}" stroke="black"/>`);
    out.push(`<text x="${x.toFixed(1)}" y="${m.top + ph + 18}" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}${o.logY ? ' (log scale)' : ''}</text>`);
  for (const mk of o.markers ?? []) {
    const x = sx(mk.x).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${m.top + ph - 8}" y2="${m.top + ph}" stroke="#999"><title>${esc(mk.label)}</title></line>`);
  }
  o.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const d = s.points.filter(([, y]) => usable(y)).map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    const dash = s.dashed ? ' stroke-dasharray="6,3"' : '';
    if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"${dash}/>`);
    const ly = m.top + 10 + k * 18;
    out.push(`<line x1="${m.left + pw + 12}" x2="${m.left + pw + 32}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"${dash}/>`);
    out.push(`<text x="${m.left + pw + 38}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  if (o.markers?.length) out.push(`<text x="${m.left + pw + 12}" y="${m.top + 14 + o.series.length * 18}" fill="#666">| marks: ${esc(o.markers[0].label.split(' ')[0])}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

export interface HeatmapOptions {
  title: string;
  xLabel: string;
  rows: string[]; // one label per row (e.g. a layer)
  values: number[][]; // [row][column], shown on a log scale
  width?: number;
}

/** Rows × columns of positive values on a log colour scale (white = smallest, dark blue = largest). */
export function heatmap(o: HeatmapOptions): string {
  const cols = Math.max(...o.values.map((r) => r.length));
  const W = o.width ?? 720, m = { left: 110, right: 90, top: 40, bottom: 44 }, rowH = 26;
  const H = m.top + m.bottom + rowH * o.rows.length;
  const cw = (W - m.left - m.right) / cols;
  const logs = o.values.flat().filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10);
  const lo = logs.length ? Math.min(...logs) : 0, hi = logs.length ? Math.max(...logs) : 1;
  const color = (v: number) => {
    if (!Number.isFinite(v)) return '#d62728';
    return blue(v > 0 && hi > lo ? (Math.log10(v) - lo) / (hi - lo) : 0);
  };
  const out = start(W, H, o.title, 12, 15);
  o.values.forEach((row, r) => {
    out.push(`<text x="${m.left - 8}" y="${m.top + r * rowH + rowH / 2 + 4}" text-anchor="end">${esc(o.rows[r])}</text>`);
    row.forEach((v, c) => out.push(`<rect x="${(m.left + c * cw).toFixed(2)}" y="${m.top + r * rowH}" width="${(cw + 0.3).toFixed(2)}" height="${rowH - 2}" fill="${color(v)}"><title>t=${c}: ${v.toExponential(2)}</title></rect>`));
  });
  for (const t of ticks(0, cols - 1, false)) out.push(`<text x="${(m.left + (t + 0.5) * cw).toFixed(1)}" y="${H - m.bottom + 16}" text-anchor="middle">${t}</text>`);
  out.push(`<text x="${m.left + (W - m.left - m.right) / 2}" y="${H - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(`<text x="${W - m.right + 10}" y="${m.top + 10}">1e${hi.toFixed(1)}</text>`);
  out.push(`<text x="${W - m.right + 10}" y="${H - m.bottom}">1e${lo.toFixed(1)}</text>`);
  out.push(`<text x="${W - m.right + 10}" y="${H - 10}" fill="#666">(log colour)</text>`); // below the scale, clear of it for a single row
  out.push('</svg>');
  return out.join('\n');
}

export interface MatrixChartOptions {
  title: string;
  rowLabel: string; // what the rows are (e.g. "true class")
  colLabel: string;
  labels: string[]; // one per row and column (a square matrix)
  counts: number[][]; // [row][column]
}

/**
 * A confusion matrix: each cell coloured by its share of its row (linear, white = 0, dark blue = the
 * whole row) and labelled with its count, so that both recall and raw numbers can be read off.
 */
export function confusionMatrixChart(o: MatrixChartOptions): string {
  const K = o.labels.length, cell = Math.max(22, Math.min(40, Math.floor(640 / K)));
  const longest = Math.max(...o.labels.map((l) => l.length));
  const m = { left: 30 + 7 * longest, top: 50, right: 30, bottom: 40 + 6 * longest };
  const W = Math.max(m.left + K * cell + m.right, 16 + 8 * o.title.length), H = m.top + K * cell + m.bottom;
  const out = start(W, H, o.title, 11, 14);
  o.counts.forEach((row, r) => {
    const total = row.reduce((a, v) => a + v, 0);
    const y = m.top + r * cell;
    out.push(`<text x="${m.left - 6}" y="${y + cell / 2 + 4}" text-anchor="end">${esc(o.labels[r])}</text>`);
    row.forEach((v, c) => {
      const f = total ? v / total : 0;
      const x = m.left + c * cell;
      out.push(`<rect x="${x}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill="${blue(f)}"><title>${esc(o.labels[r])} → ${esc(o.labels[c])}: ${v} (${(100 * f).toFixed(1)}% of the row)</title></rect>`);
      if (v) out.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${f > 0.5 ? 'white' : 'black'}" font-size="${cell < 30 ? 9 : 11}">${v}</text>`);
    });
  });
  o.labels.forEach((l, c) => {
    const x = m.left + c * cell + cell / 2 + 4, y = m.top + K * cell + 6;
    out.push(`<text transform="translate(${x} ${y}) rotate(-60)" text-anchor="end">${esc(l)}</text>`);
  });
  out.push(`<text x="${m.left + (K * cell) / 2}" y="${H - 8}" text-anchor="middle">${esc(o.colLabel)}</text>`);
  out.push(`<text transform="translate(14 ${m.top + (K * cell) / 2}) rotate(-90)" text-anchor="middle">${esc(o.rowLabel)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

export interface AttentionChartOptions {
  title: string;
  sourceWords: string[]; // columns: the words the encoder read
  outputWords: string[]; // rows: the words the decoder wrote
  weights: number[][]; // [output word][source word], each row sums to 1
}

/**
 * The attention weights of one translation: a row per output word, a column per source word, each cell
 * shaded by its weight (linear, white = 0, dark blue = 1) and labelled with it in hundredths.
 */
export function attentionChart(o: AttentionChartOptions): string {
  const R = o.outputWords.length, C = o.sourceWords.length, cell = 40;
  const longestRow = Math.max(1, ...o.outputWords.map((w) => w.length)), longestCol = Math.max(1, ...o.sourceWords.map((w) => w.length));
  const m = { left: 24 + 7 * longestRow, top: 48 + 6 * longestCol, right: 24 + 4 * longestCol, bottom: 24 }; // labels slant up and right
  const W = Math.max(m.left + C * cell + m.right, 24 + 9 * o.title.length), H = m.top + R * cell + m.bottom;
  const out = start(W, H, o.title, 12, 14);
  o.sourceWords.forEach((w, c) => {
    const x = m.left + c * cell + cell / 2 + 4, y = m.top - 8;
    out.push(`<text transform="translate(${x} ${y}) rotate(-60)">${esc(w)}</text>`);
  });
  o.weights.forEach((row, r) => {
    const y = m.top + r * cell;
    out.push(`<text x="${m.left - 6}" y="${y + cell / 2 + 4}" text-anchor="end">${esc(o.outputWords[r] ?? '')}</text>`);
    row.forEach((v, c) => {
      const x = m.left + c * cell;
      out.push(`<rect x="${x}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill="${blue(v)}"><title>${esc(o.outputWords[r] ?? '')} ← ${esc(o.sourceWords[c])}: ${v.toFixed(3)}</title></rect>`);
      if (v >= 0.05) out.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="10" fill="${v > 0.5 ? 'white' : 'black'}">${Math.round(100 * v)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n');
}
