/**
 * The Lab page's training, as its Web Worker runs it: the adding problem learned by a tanh RNN, an LSTM
 * and a GRU side by side, one Trainer each, stepped in turn. After every few steps it reports what the
 * page draws: the loss, ‖∂L/∂h_t‖ of the last training batch for every layer and step (the heatmap),
 * and the verdict and horizon of a fixed probe batch (lib/diagnostics/profile.ts). No DOM here: the
 * worker (worker.ts) calls it, and a spec runs it in Node.                 docs: docs/vanishing-and-exploding.md
 */
import { checkInteger } from './settings';
import { Mat } from '../kernels/tensor';
import { Rng } from '../kernels/random';
import { CellKind } from '../cells/cell-params';
import { SequenceModel } from '../models/sequence-model';
import { createOptimizer } from '../training/optimizers';
import { Trainer, StepInfo } from '../training/trainer';
import { AddingProblem, addingDatasets } from '../tasks/adding';
import { temporalProfile, verdictOf, Verdict } from '../diagnostics/profile';

export interface LabSettings {
  cells: CellKind[]; // which models to train, side by side
  seqLen: number; // T
  hidden: number; // H
  layers: number; // stacked layers
  whhScale: number; // W_hh multiplied by this after initialisation (> 1 to make gradients explode)
  clip: boolean; // clip the global gradient norm to 1
  forgetBias: number | null; // the LSTM's forget-gate bias at initialisation; null keeps PyTorch's draw
  optimizer: 'Adam' | 'SGD'; // SGD with a large step shows an explosion that Adam's bounded steps hide
  lr: number;
  steps: number; // training steps per model
  seed: number;
}

export const LAB_DEFAULTS: LabSettings = {
  cells: ['rnn_tanh', 'lstm', 'gru'], seqLen: 20, hidden: 16, layers: 1, whhScale: 1, clip: true, forgetBias: null, optimizer: 'Adam', lr: 0.01, steps: 600, seed: 1,
};

/** What one model has done since the last report, and how its gradients flow now. */
export interface LabModelReport {
  cell: CellKind;
  step: number;
  losses: [number, number][]; // (step, training loss) since the last report
  heat: number[][]; // [layer][t]: ‖∂L/∂h_t‖ of the last applied training batch
  skipped: number; // steps skipped because a loss or gradient was not finite, so far
  clipped: number; // steps whose gradient was clipped, so far
  gradNorm: number; // the global norm of the last step, before clipping
  maxGradNorm: number; // the largest so far (Infinity once a step was not finite)
  firstExploding: number | null; // the first report's step whose verdict was EXPLODING
  verdict: Verdict;
  reasons: string[];
  horizons: number[]; // per layer: steps back the probe's signal reaches (of seqLen − 1)
}

interface Run {
  cell: CellKind;
  trainer: Trainer;
  losses: [number, number][];
  last: StepInfo | null;
  skipped: number;
  clipped: number;
  maxGradNorm: number;
  firstExploding: number | null;
}

/** Checks the settings a page sends; each problem names the control. */
export function checkLabSettings(s: LabSettings): void {
  checkInteger(s.seqLen, 2, 200, 'T');
  checkInteger(s.hidden, 1, 128, 'H');
  checkInteger(s.layers, 1, 3, 'layers');
  checkInteger(s.steps, 1, 100000, 'steps');
  if (!(s.whhScale > 0 && s.whhScale <= 20)) throw new RangeError(`W_hh scale: expected a number in (0, 20], got ${s.whhScale}`);
  if (s.forgetBias !== null && !(Math.abs(s.forgetBias) <= 10)) throw new RangeError(`forget-gate bias: expected a number in [−10, 10], got ${s.forgetBias}`);
  if (!(s.lr > 0 && s.lr <= 1)) throw new RangeError(`learning rate: expected a number in (0, 1], got ${s.lr}`);
  if (s.optimizer !== 'Adam' && s.optimizer !== 'SGD') throw new RangeError(`optimizer: expected Adam or SGD, got ${s.optimizer}`);
  if (s.cells.length === 0) throw new RangeError('cells: choose at least one of tanh RNN, LSTM, GRU');
}

