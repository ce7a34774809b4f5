/**
 * Diagrams as SVG: boxes, circles, arrows and text placed by hand, for the pictures of the docs (the
 * unrolled graph, the LSTM and GRU cells, the attention step; scripts/diagrams.ts draws them). Plain
 * strings, no dependencies; the same conventions as svg.ts (escaped text, a title, a white background).
 */

export type Point = [number, number];

export type Shape =
  | { kind: 'box'; x: number; y: number; w: number; h: number; label: string; fill?: string; stroke?: string; size?: number }
  | { kind: 'circle'; x: number; y: number; r: number; label: string; fill?: string }
  | { kind: 'arrow'; points: Point[]; color?: string; width?: number; dashed?: boolean; label?: string; labelAt?: Point }
  | { kind: 'text'; x: number; y: number; text: string; size?: number; color?: string; anchor?: 'start' | 'middle' | 'end'; bold?: boolean };

export const INK = '#222', BACK = '#c0392b', HIGHLIGHT = '#e67e22', SHARED = '#7f8c8d';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An SVG of `width`×`height` with a title line and the shapes in order (later ones on top). */
export function diagram(width: number, height: number, title: string, shapes: Shape[]): string {
  const colors = [...new Set(shapes.filter((s) => s.kind === 'arrow').map((s) => (s as { color?: string }).color ?? INK))];
  const marker = (c: string) => `m${colors.indexOf(c)}`;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    '<defs>',
    ...colors.map((c) => `<marker id="${marker(c)}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`),
    '</defs>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" font-size="16" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const s of shapes) {
    if (s.kind === 'box') {
      out.push(`<rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="6" fill="${s.fill ?? '#eef3fa'}" stroke="${s.stroke ?? INK}"/>`);
      s.label.split('\n').forEach((line, k, all) => {
        const y = s.y + s.h / 2 + (k - (all.length - 1) / 2) * ((s.size ?? 13) + 3) + (s.size ?? 13) / 3;
        out.push(`<text x="${s.x + s.w / 2}" y="${y}" font-size="${s.size ?? 13}" text-anchor="middle">${esc(line)}</text>`);
      });
    } else if (s.kind === 'circle') {
      out.push(`<circle cx="${s.x}" cy="${s.y}" r="${s.r}" fill="${s.fill ?? 'white'}" stroke="${INK}"/>`);
      out.push(`<text x="${s.x}" y="${s.y + 5}" font-size="14" text-anchor="middle">${esc(s.label)}</text>`);
    } else if (s.kind === 'arrow') {
      const c = s.color ?? INK;
      const d = s.points.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${x},${y}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="${s.width ?? 1.5}"${s.dashed ? ' stroke-dasharray="6,4"' : ''} marker-end="url(#${marker(c)})"/>`);
      if (s.label) {
        const [x, y] = s.labelAt ?? s.points[Math.floor(s.points.length / 2)];
        out.push(`<text x="${x}" y="${y}" font-size="12" fill="${c}" text-anchor="middle">${esc(s.label)}</text>`);
      }
    } else {
      out.push(`<text x="${s.x}" y="${s.y}" font-size="${s.size ?? 13}" fill="${s.color ?? INK}" text-anchor="${s.anchor ?? 'start'}"${s.bold ? ' font-weight="bold"' : ''}>${esc(s.text)}</text>`);
    }
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
