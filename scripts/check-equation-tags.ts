/**
 * npm run check-tags
 *
 * Every equation tag such as (RNN-1) or (LSTM-4') must appear both in docs/ and in a `//` comment on an
 * implementing line in lib/. A tag on one side only means the docs and the code have drifted apart.
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

if (require.main === module) {
  const root = path.join(__dirname, '..');
  const { both, docsOnly, codeOnly } = checkEquationTags(root);
  console.log(`${both.length} equation tags appear in both docs/ and lib/: ${both.join(' ')}`);
  for (const t of docsOnly) console.log(`FAIL (${t}) is in docs/ (${[...docTags(root).get(t)!].join(', ')}) but on no line of lib/`);
  for (const t of codeOnly) console.log(`FAIL (${t}) is in lib/ (${[...codeTags(root).get(t)!].join(', ')}) but in no page of docs/`);
  process.exitCode = docsOnly.length + codeOnly.length === 0 ? 0 : 1;
}
