import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runGoldenDir, runGoldenCase } from '../../lib/diagnostics/conformance';

const FIXTURES = path.join(__dirname, '../fixtures/golden');
const readCase = (file: string, dir = FIXTURES) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));

describe.each(['golden', 'golden-packed', 'golden-train', 'golden-proj'])('PyTorch conformance on the bundled cases in %s', (folder) => {
  const dir = path.join(__dirname, '../fixtures', folder);
  const reports = runGoldenDir(dir);

  it('finds every case file', () => {
    const listed = readCase('index.json', dir).cases.map((c: { file: string }) => c.file.replace('.json', ''));
    expect(reports.map((r) => r.name).sort()).toEqual(listed.sort());
  });

  it.each(reports.map((r) => [r.name, r] as const))('%s: every value and gradient within tolerance', (_name, r) => {
    expect(r.error).toBeNull();
    const failing = r.comparisons.filter((c) => !c.ok).map((c) => `${c.name} max rel ${c.maxRelError.toExponential(2)}`);
    expect(failing).toEqual([]);
    if (folder !== 'golden-train') {
      expect(r.comparisons.some((c) => c.name === 'grads.x')).toBe(true);
      expect(r.comparisons.some((c) => c.name === 'grads.h0')).toBe(true);
    }
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
    expect(runGoldenCase({ format: 'other' }, 'o.json').error).toBe('o.json: format: expected "rnn-golden", "optim-golden", "clip-golden", "audio-golden" or "ctc-golden", got "other"');
    expect(runGoldenCase({ format: 'ctc-golden', version: 2 }, 'c.json').error).toBe('c.json: version: expected 1, got 2');
    expect(runGoldenCase({ format: 'audio-golden', version: 1 }, 'a.json').error).toBe('a.json: expected the keys spec, signal and expected of an audio-golden case');
  });

  it('an optimizer whose update is off by 1e-8 relative in one step, or whose state differs', () => {
    const dir = path.join(__dirname, '../fixtures/golden-train');
    const c = readCase('po12_adam.json', dir);
    const name = c.param_order[0];
    const nudge = (v: unknown): unknown => (Array.isArray(v) ? [nudge(v[0]), ...v.slice(1)] : (v as number) * (1 + 1e-8));
    c.params_after[2][name] = nudge(c.params_after[2][name]);
    const r = runGoldenCase(c, 'tampered.json');
    expect(r.ok).toBe(false);
    const d = readCase('po14_adam_amsgrad.json', dir);
    delete d.state_after[4][d.param_order[1]].max_exp_avg_sq;
    expect(runGoldenCase(d, 'd.json').error).toMatch(/state keys .* differ from PyTorch's/);
  });

  it('a clipping case whose clipped flag or coefficient is wrong', () => {
    const dir = path.join(__dirname, '../fixtures/golden-train');
    const c = readCase('pc01_norm_l2_clipped.json', dir);
    c.clipped = false;
    expect(runGoldenCase(c, 'c.json').comparisons.filter((x) => !x.ok).map((x) => x.name)).toEqual(['clipped']);
    const d = readCase('pc01_norm_l2_clipped.json', dir);
    d.clip_coef *= 1 + 1e-9;
    expect(runGoldenCase(d, 'd.json').ok).toBe(false);
  });

  it('an empty or missing directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-'));
    expect(() => runGoldenDir(dir)).toThrow(`runGoldenDir dir: no case files (*.json) in ${dir}`);
    expect(() => runGoldenDir(path.join(dir, 'nope'))).toThrow('is not a directory');
    fs.rmSync(dir, { recursive: true });
  });
});
