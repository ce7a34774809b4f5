/**
 * npm run check-structure
 *
 * Reads the imports of every file in lib/ and checks the shape of the codebase:
 *   cycles    no file reaches itself through its imports (a cycle makes the load order matter)
 *   layers    a file imports only from its own folder or from folders below it, in the order
 *             kernels, platform → charts, cells → textbook → layers, audio, forecast → models → data → training → tasks →
 *             diagnostics → cli, playground, with lib/index.ts and lib/browser.ts (the public API) on top;
 *             the commands (cli) use diagnostics only through
 *             its entry points, never its internals
 *   length    no file is longer than 250 lines
 * Type-only imports count too: they are what a reader follows.
 */
import * as fs from 'fs';
import * as path from 'path';

export const LAYERS: Record<string, number> = {
  kernels: 0, platform: 0, charts: 1, cells: 1, textbook: 1.5, layers: 2, audio: 2, forecast: 2, models: 3, data: 4, training: 5, tasks: 6, diagnostics: 7, cli: 8, playground: 8, '.': 9,
};
/** The diagnostics modules a command may import: the ones that run a whole check, not the helpers inside. */
export const DIAGNOSTICS_ENTRY_POINTS = [
  'diagnostics/lab.ts', 'diagnostics/gradcheck.ts', 'diagnostics/gradcheck-suite.ts', 'diagnostics/gradcheck-seq2seq.ts', 'diagnostics/mutant-checks.ts',
  'diagnostics/conformance.ts', 'diagnostics/compare.ts',
];
export const MAX_LINES = 250;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out.sort();
}

/** Every lib file (relative to lib/) with the lib files it imports. */
export function importGraph(libDir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of filesUnder(libDir)) {
    const text = fs.readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/g)) {
      const resolved = path.resolve(path.dirname(file), m[1]);
      const candidate = [resolved + '.ts', path.join(resolved, 'index.ts')].find((f) => fs.existsSync(f));
      if (candidate) targets.push(path.relative(libDir, candidate));
    }
    graph.set(path.relative(libDir, file), [...new Set(targets)]);
  }
  return graph;
}

/** The import cycles, each as the list of files around it (found by depth-first search; one per cycle). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

const folderOf = (file: string): string => (file.includes('/') ? file.split('/')[0] : '.');

/** Imports that break the layering, one message each. */
export function layeringProblems(graph: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    for (const target of targets) {
      const to = folderOf(target);
      if (!(from in LAYERS) || !(to in LAYERS)) {
        problems.push(`${file} → ${target}: lib/${!(from in LAYERS) ? from : to} has no place in the layering`);
      } else if (from !== to && LAYERS[to] >= LAYERS[from]) {
        problems.push(`${file} → ${target}: ${from} may not import ${to}, which is not below it`);
      } else if (from === 'cli' && to === 'diagnostics' && !DIAGNOSTICS_ENTRY_POINTS.includes(target)) {
        problems.push(`${file} → ${target}: a command may use diagnostics only through its entry points (${DIAGNOSTICS_ENTRY_POINTS.join(', ')})`);
      }
    }
  }
  return problems;
}

/** Files longer than MAX_LINES. */
export function longFiles(libDir: string): string[] {
  return filesUnder(libDir)
    .map((f) => ({ f: path.relative(libDir, f), n: fs.readFileSync(f, 'utf8').split('\n').length - 1 }))
    .filter(({ n }) => n > MAX_LINES)
    .map(({ f, n }) => `${f}: ${n} lines (at most ${MAX_LINES})`);
}

if (require.main === module) {
  const libDir = path.join(__dirname, '..', 'lib');
  const graph = importGraph(libDir);
  const edges = [...graph.values()].reduce((a, t) => a + t.length, 0);
  const cycles = findCycles(graph), layering = layeringProblems(graph), long = longFiles(libDir);
  console.log(`${graph.size} files in lib/, ${edges} imports between them`);
  for (const c of cycles) console.log(`FAIL import cycle: ${c.join(' → ')}`);
  for (const p of layering) console.log(`FAIL ${p}`);
  for (const p of long) console.log(`FAIL ${p}`);
  if (cycles.length + layering.length + long.length === 0) console.log('no import cycles; every import follows the layering; every file within 250 lines');
  process.exitCode = cycles.length + layering.length + long.length === 0 ? 0 : 1;
}
