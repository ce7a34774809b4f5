import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValueError } from '../../lib/kernels/tensor';
import { Rng } from '../../lib/kernels/random';
import { runCaption } from '../../lib/cli/caption';
import { toPgm } from '../../lib/data/pgm';
import { captionAttentionChart } from '../../lib/charts/caption-attention';

function capture() {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY: false }, text: () => text };
}

/** A digits file of made-up 8×8 "digits" (64 values 0–16 and the class per line). */
function writeDigits(file: string): void {
  const rng = new Rng(4), lines: string[] = [];
  for (let c = 0; c < 10; c++) for (let k = 0; k < 12; k++) {
    const px = Array.from({ length: 64 }, (_, i) => (((c + 1) >> ((i >> 3) >> 1)) & 1 ? 12 + rng.int(5) : rng.int(3)));
    lines.push([...px, c].join(','));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

describe('unrolled caption', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caption-'));
  const data = path.join(dir, 'digits.csv');
  writeDigits(data);
  const ckpt = path.join(dir, 'run', 'checkpoint.json');

  it('--train scores seen and unseen combinations beside the baselines, and writes example scenes with attention pictures', () => {
    const c = capture();
    expect(runCaption(['--train', '--data', data, '--scenes', '120', '--val-scenes', '20', '--test-scenes', '20', '--epochs', '2', '--encoder', '6', '--hidden', '8', '--embedding', '4', '--workers', '1', '--checkpoint', ckpt, '--json'], c.out)).toBe(0);
    const lines = c.text().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ event: 'start', scenes: { train: 120, validation: 20, testSeen: 20, testUnseen: 20 } });
    expect(lines.filter((l) => l.event === 'eval').length).toBe(2);
    const summary = lines[lines.length - 1];
    expect(summary.task).toBe('caption');
    for (const part of ['seen', 'unseen']) {
      expect(Object.keys(summary[part]).sort()).toEqual(['bleu4', 'exactMatch', 'scenes', 'slotAccuracy']);
      for (const b of ['mostFrequent', 'template']) expect(summary.baselines[b][part].scenes).toBe(20);
    }
    expect(typeof summary.seconds).toBe('number');
    const saved = JSON.parse(fs.readFileSync(ckpt, 'utf8'));
    expect(saved.format).toBe('unrolled-captioner');
    expect(saved.metrics.seen.exactMatch).toBe(summary.seen.exactMatch);
    for (const name of ['seen-1', 'unseen-3']) {
      expect(fs.readFileSync(path.join(dir, 'run', `${name}.pgm`)).subarray(0, 2).toString()).toBe('P5');
      expect(fs.readFileSync(path.join(dir, 'run', `${name}-attention.svg`), 'utf8')).toContain('<svg');
    }
  });

  it('--image captions a PGM with the trained model, prints { file, caption } and draws the attention', () => {
    const c = capture(), svg = path.join(dir, 'pictures', 'a.svg');
    const image = path.join(dir, 'run', 'unseen-1.pgm');
    expect(runCaption(['--image', image, '--checkpoint', ckpt, '--svg', svg, '--json'], c.out)).toBe(0);
    const r = JSON.parse(c.text());
    expect(Object.keys(r)).toEqual(['file', 'caption']);
    expect(r.file).toBe(image);
    expect(typeof r.caption).toBe('string');
    expect(fs.readFileSync(svg, 'utf8')).toContain(r.caption.split(' ')[0] ?? '');
    // A wider image of the same height is read too.
    const wide = path.join(dir, 'wide.pgm');
    fs.writeFileSync(wide, toPgm({ width: 40, height: 16, pixels: new Float64Array(640).fill(0.1) }));
    expect(runCaption(['--image', wide, '--checkpoint', ckpt], capture().out)).toBe(0);
  });

  it('--regions columns+rows: the checkpoint reads the rows too, so --image takes images of its width only', () => {
    const rowsCkpt = path.join(dir, 'rows', 'checkpoint.json'), c = capture();
    expect(runCaption(['--train', '--regions', 'columns+rows', '--data', data, '--scenes', '60', '--val-scenes', '10', '--test-scenes', '10', '--epochs', '1', '--encoder', '4', '--hidden', '6', '--embedding', '4', '--workers', '1', '--checkpoint', rowsCkpt, '--json'], c.out)).toBe(0);
    const saved = JSON.parse(fs.readFileSync(rowsCkpt, 'utf8'));
    expect(saved.model).toMatchObject({ regions: 'columns+rows', imageCols: 24 });
    expect(Object.keys(saved.weights)).toContain('encoder.row_rnn.weight_ih_l0');
    const svg = path.join(dir, 'rows', 'a.svg');
    expect(runCaption(['--image', path.join(dir, 'rows', 'seen-1.pgm'), '--checkpoint', rowsCkpt, '--svg', svg], capture().out)).toBe(0);
    expect(fs.readFileSync(svg, 'utf8')).toContain('<svg');
    const wide = path.join(dir, 'wide-rows.pgm');
    fs.writeFileSync(wide, toPgm({ width: 40, height: 16, pixels: new Float64Array(640).fill(0.1) }));
    expect(() => runCaption(['--image', wide, '--checkpoint', rowsCkpt], capture().out)).toThrow(new ValueError(`caption --image: ${wide} is 16 rows × 40 columns; the model reads images of 16 rows (and 24 columns: it reads the rows too)`));
    expect(() => runCaption(['--train', '--regions', 'rows'], capture().out)).toThrow(/--regions: expected one of columns, columns\+rows/);
  });

  it('--resume continues a run exactly: one epoch, then resumed to two, is the two-epoch run bit for bit', () => {
    const common = ['--train', '--data', data, '--scenes', '64', '--val-scenes', '10', '--test-scenes', '10', '--encoder', '4', '--hidden', '6', '--embedding', '4', '--workers', '1', '--json'];
    const whole = path.join(dir, 'whole', 'checkpoint.json'), parts = path.join(dir, 'parts', 'checkpoint.json');
    expect(runCaption([...common, '--epochs', '2', '--checkpoint', whole], capture().out)).toBe(0);
    expect(runCaption([...common, '--epochs', '1', '--checkpoint', parts], capture().out)).toBe(0);
    const c = capture();
    expect(runCaption(['--train', '--resume', parts, '--epochs', '2', '--workers', '1', '--json'], c.out)).toBe(0);
    const evals = c.text().trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.event === 'eval');
    expect(evals.map((e) => e.epoch)).toEqual([2]); // only the second epoch was trained
    const a = JSON.parse(fs.readFileSync(whole, 'utf8')), b = JSON.parse(fs.readFileSync(parts, 'utf8'));
    expect(b.weights).toEqual(a.weights);
    expect(b.trainer.bestWeights).toEqual(a.trainer.bestWeights);
    expect(b.metrics.seen).toEqual(a.metrics.seen);
    expect(b.counters).toEqual(a.counters);
    expect(() => runCaption(['--train', '--resume', parts, '--hidden', '9'], capture().out)).toThrow(new ValueError('caption --resume: --hidden cannot change on resume; the model, the data and the training come from the checkpoint'));
    const other = path.join(dir, 'not-caption.json');
    fs.writeFileSync(other, JSON.stringify({ format: 'unrolled-seq2seq', format_version: 1, task: { name: 'translate' } }));
    expect(() => runCaption(['--train', '--resume', other], capture().out)).toThrow(new ValueError(`caption --resume: ${other} is not a caption checkpoint`));
  });

  it('refuses in one line: no mode, both modes, an image of another height, another task\'s checkpoint, a missing checkpoint', () => {
    expect(() => runCaption([], capture().out)).toThrow(new ValueError('caption: give --train (train and score a captioner) or --image FILE.pgm (caption an image)'));
    expect(() => runCaption(['--train', '--image', 'x.pgm'], capture().out)).toThrow(new ValueError('caption: give --train or --image FILE.pgm, not both'));
    const tall = path.join(dir, 'tall.pgm');
    fs.writeFileSync(tall, toPgm({ width: 8, height: 20, pixels: new Float64Array(160) }));
    expect(() => runCaption(['--image', tall, '--checkpoint', ckpt], capture().out)).toThrow(new ValueError(`caption --image: ${tall} is 20 rows × 8 columns; the model reads images of 16 rows (any number of columns)`));
    expect(() => runCaption(['--image', tall, '--checkpoint', ckpt, '--epochs', '3'], capture().out)).toThrow(new ValueError('caption --image: --epochs is for --train'));
    const other = path.join(dir, 'other.json');
    fs.writeFileSync(other, JSON.stringify({ format: 'unrolled-seq2seq', format_version: 1, task: { name: 'translate' } }));
    expect(() => runCaption(['--image', tall, '--checkpoint', other], capture().out)).toThrow(new ValueError(`checkpoint ${other}: format: expected "unrolled-captioner", got "unrolled-seq2seq"`));
    expect(() => runCaption(['--image', tall, '--checkpoint', path.join(dir, 'none.json')], capture().out)).toThrow(/no such file .*none\.json.*caption --train/);
  });
});

