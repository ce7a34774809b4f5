import * as fs from 'fs';
import * as path from 'path';
import { renderDiagrams } from '../../scripts/diagrams';
import { diagram } from '../../lib/charts/diagram';

describe('the pictures of the docs', () => {
  const images = path.join(__dirname, '..', '..', 'docs', 'images');

  it('are what scripts/diagrams.ts draws (npm run docs:diagrams redraws them), and every page links its picture', () => {
    const drawn = renderDiagrams();
    expect(Object.keys(drawn).sort()).toEqual(['attention-step.svg', 'gru-cell.svg', 'lstm-cell.svg', 'unrolled-bptt.svg']);
    for (const [name, svg] of Object.entries(drawn)) expect([name, fs.readFileSync(path.join(images, name), 'utf8') === svg]).toEqual([name, true]);
    const docs = path.join(__dirname, '..', '..', 'docs');
    const links: [string, string][] = [['layers/bptt.md', 'unrolled-bptt.svg'], ['cells/lstm.md', 'lstm-cell.svg'], ['cells/gru.md', 'gru-cell.svg'], ['layers/attention.md', 'attention-step.svg']];
    for (const [page, image] of links) expect([page, fs.readFileSync(path.join(docs, page), 'utf8').includes(`images/${image}`)]).toEqual([page, true]);
  });

  it('mark BPTT\'s two sums and the gradient paths by their equation tags', () => {
    const d = renderDiagrams();
    expect(d['unrolled-bptt.svg']).toContain('(BPTT-1)');
    expect(d['unrolled-bptt.svg']).toContain('(BPTT-4)');
    expect(d['lstm-cell.svg']).toContain("(LSTM-4')");
    expect(d['gru-cell.svg']).toContain("(GRU-5')");
    expect(d['attention-step.svg']).toContain('(ATT-5)');
  });

  it('escapes text and gives every arrow colour its own arrowhead', () => {
    const svg = diagram(100, 50, 'a < b & c', [
      { kind: 'arrow', points: [[0, 0], [10, 10]], color: 'red' }, { kind: 'arrow', points: [[0, 0], [10, 10]] },
    ]);
    expect(svg).toContain('a &lt; b &amp; c');
    expect(svg.match(/<marker /g)).toHaveLength(2);
    expect(svg).toContain('marker-end="url(#m0)"');
    expect(svg).toContain('marker-end="url(#m1)"');
  });
});
