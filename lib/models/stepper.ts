/**
 * A stateful stepper: a unidirectional SequenceModel run one step at a time, for streaming inference
 * (generating text a character at a time, reading a live signal). `step(x_t)` returns y_t and keeps h_t
 * (and c_t) for the next call, as a Keras `stateful=True` layer or a PyTorch loop over `rnn(x_t, h)` do.
 *                                                         docs: docs/layers/heads.md (the stepper)
 *   x_t  [B,I]      one step's input
 *   y_t  [B,K]      the head at h_t of the top layer ('all' and 'last': Linear(h_t); 'mean': Linear of
 *                   the mean of h_0 … h_t, POOL-1); [B,H] without a head
 *   state          h [L,B,H] and (LSTM) c [L,B,H] after the last step
 *
 * Exact: step t gives the bits the whole forward pass gives at t (the same kernels, in the same order;
 * spec/models/stepper.spec.ts); under a 'mean' head to rounding (a running sum divided once). No buffer is allocated per step: `stepper()` makes them all, and each
 * layer keeps two step records that swap roles (one's h_t is the other's h_{t−1}). The tensor `step`
 * returns is the stepper's own, overwritten by the next step: copy it to keep it. The weights are packed
 * when the stepper is made and again by `reset()`: reset (or make a new stepper) after they change.
 * A stepper runs in evaluation mode (no dropout); a reverse direction needs the whole sequence, so a
 * bidirectional model has none.
 */
import { Mat, zeros, assertShape, copyInto, ValueError } from '../kernels/tensor';
import { GemmWorkspace, PackedB, packB, gemmPacked } from '../kernels/gemm';
import { setRowsToBias } from '../kernels/bias';
import { CellParams } from '../cells/cell-params';
import { Cell, RecurrentWeights, StepBase } from '../cells/cell';
import { cellFor } from '../cells/cells';
import { Recurrent } from '../layers/recurrent';
import { Linear } from '../layers/linear';
import { InputEmbedding } from '../layers/input-embedding';

/** What a stepper reads of a SequenceModel (lib/models/sequence-model.ts, whose `stepper()` makes one). */
export interface SteppableModel {
  readonly rnn: Recurrent;
  readonly head: Linear | null;
  readonly headMode: 'none' | 'last' | 'mean' | 'all';
  readonly inputSize: number; // I, the width of x_t
  readonly embedding: InputEmbedding | null; // read before the first layer (EMB-2)
}

interface LayerStepper {
  p: CellParams;
  W_ihT: PackedB; // [I,G·H] packed once
  weights: RecurrentWeights;
  a: Mat; // [B,G·H]  u_t, then the cell's pre-activations
  H: [Mat, Mat]; // the two state buffers [B,H]: steps[0] reads H[0] and writes H[1], steps[1] the other way
  C: [Mat, Mat] | null; // the same for c (LSTM)
  steps: [StepBase, StepBase];
  work: unknown;
}

/** A layer's weights packed for the step's products: into `reuse`'s buffers when given, else new ones. */
function packLayer(p: CellParams, gemm: GemmWorkspace, reuse: Pick<LayerStepper, 'W_ihT' | 'weights'> | null): Pick<LayerStepper, 'W_ihT' | 'weights'> {
  const hr = p.weight_hr, w = reuse?.weights ?? null;
  const weights: RecurrentWeights = {
    gemm, W_hhT: packB(p.weight_hh.transpose(1, 0), w?.W_hhT ?? null), W_hh: packB(p.weight_hh, w?.W_hh ?? null),
    ...(hr ? { W_hrT: packB(hr.transpose(1, 0), w?.W_hrT ?? null), W_hr: packB(hr, w?.W_hr ?? null) } : {}), // proj_size
  };
  return { W_ihT: packB(p.weight_ih.transpose(1, 0), reuse?.W_ihT ?? null), weights };
}

