/**
 * The gradient-flow laboratory, on the adding problem: the temporal profiles of tanh RNN, relu RNN, LSTM
 * and GRU at initialisation and after the same training budget, their loss curves, and an exploding
 * tanh RNN with and without gradient clipping. Writes SVG charts, an HTML report and a JSON summary.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../kernels/random';
import { CellKind, CELL_KINDS } from '../cells/cell-params';
import { SequenceModel } from '../models/sequence-model';
import { createOptimizer } from '../training/optimizers';
import { Trainer, StepInfo } from '../training/trainer';
import { AddingProblem, addingDatasets, ADDING_BASELINE_MSE } from '../tasks/adding';
import { temporalProfile, verdictOf, LayerProfile, VerdictReport } from './profile';
import { formatProfile } from './measurements';
import { lineChart, heatmap, Series } from '../charts/svg';

export interface LabOptions {
  seqLen: number;
  hidden: number;
  steps: number;
  seed: number;
  out: string;
  workers: number;
  log: (line: string) => void;
}

export interface LabModelResult {
  cell: CellKind;
  horizonAtInit: number;
  verdictAtInit: VerdictReport;
  horizon: number;
  verdict: VerdictReport;
  finalValLoss: number;
  seconds: number;
}

export interface LabResult {
  models: LabModelResult[];
  forgetBias1: { horizon: number; ratePerStep: number; verdict: string }; // the LSTM's profile at initialisation with b_f = 1
  exploding: {
    verdict: VerdictReport; firstNonFinite: string | null; clippedNonFiniteSteps: number; clippedValLoss: number;
    normsBeforeClipping: { p10: number; median: number; p90: number; max: number }; // the global gradient norm of the clipped run's steps
  };
  files: string[]; // the files written, relative to the output folder
  seconds: number;
}

const NAMES: Record<CellKind, string> = { rnn_tanh: 'tanh RNN', rnn_relu: 'relu RNN', lstm: 'LSTM', gru: 'GRU' };

function profileSeries(name: string, p: LayerProfile): Series {
  return { name, points: p.stepsBack.map((v, k) => [k, v] as [number, number]) };
}

export function runLab(o: LabOptions): LabResult {
  const started = Date.now();
  fs.mkdirSync(o.out, { recursive: true });
  const files: string[] = [];
  const write = (name: string, text: string) => {
    const file = path.join(o.out, name);
    fs.writeFileSync(file, text);
    files.push(name);
  };
  const probe = new AddingProblem(32, o.seqLen, new Rng(o.seed + 1)).batch([...Array(32).keys()]).batch.x;
  const { train, validation } = addingDatasets({ seqLen: o.seqLen, trainSize: 4096, valSize: 512, dataSeed: o.seed });
  const models: LabModelResult[] = [];
  const initSeries: Series[] = [], trainedSeries: Series[] = [], lossSeries: Series[] = [], heatRows: string[] = [], heatValues: number[][] = [];

  o.log(`1. Temporal profiles at initialisation and after ${o.steps} training steps (adding problem, T=${o.seqLen}, H=${o.hidden})`);
  for (const cell of CELL_KINDS) {
    const model = new SequenceModel({ mode: cell, inputSize: 2, hiddenSize: o.hidden, seed: o.seed, head: { mode: 'last', outFeatures: 1 } });
    const [p0] = temporalProfile(model.rnn, probe);
    const v0 = verdictOf([p0]);
    initSeries.push(profileSeries(NAMES[cell], p0));
    o.log(formatProfile(`${NAMES[cell]} at initialisation`, [p0], v0));

    const t0 = Date.now();
    const losses: [number, number][] = [];
    const trainer = new Trainer(model, createOptimizer('Adam', { lr: 0.01 }), train, validation, {
      batchSize: 32, maxSteps: o.steps, evalEvery: Math.max(1, Math.floor(o.steps / 20)), clip: { maxNorm: 1 }, seed: o.seed, workers: o.workers,
      onEval: (e) => losses.push([e.step, e.valLoss]),
    });
    const r = trainer.run();
    const [p1] = temporalProfile(model.rnn, probe);
    const v1 = verdictOf([p1]);
    trainedSeries.push(profileSeries(NAMES[cell], p1));
    lossSeries.push({ name: NAMES[cell], points: losses });
    heatRows.push(NAMES[cell]);
    heatValues.push(p1.norms);
    const seconds = (Date.now() - t0) / 1000;
    models.push({ cell, horizonAtInit: p0.horizon, verdictAtInit: v0, horizon: p1.horizon, verdict: v1, finalValLoss: r.valLoss as number, seconds });
    o.log(`   trained ${o.steps} steps in ${seconds.toFixed(0)} s: best validation MSE ${(r.valLoss as number).toPrecision(3)} (baseline ${ADDING_BASELINE_MSE.toFixed(3)})`);
    o.log(formatProfile(`${NAMES[cell]} after training`, [p1], v1));
  }
  // The usual remedy for an LSTM that forgets at initialisation (f_t ≈ σ(0) = 0.5): a forget-gate bias of 1,
  // so that f_t starts near σ(1) ≈ 0.73 (b_if = 1, b_hf = 0: the sum the gate reads is 1).
  const biased = new SequenceModel({ mode: 'lstm', inputSize: 2, hiddenSize: o.hidden, seed: o.seed, head: { mode: 'last', outFeatures: 1 } });
  const { bias_ih, bias_hh } = biased.rnn.params[0][0];
  for (let j = 0; j < o.hidden; j++) {
    bias_ih?.set(o.hidden + j, 1);
    bias_hh?.set(o.hidden + j, 0);
  }
  const [pf] = temporalProfile(biased.rnn, probe);
  const forgetBias1 = { horizon: pf.horizon, ratePerStep: pf.ratePerStep, verdict: verdictOf([pf]).verdict };
  initSeries.push(profileSeries('LSTM, forget bias 1', pf));
  o.log(formatProfile('LSTM with forget-gate bias 1, at initialisation', [pf], verdictOf([pf])));

  // The exploding case: a tanh RNN whose recurrent weights are scaled up, trained without and with clipping.
  o.log('\n2. Exploding gradients: tanh RNN with W_hh scaled ×4, SGD lr 0.5');
  const explodingModel = () => {
    const m = new SequenceModel({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: o.hidden, seed: o.seed, head: { mode: 'last', outFeatures: 1 } });
    for (const v of m.rnn.params[0][0].weight_hh.data.keys()) m.rnn.params[0][0].weight_hh.data[v] *= 4;
    return m;
  };
  const m0 = explodingModel();
  const pe = temporalProfile(m0.rnn, probe);
  let firstNonFinite: string | null = null;
  let maxNorm = 0;
  const noClip = new Trainer(m0, createOptimizer('SGD', { lr: 0.5 }), train, null, {
    batchSize: 32, maxSteps: Math.min(o.steps, 300), seed: o.seed, maxNonFiniteSteps: 1000,
    onStep: (s: StepInfo) => {
      if (s.nonFinite && !firstNonFinite) firstNonFinite = `step ${s.step}: ${s.nonFinite.message}`;
      maxNorm = Number.isFinite(s.gradNorm) ? Math.max(maxNorm, s.gradNorm) : Infinity;
    },
  });
  noClip.run();
  const ve = verdictOf(pe, maxNorm);
  o.log(formatProfile('tanh RNN ×4, no clipping', pe, ve));
  o.log(`   first non-finite value: ${firstNonFinite ?? 'none within the budget'}`);
  let clippedNonFinite = 0;
  const gradNorms: [number, number][] = [];
  const clipMarks: { x: number; label: string }[] = [];
  const clipped = new Trainer(explodingModel(), createOptimizer('SGD', { lr: 0.5 }), train, validation, {
    batchSize: 32, maxSteps: Math.min(o.steps, 300), seed: o.seed, clip: { maxNorm: 1 }, evalEvery: 50,
    onStep: (s: StepInfo) => {
      if (s.nonFinite) clippedNonFinite++;
      gradNorms.push([s.step, s.gradNorm]);
      if (s.clip?.clipped) clipMarks.push({ x: s.step, label: `clipped at step ${s.step}` });
    },
  });
  const rc = clipped.run();
  const sorted = gradNorms.map(([, n]) => n).filter(Number.isFinite).sort((a, b) => a - b);
  const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const normsBeforeClipping = { p10: quantile(0.1), median: quantile(0.5), p90: quantile(0.9), max: sorted[sorted.length - 1] ?? NaN };
  o.log(`   with clipping to norm 1: ${clippedNonFinite} non-finite steps, ${clipMarks.length} clipped, validation MSE ${(rc.valLoss as number).toPrecision(3)}; `
    + `global norm before clipping: 10th percentile ${normsBeforeClipping.p10.toPrecision(3)}, median ${normsBeforeClipping.median.toPrecision(3)}, 90th ${normsBeforeClipping.p90.toPrecision(3)}, max ${normsBeforeClipping.max.toPrecision(3)}`);

  write('profiles-init.svg', lineChart({ title: `Gradient reaching each step at initialisation (T=${o.seqLen})`, xLabel: 'steps back from the last step', yLabel: '‖∂L_T/∂h_t‖ (LSTM: of (h_t, c_t) together)', logY: true, series: initSeries }));
  write('profiles-trained.svg', lineChart({ title: `Gradient reaching each step after ${o.steps} training steps`, xLabel: 'steps back from the last step', yLabel: '‖∂L_T/∂h_t‖ (LSTM: of (h_t, c_t) together)', logY: true, series: trainedSeries }));
  write('heatmap-trained.svg', heatmap({ title: '‖∂L_T/∂h_t‖ after training (LSTM: of (h_t, c_t)), model × time step', xLabel: 'time step t', rows: heatRows, values: heatValues }));
  const deep = new SequenceModel({ mode: 'lstm', inputSize: 2, hiddenSize: o.hidden, numLayers: 2, bidirectional: true, seed: o.seed });
  const layers = temporalProfile(deep.rnn, probe);
  write('heatmap-layers.svg', heatmap({
    title: '‖∂L_T/∂h_t‖ of a 2-layer bidirectional LSTM at initialisation, layer × time step', xLabel: 'time step t',
    rows: layers.map((p) => `layer ${p.layer}${p.direction === 1 ? ' reverse' : ''}`), values: layers.map((p) => p.norms),
  }));
  write('loss.svg', lineChart({ title: 'Validation MSE while training (baseline 0.167)', xLabel: 'training step', yLabel: 'validation MSE', logY: true, series: lossSeries }));
  write('exploding.svg', lineChart({ title: 'tanh RNN, W_hh ×4, with clipping: gradient norm before clipping', xLabel: 'training step', yLabel: 'global gradient norm', logY: true, series: [{ name: 'norm', points: gradNorms }], markers: clipMarks }));
  const result: LabResult = {
    models, forgetBias1, exploding: { verdict: ve, firstNonFinite, clippedNonFiniteSteps: clippedNonFinite, clippedValLoss: rc.valLoss as number, normsBeforeClipping }, files, seconds: (Date.now() - started) / 1000,
  };
  o.log('\nSummary');
  o.log(`  ${'model'.padEnd(10)} ${'horizon at init'.padStart(15)} ${'horizon trained'.padStart(15)} ${'verdict trained'.padStart(16)} ${'best val MSE'.padStart(13)}`);
  for (const m of models) {
    o.log(`  ${NAMES[m.cell].padEnd(10)} ${`${m.horizonAtInit}/${o.seqLen - 1}`.padStart(15)} ${`${m.horizon}/${o.seqLen - 1}`.padStart(15)} ${m.verdict.verdict.padStart(16)} ${m.finalValLoss.toPrecision(3).padStart(13)}`);
  }
  o.log(`  tanh RNN ×4: ${ve.verdict}; first non-finite without clipping: ${firstNonFinite ?? 'none'}; with clipping: ${clippedNonFinite} non-finite steps`);
  o.log(`  (horizon k/${o.seqLen - 1}: the steps back before the signal falls below 10⁻³ of its last-step value; VANISHING unless it reaches all ${o.seqLen - 1}: ${o.seqLen - 2}/${o.seqLen - 1} is still VANISHING, by one step)`);
  write('summary.json', JSON.stringify(result, null, 2) + '\n');
  write('report.html', report(result, o));
  return result;
}

function report(r: LabResult, o: LabOptions): string {
  const svg = (name: string) => fs.readFileSync(path.join(o.out, name), 'utf8');
  const rows = r.models.map((m) => `<tr><td>${NAMES[m.cell]}</td><td>${m.horizonAtInit}</td><td>${m.verdictAtInit.verdict}</td><td>${m.horizon}</td><td>${m.verdict.verdict}</td><td>${m.finalValLoss.toPrecision(3)}</td></tr>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Gradient-flow laboratory</title>
<style>body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child{text-align:left}</style></head><body>
<h1>Gradient-flow laboratory</h1>
<p>Adding problem, T = ${o.seqLen}, hidden size ${o.hidden}, ${o.steps} training steps per model (Adam, lr 0.01, clipping at norm 1), seed ${o.seed}. Horizon: steps back over which ‖∂L_T/∂h_t‖ stays above 0.001 of its value at the last step (at most ${o.seqLen - 1}).</p>
<table><tr><th>model</th><th>horizon at init</th><th>verdict at init</th><th>horizon trained</th><th>verdict trained</th><th>best validation MSE</th></tr>
${rows}</table>
<p>Exploding case (tanh RNN, W_hh ×4, SGD lr 0.5): ${r.exploding.verdict.verdict} — ${r.exploding.verdict.reasons.join('; ')}. First non-finite value: ${r.exploding.firstNonFinite ?? 'none within the budget'}. With clipping: ${r.exploding.clippedNonFiniteSteps} non-finite steps, validation MSE ${r.exploding.clippedValLoss.toPrecision(3)}.</p>
${svg('profiles-init.svg')}
${svg('profiles-trained.svg')}
${svg('heatmap-trained.svg')}
${svg('heatmap-layers.svg')}
${svg('loss.svg')}
${svg('exploding.svg')}
</body></html>
`;
}
