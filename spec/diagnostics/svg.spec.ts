import { lineChart, heatmap } from '../../lib/diagnostics/svg';

describe('SVG charts', () => {
  it('a log-scale line chart has its title, axis labels, decade ticks, one path and legend entry per series', () => {
    const svg = lineChart({
      title: 'Profile <at init>', xLabel: 'steps back', yLabel: '‖∂L/∂h_t‖', logY: true,
      series: [{ name: 'lstm', points: [[0, 1], [1, 0.1], [2, 0.01]] }, { name: 'gru', points: [[0, 1], [1, 0], [2, 0.5]] }],
      markers: [{ x: 1, label: 'clipped at step 1' }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('Profile &lt;at init&gt;');
    expect(svg).toContain('‖∂L/∂h_t‖ (log scale)');
    for (const t of ['1e-2', '1e-1', '1e0']) expect(svg).toContain(`>${t}</text>`);
    expect(svg.match(/<path /g)?.length).toBe(2);
    expect(svg).toContain('>lstm</text>');
    expect(svg).toContain('<title>clipped at step 1</title>');
    // the zero in the second series is left out on a log axis rather than drawn at -Infinity
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('a heatmap has one cell per value and marks non-finite values', () => {
    const svg = heatmap({ title: 'h', xLabel: 'time step t', rows: ['layer 0', 'layer 1'], values: [[1, 0.1, 0.01], [1, NaN, 1e-3]] });
    expect(svg.match(/<rect x=/g)?.length).toBe(6);
    expect(svg).toContain('fill="#d62728"');
    expect(svg).toContain('>layer 1</text>');
  });
});
