/**
 * The Lab page: the adding problem learned by a tanh RNN, an LSTM and a GRU in a Web Worker (lab-run.ts),
 * drawn live: the loss curves, the ‖∂L/∂h_t‖ heatmap of each model (layers × steps) and its verdict.
 * The page never trains itself, so it stays responsive while the worker does.
 */
import { CellKind } from '../../cells/cell-params';
import { lineChart, heatmap, Series } from '../../charts/svg';
import { LabSettings, LabModelReport, LAB_DEFAULTS } from '../lab-run';
import { FromWorker } from '../protocol';
import { byId, el, fmt, numberOf, startWorker } from './dom';

const NAMES: Record<CellKind, string> = { rnn_tanh: 'tanh RNN', rnn_relu: 'relu RNN', lstm: 'LSTM', gru: 'GRU' };
const num = (id: string) => numberOf(byId<HTMLInputElement>(id));
const status = byId('status');
const worker = startWorker();

let curves = new Map<CellKind, [number, number][]>();
let running = false, stopClicked = 0;
let active: LabSettings = LAB_DEFAULTS; // the settings of the run being drawn

function settings(): LabSettings {
  const cells = (['rnn_tanh', 'lstm', 'gru'] as CellKind[]).filter((c) => byId<HTMLInputElement>(`cell-${c}`).checked);
  const bias = byId<HTMLInputElement>('forget-bias').value.trim();
  return {
    ...LAB_DEFAULTS, cells, seqLen: num('T'), hidden: num('H'), layers: num('layers'), whhScale: num('whh-scale'),
    clip: byId<HTMLInputElement>('clip').checked, forgetBias: bias === '' ? null : Number(bias),
    optimizer: byId<HTMLSelectElement>('optimizer').value as LabSettings['optimizer'], lr: num('lr'), steps: num('lab-steps'), seed: num('seed'),
  };
}

function start(): void {
  const s = settings();
  active = s;
  curves = new Map(s.cells.map((c) => [c, []]));
  byId('models').replaceChildren(...s.cells.map((c) => el('div', { class: 'model', id: `model-${c}` }, el('h3', {}, NAMES[c]))));
  byId('loss-chart').replaceChildren();
  running = true;
  status.textContent = `training ${s.cells.map((c) => NAMES[c]).join(', ')} on the adding problem, T = ${s.seqLen} …`;
  status.dataset.state = 'running';
  status.dataset.step = '0';
  worker.send({ type: 'lab', settings: s });
}

/** `clicked`: when the browser took the click (the event's timeStamp), so a busy page would show in the delay. */
function stop(clicked: number): void {
  if (!running) return;
  stopClicked = clicked;
  status.textContent = 'stopping …';
  worker.send({ type: 'stop' });
}

/** One model's card: its numbers, verdict and heatmap. */
function drawModel(m: LabModelReport, T: number): void {
  const card = byId(`model-${m.cell}`);
  const curve = curves.get(m.cell) ?? [];
  if (curve.length) {
    card.dataset.firstLoss = String(curve[0][1]); // what a test reads: the loss at the first and the latest report
    card.dataset.lastLoss = String(curve[curve.length - 1][1]);
  }
  const rows = m.heat.map((_, l) => `layer ${l}`);
  const chart = m.heat.length ? heatmap({ title: `${NAMES[m.cell]}: ‖∂L/∂h_t‖ of the last batch`, xLabel: 'time step t', rows, values: m.heat, width: 560 }) : '';
  card.replaceChildren(
    el('h3', {}, NAMES[m.cell]),
    el('p', {}, el('span', { class: `verdict ${m.verdict}` }, m.verdict), `  step ${m.step} · horizon ${m.horizons.map((h) => `${h}/${T - 1}`).join(', ')} (per layer) · gradient norm ${fmt(m.gradNorm, 3)} (largest ${fmt(m.maxGradNorm, 3)}) · clipped ${m.clipped} · skipped (not finite) ${m.skipped}`
      + (m.firstExploding !== null && m.verdict !== 'EXPLODING' ? ` · was EXPLODING at step ${m.firstExploding}` : '')),
    el('p', { class: 'reasons' }, m.reasons.join('; ')),
  );
  const holder = el('div', { class: 'heatmap', 'data-rows': String(m.heat.length), 'data-cols': String(m.heat[0]?.length ?? 0) });
  holder.innerHTML = chart;
  card.append(holder);
}

function drawLoss(): void {
  const series: Series[] = [...curves].map(([cell, points]) => ({ name: NAMES[cell], points }));
  byId('loss-chart').innerHTML = lineChart({ title: 'Training loss (MSE; predicting the mean gives 0.167)', xLabel: 'training step', yLabel: 'MSE, mean of each report', logY: true, series, width: 640, height: 300 });
}

worker.onMessage((m: FromWorker) => {
  if (m.type === 'lab') {
    for (const r of m.models) {
      const finite = r.losses.filter(([, l]) => Number.isFinite(l));
      if (finite.length) curves.get(r.cell)?.push([r.losses[r.losses.length - 1][0], finite.reduce((a, [, l]) => a + l, 0) / finite.length]);
      drawModel(r, active.seqLen);
    }
    drawLoss();
    if (running && !stopClicked) status.textContent = `step ${m.step} · ${m.stepsPerSecond.toFixed(0)} steps/s per model`;
    status.dataset.step = String(m.step);
  } else if (m.type === 'stopped') {
    running = false;
    const ms = stopClicked ? performance.now() - stopClicked : null;
    status.textContent = m.reason === 'done' ? `done: ${m.step} steps` : `stopped at step ${m.step} (${(ms ?? 0).toFixed(0)} ms after the click)`;
    status.dataset.state = 'stopped';
    if (ms !== null) status.dataset.stopMs = ms.toFixed(1);
    stopClicked = 0;
  } else if (m.type === 'error') {
    running = false;
    status.textContent = `error: ${m.message}`;
    status.dataset.state = 'error';
  }
});

byId('start').addEventListener('click', start);
// Each optimizer's usual step: Adam's steps are bounded by its normalisation, SGD's scale with the gradient.
byId('optimizer').addEventListener('change', () => (byId<HTMLInputElement>('lr').value = byId<HTMLSelectElement>('optimizer').value === 'SGD' ? '0.5' : '0.01'));
byId('stop').addEventListener('click', (e) => stop(e.timeStamp));
