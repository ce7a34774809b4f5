/**
 * The playground's reading pages: a source file with numbered, linkable lines, and a docs page rendered
 * from its Markdown (the subset the docs use: headings, paragraphs, lists, fenced and indented code
 * blocks, tables kept as text, inline code, emphasis, links and images).
 */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function shell(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${esc(title)}</title><link rel="stylesheet" href="${'../'.repeat(title.split('/').length - 1)}style.css"></head>
<body><main>${body}</main></body></html>
`;
}

/** `rel` (a path such as lib/textbook/lstm.ts) with each line in a span with id L1, L2, … */
export function renderSource(rel: string, text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const width = String(lines.length).length;
  const body = lines.map((l, k) => `<span id="L${k + 1}">${String(k + 1).padStart(width)}  ${esc(l)}</span>`).join('\n');
  return shell(`source/${rel}`, `<h1>${esc(rel)}</h1>\n<pre class="file">${body}</pre>`);
}

/** Inline Markdown: code, links (to pages the site has, else to their text), images, bold and italics. */
function inline(s: string, links: Set<string>): string {
  const parts = s.split(/(`[^`]+`)/);
  return parts.map((p) => {
    if (p.startsWith('`') && p.endsWith('`') && p.length > 1) return `<code>${esc(p.slice(1, -1))}</code>`;
    return esc(p)
      .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_, alt, src) => `<img alt="${alt}" src="${src}" style="max-width:100%">`)
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label, href: string) => {
        const page = href.split('#')[0];
        if (/^https?:/.test(href)) return `<a href="${href}">${label}</a>`;
        if (links.has(page)) return `<a href="${href.replace(page, `${page}.html`)}">${label}</a>`;
        return label; // a page the site does not carry: its name stays as text
      })
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[\s(])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>');
  }).join('');
}

/** A docs page as HTML; `links` are the docs pages the site carries (links to others become text). */
export function renderMarkdown(name: string, md: string, links: Set<string>): string {
  const out: string[] = [];
  const lines = md.split('\n');
  let para: string[] = [];
  let list: string[] | null = null;
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join(' '), links)}</p>`);
    para = [];
    if (list) out.push(`<ul>${list.map((i) => `<li>${inline(i, links)}</li>`).join('')}</ul>`);
    list = null;
  };
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k];
    if (l.startsWith('```')) {
      flush();
      const code: string[] = [];
      for (k++; k < lines.length && !lines[k].startsWith('```'); k++) code.push(lines[k]);
      out.push(`<pre>${esc(code.join('\n'))}</pre>`);
    } else if (/^ {4}/.test(l) && para.length === 0 && !list) {
      // An indented code block: this line and the next indented (or blank) ones.
      const code: string[] = [];
      for (; k < lines.length && (/^ {4}/.test(lines[k]) || (lines[k].trim() === '' && /^ {4}/.test(lines[k + 1] ?? ''))); k++) code.push(lines[k].slice(4));
      k--;
      out.push(`<pre>${esc(code.join('\n'))}</pre>`);
    } else if (/^#{1,6} /.test(l)) {
      flush();
      const level = l.indexOf(' ');
      out.push(`<h${level}>${inline(l.slice(level + 1), links)}</h${level}>`);
    } else if (l.startsWith('|')) {
      flush();
      const table: string[] = [];
      for (; k < lines.length && lines[k].startsWith('|'); k++) table.push(lines[k]);
      k--;
      out.push(`<pre>${esc(table.join('\n'))}</pre>`);
    } else if (/^\s*([-*]|\d+\.) /.test(l) && !/^\s{2,}/.test(l)) {
      if (para.length) flush();
      list ??= [];
      list.push(l.replace(/^\s*([-*]|\d+\.) /, ''));
    } else if (l.trim() === '') {
      flush();
    } else if (list && /^\s+/.test(l)) {
      list[list.length - 1] += ' ' + l.trim();
    } else {
      if (list) flush();
      para.push(l.trim());
    }
  }
  flush();
  return shell(`docs/${name}`, `<p><a href="../index.html">← playground</a> · docs/${esc(name)}</p>\n${out.join('\n')}`);
}
