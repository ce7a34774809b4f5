/**
 * The gradient-check matrix: every cell × {1, 2 layers} × {uni-, bidirectional} × {bias, no bias}
 * × {probe, many-to-one MSE, many-to-many cross-entropy}, on small sizes that all differ
 * (T = 3, B = 2, I = 4, H = 5, K = 7) so that a swapped axis cannot pass by luck; then the textbook
 * engine (lib/textbook) on four shapes per cell, one of them a variable-length batch; then every kind of
 * dropout at once, its masks held fixed (lib/layers/dropout.ts); then two LSTMs with a projection
 * (proj_size) and the merge modes sum, mul and ave.
 */
import { Mat, zeros } from '../kernels/tensor';
import { Rng, fillNormal } from '../kernels/random';
import { CellKind, CELL_KINDS } from '../cells/cell-params';
import { SequenceModel } from '../models/sequence-model';
import { Engine } from '../layers/recurrent';
import { MergeMode } from '../layers/merge';
import { Objective } from '../models/objectives';
import { GradcheckRow, gradcheckModel } from './gradcheck';

export type GradcheckObjective = Objective['type'];

export interface GradcheckConfig {
  mode: CellKind;
  numLayers: 1 | 2;
  bidirectional: boolean;
  bias: boolean;
  objective: GradcheckObjective;
  engine?: Engine; // default 'fast'
  lengths?: boolean; // a variable-length batch (the rows end after 3 and 1 steps); default false
  head?: 'mean'; // the head that pools every step (with ce_last); by default the objective's own
  dropout?: boolean; // input, between-layer, recurrent and output dropout, one fixed set of masks; default false
  mergeMode?: MergeMode; // how the bidirectional layers join their directions; default concat
  projSize?: number; // an LSTM's projection P (proj_size); default 0, none
}

export const SUITE_SIZES = { T: 3, B: 2, I: 4, H: 5, K: 7 };

/**
 * All 96 configurations of the fast engine, then 16 of the textbook one (one with variable lengths per cell),
 * then one mean-pooling head per cell (bidirectional, variable lengths, ce_last), then one CTC objective per
 * cell (bidirectional, variable lengths, per-step logits), in a stable order.
 */
export function gradcheckMatrix(): GradcheckConfig[] {
  const out: GradcheckConfig[] = [];
  for (const mode of CELL_KINDS) {
    for (const numLayers of [1, 2] as const) {
      for (const bidirectional of [false, true]) {
        for (const bias of [true, false]) {
          for (const objective of ['probe', 'mse_last', 'ce_all'] as const) out.push({ mode, numLayers, bidirectional, bias, objective });
        }
      }
    }
  }
  for (const mode of CELL_KINDS) {
    out.push({ mode, numLayers: 2, bidirectional: true, bias: true, objective: 'probe', engine: 'textbook' });
    out.push({ mode, numLayers: 1, bidirectional: false, bias: false, objective: 'ce_all', engine: 'textbook' });
    out.push({ mode, numLayers: 2, bidirectional: false, bias: true, objective: 'mse_last', engine: 'textbook' });
    out.push({ mode, numLayers: 1, bidirectional: true, bias: true, objective: 'probe', engine: 'textbook', lengths: true });
  }
  for (const mode of CELL_KINDS) out.push({ mode, numLayers: 1, bidirectional: true, bias: true, objective: 'ce_last', lengths: true, head: 'mean' });
  for (const mode of CELL_KINDS) out.push({ mode, numLayers: 1, bidirectional: true, bias: true, objective: 'ctc', lengths: true });
  for (const mode of CELL_KINDS) out.push({ mode, numLayers: 2, bidirectional: true, bias: true, objective: 'ce_all', lengths: true, dropout: true });
  out.push({ mode: 'lstm', numLayers: 1, bidirectional: false, bias: true, objective: 'probe', projSize: 3 });
  out.push({ mode: 'lstm', numLayers: 2, bidirectional: true, bias: false, objective: 'ce_all', lengths: true, projSize: 2 });
  for (const mergeMode of ['sum', 'mul', 'ave'] as const) out.push({ mode: 'lstm', numLayers: 2, bidirectional: true, bias: true, objective: 'ce_all', lengths: true, mergeMode });
  return out;
}

/** A short label: "lstm L2 bi nobias ce_all". */
export function configLabel(c: GradcheckConfig): string {
  return `${c.mode} L${c.numLayers} ${c.bidirectional ? 'bi' : 'uni'} ${c.bias ? 'bias' : 'nobias'} ${c.objective}${c.head ? ` ${c.head}-head` : ''}${c.lengths ? ' lengths' : ''}${c.engine === 'textbook' ? ' textbook' : ''}${c.dropout ? ' dropout' : ''}${c.mergeMode ? ` merge-${c.mergeMode}` : ''}${c.projSize ? ` proj${c.projSize}` : ''}`;
}

/** Builds the model and random inputs of one configuration from `seed` and checks every gradient. */
export function runGradcheckConfig(c: GradcheckConfig, seed = 1): GradcheckRow[] {
  const { T, B, I, H, K } = SUITE_SIZES;
  const rng = new Rng(seed);
  const model = new SequenceModel({
    mode: c.mode, inputSize: I, hiddenSize: H, numLayers: c.numLayers, bidirectional: c.bidirectional, bias: c.bias, seed, engine: c.engine ?? 'fast',
    ...(c.dropout ? { inputDropout: 0.2, dropout: 0.4, recurrentDropout: 0.3, outputDropout: 0.25 } : {}), mergeMode: c.mergeMode ?? 'concat', projSize: c.projSize ?? 0,
    head: c.head ? { mode: c.head, outFeatures: K } : c.objective === 'mse_last' || c.objective === 'ce_last' ? { mode: 'last', outFeatures: K } : c.objective === 'ce_all' || c.objective === 'ctc' ? { mode: 'all', outFeatures: K } : undefined,
  });
  if (c.dropout) model.setDropout({ seed: seed + 1, rowOffset: 0 }); // the same masks at every evaluation
  const D = c.bidirectional ? 2 : 1;
  const LD = c.numLayers * D;
  const randn = (shape: number[]): Mat => {
    const m = zeros(shape);
    fillNormal(m, rng);
    return m;
  };
  const x = randn([T, B, I]);
  const R = model.rnn.stateSize; // h's size: P with a projection; c keeps H
  const h0 = randn([LD, B, R]);
  const c0 = c.mode === 'lstm' ? randn([LD, B, H]) : null;
  let objective: Objective;
  if (c.objective === 'probe') {
    objective = { type: 'probe', G: randn([T, B, model.rnn.outputWidth]), Gh: randn([LD, B, R]), Gc: c0 ? randn([LD, B, H]) : null };
  } else if (c.objective === 'mse_last') {
    objective = { type: 'mse_last', target: randn([B, K]) };
  } else if (c.objective === 'ctc') {
    objective = { type: 'ctc', targets: [[1 + rng.int(K - 1), 1 + rng.int(K - 1)], [1 + rng.int(K - 1)]] }; // rows of 3 and 1 steps; blank 0
  } else if (c.objective === 'ce_last') {
    objective = { type: 'ce_last', targets: Array.from({ length: B }, () => rng.int(K)) };
  } else {
    objective = { type: 'ce_all', targets: Array.from({ length: T * B }, () => rng.int(K)) };
  }
  return gradcheckModel(model, { x, h0, c0, lengths: c.lengths ? [T, 1] : null }, objective);
}