export class Stepper {
  private readonly cell: Cell<StepBase, unknown>;
  private readonly layers: LayerStepper[];
  private readonly gemm = new GemmWorkspace();
  private readonly y: Mat; // [B,K] (or the top h_t's buffer without a head)
  private readonly pooled: Mat | null; // [B,H] the running sum of h_t ('mean' head), then its mean
  private readonly mean: Mat | null; // [B,H]
  private headT: PackedB | null = null; // [H,K] the head's weightᵀ
  private embeddingW: PackedB | null = null; // [I,E] the embedding's weight
  private readonly e: Mat | null; // [B,E] x_t·W, what the first layer reads
  private readonly inputSize: number;
  private parity = 0; // which step record runs next
  private count = 0; // steps since the last reset

  constructor(readonly model: SteppableModel, readonly batch = 1) {
    const { mode, bidirectional, hiddenSize: H, projSize } = model.rnn.config;
    const I = model.inputSize, R = model.rnn.stateSize; // h's size (P with a projection); c keeps H
    if (bidirectional) throw new ValueError('SequenceModel.stepper: a bidirectional model reads each sequence from its end too, so it cannot run one step at a time; use forward over the whole sequence');
    if (!Number.isInteger(batch) || batch < 1) throw new ValueError(`SequenceModel.stepper batch: expected an integer >= 1, got ${batch}`);
    this.cell = cellFor(mode, projSize > 0);
    const B = batch, GH = this.cell.gateCount * H;
    this.layers = model.rnn.params.map((dirs, l) => {
      const Hs: [Mat, Mat] = [zeros([B, R]), zeros([B, R])];
      const Cs: [Mat, Mat] | null = this.cell.hasCellState ? [zeros([B, H]), zeros([B, H])] : null;
      const base = (k: 0 | 1): StepBase => ({ hPrev: Hs[k], hIn: Hs[k], h: Hs[1 - k], cPrev: Cs ? Cs[k] : null, c: Cs ? Cs[1 - k] : null });
      const steps: [StepBase, StepBase] = [this.cell.makeStep(base(0), zeros), this.cell.makeStep(base(1), zeros)];
      this.cell.check(dirs[0], steps[0], `stepper layer ${l}`);
      return { p: dirs[0], ...packLayer(dirs[0], this.gemm, null), a: zeros([B, GH]), H: Hs, C: Cs, steps, work: this.cell.createWork(B, H) };
    });
    const head = model.head && model.headMode !== 'none' ? model.head : null;
    this.y = head ? zeros([B, head.outFeatures]) : zeros([B, R]);
    this.pooled = model.headMode === 'mean' ? zeros([B, R]) : null;
    this.mean = model.headMode === 'mean' ? zeros([B, R]) : null;
    this.inputSize = I;
    this.e = model.embedding ? zeros([batch, model.embedding.embeddingDim]) : null;
    this.packEnds();
    this.restart(null, null);
  }

  /** Back to the initial state: h0 (and c0) [L,B,H] if given, else zeros; the weights packed again. */
  reset(h0: Mat | null = null, c0: Mat | null = null): void {
    const L = this.layers.length, B = this.batch, H = this.model.rnn.config.hiddenSize;
    if (h0) assertShape(h0, [L, B, this.model.rnn.stateSize], 'Stepper.reset h0');
    if (c0 && !this.cell.hasCellState) throw new ValueError(`Stepper.reset c0: only an LSTM has a cell state, this model is ${this.model.rnn.config.mode}`);
    if (c0) assertShape(c0, [L, B, H], 'Stepper.reset c0');
    for (const r of this.layers) Object.assign(r, packLayer(r.p, this.gemm, r)); // into the same buffers
    this.packEnds();
    this.restart(h0, c0);
  }

  /** The head's and the embedding's weights packed for their products (into the buffers of the last packing). */
  private packEnds(): void {
    const head = this.model.head;
    if (head && this.model.headMode !== 'none') this.headT = packB(head.params.weight.transpose(1, 0), this.headT);
    if (this.model.embedding) this.embeddingW = packB(this.model.embedding.weight, this.embeddingW);
  }

