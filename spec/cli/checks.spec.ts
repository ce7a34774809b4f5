import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runGradcheck } from '../../lib/cli/gradcheck';
import { runGolden } from '../../lib/cli/golden';
import { runBench } from '../../lib/cli/bench';
import { COMMANDS } from '../../lib/cli/main';

function capture() {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY: false }, text: () => text };
}
const fixtures = path.join(__dirname, '..', 'fixtures');

describe('the checking tools as commands (unrolled gradcheck | golden | bench)', () => {
  it('gradcheck checks the configurations a filter selects, one row per tensor, and refuses a filter that selects none', () => {
    const c = capture();
    expect(runGradcheck(['--filter', 'rnn_tanh L1 uni bias probe'], c.out)).toBe(0);
    const lines = c.text().trim().split('\n');
    expect(lines.filter((l) => / OK /.test(l)).map((l) => l.split(/\s+/)[5])).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'x', 'h0']);
    expect(lines[lines.length - 1]).toBe('gradcheck: PASS');
    expect(() => runGradcheck(['--filter', 'no such'], capture().out)).toThrow('gradcheck --filter: no configuration matches "no such"');
  });

  it('golden passes the PyTorch cases and fails, with status 1, a case whose numbers are off', () => {
    const c = capture();
    expect(runGolden([path.join(fixtures, 'golden-packed')], c.out)).toBe(0);
    expect(c.text()).toContain('golden: PASS');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-'));
    const name = fs.readdirSync(path.join(fixtures, 'golden')).filter((f) => f.endsWith('.json') && f !== 'index.json')[0];
    const json = JSON.parse(fs.readFileSync(path.join(fixtures, 'golden', name), 'utf8'));
    json.outputs.output[0][0][0] += 1e-6; // one value off by far more than the tolerance
    fs.writeFileSync(path.join(dir, name), JSON.stringify(json));
    const bad = capture();
    expect(runGolden([dir], bad.out)).toBe(1);
    expect(bad.text()).toMatch(/output\s+FAIL/);
    expect(bad.text().trim().split('\n').pop()).toBe('golden: FAIL');
    expect(() => runGolden([path.join(dir, 'nope')], capture().out)).toThrow(`golden: ${path.join(dir, 'nope')} is not a directory`);
    expect(() => runGolden([], capture().out)).toThrow('golden: give a folder of PyTorch case files');
    fs.rmSync(dir, { recursive: true });
  });

  it('golden --engine textbook runs the PyTorch cases through the textbook engine, and says which engine ran', () => {
    const c = capture();
    expect(runGolden(['--engine', 'textbook', path.join(fixtures, 'golden-packed')], c.out)).toBe(0);
    expect(c.text()).toContain('PyTorch conformance, textbook engine;');
    expect(c.text().trim().split('\n').pop()).toBe('golden: PASS');
    expect(() => runGolden(['--engine', 'slow', path.join(fixtures, 'golden-packed')], capture().out)).toThrow('golden --engine: expected one of fast, textbook, got "slow"');
  });

  it('bench has a help and checks its options (its measurements run in `npm run bench`, never in tests)', async () => {
    const c = capture();
    expect(await runBench(['--help'], c.out)).toBe(0);
    expect(c.text()).toContain('usage: unrolled bench [--quick] [--json]');
    await expect(runBench(['--fast'], capture().out)).rejects.toThrow('bench: unknown option --fast');
  });

  it('every command has a help that starts with its usage', () => {
    for (const [name, command] of Object.entries(COMMANDS)) expect(command.help()).toMatch(new RegExp(`^usage: unrolled ${name}\\b`));
  });
});
