import { LabRun, LAB_DEFAULTS, checkLabSettings } from '../../lib/playground/lab-run';
import { TextRun, TEXT_DEFAULTS } from '../../lib/playground/text-run';
import { SAMPLES, inWords, timesTables } from '../../lib/playground/samples';

describe('the Lab page\'s training (lab-run.ts)', () => {
  test('every model steps, and reports its losses once, a heatmap of layers × T and a verdict', () => {
    const run = new LabRun({ ...LAB_DEFAULTS, seqLen: 6, hidden: 4, layers: 2, steps: 3 });
    run.advance();
    run.advance();
    const r = run.report();
    expect(r.map((m) => m.cell)).toEqual(['rnn_tanh', 'lstm', 'gru']);
    for (const m of r) {
      expect(m.losses.map(([s]) => s)).toEqual([1, 2]);
      expect(m.heat.length).toBe(2);
      expect(m.heat.every((row) => row.length === 6 && row.every((v) => v > 0))).toBe(true);
      expect(m.horizons.length).toBe(2);
      expect(['HEALTHY', 'VANISHING', 'EXPLODING']).toContain(m.verdict);
    }
    expect(run.report()[0].losses).toEqual([]); // handed over once
    run.advance();
    expect(run.done).toBe(true);
    run.advance(); // past the budget: nothing more
    expect(run.step).toBe(3);
  });

  test('W_hh ×6 without clipping explodes where ×1 does not', () => {
    const base = { ...LAB_DEFAULTS, cells: ['rnn_tanh' as const], seqLen: 30, hidden: 16, steps: 1, clip: false };
    const calm = new LabRun(base), wild = new LabRun({ ...base, whhScale: 6 });
    calm.advance();
    wild.advance();
    expect(calm.report()[0].verdict).not.toBe('EXPLODING');
    expect(wild.report()[0].verdict).toBe('EXPLODING');
  });

  test('a forget-gate bias lengthens the LSTM\'s horizon at initialisation', () => {
    const base = { ...LAB_DEFAULTS, cells: ['lstm' as const], seqLen: 40, hidden: 16, steps: 1 };
    const plain = new LabRun(base).report()[0], biased = new LabRun({ ...base, forgetBias: 2 }).report()[0];
    expect(biased.horizons[0]).toBeGreaterThan(plain.horizons[0]);
  });

  test('bad settings name the control', () => {
    expect(() => checkLabSettings({ ...LAB_DEFAULTS, seqLen: 1 })).toThrow('T: expected an integer in [2, 200], got 1');
    expect(() => checkLabSettings({ ...LAB_DEFAULTS, whhScale: 0 })).toThrow('W_hh scale');
    expect(() => checkLabSettings({ ...LAB_DEFAULTS, cells: [] })).toThrow('cells: choose at least one');
  });
});

describe('the Text page\'s training (text-run.ts)', () => {
  test('it learns the times tables: the held-out loss falls, and a sample starts with its prime', () => {
    const run = new TextRun({ ...TEXT_DEFAULTS, text: timesTables(), hidden: 16, seqLen: 16, batch: 8, steps: 40, evalEvery: 20, lr: 0.01 });
    const vals: number[] = [];
    while (!run.done) {
      run.advance();
      const r = run.report();
      if (r.valLoss) vals.push(r.valLoss[1]);
    }
    expect(vals.length).toBe(2);
    expect(vals[1]).toBeLessThan(vals[0]);
    const s = run.sample('two ', 50, 0.8, 1);
    expect(s.startsWith('two ')).toBe(true);
    expect(s.length).toBe(54);
    expect(run.sample('two ', 50, 0.8, 1)).toBe(s); // same seed, same text
    expect(run.sample('Ωtwo', 5, 1, 1).startsWith('two')).toBe(true); // characters the model never saw are left out of the prime
  });

  test('a text too short for its chunks is refused, saying how long it must be', () => {
    expect(() => new TextRun({ ...TEXT_DEFAULTS, text: 'abc '.repeat(20) })).toThrow('text: 80 characters is too short for chunks of 32; give at least 640');
  });

  test('the samples are the project\'s own, and long enough to train on', () => {
    expect(inWords(0)).toBe('zero');
    expect(inWords(47)).toBe('forty-seven');
    expect(inWords(90)).toBe('ninety');
    expect(timesTables()).toContain('seven times eight is fifty-six.');
    for (const s of SAMPLES) expect(s.text().length).toBeGreaterThan(20 * TEXT_DEFAULTS.seqLen);
  });
});

describe('the Lab page\'s explosion', () => {
  test('W_hh ×4, no clipping and SGD: the tanh RNN is EXPLODING, keeps its largest norm and when it first exploded; clipping keeps every step finite', () => {
    const base = { ...LAB_DEFAULTS, cells: ['rnn_tanh' as const], seqLen: 30, hidden: 16, steps: 40, whhScale: 4, optimizer: 'SGD' as const, lr: 0.5 };
    const wild = new LabRun({ ...base, clip: false }), tame = new LabRun({ ...base, clip: true });
    let first: number | null = null;
    while (!wild.done) {
      wild.advance();
      tame.advance();
      first ??= wild.report()[0].firstExploding;
    }
    const w = wild.report()[0], t = tame.report()[0];
    expect(first).not.toBeNull();
    expect(w.firstExploding).toBe(first);
    expect(w.maxGradNorm).toBeGreaterThan(1e3);
    expect(t.skipped).toBe(0);
    expect(t.clipped).toBeGreaterThan(0);
    expect(() => checkLabSettings({ ...LAB_DEFAULTS, optimizer: 'Adagrad' as 'SGD' })).toThrow('optimizer: expected Adam or SGD, got Adagrad');
  });
});
