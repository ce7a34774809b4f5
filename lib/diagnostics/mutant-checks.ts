/**
 * Which check catches each mutant of mutants.ts: the gradient check of the textbook engine (its
 * configurations of the mutant's cells, lib/diagnostics/gradcheck-suite.ts) and PyTorch's cases run
 * through the textbook engine (conformance.ts).                              docs: docs/checking.md
 */
import { GradcheckRow } from './gradcheck';
import { gradcheckMatrix, configLabel, runGradcheckConfig } from './gradcheck-suite';
import { runGoldenDir } from './conformance';
import { Mutant, withMutant } from './mutants';

export { MUTANTS, mutantByName } from './mutants';

/** The textbook engine's gradient-check rows for the cells a mutant changes, with the mutant in place. */
export function mutantGradcheck(m: Mutant): { label: string; row: GradcheckRow }[] {
  const configs = gradcheckMatrix().filter((c) => c.engine === 'textbook' && m.cells.includes(c.mode));
  return withMutant(m, () => configs.flatMap((c) => runGradcheckConfig(c).map((row) => ({ label: configLabel(c), row }))));
}

export interface MutantVerdict {
  name: string;
  mistake: string;
  gradcheck: boolean; // caught: some gradient disagrees with central differences
  golden: boolean | null; // caught: some PyTorch case fails (null: no case folder was given)
  failing: string[]; // the tensors the gradient check failed, "config tensor"
}

/** Runs both checks with `m` in place. `goldenDirs`: folders of PyTorch cases (none: golden is null). */
export function checkMutant(m: Mutant, goldenDirs: readonly string[]): MutantVerdict {
  const failing = mutantGradcheck(m).filter((r) => !r.row.ok).map((r) => `${r.label} ${r.row.name}`);
  const golden = goldenDirs.length === 0 ? null
    : withMutant(m, () => goldenDirs.some((dir) => runGoldenDir(dir, 'textbook').some((r) => !r.ok)));
  return { name: m.name, mistake: m.mistake, gradcheck: failing.length > 0, golden, failing };
}
