/**
 * The gradient check of the encoder–decoder: every parameter of a whole Seq2Seq model (embeddings,
 * encoder, attention, decoder, output layer) against central differences of its masked loss, on a batch
 * of three sentence pairs of different lengths in which one row reads its own argmax (free-running).
 */
import { clone } from '../kernels/tensor';
import { CellKind, CELL_KINDS } from '../cells/cell-params';
import { Seq2Seq } from '../models/seq2seq';
import { Captioner, CaptionImage } from '../models/captioner';
import { Rng } from '../kernels/random';
import { GradcheckRow, checkGradients } from './gradcheck';

export interface Seq2SeqCheckConfig {
  mode: CellKind;
  attention: boolean;
  numLayers: 1 | 2;
}

/** Sources and targets of different lengths, each ending in <eos> = 2; vocabularies of 7 and 6 words. */
export const SEQ2SEQ_CHECK_BATCH = {
  sources: [[4, 5, 6, 2], [3, 2], [6, 4, 2]],
  targets: [[3, 4, 2], [5, 3, 4, 4, 2], [2]],
};
const FORCED = [true, false, true];

/** Every cell × with and without attention × one and two layers. */
export function seq2seqMatrix(): Seq2SeqCheckConfig[] {
  const out: Seq2SeqCheckConfig[] = [];
  for (const mode of CELL_KINDS) for (const attention of [false, true]) for (const numLayers of [1, 2] as const) out.push({ mode, attention, numLayers });
  return out;
}

export function seq2seqLabel(c: Seq2SeqCheckConfig): string {
  return `seq2seq ${c.mode} L${c.numLayers}${c.attention ? ' attention' : ''}`;
}

/**
 * Checks every parameter (E = 5, H = 8). At PyTorch's initialisation the keys of so small an encoder hardly
 * differ, and the attention's gradients are about 1e-6, where the rounding of the finite differences
 * (|L|·1e-16/ε ≈ 4e-11) alone is 1e-5 of them. So the weights (not the embeddings) are first made 3 times
 * larger, which gives the attention sharp weights and its gradients (about 3e-4) far above that noise.
 */
export function runSeq2SeqGradcheck(c: Seq2SeqCheckConfig, seed = 11): GradcheckRow[] {
  const model = new Seq2Seq({ ...c, sourceVocabSize: 7, targetVocabSize: 6, embeddingSize: 5, hiddenSize: 8 }, seed);
  for (const p of model.namedParameters()) if (!p.name.includes('embedding')) p.value.data.forEach((v, i) => (p.value.data[i] = 3 * v));
  model.zeroGrad();
  model.loss(SEQ2SEQ_CHECK_BATCH, { forced: FORCED, backward: true });
  const tensors = model.namedParameters().filter((p) => !p.frozen).map((p) => ({ name: p.name, value: p.value, analytic: clone(p.grad) }));
  return checkGradients(() => model.loss(SEQ2SEQ_CHECK_BATCH, { forced: FORCED }).loss, tensors);
}

/** Three small images (4 rows × 5 columns, values in [0, 1], seeded) and captions of different lengths. */
export function captionerCheckBatch(): { sources: CaptionImage[]; targets: number[][] } {
  const rng = new Rng(5);
  const image = (): CaptionImage => ({ rows: 4, cols: 5, pixels: Float64Array.from({ length: 20 }, () => rng.uniform()) });
  return { sources: [image(), image(), image()], targets: [[3, 4, 2], [5, 3, 4, 4, 2], [2]] };
}

export interface CaptionerCheckConfig {
  mode: CellKind;
  numLayers: 1 | 2;
  bands?: number; // default 2
  rows?: boolean; // regions 'columns+rows' (CAP-5)
}

/** Every cell × one and two decoder layers, and every cell with row regions too. */
export function captionerMatrix(): CaptionerCheckConfig[] {
  return [
    ...CELL_KINDS.flatMap((mode) => ([1, 2] as const).map((numLayers) => ({ mode, numLayers }))),
    ...CELL_KINDS.map((mode) => ({ mode, numLayers: 1 as const, rows: true })),
  ];
}

export function captionerLabel(c: CaptionerCheckConfig): string {
  return `captioner ${c.mode} L${c.numLayers}${c.rows ? ' columns+rows' : ''}`;
}

/**
 * Checks every parameter of an image captioner (image encoder, its initial-state layers, attention,
 * decoder, output layer; two bands of two rows unless given, the row pass with `rows`; He = 3, E = 5, H = 6)
 * as `runSeq2SeqGradcheck` does, weights made 3 times larger for the same reason, one row free-running.
 */
export function runCaptionerGradcheck(c: CaptionerCheckConfig, seed = 13): GradcheckRow[] {
  const regions = c.rows ? { regions: 'columns+rows' as const, imageCols: 5 } : {};
  const model = new Captioner({ mode: c.mode, numLayers: c.numLayers, imageRows: 4, bands: c.bands ?? 2, encoderSize: 3, targetVocabSize: 6, embeddingSize: 5, hiddenSize: 6, ...regions }, seed);
  for (const p of model.namedParameters()) if (!p.name.includes('embedding')) p.value.data.forEach((v, i) => (p.value.data[i] = 3 * v));
  const batch = captionerCheckBatch();
  model.zeroGrad();
  model.loss(batch, { forced: FORCED, backward: true });
  const tensors = model.namedParameters().filter((p) => !p.frozen).map((p) => ({ name: p.name, value: p.value, analytic: clone(p.grad) }));
  return checkGradients(() => model.loss(batch, { forced: FORCED }).loss, tensors);
}
