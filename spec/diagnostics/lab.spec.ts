import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runLab } from '../../lib/diagnostics/lab';

describe('the gradient-flow laboratory (a small run)', () => {
  it('profiles, trains and reports all four cells and the exploding case, and writes its files', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-'));
    const lines: string[] = [];
    const r = runLab({ seqLen: 8, hidden: 4, steps: 4, seed: 1, out, workers: 1, log: (l) => lines.push(l) });
    expect(r.models.map((m) => m.cell)).toEqual(['rnn_tanh', 'rnn_relu', 'lstm', 'gru']);
    for (const m of r.models) {
      // Over 8 steps, at initialisation, every cell still carries the gradient back to the first step (the
      // horizon is all 7 steps back), each step shrinking it (a rate below 1): HEALTHY, said with the numbers.
      expect([m.cell, m.horizonAtInit, m.verdictAtInit.verdict]).toEqual([m.cell, 7, 'HEALTHY']);
      expect(m.verdictAtInit.reasons).toEqual([expect.stringMatching(/^layer 0: horizon 7 of 7 steps, ×0\.\d+ per step$/)]);
      expect(m.verdict.reasons).toEqual([expect.stringContaining(`layer 0: horizon ${m.horizon} of 7 steps`)]);
      expect(Number.isFinite(m.finalValLoss)).toBe(true);
    }
    // W_hh scaled ×4: the gradient grows at every step, past the ×1.1 bound; clipping keeps every step finite.
    expect(r.exploding.verdict.verdict).toBe('EXPLODING');
    expect(r.exploding.verdict.reasons).toEqual([expect.stringMatching(/^layer 0: grows ×\d\.\d+ per step \(bound ×1\.1\)$/)]);
    expect(r.exploding.clippedNonFiniteSteps).toBe(0);
    expect(Number.isFinite(r.exploding.clippedValLoss)).toBe(true);
    const q = r.exploding.normsBeforeClipping;
    expect(q.p10 <= q.median && q.median <= q.p90 && q.p90 <= q.max && q.p10 > 0).toBe(true);
    // A forget-gate bias of 1 opens the LSTM's cell-state path at initialisation: a slower decay per step.
    const lstm = r.models.find((m) => m.cell === 'lstm')!;
    expect(r.forgetBias1.horizon).toBeGreaterThanOrEqual(lstm.horizonAtInit);
    const lstmRate = Number(/×([\d.]+) per step/.exec(lstm.verdictAtInit.reasons[0])![1]);
    expect(r.forgetBias1.ratePerStep).toBeGreaterThan(lstmRate);
    expect(fs.readdirSync(out).sort()).toEqual(['exploding.svg', 'heatmap-layers.svg', 'heatmap-trained.svg', 'loss.svg', 'profiles-init.svg', 'profiles-trained.svg', 'report.html', 'summary.json']);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg /g)?.length).toBe(6);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).models).toHaveLength(4);
    expect(lines.some((l) => l.startsWith('LSTM at initialisation: '))).toBe(true);
    fs.rmSync(out, { recursive: true });
  });
});
