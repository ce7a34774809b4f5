/**
 * Reading the checkpoint of an image captioner (written by the Trainer while `unrolled caption --train`
 * runs): one JSON file, as the encoder–decoder's (seq2seq-checkpoint.ts) but for a Captioner.
 *                                                                             docs: docs/training/training.md
 *   format, format_version   "unrolled-captioner", 1
 *   model                    CaptionerConfig
 *   weights                  every parameter under its dotted name ("encoder.rnn.weight_ih_l0", …)
 *   task                     { name: "caption", vocabulary, imageRows, pixelScale, … }
 *   optimizer … trainer      the training run's state (checkpoint.ts); the best validated weights are in
 *                            trainer.bestWeights, which `{ best: true }` loads
 */
import { ValueError } from '../kernels/tensor';
import { assertCellKind } from '../cells/cell-params';
import { Captioner, CaptionerConfig } from '../models/captioner';
import { loadStateDict } from '../models/state-dict';
import { readCheckpointJson } from './checkpoint';

export const CAPTION_FORMAT = 'unrolled-captioner';
export const CAPTION_VERSION = 1;

/** Checks a captioner's architecture (`Captioner.toConfig()`); `what` names it in errors. */
export function checkCaptionerConfig(config: unknown, what: string): CaptionerConfig {
  const m = config as Record<string, unknown>;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new ValueError(`${what}: expected an object`);
  assertCellKind(m.mode, `${what}.mode`);
  for (const k of ['imageRows', 'bands', 'encoderSize', 'targetVocabSize', 'embeddingSize', 'hiddenSize', 'numLayers']) {
    if (!Number.isInteger(m[k]) || (m[k] as number) < 1) throw new ValueError(`${what}.${k}: expected an integer >= 1, got ${JSON.stringify(m[k])}`);
  }
  if (m.regions !== undefined && m.regions !== 'columns' && m.regions !== 'columns+rows') throw new ValueError(`${what}.regions: expected "columns" or "columns+rows", got ${JSON.stringify(m.regions)}`);
  if (m.regions === 'columns+rows' && !(Number.isInteger(m.imageCols) && (m.imageCols as number) >= 1)) throw new ValueError(`${what}.imageCols: expected an integer >= 1 with regions "columns+rows", got ${JSON.stringify(m.imageCols)}`);
  return m as unknown as CaptionerConfig;
}

/** Builds the captioner of a parsed checkpoint (format, architecture, every weight's name and shape checked). */
export function captionerFromJson(parsed: unknown, what: string, options: { best?: boolean } = {}): { model: Captioner; task: Record<string, unknown> } {
  const json = parsed as Record<string, unknown>;
  if (typeof json !== 'object' || json === null) throw new ValueError(`${what}: expected a JSON object`);
  if (json.format !== CAPTION_FORMAT) throw new ValueError(`${what}: format: expected "${CAPTION_FORMAT}", got ${JSON.stringify(json.format)}`);
  if (json.format_version !== CAPTION_VERSION) throw new ValueError(`${what}: format_version: expected ${CAPTION_VERSION}, got ${JSON.stringify(json.format_version)}`);
  const model = new Captioner(checkCaptionerConfig(json.model, `${what}: model`));
  const task = json.task as Record<string, unknown> | null;
  if (typeof task?.name !== 'string') throw new ValueError(`${what}: task: expected an object with a name`);
  const best = options.best ? (json.trainer as { bestWeights?: unknown } | null | undefined)?.bestWeights ?? null : null;
  loadStateDict(model, best ?? json.weights, best ? `${what}: trainer.bestWeights` : `${what}: weights`);
  return { model, task };
}

/** Reads a captioner checkpoint file (its best validated weights where it holds them). */
export function readCaptionerCheckpoint(file: string): { model: Captioner; task: Record<string, unknown> } {
  return captionerFromJson(readCheckpointJson(file), `checkpoint ${file}`, { best: true });
}
