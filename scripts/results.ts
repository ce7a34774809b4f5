/**
 * Reruns every command of docs/results.md and prints its tables (markdown) with the wall time of each run.
 *
 *   npm run results                 all runs (several hours on 2 cores; the char-lm, translate and speech runs take most)
 *   npm run results -- --only names runs whose name contains "names"
 *   npm run results -- --seeds 5    the forecasts with seeds 1…5 as well (mean and spread of the test RMSE)
 *
 * Each run is the `unrolled` command itself (from dist/ when built, else from source), with --json; its
 * last line is read back. Outputs go to runs/results/<name>/. The data sets come from the registry
 * (UNROLLED_DATA or the download cache: `npx unrolled data download --all` first); an argument `@name`
 * is the path of the registered data set `name`, looked up when its run starts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { datasetPath } from '../lib/data/locate';

interface Run {
  name: string;
  args: string[];
}

const FORECASTS: Run[] = [
  { name: 'airline', args: ['forecast'] },
  { name: 'airline-levels', args: ['forecast', '--log', 'no', '--difference', '0'] },
  { name: 'airline-12-direct', args: ['forecast', '--horizon', '12', '--strategy', 'direct'] },
  { name: 'airline-12-recursive', args: ['forecast', '--horizon', '12', '--strategy', 'recursive'] },
  { name: 'shampoo', args: ['forecast', '--data', '@shampoo', '--look-back', '3', '--season', '12'] },
  { name: 'aapl', args: ['forecast', '--data', '@aapl', '--column', 'AAPL.Close', '--date-column', 'Date', '--look-back', '20', '--season', '5'] },
  { name: 'sunspots', args: ['forecast', '--data', '@sunspots', '--look-back', '24', '--season', '132'] },
];

const CLASSIFIERS: Run[] = [
  { name: 'names-lstm', args: ['classify'] },
  { name: 'names-gru', args: ['classify', '--cell', 'gru'] },
  { name: 'names-tanh', args: ['classify', '--cell', 'rnn_tanh'] },
  { name: 'names-lstm-balanced', args: ['classify', '--class-weights', 'balanced'] },
  { name: 'names-gru128', args: ['classify', '--cell', 'gru', '--hidden', '128', '--epochs', '30', '--patience', '5'] },
  { name: 'names-gru128-balanced', args: ['classify', '--cell', 'gru', '--hidden', '128', '--epochs', '30', '--patience', '5', '--class-weights', 'balanced'] },
  { name: 'digits-tanh', args: ['classify', '--data', '@digits', '--step-size', '8', '--cell', 'rnn_tanh', '--epochs', '100', '--patience', '10'] },
  { name: 'digits-lstm', args: ['classify', '--data', '@digits', '--step-size', '8', '--cell', 'lstm', '--epochs', '100', '--patience', '10'] },
];

const CHAR_MODELS: Run[] = [
  { name: 'char-lm-rnn', args: ['train', '--task', 'char-lm', '--cell', 'rnn_tanh', '--steps', '800', '--eval-every', '400'] },
  { name: 'char-lm-lstm', args: ['train', '--task', 'char-lm', '--cell', 'lstm', '--steps', '800', '--eval-every', '400'] },
  { name: 'char-lm-gru', args: ['train', '--task', 'char-lm', '--cell', 'gru', '--steps', '800', '--eval-every', '400'] },
  { name: 'char-lm-lstm-2400', args: ['train', '--task', 'char-lm', '--cell', 'lstm', '--steps', '2400', '--eval-every', '400', '--schedule', 'cosine'] },
  { name: 'char-lm-gru-2400', args: ['train', '--task', 'char-lm', '--cell', 'gru', '--steps', '2400', '--eval-every', '400'] },
  { name: 'names-lm', args: ['train', '--task', 'names-lm'] },
];

const TRANSLATORS: Run[] = [
  { name: 'translate-attention', args: ['train', '--task', 'translate'] },
  { name: 'translate-attention-seed2', args: ['train', '--task', 'translate', '--seed', '2'] },
  // The earlier recipe (lr 0.001, patience 5), which the other rows of the table were measured with.
  { name: 'translate-attention-lr0.001', args: ['train', '--task', 'translate', '--lr', '0.001', '--patience', '5'] },
  { name: 'translate-attention-lr0.001-seed2', args: ['train', '--task', 'translate', '--lr', '0.001', '--patience', '5', '--seed', '2'] },
  { name: 'translate-plain', args: ['train', '--task', 'translate', '--attention', 'no', '--lr', '0.001', '--patience', '5'] },
  { name: 'translate-forced', args: ['train', '--task', 'translate', '--teacher-forcing', '1', '--lr', '0.001', '--patience', '5'] },
  { name: 'translate-lstm', args: ['train', '--task', 'translate', '--cell', 'lstm', '--lr', '0.001', '--patience', '5'] },
];

const BENCHMARKS: Run[] = [
  { name: 'm3-monthly', args: ['forecast', '--benchmark', 'm3-monthly'] },
];

const SPEECH: Run[] = [
  { name: 'speech-digits', args: ['speech', '--task', 'digits', '--epochs', '30', '--max-seconds', '2700'] },
  { name: 'speech-sequence', args: ['speech', '--task', 'sequence', '--max-seconds', '4200'] },
];

const CAPTION: Run[] = [
  { name: 'caption', args: ['caption', '--train'] },
  { name: 'caption-fixed-scenes', args: ['caption', '--train', '--fixed-scenes'] },
  { name: 'caption-bands-2', args: ['caption', '--train', '--bands', '2'] },
];

function option(name: string): string | null {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] ?? null : null;
}

/** A share as a percentage with one decimal ("n/a" when a run does not report it). */
function pct(v: number | undefined): string {
  return v === undefined ? 'n/a' : `${(100 * v).toFixed(1)} %`;
}