describe('captionAttentionChart', () => {
  it('draws the image and one panel per word, each column tinted by its weight (full from 0.25), text escaped', () => {
    const svg = captionAttentionChart({
      title: 'a <b> & c', rows: 2, cols: 3, pixels: [0, 1, 0.5, 0, 0, 1], words: ['a', '7', '<eos>'],
      attention: [[1, 0, 0], [0.1, 0.9, 0], [0, 0, 0]],
    });
    expect(svg).toContain('a &lt;b&gt; &amp; c');
    expect(svg).toContain('&lt;eos&gt;');
    expect((svg.match(/fill="red"/g) ?? []).length).toBe(3); // 1, 0.1, 0.9: weights of 0 are not drawn
    expect((svg.match(/fill-opacity="0\.700"/g) ?? []).length).toBe(2); // 1 and 0.9 are past full
    expect(svg).toContain('fill-opacity="0.280"'); // 0.1 / 0.25 · 0.7
    expect(() => captionAttentionChart({ title: '', rows: 1, cols: 1, pixels: [0], words: ['a'], attention: [] })).toThrow('1 words but 0 rows of attention');
    expect(() => captionAttentionChart({ title: '', rows: 2, cols: 3, pixels: [0, 0, 0, 0, 0, 0], words: ['a'], attention: [[1, 0, 0]], bands: 2 })).toThrow('attention[0]: expected 6 weights (2 band(s) × 3 columns), got 3');
  });

  it('with row regions, region bands·cols + r is a strip across row r', () => {
    const svg = captionAttentionChart({ title: 't', rows: 4, cols: 2, pixels: new Array(8).fill(0), words: ['a'], attention: [[0, 0, 0, 0, 1, 0]], rowRegions: true });
    const tinted = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="(\d+)" height="(\d+)" fill="red"/g)];
    expect(tinted.length).toBe(1);
    const [, , , width, height] = tinted[0].map(Number);
    expect(width).toBe(2 * height); // the whole width (2 columns), one row high
    expect(() => captionAttentionChart({ title: '', rows: 2, cols: 3, pixels: new Array(6).fill(0), words: ['a'], attention: [[1, 0, 0]], rowRegions: true }))
      .toThrow('attention[0]: expected 5 weights (1 band(s) × 3 columns + 2 rows), got 3');
  });

  it('tints each region in its own band: region g·cols + c covers rows of band g only', () => {
    const svg = captionAttentionChart({ title: 't', rows: 4, cols: 2, pixels: new Array(8).fill(0), words: ['a'], attention: [[0, 0, 0, 1]], bands: 2 });
    const tinted = /<rect x="([\d.]+)" y="([\d.]+)" width="(\d+)" height="(\d+)" fill="red"/.exec(svg)!;
    const cellSize = Number(tinted[3]);
    expect(Number(tinted[4])).toBe(2 * cellSize); // half the image's 4 rows
  });
});
