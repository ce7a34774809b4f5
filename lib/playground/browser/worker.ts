/**
 * The playground's Web Worker: it trains off the page's thread, so typing, scrolling and Stop stay
 * immediate. It trains in slices of SLICE_MS and yields between them (setTimeout 0), which is when a
 * message such as Stop is handled; after each slice it posts what the page draws.
 */
import { ToWorker, FromWorker, SLICE_MS } from '../protocol';
import { LabRun } from '../lab-run';
import { TextRun } from '../text-run';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((e: { data: ToWorker }) => void) | null;
}
const scope = self as unknown as WorkerScope;

let run: LabRun | TextRun | null = null;
let generation = 0; // a new start or a stop ends the loop of the previous run

scope.onmessage = (e) => {
  const m = e.data;
  try {
    if (m.type === 'stop') {
      generation++;
      scope.postMessage({ type: 'stopped', step: run?.step ?? 0, reason: 'stop' });
    } else if (m.type === 'lab' || m.type === 'text') {
      generation++;
      run = m.type === 'lab' ? new LabRun(m.settings) : new TextRun(m.settings);
      loop(generation, performance.now());
    } else if (m.type === 'sample') {
      if (!(run instanceof TextRun)) throw new Error('sample: start training a text model first');
      scope.postMessage({ type: 'sample', step: run.step, text: run.sample(m.prime, m.length, m.temperature, m.seed) });
    }
  } catch (err) {
    generation++;
    scope.postMessage({ type: 'error', message: (err as Error).message });
  }
};

/** One slice of training, a report, and the next slice queued behind any message that has arrived. */
function loop(gen: number, started: number): void {
  if (gen !== generation || run === null) return;
  const r = run;
  try {
    const until = performance.now() + SLICE_MS;
    do r.advance();
    while (!r.done && performance.now() < until);
    const stepsPerSecond = r.step / Math.max(1e-3, (performance.now() - started) / 1000);
    if (r instanceof LabRun) scope.postMessage({ type: 'lab', step: r.step, stepsPerSecond, models: r.report() });
    else scope.postMessage({ type: 'text', report: r.report(), stepsPerSecond });
  } catch (err) {
    generation++;
    scope.postMessage({ type: 'error', message: (err as Error).message });
    return;
  }
  if (r.done) {
    generation++;
    scope.postMessage({ type: 'stopped', step: r.step, reason: 'done' });
    return;
  }
  setTimeout(() => loop(gen, started), 0);
}
