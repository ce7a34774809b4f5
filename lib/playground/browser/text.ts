/**
 * The Text page: a character language model trained in a Web Worker (text-run.ts) on any text the reader
 * pastes, or on a built-in sample, and sampled from with a temperature while it learns.
 */
import { CellKind } from '../../cells/cell-params';
import { lineChart } from '../../charts/svg';
import { TEXT_DEFAULTS, TextSettings } from '../text-run';
import { SAMPLES } from '../samples';
import { FromWorker } from '../protocol';
import { byId, el, numberOf, startWorker } from './dom';

const num = (id: string) => numberOf(byId<HTMLInputElement>(id));
const textArea = byId<HTMLTextAreaElement>('text'), sampleSelect = byId<HTMLSelectElement>('sample');
const temperature = byId<HTMLInputElement>('temperature'), status = byId('status');
const worker = startWorker();

let train: [number, number][] = [], val: [number, number][] = [];
let running = false, samples = 0;

SAMPLES.forEach((s, k) => sampleSelect.append(el('option', { value: String(k) }, s.name)));
sampleSelect.addEventListener('change', () => (textArea.value = SAMPLES[Number(sampleSelect.value)].text()));
textArea.value = SAMPLES[0].text();
const showTemperature = () => (byId('temperature-value').textContent = Number(temperature.value).toFixed(2));
temperature.addEventListener('input', showTemperature);
showTemperature();

function start(): void {
  const s: TextSettings = {
    ...TEXT_DEFAULTS, text: textArea.value, cell: byId<HTMLSelectElement>('cell').value as CellKind, hidden: num('H'),
    seqLen: num('chunk'), steps: num('text-steps'), lr: num('lr'), seed: num('seed'),
  };
  train = [];
  val = [];
  running = true;
  status.textContent = 'starting …';
  status.dataset.state = 'running';
  status.dataset.step = '0';
  worker.send({ type: 'text', settings: s });
}

function requestSample(): void {
  worker.send({ type: 'sample', prime: byId<HTMLInputElement>('prime').value || '\n', length: num('length'), temperature: Number(temperature.value), seed: ++samples });
}

function drawLoss(): void {
  byId('loss-chart').innerHTML = lineChart({
    title: 'Loss per character (nats): training batches and the held-out tenth', xLabel: 'training step', yLabel: 'nats per character', width: 640, height: 280,
    series: [{ name: 'training', points: train }, { name: 'held out', points: val }],
  });
}

worker.onMessage((m: FromWorker) => {
  if (m.type === 'text') {
    const r = m.report;
    if (r.losses.length) train.push([r.losses[r.losses.length - 1][0], r.losses.reduce((a, [, l]) => a + l, 0) / r.losses.length]);
    if (r.valLoss) {
      val.push(r.valLoss);
      requestSample(); // a new sample at every validation, with the temperature set now
    }
    drawLoss();
    status.textContent = `step ${r.step} · ${r.symbols} symbols, ${r.trainChars} training and ${r.valChars} held-out characters · ${m.stepsPerSecond.toFixed(1)} steps/s`;
    status.dataset.step = String(r.step);
  } else if (m.type === 'sample') {
    const out = byId('sample-out');
    out.textContent = m.text;
    out.dataset.step = String(m.step);
    byId('sample-title').textContent = `Sample after ${m.step} steps, temperature ${Number(temperature.value).toFixed(2)}`;
    byId('history').prepend(el('details', {}, el('summary', {}, `step ${m.step}`), el('pre', {}, m.text)));
  } else if (m.type === 'stopped') {
    running = false;
    status.textContent = `${m.reason === 'done' ? 'done' : 'stopped'} at step ${m.step}; “sample now” still samples from the model as it is`;
    status.dataset.state = 'stopped';
  } else if (m.type === 'error') {
    running = false;
    status.textContent = `error: ${m.message}`;
    status.dataset.state = 'error';
  }
});

byId('start').addEventListener('click', start);
byId('stop').addEventListener('click', () => running && worker.send({ type: 'stop' }));
byId('sample-now').addEventListener('click', requestSample);