  /** The state back to h0, c0 (checked by the caller), or zeros. */
  private restart(h0: Mat | null, c0: Mat | null): void {
    this.layers.forEach((r, l) => {
      if (h0) copyInto(r.H[0], h0.pick(l)); else r.H[0].data.fill(0);
      if (r.C) if (c0) copyInto(r.C[0], c0.pick(l)); else r.C[0].data.fill(0);
    });
    this.pooled?.data.fill(0);
    this.parity = 0;
    this.count = 0;
  }

  /** One step: x_t [B,I] in, y_t out (the stepper's buffer, overwritten by the next step). */
  step(x: Mat): Mat {
    assertShape(x, [this.batch, this.inputSize], 'Stepper.step x');
    const k = this.parity;
    let input = x;
    if (this.e && this.embeddingW) { // e_t = x_t·W                                            (EMB-2)
      this.e.data.fill(0);
      gemmPacked(this.e, x, this.embeddingW, this.gemm);
      input = this.e;
    }
    for (const r of this.layers) {
      const s = r.steps[k];
      setRowsToBias(r.a, r.p.bias_ih, this.cell.splitBiases ? null : r.p.bias_hh); // u_t = b_ih (+ b_hh)   (BPTT-0)
      gemmPacked(r.a, input, r.W_ihT, this.gemm); //                                  += x_t·W_ihᵀ        (BPTT-0)
      this.cell.forward(r.p, r.weights, r.a, s, r.work);
      input = s.h;
    }
    this.parity = 1 - k;
    this.count++;
    const head = this.model.head;
    if (!head || !this.headT || this.model.headMode === 'none') {
      copyInto(this.y, input);
      return this.y;
    }
    let read = input;
    if (this.pooled && this.mean) { // (POOL-1): the mean of every step's output so far
      const sum = this.pooled.data, h = input.data, m = this.mean.data;
      for (let j = 0; j < sum.length; j++) sum[j] += h[j];
      for (let j = 0; j < sum.length; j++) m[j] = sum[j] / this.count;
      read = this.mean;
    }
    setRowsToBias(this.y, head.params.bias, null); //             y_t = b + read·Wᵀ   (LIN-1)
    gemmPacked(this.y, read, this.headT, this.gemm);
    return this.y;
  }

  /** The state after the last step: h [L,B,H] and (LSTM) c [L,B,H], as copies. */
  get state(): { h: Mat; c: Mat | null } {
    const L = this.layers.length, B = this.batch, H = this.model.rnn.config.hiddenSize;
    const h = zeros([L, B, this.model.rnn.stateSize]), c = this.cell.hasCellState ? zeros([L, B, H]) : null;
    this.layers.forEach((r, l) => {
      copyInto(h.pick(l), r.H[this.parity]);
      if (c && r.C) copyInto(c.pick(l), r.C[this.parity]);
    });
    return { h, c };
  }

  /**
   * Row b of the state becomes what row rows[b] was (a beam search keeps its best candidates this way).
   * rows: B row indices, repeats allowed.
   */
  reorder(rows: readonly number[]): void {
    const B = this.batch;
    if (rows.length !== B || !rows.every((r) => Number.isInteger(r) && r >= 0 && r < B)) {
      throw new ValueError(`Stepper.reorder rows: expected ${B} row indices in [0, ${B}), got ${JSON.stringify(rows)}`);
    }
    const gather = (m: Mat, spare: Mat): void => { // m's rows by `rows`, through the other (unused) buffer
      const N = m.shape[1];
      for (let b = 0; b < B; b++) spare.data.set(m.data.subarray(rows[b] * N, (rows[b] + 1) * N), b * N);
      m.data.set(spare.data);
    };
    for (const r of this.layers) {
      gather(r.H[this.parity], r.H[1 - this.parity]);
      if (r.C) gather(r.C[this.parity], r.C[1 - this.parity]);
    }
    if (this.pooled && this.mean) gather(this.pooled, this.mean);
  }

  /** Steps taken since the last reset. */
  get steps(): number {
    return this.count;
  }
}
