import { lineChart, heatmap, confusionMatrixChart, attentionChart } from '../../lib/charts/svg';
import { alignmentChart } from '../../lib/charts/alignment';

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

  it('a dashed series is dashed in the plot and in the legend', () => {
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [[0, 1], [1, 2]] }, { name: 'b', points: [[0, 2], [1, 1]], dashed: true }] });
    expect(svg.match(/stroke-dasharray/g)?.length).toBe(2);
  });

  it('a confusion matrix: one cell per pair, coloured by the share of its row, labelled with its count', () => {
    const svg = confusionMatrixChart({ title: 'c', rowLabel: 'true class', colLabel: 'predicted class', labels: ['cat', 'dog'], counts: [[3, 1], [0, 4]] });
    expect(svg.match(/<rect x=/g)?.length).toBe(4);
    expect(svg).toContain('<title>cat → dog: 1 (25.0% of the row)</title>');
    expect(svg).toContain('fill="rgb(8,48,107)"'); // dog → dog: the whole row
    expect(svg).toContain('fill="rgb(247,251,255)"'); // dog → cat: none of it
    expect(svg).toMatch(/>4<\/text>/);
  });

  it('an attention chart has a cell per (output word, source word), shaded by its weight and labelled in hundredths', () => {
    const svg = attentionChart({
      title: 'attention: je suis', sourceWords: ['je', 'suis', '<eos>'], outputWords: ['i', 'm', '<eos>'],
      weights: [[0.9, 0.08, 0.02], [0.1, 0.8, 0.1], [0, 0.01, 0.99]],
    });
    expect(svg.match(/<rect x=/g)).toHaveLength(9);
    expect(svg).toContain('&lt;eos&gt;');
    expect(svg).toMatch(/>90<\/text>/);
    expect(svg).toMatch(/>99<\/text>/);
    expect(svg).not.toMatch(/>2<\/text>/); // weights under 0.05 are left unlabelled
    expect(svg).toContain('fill="rgb(247,251,255)"'); // weight 0
    expect(svg).toContain('<title>m ← suis: 0.800</title>');
  });
});

describe('alignmentChart', () => {
  it('shades every frame heard as a digit and writes each run\'s label once, after all the shading (none is covered)', () => {
    const features = Array.from({ length: 9 }, (_, t) => [t, -t]);
    const svg = alignmentChart({ title: 'heard "42"', features, rows: 2, frameLabels: ['', '4', '4', '4', '', '2', '2', '2', ''] });
    const shades = [...svg.matchAll(/fill="#fde9d2"/g)].map((m) => m.index as number);
    const labels = [...svg.matchAll(/font-weight="bold">([0-9])<\/text>/g)];
    expect(shades).toHaveLength(6);
    expect(labels.map((m) => m[1])).toEqual(['4', '2']);
    expect(Math.min(...labels.map((m) => m.index as number))).toBeGreaterThan(Math.max(...shades));
  });
});