function unrolled(args: string[]): { result: Record<string, unknown>; wall: number } {
  const built = fs.existsSync('dist/cli/main.js');
  const [cmd, pre] = built ? [process.execPath, ['dist/cli/main.js']] : ['npx', ['tsx', 'lib/cli/main.ts']];
  const resolved = args.map((arg) => (arg.startsWith('@') ? datasetPath(arg.slice(1)) : arg));
  const started = Date.now();
  const r = spawnSync(cmd, [...pre, ...resolved, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = (Date.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`unrolled ${args.join(' ')} failed:\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop() as string;
  return { result: JSON.parse(last), wall };
}

const only = option('only');
const seeds = Number(option('seeds') ?? 1);
const pick = (runs: Run[]) => runs.filter((r) => !only || r.name.includes(only));
const f2 = (v: number) => v.toFixed(2);
type Err = { rmse: number; mae: number } | null;

const forecasts = pick(FORECASTS);
if (forecasts.length) {
  console.log('| run | recipe chosen | test points | model RMSE / MAE / sMAPE | persistence RMSE / MAE | seasonal naive RMSE / MAE | training mean RMSE / MAE | Naive2 / Theta / damped Holt RMSE | wall |');
  console.log('|---|---|---:|---|---|---|---|---|---:|');
}
for (const run of forecasts) {
  const rmses: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const { result: r, wall } = unrolled([...run.args, '--seed', String(seed), '--out', path.join('runs/results', run.name)]);
    const b = r.baselines as Record<string, Err>;
    const e = (m: Err) => (m ? `${f2(m.rmse)} / ${f2(m.mae)}` : 'n/a');
    rmses.push(r.testRmse as number);
    if (seed === 1) {
      const recipe = `${r.log ? 'log, ' : ''}difference ${r.difference}, look-back ${r.lookBack}`;
      const classical = [b.naive2, b.theta, b.dampedHolt].map((m) => (m ? f2(m.rmse) : 'n/a')).join(' / ');
      console.log(`| ${run.name} | ${recipe} | ${(r.windows as { test: number }).test} | **${f2(r.testRmse as number)}** / ${f2(r.testMae as number)} / ${f2(r.testSmape as number)} % | ${e(b.persistence)} | ${e(b.seasonalNaive)} | ${e(b.mean)} | ${classical} | ${wall.toFixed(1)} s |`);
    }
  }
  if (seeds > 1) {
    const mean = rmses.reduce((a, v) => a + v, 0) / rmses.length;
    console.log(`|  ↳ seeds 1–${seeds} | | RMSE ${rmses.map(f2).join(', ')}; mean ${f2(mean)}, range ${f2(Math.min(...rmses))}–${f2(Math.max(...rmses))} | | | | | |`);
  }
}

for (const run of pick(BENCHMARKS)) {
  const { result: r, wall } = unrolled(run.args);
  type Scores = { smape: number; mase: number; byHorizon?: { from: number; to: number; smape: number; mase: number }[] };
  const net = r.network as Scores, base = r.baselines as Record<string, Scores>;
  console.log(`\n${run.name}: ${r.series} series, h = ${r.horizon}; chosen on validation: ${r.chosen}; sMAPE ${f2(r.smape as number)}, MASE ${(r.mase as number).toFixed(3)}; beats Theta on ${(100 * (r.beatsTheta as number)).toFixed(1)} % of the series; ${wall.toFixed(0)} s`);
  console.log(`| method | sMAPE ${(net.byHorizon ?? []).map((h) => `${h.from}–${h.to}`).join(' | ')} | all | MASE all |`);
  const row = (name: string, s: Scores) => console.log(`| ${name} | ${(s.byHorizon ?? []).map((h) => f2(h.smape)).join(' | ')}${s.byHorizon ? ' | ' : ''}${f2(s.smape)} | ${s.mase.toFixed(3)} |`);
  row('network (ensemble)', net);
  row('chosen', { smape: r.smape as number, mase: r.mase as number, byHorizon: r.byHorizon as Scores['byHorizon'] });
  for (const [k, v] of Object.entries(base)) row(k, v);
}

const classifiers = pick(CLASSIFIERS);
if (classifiers.length) {
  console.log('\n| run | classes | test | accuracy | macro-F1 | mean recall | epochs | wall |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
}
for (const run of classifiers) {
  const { result: r, wall } = unrolled([...run.args, '--out', path.join('runs/results', run.name)]);
  const per = r.perClass as { recall: number }[];
  const recall = per.reduce((a, c) => a + c.recall, 0) / per.length;
  console.log(`| ${run.name} | ${(r.classes as string[]).length} | ${(r.sizes as { test: number }).test} | ${pct(r.testAccuracy as number)} | ${(r.testMacroF1 as number).toFixed(3)} | ${pct(recall)} | ${r.epochs} | ${wall.toFixed(1)} s |`);
}

const chars = pick(CHAR_MODELS);
if (chars.length) {
  console.log('\n| run | steps or epochs | validation (nats) | bits | wall |');
  console.log('|---|---:|---:|---:|---:|');
}
for (const run of chars) {
  const dir = path.join('runs/results', run.name);
  fs.mkdirSync(dir, { recursive: true });
  const { result: r, wall } = unrolled([...run.args, '--checkpoint', path.join(dir, 'checkpoint.json')]);
  const val = r.valLoss as number;
  console.log(`| ${run.name} | ${r.steps ?? r.epochs} | ${val.toFixed(3)} | ${(val / Math.LN2).toFixed(3)} | ${wall.toFixed(1)} s |`);
}

const translators = pick(TRANSLATORS);
if (translators.length) {
  console.log('\n| run | epochs | validation loss | test loss | exact match greedy / beam 5 | BLEU-4 greedy / beam 5 | wall |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
}
for (const run of translators) {
  const dir = path.join('runs/results', run.name);
  fs.mkdirSync(dir, { recursive: true });
  const { result: r, wall } = unrolled([...run.args, '--checkpoint', path.join(dir, 'checkpoint.json')]);
  type Test = { loss: number; exactMatch: number; bleu: number };
  const g = r.test as Test, b = r.testBeam as Test;
  console.log(`| ${run.name} | ${r.epochs} | ${(r.valLoss as number).toFixed(3)} | ${g.loss.toFixed(3)} | ${pct(g.exactMatch)} / ${pct(b.exactMatch)} | ${(100 * g.bleu).toFixed(1)} / ${(100 * b.bleu).toFixed(1)} | ${wall.toFixed(1)} s |`);
}

const speech = pick(SPEECH);
if (speech.length) {
  console.log('\n| run (digits: accuracy; sequence: digit error rate) | official split | george | jackson | lucas | nicolas | yweweler | mean held-out | wall |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
}
for (const run of speech) {
  const dir = path.join('runs/results', run.name);
  const { result: r, wall } = unrolled([...run.args, '--out', dir]);
  const s = r.speakers as Record<string, number>;
  const official = r.official as { accuracy: number } | undefined; // the sequence task has none; its figures are digit error rates
  console.log(`| ${run.name} | ${pct(official?.accuracy)} | ${['george', 'jackson', 'lucas', 'nicolas', 'yweweler'].map((n) => pct(s[n])).join(' | ')} | ${pct(r.mean as number)} | ${wall.toFixed(1)} s |`);
}

const caption = pick(CAPTION);
if (caption.length) {
  console.log('\n| run | exact match seen / unseen | BLEU-4 seen / unseen | slot accuracy seen / unseen | template baseline exact match seen / unseen | wall |');
  console.log('|---|---:|---:|---:|---:|---:|');
}
for (const run of caption) {
  const dir = path.join('runs/results', run.name);
  const { result: r, wall } = unrolled([...run.args, '--checkpoint', path.join(dir, 'checkpoint.json')]);
  type Scores = { exactMatch: number; bleu4: number; slotAccuracy: number };
  const seen = r.seen as Scores, unseen = r.unseen as Scores, template = (r.baselines as { template: { seen: Scores; unseen: Scores } }).template;
  console.log(`| ${run.name} | ${pct(seen.exactMatch)} / ${pct(unseen.exactMatch)} | ${(100 * seen.bleu4).toFixed(1)} / ${(100 * unseen.bleu4).toFixed(1)} | ${pct(seen.slotAccuracy)} / ${pct(unseen.slotAccuracy)} | ${pct(template.seen.exactMatch)} / ${pct(template.unseen.exactMatch)} | ${wall.toFixed(1)} s |`);
}
