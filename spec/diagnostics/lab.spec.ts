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
      expect(['HEALTHY', 'VANISHING', 'EXPLODING']).toContain(m.verdict.verdict);
      expect(m.verdict.reasons.length).toBeGreaterThan(0);
      expect(Number.isFinite(m.finalValLoss)).toBe(true);
    }
    expect(r.exploding.verdict.verdict).toBe('EXPLODING');
    expect(fs.readdirSync(out).sort()).toEqual(['exploding.svg', 'heatmap-layers.svg', 'heatmap-trained.svg', 'loss.svg', 'profiles-init.svg', 'profiles-trained.svg', 'report.html', 'summary.json']);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg /g)?.length).toBe(6);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).models).toHaveLength(4);
    expect(lines.some((l) => l.startsWith('LSTM at initialisation: '))).toBe(true);
    fs.rmSync(out, { recursive: true });
  });
});
