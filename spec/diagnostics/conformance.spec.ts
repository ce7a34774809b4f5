import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runGoldenDir, runGoldenCase } from '../../lib/diagnostics/conformance';

const FIXTURES = path.join(__dirname, '../fixtures/golden');
const readCase = (file: string, dir = FIXTURES) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));

describe.each(['golden', 'golden-packed'])('PyTorch conformance on the bundled cases in %s', (folder) => {
  const dir = path.join(__dirname, '../fixtures', folder);
  const reports = runGoldenDir(dir);

  it('finds every case file', () => {
    expect(reports.map((r) => r.name)).toEqual(readCase('index.json', dir).cases.map((c: { file: string }) => c.file.replace('.json', '')));
  });

  it.each(reports.map((r) => [r.name, r] as const))('%s: every value and gradient within tolerance', (_name, r) => {
    expect(r.error).toBeNull();
    const failing = r.comparisons.filter((c) => !c.ok).map((c) => `${c.name} max rel ${c.maxRelError.toExponential(2)}`);
    expect(failing).toEqual([]);
    expect(r.comparisons.some((c) => c.name === 'grads.x')).toBe(true);
    expect(r.comparisons.some((c) => c.name === 'grads.h0')).toBe(true);
  });
});

describe('the conformance runner detects what is wrong', () => {
  it('a gradient off by 1e-8 relative in one element', () => {
    const c = readCase('p05_lstm_l2.json');
    c.grads.params.weight_hh_l1[2][1] *= 1 + 1e-8;
    const r = runGoldenCase(c, 'tampered.json');
    expect(r.ok).toBe(false);
    expect(r.comparisons.filter((x) => !x.ok).map((x) => x.name)).toEqual(['grads.weight_hh_l1']);
  });

  it('a vanished gradient that is wrong, however small', () => {
    const c = readCase('p01_rnn_tanh_l1.json');
    const row = c.grads.x[0][0];
    row[0] = row[0] * 2 + 1e-25; // far below any absolute tolerance, but not equal
    expect(runGoldenCase(c, 'tampered.json').ok).toBe(false);
  });

  it('a missing parameter, a tensor of the wrong shape, an unsupported feature', () => {
    const missing = readCase('p06_gru_l1.json');
    delete missing.params.bias_hh_l0;
    expect(runGoldenCase(missing, 'm.json').error).toBe('m.json: params: missing key "bias_hh_l0" (expected a tensor of shape [15])');
    const wrong = readCase('p06_gru_l1.json');
    wrong.inputs.x = wrong.inputs.x.slice(1);
    expect(runGoldenCase(wrong, 'w.json').error).toMatch(/^w.json: inputs.x: expected \[\d+,\d+,\d+\], got/);
    const packed = readCase('p06_gru_l1.json');
    packed.inputs.lengths = [0, 2];
    expect(runGoldenCase(packed, 'p.json').error).toMatch(/^Recurrent.forward lengths\[0\]: expected an integer length in \[1, \d+\]/);
    expect(runGoldenCase({ format: 'other' }, 'o.json').error).toBe('o.json: format: expected "rnn-golden", got "other"');
  });

  it('an empty or missing directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-'));
    expect(() => runGoldenDir(dir)).toThrow(`golden: no case files (*.json) in ${dir}`);
    expect(() => runGoldenDir(path.join(dir, 'nope'))).toThrow('is not a directory');
    fs.rmSync(dir, { recursive: true });
  });
});
