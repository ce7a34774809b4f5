/**
 * npm run check-tags
 *
 * Every equation tag such as (RNN-1) or (LSTM-4') must appear both in docs/ and in a `//` comment on an
 * implementing line in lib/. A tag on one side only means the docs and the code have drifted apart.
 * And every row of a doc page's "Code" table, `| (TAG) … | \`lib/file.ts\` → \`fn\`, \`Class.method\` |`,
 * must be true: each tag of the row is carried by a `//` comment inside one of the functions it names.
 */
import * as fs from 'fs';
import * as path from 'path';

const TAG = /\(([A-Z]+-\d+'?)\)/g;

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, ext));
    else if (entry.name.endsWith(ext)) out.push(full);
  }
  return out.sort();
}

/** Tags in the `//` comments of lib/**.ts, each with the files it appears in. */
export function codeTags(root: string): Map<string, Set<string>> {
  const tags = new Map<string, Set<string>>();
  for (const file of filesUnder(path.join(root, 'lib'), '.ts')) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const at = line.indexOf('//');
      if (at < 0) continue;
      for (const m of line.slice(at).matchAll(TAG)) {
        if (!tags.has(m[1])) tags.set(m[1], new Set());
        tags.get(m[1])!.add(path.relative(root, file));
      }
    }
  }
  return tags;
}

/** Tags anywhere in docs/**.md, each with the files it appears in. */
export function docTags(root: string): Map<string, Set<string>> {
  const tags = new Map<string, Set<string>>();
  for (const file of filesUnder(path.join(root, 'docs'), '.md')) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(TAG)) {
      if (!tags.has(m[1])) tags.set(m[1], new Set());
      tags.get(m[1])!.add(path.relative(root, file));
    }
  }
  return tags;
}

export function checkEquationTags(root: string): { both: string[]; docsOnly: string[]; codeOnly: string[] } {
  const code = codeTags(root), docs = docTags(root);
  const both = [...docs.keys()].filter((t) => code.has(t)).sort();
  const docsOnly = [...docs.keys()].filter((t) => !code.has(t)).sort();
  const codeOnly = [...code.keys()].filter((t) => !docs.has(t)).sort();
  return { both, docsOnly, codeOnly };
}

/** One row of a "Code" table: its tags and the functions it credits, each with its file. */
interface CodeRow { page: string; line: number; tags: string[]; functions: { file: string; name: string }[] }

/** Expands "(X-1) … (X-5)" to X-1 … X-5 (and "(X-5') … (X-1')" likewise); other tags as listed. */
function rowTags(cell: string): string[] {
  const range = /\(([A-Z]+)-(\d+)('?)\)\s*…\s*\(\1-(\d+)\3\)/.exec(cell);
  if (range) {
    const [, name, a, prime, b] = range;
    const lo = Math.min(Number(a), Number(b)), hi = Math.max(Number(a), Number(b));
    return Array.from({ length: hi - lo + 1 }, (_, k) => `${name}-${lo + k}${prime}`);
  }
  return [...cell.matchAll(TAG)].map((m) => m[1]);
}

/** The rows of every "## Code" table in docs/. A name without a file of its own belongs to the last file named. */
export function codeTableRows(root: string): CodeRow[] {
  const rows: CodeRow[] = [];
  for (const file of filesUnder(path.join(root, 'docs'), '.md')) {
    let inCode = false;
    let lastFile = '';
    fs.readFileSync(file, 'utf8').split('\n').forEach((text, k) => {
      if (/^#+ /.test(text)) inCode = /^#+ Code\s*$/.test(text);
      if (!inCode || !text.startsWith('| (')) return;
      const [, tagCell, codeCell] = text.split('|');
      const functions: { file: string; name: string }[] = [];
      // Only what precedes a parenthesis counts: "(… for all steps: `unrollForward`)" is an aside.
      let credited = codeCell;
      while (/\([^()]*\)/.test(credited)) credited = credited.replace(/\([^()]*\)/g, ''); // innermost first
      for (const m of credited.matchAll(/`([^`]+)`/g)) {
        if (m[1].endsWith('.ts')) lastFile = m[1];
        else if (/^[A-Za-z_][\w.]*$/.test(m[1])) functions.push({ file: lastFile, name: m[1] });
      }
      rows.push({ page: path.relative(root, file), line: k + 1, tags: rowTags(tagCell), functions });
    });
  }
  return rows;
}

/** The source of function (or method `Class.method`) `name` in `file`: from its definition to its closing brace. */
export function functionSource(root: string, file: string, name: string): string | null {
  const fullPath = path.join(root, file);
  if (!fs.existsSync(fullPath)) return null;
  const lines = fs.readFileSync(fullPath, 'utf8').split('\n');
  const [owner, member] = name.includes('.') ? name.split('.') : [null, name];
  let from = 0;
  if (owner) {
    from = lines.findIndex((l) => new RegExp(`^(export )?(abstract )?class ${owner}\\b`).test(l));
    if (from < 0) return null;
  }
  const def = new RegExp(`^(\\s*)(export )?(async )?(function\\s+${member}\\b|(public |private |static )*${member}\\s*[(<]|const ${member}\\s*=)`);
  for (let k = from; k < lines.length; k++) {
    const m = def.exec(lines[k]);
    if (!m) continue;
    const end = lines.findIndex((l, j) => j > k && l.startsWith(`${m[1]}}`));
    return lines.slice(k, end < 0 ? lines.length : end + 1).join('\n');
  }
  return null;
}

/** Rows whose tags are not all carried by the functions they name: one message each. */
export function checkCodeTables(root: string): string[] {
  const problems: string[] = [];
  for (const row of codeTableRows(root)) {
    const where = `${row.page}:${row.line}`;
    const bodies = row.functions.map((f) => ({ f, src: functionSource(root, f.file, f.name) }));
    for (const { f, src } of bodies) if (src === null) problems.push(`${where}: \`${f.name}\` is not a function of ${f.file || 'any file named'}`);
    for (const tag of row.tags) {
      const carried = bodies.some(({ src }) => src !== null && src.split('\n').some((l) => l.includes('//') && l.slice(l.indexOf('//')).includes(`(${tag})`)));
      if (!carried) problems.push(`${where}: (${tag}) is on no line of ${row.functions.map((f) => f.name).join(', ') || 'the functions named'}`);
    }
  }
  return problems;
}

if (require.main === module) {
  const root = path.join(__dirname, '..');
  const { both, docsOnly, codeOnly } = checkEquationTags(root);
  console.log(`${both.length} equation tags appear in both docs/ and lib/: ${both.join(' ')}`);
  for (const t of docsOnly) console.log(`FAIL (${t}) is in docs/ (${[...docTags(root).get(t)!].join(', ')}) but on no line of lib/`);
  for (const t of codeOnly) console.log(`FAIL (${t}) is in lib/ (${[...codeTags(root).get(t)!].join(', ')}) but in no page of docs/`);
  const rows = codeTableRows(root);
  const tableProblems = checkCodeTables(root);
  console.log(`${rows.length} rows of the docs' Code tables name the functions that carry their tags`);
  for (const p of tableProblems) console.log(`FAIL ${p}`);
  process.exitCode = docsOnly.length + codeOnly.length + tableProblems.length === 0 ? 0 : 1;
}
