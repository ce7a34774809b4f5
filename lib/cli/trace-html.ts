/**
 * The trace as a self-contained HTML stepper (`unrolled trace --html FILE`): forward, then backward, one
 * tagged quantity at a time, with its equation, the line of code that computed it and its numbers side by
 * side; the list of every step on the left. One file, no network: the trace is embedded as JSON and a
 * few lines of script step through it (buttons, or the arrow keys).
 */
import { Trace } from '../textbook/trace';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function traceHtml(trace: Trace): string {
  const { cell, steps, hidden, seed } = trace.options;
  const title = `BPTT, step by step: ${cell}, T = ${steps}, H = ${hidden}, seed ${seed}`;
  // `</` cannot close the script element from inside the JSON.
  const data = JSON.stringify(trace).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 22rem 1fr; height: 100vh; }
nav { overflow: auto; border-right: 1px solid #ccc; padding: .5rem; font-family: ui-monospace, monospace; font-size: 12px; }
nav div { cursor: pointer; padding: 1px 4px; white-space: nowrap; }
nav div.on { background: #ffe9a8; }
nav h3 { margin: .6rem 0 .2rem; font-family: system-ui, sans-serif; }
main { padding: 1rem 1.5rem; overflow: auto; }
.eq { font-size: 1.25rem; margin: .5rem 0; }
code, pre { font-family: ui-monospace, monospace; }
pre { background: #f4f4f4; padding: .6rem; overflow: auto; }
table { border-collapse: collapse; } td { border: 1px solid #ddd; padding: 2px 8px; text-align: right; font-family: ui-monospace, monospace; }
.phase-backward { color: #a33; } .phase-forward { color: #236; }
</style></head>
<body>
<nav id="list"></nav>
<main>
<h1>${escape(title)}</h1>
<p>A tiny network run by the textbook engine (lib/textbook): one layer, input width 1, one sequence,
loss L = Σ_t ½‖h_t − y_t‖² = ${trace.loss.toFixed(6)}. Forward runs t = 0 … T−1; backward runs from the last
step to the first, and the weights' gradients (dW) grow by one term per step: BPTT's sum over t.
Step with the buttons or the ← → keys. The equations: docs/cells/, docs/layers/bptt.md.</p>
<p><button id="prev">← back</button> <button id="next">next →</button> <span id="pos"></span></p>
<div id="now"></div>
</main>
<script type="application/json" id="trace">${data}</script>
<script>
const trace = JSON.parse(document.getElementById('trace').textContent);
const entries = trace.entries;
let at = 0;
const list = document.getElementById('list');
let phase = '';
entries.forEach((e, k) => {
  if (e.phase !== phase) { phase = e.phase; const h = document.createElement('h3'); h.textContent = phase === 'forward' ? 'forward, t = 0 … T−1' : 'backward, last step first'; list.appendChild(h); }
  const d = document.createElement('div');
  d.textContent = 't=' + e.t + '  (' + e.tag + ')  ' + e.name;
  d.className = 'phase-' + e.phase;
  d.onclick = () => show(k);
  list.appendChild(d);
});
const rows = (e) => {
  const [R, C] = e.shape.length === 2 ? e.shape : [1, e.values.length];
  let html = '<table>';
  for (let r = 0; r < R; r++) { html += '<tr>' + e.values.slice(r * C, (r + 1) * C).map((v) => '<td>' + v.toFixed(6) + '</td>').join('') + '</tr>'; }
  return html + '</table>';
};
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
function show(k) {
  at = Math.max(0, Math.min(entries.length - 1, k));
  const e = entries[at];
  [...list.querySelectorAll('div')].forEach((d, j) => d.classList.toggle('on', j === at));
  list.querySelectorAll('div')[at].scrollIntoView({ block: 'nearest' });
  document.getElementById('pos').textContent = (at + 1) + ' of ' + entries.length;
  document.getElementById('now').innerHTML =
    '<h2 class="phase-' + e.phase + '">' + e.phase + ', step t = ' + e.t + ': ' + esc(e.name) + '  [' + e.shape.join(',') + ']</h2>' +
    '<div class="eq">(' + esc(e.tag) + ')  ' + esc(e.equation || '') + '</div>' +
    (e.source ? '<p>computed by ' + esc(e.source.file) + ':' + e.source.line + '</p><pre>' + esc(e.source.text) + '</pre>' : '') +
    rows(e);
}
document.getElementById('prev').onclick = () => show(at - 1);
document.getElementById('next').onclick = () => show(at + 1);
document.addEventListener('keydown', (ev) => { if (ev.key === 'ArrowRight') show(at + 1); if (ev.key === 'ArrowLeft') show(at - 1); });
show(0);
</script>
</body></html>
`;
}
