/**
 * Builds the playground into site/: static files only (HTML, CSS, one script per page), nothing fetched
 * from the network, working from file:// or any static server. `npm run playground` builds and serves it.
 *
 *   site/index.html, unroll.html, lab.html, text.html, style.css    from lib/playground/html/
 *   site/unroll.js, lab.js, text.js    each page's script, bundled from lib/playground/browser/ (lab and
 *                                      text carry the Web Worker's bundled code inside, so that the worker
 *                                      starts from a blob: URL, which file:// pages allow)
 *   site/source/…ts.html               the source files the pages link to, with line anchors (#L42)
 *   site/docs/…md.html, docs/images/   the docs pages the pages link to, rendered
 *
 * Usage: tsx scripts/build-site.ts [--out DIR]
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, bundle, virtualModule } from './browser-bundle';
import { renderMarkdown, renderSource } from './site-pages';

const HTML_DIR = path.join(ROOT, 'lib', 'playground', 'html');
const PAGES = ['unroll', 'lab', 'text'];
const TEXTBOOK = ['rnn', 'lstm', 'gru', 'bptt'];
const SOURCES = [
  ...[...TEXTBOOK, 'trace', 'ops', 'layers'].map((b) => `lib/textbook/${b}.ts`),
  'lib/diagnostics/profile.ts', 'lib/tasks/adding.ts', 'lib/tasks/char-lm.ts',
  'lib/playground/lab-run.ts', 'lib/playground/text-run.ts', 'lib/playground/unroll-graph.ts', 'lib/playground/protocol.ts',
  ...PAGES.map((p) => `lib/playground/browser/${p}.ts`), 'lib/playground/browser/worker.ts',
];
const DOCS = ['textbook.md', 'bptt-by-hand.md', 'notation.md', 'vanishing-and-exploding.md', 'use-cases.md', 'browser.md'];

export interface SiteSummary {
  out: string;
  files: number;
  bytes: number;
}

export async function buildSite(out = path.join(ROOT, 'site')): Promise<SiteSummary> {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const write = (rel: string, content: string | Buffer) => {
    const file = path.join(out, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  };

  const worker = await bundle({ entry: 'lib/playground/browser/worker.ts', format: 'iife', minify: true });
  const textbook = Object.fromEntries(TEXTBOOK.map((b) => [b, fs.readFileSync(path.join(ROOT, 'lib', 'textbook', `${b}.ts`), 'utf8')]));
  const plugins = [virtualModule('playground:worker-source', () => worker.code), virtualModule('playground:textbook-sources', () => textbook)];
  for (const page of PAGES) {
    const { code } = await bundle({ entry: `lib/playground/browser/${page}.ts`, format: 'iife', plugins });
    write(`${page}.js`, code);
  }
  for (const f of fs.readdirSync(HTML_DIR)) write(f, fs.readFileSync(path.join(HTML_DIR, f)));

  const docLinks = new Set(DOCS);
  for (const rel of SOURCES) write(`source/${rel}.html`, renderSource(rel, fs.readFileSync(path.join(ROOT, rel), 'utf8')));
  for (const doc of DOCS) write(`docs/${doc}.html`, renderMarkdown(doc, fs.readFileSync(path.join(ROOT, 'docs', doc), 'utf8'), docLinks));
  for (const img of fs.readdirSync(path.join(ROOT, 'docs', 'images'))) write(`docs/images/${img}`, fs.readFileSync(path.join(ROOT, 'docs', 'images', img)));
  for (const img of fs.readdirSync(path.join(ROOT, 'docs', 'lab')).filter((f) => f.endsWith('.svg'))) write(`docs/lab/${img}`, fs.readFileSync(path.join(ROOT, 'docs', 'lab', img)));

  let files = 0, bytes = 0;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else {
        files++;
        bytes += fs.statSync(path.join(dir, e.name)).size;
      }
    }
  };
  walk(out);
  return { out, files, bytes };
}

if (require.main === module) {
  const at = process.argv.indexOf('--out');
  buildSite(at > 0 ? path.resolve(process.argv[at + 1]) : undefined).then(
    (s) => console.log(`site: ${s.files} files, ${(s.bytes / 1024).toFixed(0)} KiB in ${path.relative(process.cwd(), s.out) || '.'}`),
    (err) => {
      console.error((err as Error).message);
      process.exitCode = 1;
    },
  );
}