export class LabRun {
  private readonly runs: Run[];
  private readonly probe: Mat;

  constructor(readonly settings: LabSettings) {
    checkLabSettings(settings);
    const s = settings;
    const { train, validation } = addingDatasets({ seqLen: s.seqLen, trainSize: 2048, valSize: 256, dataSeed: s.seed });
    this.probe = new AddingProblem(32, s.seqLen, new Rng(s.seed + 1)).batch([...Array(32).keys()]).batch.x;
    this.runs = s.cells.map((cell) => {
      const model = new SequenceModel({ mode: cell, inputSize: 2, hiddenSize: s.hidden, numLayers: s.layers, seed: s.seed, head: { mode: 'last', outFeatures: 1 } });
      prepareWeights(model, cell, s);
      const run: Run = { cell, trainer: null as unknown as Trainer, losses: [], last: null, skipped: 0, clipped: 0, maxGradNorm: 0, firstExploding: null };
      run.trainer = new Trainer(model, createOptimizer(s.optimizer, { lr: s.lr }), train, validation, {
        batchSize: 32, maxSteps: s.steps, seed: s.seed, clip: s.clip ? { maxNorm: 1 } : null, maxNonFiniteSteps: Number.MAX_SAFE_INTEGER,
      });
      return run;
    });
  }

  /** The number of steps every model has taken. */
  get step(): number {
    return Math.min(...this.runs.map((r) => r.trainer.counters.step));
  }

  get done(): boolean {
    return this.step >= this.settings.steps;
  }

  /** One training step of every model (those that have steps left). */
  advance(): void {
    for (const r of this.runs) {
      if (r.trainer.counters.step >= this.settings.steps) continue;
      const info = r.trainer.step();
      r.losses.push([info.step, info.loss]);
      if (!info.applied) r.skipped++;
      if (info.clip?.clipped) r.clipped++;
      r.maxGradNorm = Number.isFinite(info.gradNorm) ? Math.max(r.maxGradNorm, info.gradNorm) : Infinity;
      if (info.applied || r.last === null) r.last = info;
    }
  }

  /** What the page draws; the losses are handed over once (each report has only the new ones). */
  report(): LabModelReport[] {
    return this.runs.map((r) => {
      const model = r.trainer.model;
      const profiles = temporalProfile(model.rnn, this.probe);
      const v = verdictOf(profiles, r.last ? r.last.gradNorm : null);
      if (v.verdict === 'EXPLODING' && r.firstExploding === null) r.firstExploding = r.trainer.counters.step;
      const losses = r.losses;
      r.losses = [];
      return {
        cell: r.cell, step: r.trainer.counters.step, losses, skipped: r.skipped, clipped: r.clipped, gradNorm: r.last?.gradNorm ?? NaN, maxGradNorm: r.maxGradNorm, firstExploding: r.firstExploding,
        heat: (r.last?.stepGradNorms ?? []).filter((g) => g.direction === 0).map((g) => Array.from(g.h)),
        verdict: v.verdict, reasons: v.reasons, horizons: profiles.filter((p) => p.direction === 0).map((p) => p.horizon),
      };
    });
  }
}

/** The W_hh scale (every layer) and, for an LSTM, the forget-gate bias (b_if = bias, b_hf = 0: the gate reads their sum). */
function prepareWeights(model: SequenceModel, cell: CellKind, s: LabSettings): void {
  for (const layer of model.rnn.params) {
    for (const p of layer) {
      const w = p.weight_hh.data;
      for (let k = 0; k < w.length; k++) w[k] *= s.whhScale;
      if (cell === 'lstm' && s.forgetBias !== null) {
        for (let j = 0; j < s.hidden; j++) {
          p.bias_ih?.set(s.hidden + j, s.forgetBias);
          p.bias_hh?.set(s.hidden + j, 0);
        }
      }
    }
  }
}
