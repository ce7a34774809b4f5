/**
 * The messages between a playground page and its Web Worker. The page sends settings and commands; the
 * worker trains in slices of about 30 ms, and between slices reads its messages, so a Stop is seen
 * within one slice while the page itself never waits.
 */
import { LabSettings, LabModelReport } from './lab-run';
import { TextSettings, TextReport } from './text-run';

export type ToWorker =
  | { type: 'lab'; settings: LabSettings }
  | { type: 'text'; settings: TextSettings }
  | { type: 'sample'; prime: string; length: number; temperature: number; seed: number }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'lab'; step: number; stepsPerSecond: number; models: LabModelReport[] }
  | { type: 'text'; report: TextReport; stepsPerSecond: number }
  | { type: 'sample'; step: number; text: string }
  | { type: 'stopped'; step: number; reason: 'stop' | 'done' }
  | { type: 'error'; message: string };

/** How long the worker trains before it looks at its messages again (ms). */
export const SLICE_MS = 30;
