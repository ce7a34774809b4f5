/**
 * npm run mutation-check [-- --list]
 *
 * Do the tests catch a wrong backward pass? Each mutation below is a one-line break of the kind a
 * hand-written BPTT gets wrong (drop a carry, misplace a bias, take a derivative from the wrong value,
 * forget to flip a direction, let padding leak). For each, the script writes the broken line into the
 * source, runs the specs that guard that code, and puts the line back; a mutation the specs do not fail
 * on "survives". It prints the mutation score (mutations killed / mutations) and fails if any survives.
 * The unmutated specs must pass first, and every mutant must type-check (a mutant that does not compile
 * would be "killed" by the compiler, not by a test). `--list` only checks that every mutation still applies (each
 * original line occurs exactly once), which a spec also does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';

export interface Mutation {
  name: string; // what the break is, in the words of the equations
  file: string; // relative to the repository root
  original: string; // the exact text, found exactly once
  broken: string;
}

export const MUTATIONS: Mutation[] = [
  {
    name: "LSTM: drop the f ⊙ dc carry into dc_{t−1} (LSTM-4')",
    file: 'lib/cells/lstm-cell.ts',
    original: 'dcPrev[k] += dc_t * f;',
    broken: 'dcPrev[k] += 0 * f;',
  },
  {
    name: 'GRU: move b_hn out of the reset product, n = tanh(u_n + b_hn + r ⊙ (v_n − b_hn)) (GRU-4)',
    file: 'lib/cells/gru-cell.ts',
    original: 'const n = tanh(u[nAt + j] + r * v_n);',
    broken: 'const n = tanh(u[nAt + j] + r * (v_n - (p.bias_hh ? p.bias_hh.data[2 * H + j] : 0)) + (p.bias_hh ? p.bias_hh.data[2 * H + j] : 0));',
  },
  {
    name: "LSTM: take tanh′ from the pre-activation c_t instead of tanh(c_t) (LSTM-5')",
    file: 'lib/cells/lstm-cell.ts',
    original: 'const dc_t = dcNext[k] + dh_t * o * (1 - tanh_c * tanh_c);',
    broken: 'const dc_t = dcNext[k] + dh_t * o * (1 - s.c.data[k] * s.c.data[k]);',
  },
  {
    name: "RNN: take tanh′ as 1 − a_t² (a_t = atanh(h_t), the pre-activation) instead of 1 − h_t² (RNN-2')",
    file: 'lib/cells/rnn-cell.ts',
    original: "for (let k = 0; k < da.length; k++) da[k] = dh[k] * (1 - h[k] * h[k]);",
    broken: "for (let k = 0; k < da.length; k++) da[k] = dh[k] * (1 - Math.atanh(h[k]) * Math.atanh(h[k]));",
  },
  {
    name: 'Bidirectional: forget to flip the reverse direction in forward',
    file: 'lib/layers/unroll.ts',
    original: '    const t = reverse ? T - 1 - n : n;\n    const s = steps[t];',
    broken: '    const t = n;\n    const s = steps[t];',
  },
  {
    name: 'Variable lengths: let a padded step leak its loss gradient into the state (PACK-2)',
    file: 'lib/layers/unroll.ts',
    original: 'zeroPaddedRows(d.dh, lengths, t);',
    broken: 'void zeroPaddedRows;',
  },
  {
    name: 'BPTT: restart ∂L/∂h from zero at every step instead of carrying dhNext (BPTT-1)',
    file: 'lib/layers/unroll.ts',
    original: 'add2d(d.dh, dhsAt[t], d.dhPrev);',
    broken: 'add2d(d.dh, dhsAt[t], d.dhPrev); copy2d(d.dh, dhsAt[t]);',
  },
];

/** The specs that guard the cells and the layer: gradient checks, the golden cases, the layer's behaviour. */
export const GUARDING_SPECS = ['spec/cells', 'spec/layers/recurrent.spec.ts', 'spec/diagnostics/conformance.spec.ts'];

/** Problems with the mutation list against the current source: an original line that is missing or not unique. */
export function checkMutations(root: string, mutations: Mutation[] = MUTATIONS): string[] {
  const problems: string[] = [];
  for (const m of mutations) {
    const text = fs.readFileSync(path.join(root, m.file), 'utf8');
    const count = text.split(m.original).length - 1;
    if (count !== 1) problems.push(`${m.name}: ${JSON.stringify(m.original)} occurs ${count} times in ${m.file}, expected once`);
  }
  return problems;
}

function typeChecks(root: string): boolean {
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  return spawnSync(tsc, ['-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'ignore' }).status === 0;
}

function runSpecs(root: string): boolean {
  const jest = path.join(root, 'node_modules', '.bin', 'jest');
  const r = spawnSync(jest, ['--silent', ...GUARDING_SPECS], { cwd: root, stdio: 'ignore' });
  return r.status === 0;
}

function main(): void {
  const root = path.join(__dirname, '..');
  const problems = checkMutations(root);
  for (const p of problems) console.log(`FAIL ${p}`);
  if (problems.length) {
    process.exitCode = 1;
    return;
  }
  if (process.argv.includes('--list')) {
    for (const m of MUTATIONS) console.log(`applies: ${m.name}`);
    return;
  }
  console.log(`Specs run for each mutation: ${GUARDING_SPECS.join(' ')}`);
  if (!runSpecs(root)) {
    console.log('FAIL the specs fail before any mutation; fix them first');
    process.exitCode = 1;
    return;
  }
  let killed = 0;
  for (const m of MUTATIONS) {
    const file = path.join(root, m.file);
    const text = fs.readFileSync(file, 'utf8');
    const restore = () => fs.writeFileSync(file, text);
    process.once('SIGINT', () => { restore(); process.exit(130); });
    const started = Date.now();
    let verdict: 'killed' | 'SURVIVED' | 'INVALID';
    try {
      fs.writeFileSync(file, text.replace(m.original, m.broken));
      verdict = !typeChecks(root) ? 'INVALID' : runSpecs(root) ? 'SURVIVED' : 'killed';
    } finally {
      restore();
    }
    if (verdict === 'killed') killed++;
    const note = verdict === 'INVALID' ? ' (the mutant does not type-check: fix the mutation)' : '';
    console.log(`${verdict.padEnd(8)} ${m.name}${note} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  console.log(`mutation score: ${killed}/${MUTATIONS.length} killed`);
  process.exitCode = killed === MUTATIONS.length ? 0 : 1;
}

if (require.main === module) main();
