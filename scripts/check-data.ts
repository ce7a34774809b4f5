/**
 * The figures of the real data sets that the docs quote, read through the registry (UNROLLED_DATA or the
 * download cache). The specs never read these files (they make their own inputs); this script, which CI
 * runs with UNROLLED_DATA set to a folder of the real files, holds the readers to them.
 *
 *   npm run check-data              every data set that is there; exits 1 on any figure that differs
 *   npm run check-data -- --all     and fails when a data set is missing
 */
import * as fs from 'fs';
import * as path from 'path';
import { DATASETS } from '../lib/data/datasets';
import { findDataset } from '../lib/data/locate';
import { readSeries } from '../lib/data/csv';
import { readClassDirectory, readNumericRows, classCounts } from '../lib/data/labelled';
import { readPairs, tutorialPairs } from '../lib/data/pairs';
import { WordVocabulary, tokenize } from '../lib/data/text';
import { readWav } from '../lib/audio/wav';
import { frameCount } from '../lib/audio/features';
import { readSpokenDigits, speakersOf } from '../lib/tasks/speech-data';

type Figures = Record<string, unknown>;

/** What each data set must give, computed from the file by the engine's own readers. */
const CHECKS: Record<string, { expected: Figures; measure: (file: string) => Figures }> = {
  airline: {
    // Baselines on the last 48 months (the test part of a 67/33 split), in passengers (thousands).
    expected: { n: 144, first: 112, last: 432, min: 104, max: 622, dates: '1949-01…1960-12', persistence: '48.041', seasonalNaive: '41.854', mean: '214.341' },
    measure: (file) => {
      const { values: v, dates } = readSeries(file, { column: 'Passengers', dateColumn: 'Month' });
      const rmse = (f: (t: number) => number) => Math.sqrt(v.slice(96).reduce((s, x, i) => s + (x - f(96 + i)) ** 2, 0) / 48).toFixed(3);
      const mean = v.slice(0, 96).reduce((s, x) => s + x, 0) / 96;
      return {
        n: v.length, first: v[0], last: v[143], min: Math.min(...v), max: Math.max(...v), dates: `${dates![0]}…${dates![143]}`,
        persistence: rmse((t) => v[t - 1]), seasonalNaive: rmse((t) => v[t - 12]), mean: rmse(() => mean),
      };
    },
  },
  shampoo: { expected: { n: 36, min: 119.3, max: 682 }, measure: (file) => range(readSeries(file, { column: 'Sales' }).values) },
  sunspots: { expected: { n: 2820, min: 0, max: 253.8 }, measure: (file) => range(readSeries(file, { column: 'Sunspots' }).values) },
  'daily-min-temps': { expected: { n: 3650, min: 0, max: 26.3 }, measure: (file) => range(readSeries(file, { column: 'Temp' }).values) },
  aapl: { expected: { n: 506, min: 90.339996, max: 135.509995 }, measure: (file) => range(readSeries(file, { column: 'AAPL.Close' }).values) },
  tinyshakespeare: {
    expected: { characters: 1115394, symbols: 65, lines: 40000 },
    measure: (file) => {
      const text = fs.readFileSync(file, 'utf8');
      return { characters: text.length, symbols: new Set(text).size, lines: text.split('\n').length - 1 };
    },
  },
  names: {
    expected: { classes: 18, names: 20074, russian: 9408, vietnamese: 73 },
    measure: (dir) => {
      const { classes, labels } = readClassDirectory(dir);
      const count = (c: string) => labels.filter((l) => l === classes.indexOf(c)).length;
      return { classes: classes.length, names: labels.length, russian: count('Russian'), vietnamese: count('Vietnamese') };
    },
  },
  'eng-fra': {
    // The tutorial prints "Trimmed to 11445 sentence pairs … fra 4601 … eng 2991" (its counts include SOS and EOS).
    expected: { pairs: 11445, frenchWords: 4601, englishWords: 2991, englishLengths: '3–9', cutKeepsEveryLine: true },
    measure: (file) => {
      const pairs = readPairs(file, true);
      const lengths = pairs.map((p) => tokenize(p.target).length);
      const words = (side: 'source' | 'target') => WordVocabulary.fromSentences(pairs.map((p) => p[side])).size - 4 + 2; // without <pad> <unk>
      const text = fs.readFileSync(file, 'utf8');
      return { pairs: pairs.length, frenchWords: words('source'), englishWords: words('target'), englishLengths: `${Math.min(...lengths)}–${Math.max(...lengths)}`, cutKeepsEveryLine: tutorialPairs(text) === text };
    },
  },
  digits: {
    expected: { rows: 1797, pixels: 64, classCounts: [178, 182, 177, 183, 181, 182, 181, 179, 174, 180] },
    measure: (file) => {
      const { rows, labels } = readNumericRows(file);
      return { rows: rows.length, pixels: rows[0].length, classCounts: classCounts(labels, labels.map((_, i) => i), 10) };
    },
  },
  fsdd: {
    expected: { recordings: 2500, speakers: 'george jackson lucas nicolas yweweler', perSpeakerAndDigit: [50], format: '8000 Hz, 1 channel, 16-bit pcm', seconds: '0.14–1.31', medianFrames: 40 },
    measure: (dir) => {
      const utts = readSpokenDigits(dir);
      const wav = readWav(path.join(dir, '0_george_0.wav'));
      const counts = new Map<string, number>();
      for (const u of utts) counts.set(`${u.speaker} ${u.digit}`, (counts.get(`${u.speaker} ${u.digit}`) ?? 0) + 1);
      const lengths = utts.map((u) => u.samples.length).sort((x, y) => x - y);
      const formats = new Set(fs.readdirSync(dir).filter((f) => f.endsWith('.wav')).map((f) => { const w = readWav(path.join(dir, f)); return `${w.sampleRate} Hz, ${w.channels} channel, ${w.bitsPerSample}-bit ${w.encoding}`; }));
      return {
        recordings: utts.length, speakers: speakersOf(utts).join(' '), perSpeakerAndDigit: [...new Set(counts.values())],
        format: formats.size === 1 ? `${wav.sampleRate} Hz, ${wav.channels} channel, ${wav.bitsPerSample}-bit ${wav.encoding}` : [...formats].join('; '),
        seconds: `${(lengths[0] / 8000).toFixed(2)}–${(lengths[lengths.length - 1] / 8000).toFixed(2)}`,
        medianFrames: frameCount(lengths[Math.floor(lengths.length / 2)], 256, 80),
      };
    },
  },
  m3: {
    expected: { series: 3003, monthly: 1428, monthlyHorizon: [18] },
    measure: (file) => {
      const all = Object.values(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { period: string[]; h: number[] }>);
      const monthly = all.filter((s) => s.period[0] === 'MONTHLY');
      return { series: all.length, monthly: monthly.length, monthlyHorizon: [...new Set(monthly.map((s) => s.h[0]))] };
    },
  },
};

