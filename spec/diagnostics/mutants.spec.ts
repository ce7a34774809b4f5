import * as path from 'path';
import { runGradcheck } from '../../lib/cli/gradcheck';
import { MUTANTS, withMutant, mutantByName } from '../../lib/diagnostics/mutants';
import { gradcheckMatrix, runGradcheckConfig } from '../../lib/diagnostics/gradcheck-suite';
import { textbookCells } from '../../lib/textbook/bptt';
import { ValueError } from '../../lib/kernels/tensor';

function capture() {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY: false }, text: () => text };
}
const fixtures = path.join(__dirname, '..', 'fixtures');

describe('a zoo of wrong gradients', () => {
  it('every mutant is caught by the gradient check or by the PyTorch cases (gradcheck --mutants --json)', () => {
    const c = capture();
    const dirs = [path.join(fixtures, 'golden'), path.join(fixtures, 'golden-packed')].join(',');
    expect(runGradcheck(['--mutants', '--json', '--golden', dirs], c.out)).toBe(0);
    const { mutants } = JSON.parse(c.text().trim().split('\n').pop()!) as { mutants: { name: string; gradcheck: boolean; golden: boolean }[] };
    expect(mutants.map((m) => m.name)).toEqual(MUTANTS.map((m) => m.name));
    expect(MUTANTS.length).toBeGreaterThanOrEqual(12);
    for (const m of mutants) expect([m.name, m.gradcheck || m.golden]).toEqual([m.name, true]);
    // A mistake made alike in forward and backward is another model, differentiated correctly: only
    // PyTorch's numbers can tell. Every other mistake here is in backward alone, and both checks see it.
    expect(mutants.filter((m) => !m.gradcheck).map((m) => m.name)).toEqual(['gru-b_hn-outside-reset']);
    expect(mutants.every((m) => m.golden)).toBe(true);
  }, 120_000);

  it('a mutant is in place only while it is checked: afterwards the textbook engine is right again', () => {
    const before = { ...textbookCells };
    const config = gradcheckMatrix().find((c) => c.engine === 'textbook' && c.mode === 'lstm' && c.lengths)!;
    const wrong = withMutant(mutantByName('lstm-forget-carry-dropped')!, () => runGradcheckConfig(config));
    expect(wrong.some((r) => !r.ok)).toBe(true);
    expect(textbookCells).toEqual(before);
    expect(runGradcheckConfig(config).every((r) => r.ok)).toBe(true);
    expect(() => withMutant(mutantByName('dh-not-carried')!, () => { throw new Error('inside'); })).toThrow('inside');
    expect(textbookCells).toEqual(before); // removed even when the check throws
  });

  it('gradcheck --mutant NAME shows which tensors fail, and names the mutants it knows', () => {
    const c = capture();
    expect(runGradcheck(['--mutant', 'tanh-derivative-from-preactivation'], c.out)).toBe(0);
    const lines = c.text().trim().split('\n');
    expect(lines[0]).toBe('mutant tanh-derivative-from-preactivation (rnn_tanh): da = dh ⊙ (1 − a²) instead of dh ⊙ (1 − h²)');
    expect(lines.some((l) => /rnn_tanh .* weight_hh_l0\s+FAIL/.test(l))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^\d+ of \d+ tensors fail: the gradient check catches this mistake$/);
    expect(() => runGradcheck(['--mutant', 'typo'], capture().out)).toThrow(ValueError);
  });
});
