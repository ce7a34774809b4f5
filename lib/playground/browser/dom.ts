/** Small DOM helpers shared by the playground's pages, and the worker they train in. */
import type { ToWorker, FromWorker } from '../protocol';
import workerSource from 'playground:worker-source';

/** The element with this id (the pages' HTML defines them; a missing one is a bug in the page). */
export function byId<E extends HTMLElement = HTMLElement>(id: string): E {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no element #${id}`);
  return e as E;
}

/** An element with attributes and children. */
export function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** A number for reading: 6 significant digits, a true minus sign. */
export function fmt(v: number, digits = 6): string {
  if (!Number.isFinite(v)) return String(v);
  const s = Math.abs(v) !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6) ? v.toExponential(digits - 1) : v.toPrecision(digits);
  return s.replace('-', '−');
}

/** A span that shows `v` for reading and keeps every digit in data-value (and its tooltip). */
export function numberSpan(v: number, digits = 6): HTMLElement {
  const s = el('span', { class: 'num', 'data-value': String(v), title: String(v) }, fmt(v, digits));
  return s;
}

/** An integer or number input's value, clamped to its min and max. */
export function numberOf(input: HTMLInputElement): number {
  const v = Number(input.value);
  const lo = input.min === '' ? -Infinity : Number(input.min), hi = input.max === '' ? Infinity : Number(input.max);
  return Math.min(hi, Math.max(lo, Number.isFinite(v) ? v : Number(input.defaultValue)));
}

/** The training worker, started from code inside this page (a blob: URL works from file:// as from a server). */
export interface Trainer {
  send(message: ToWorker): void;
  onMessage(handler: (m: FromWorker) => void): void;
}

export function startWorker(): Trainer {
  const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  const worker = new Worker(url);
  const handlers: ((m: FromWorker) => void)[] = [];
  worker.onmessage = (e: MessageEvent<FromWorker>) => handlers.forEach((h) => h(e.data));
  worker.onerror = (e) => handlers.forEach((h) => h({ type: 'error', message: e.message }));
  return { send: (m) => worker.postMessage(m), onMessage: (h) => handlers.push(h) };
}