function range(v: number[]): Figures {
  return { n: v.length, min: Math.min(...v), max: Math.max(...v) };
}

const requireAll = process.argv.includes('--all');
let failed = 0, checked = 0;
for (const d of DATASETS) {
  const check = CHECKS[d.name];
  if (!check) {
    console.log(`${d.name.padEnd(16)} FAIL  no figures to check in scripts/check-data.ts`);
    failed++;
    continue;
  }
  const found = findDataset(d);
  if (!found) {
    console.log(`${d.name.padEnd(16)} ${requireAll ? 'FAIL' : 'skip'}  not downloaded`);
    if (requireAll) failed++;
    continue;
  }
  const got = check.measure(found.path);
  const wrong = Object.keys(check.expected).filter((k) => JSON.stringify(got[k]) !== JSON.stringify(check.expected[k]));
  checked++;
  if (wrong.length) failed++;
  const shown = Object.entries(got).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ');
  console.log(`${d.name.padEnd(16)} ${wrong.length ? 'FAIL' : 'OK  '}  ${shown}${wrong.length ? `; expected ${wrong.map((k) => `${k} ${JSON.stringify(check.expected[k])}`).join(', ')}` : ''}  (${path.relative(process.cwd(), found.path) || found.path})`);
}
console.log(`${checked} data set(s) checked, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
