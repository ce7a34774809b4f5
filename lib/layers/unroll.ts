/**
 * One direction of one recurrent layer, unrolled over time: the forward loop and the BPTT loop.
 *                                                                             docs: docs/layers/bptt.md
 * Read lib/textbook/bptt.ts first: the same loops as they are taught, with dW added step by step inside
 * the reverse loop. This file is their fast twin; a spec holds the two engines equal.
 *
 * Every step uses the *same* CellParams `p`. Forward runs t = 0 … T−1 (or T−1 … 0 for the reverse
 * direction):
 *   (BPTT-0)  before the loop, the input projection of every step at once: U = X·W_ihᵀ + b_ih (+ b_hh for
 *             RNN and LSTM), one [T·B,I]·[I,G·H] product (it does not depend on h); each step adds its
 *             recurrent half
 * Backward walks the same steps in the opposite order and, at each one,
 *   (BPTT-1)  ∂L/∂h_t = ∂ℓ/∂h_t (the loss at t, from the layer above) + dhNext (through step t+1)
 *   (BPTT-2)  calls the cell's backward, which writes da_t = ∂L/∂a_t and leaves dhNext = ∂L/∂h_{t−1}
 *   (BPTT-3)  after the last step, dhNext holds ∂L/∂h0, the gradient of the initial state (dcNext: ∂L/∂c0)
 *   (BPTT-4)  after the loop, the shared weights' gradients, summed over the steps as one product each:
 *             dW_ih += Σ_t da_tᵀ·x_t = DAᵀ·X,   dW_hh += Σ_t da_tᵀ·h_{t−1} = DAᵀ·H_prev,
 *             db += Σ_t Σ_b da_t,   and dx_t = da_t·W_ih for every t at once
 * and records ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖ for an LSTM), the signal that vanishes or explodes.
 *
 * The states live in one [T+1,B,H] buffer with h0 in the slot before the first step, so the states a
 * step reads, h_{t−1} for t in time order, are one contiguous [T·B,H] block for (BPTT-4).
 * With `lengths` (a variable-length batch), padded rows hold their state forward and pass their state
 * gradient over the step backward: see lib/layers/lengths.ts. With a recurrent dropout mask, each step's
 * product reads hIn_t = h_{t−1} ⊙ M, kept in its own [T,B,H] buffer (DROP-2, lib/layers/dropout.ts).
 *
 * One forward loop and one backward loop serve every cell: the cell is a record of operations
 * (lib/cells/cell.ts), looked up once per sequence. This layer owns all memory (the packed weights, the
 * pool, every buffer); it makes each step's views once, before the time loop, so the loops allocate
 * nothing, and the cells only fill what they are given.
 */
import { Mat, zeros, clone, flattenRows, isContiguous3d, fromArray, assertShape, ValueError } from '../kernels/tensor';
import { gemm, packB, GemmWorkspace, PackedB } from '../kernels/gemm';
import { setRowsToBias } from '../kernels/bias';
import { addWeightGrads } from './weight-grads';
import { add2d, copy2d, zero2d, norm2d, mul2d } from '../kernels/elementwise';
import { ScratchPool } from '../kernels/scratch';
import { holdPaddedRows, zeroPaddedRows, zeroValidRows, movePaddedRows } from './lengths';
import { CellParams } from '../cells/cell-params';
import { Cell, RecurrentWeights, StepBase, StepGrads } from '../cells/cell';

/** What one direction keeps for backward: its inputs and states, the cell's step views, and how it ran. */
export interface DirectionCache<S extends StepBase = StepBase, W = unknown> {
  cell: Cell<S, W>;
  token: object; // identifies this cache to the pool its buffers were taken from
  pooled: Mat[]; // the buffers taken from the pool (given back after backward)
  reverse: boolean;
  X: Mat; // [T·B,I]  the inputs x_t, one row per (step, batch item)
  h: Mat; // [T,B,H]  h_t after step t, in time order (a padded row holds its state)
  hIn: Mat; // [T·B,H]  h_{t−1} as each step's product read it (⊙ M under dropout), in time order: (BPTT-4)'s H_prev
  hMask: Mat | null; // [B,H]  the recurrent dropout mask M (DROP-2), or null
  c: Mat | null; // [T,B,H]  c_t in time order (a cell with a cell state)
  lengths: Int32Array | null; // [B]  valid steps per sequence; null: all T
  steps: S[]; // [T]  step t's views, indexed by time
  weights: RecurrentWeights; // W_hh packed for backward's products
  work: W; // the cell's scratch
}

/** The gradients one direction's backward returns (parameter gradients go into `g`). */
export interface DirectionGrads {
  dh0: Mat; // [B,H]  ∂L/∂h0
  dc0: Mat | null; // [B,H]  ∂L/∂c0 (LSTM)
  hGradNorms: Float64Array; // [T]  ‖∂L/∂h_t‖ over the batch, indexed by time t
  cGradNorms: Float64Array | null; // [T]  ‖∂L/∂c_t‖ (LSTM)
}

/** Step t's [B,N] slice of a contiguous [T,B,N] buffer as a plain view: row-major from offset 0. */
function stepView(m: Mat, t: number): Mat {
  const [, B, N] = m.shape;
  return fromArray(m.data.subarray(m.offset + t * B * N, m.offset + (t + 1) * B * N), [B, N]);
}

/** The recurrent weights packed for the step's products, into the pool's buffers from the last call when there are some. */
function packWeights(p: CellParams, pool: ScratchPool | null): RecurrentWeights {
  const pack = (key: string, m: Mat): PackedB => {
    const packed = packB(m, pool?.packed.get(key) ?? null);
    pool?.packed.set(key, packed);
    return packed;
  };
  const hr = p.weight_hr; // an LSTM's projection [P,H] (proj_size), packed both ways like weight_hh
  return {
    gemm: pool?.gemm ?? new GemmWorkspace(),
    W_hhT: pack('W_hhT', p.weight_hh.transpose(1, 0)), // [H,G·H]
    W_hh: pack('W_hh', p.weight_hh), //                  [G·H,H]
    ...(hr ? { W_hrT: pack('W_hrT', hr.transpose(1, 0)), W_hr: pack('W_hr', hr) } : {}),
  };
}

/**
 * Runs one direction over the sequence.
 *   cell: the cell's operations, `cellFor(kind)`
 *   xs: [T,B,I] input   h0, c0: [B,H] initial states (c0 only for an LSTM)
 *   lengths: [B] valid steps per sequence (checked by the caller), or null when every sequence has T
 *   pool: buffers kept across calls (the packed weights, the product's workspace); optional
 *   hMask: [B,H] the recurrent dropout mask M of (DROP-2), or null
 * Returns the cache that `unrollBackward` needs; h_t is in `cache.h` [T,B,H], c_t (LSTM) in `cache.c`.
 */
export function unrollForward<S extends StepBase, W>(
  cell: Cell<S, W>, p: CellParams, xs: Mat, h0: Mat, c0: Mat | null, reverse: boolean, lengths: Int32Array | null = null,
  pool: ScratchPool | null = null, hMask: Mat | null = null,
): DirectionCache<S, W> {
  const [T, B] = xs.shape;
  // R: the state h_t's size; H: the cell's (they differ only for an LSTM with a projection, R = P < H).
  const [GH, R] = p.weight_hh.shape, H = GH / cell.gateCount;
  if (cell.hasCellState && !c0) throw new ValueError(`unrollForward c0: an ${cell.name.toUpperCase()} needs an initial cell state [B,H], got null`);
  const weights = packWeights(p, pool);
  const token = {};
  const pooled: Mat[] = [];
  const take = (shape: number[]): Mat => {
    const m = pool ? pool.take(shape, token) : zeros(shape);
    pooled.push(m);
    return m;
  };
  const X = flattenRows(isContiguous3d(xs) ? xs : clone(xs)); // [T·B,I]
  // The pre-activations' input half for every step. Forward alone reads it, so it is the pool's scratch,
  // reused by the next call, and no cache keeps it.
  const A = pool ? pool.scratch('A', [T, B, GH]) : zeros([T, B, GH]); // every entry is set just below
  const Af = flattenRows(A);
  // RNN and LSTM use b_ih and b_hh only as their sum, so both are added here, once; the GRU's b_hh sits
  // inside the reset gate's product and stays with the recurrent half.
  setRowsToBias(Af, p.bias_ih, cell.splitBiases ? null : p.bias_hh); // [T·B,G·H] = b_ih (+ b_hh)  (BPTT-0)
  gemm(Af, X, p.weight_ih.transpose(1, 0), weights.gemm); //           [T·B,G·H] += [T·B,I]·[I,G·H]  (BPTT-0)

  // States: slot 0 holds h0 and h_t is slot t+1 (forward); reverse: h_t is slot t and h0 is slot T.
  const slot = (t: number): number => (reverse ? t : t + 1);
  const prevSlot = (t: number): number => (reverse ? t + 1 : t);
  const first = reverse ? T - 1 : 0;
  const S = take([T + 1, B, R]);
  copy2d(S.pick(prevSlot(first)), h0);
  const C = cell.hasCellState ? take([T + 1, B, H]) : null;
  if (C) copy2d(C.pick(prevSlot(first)), c0 as Mat);
  const HIn = hMask ? take([T, B, R]) : null; // hIn_t = h_{t−1} ⊙ M, in time order (DROP-2)
  const steps: S[] = [];
  const aAt: Mat[] = [];
  for (let t = 0; t < T; t++) {
    const hPrev = stepView(S, prevSlot(t));
    const base: StepBase = {
      hPrev, hIn: HIn ? stepView(HIn, t) : hPrev, h: stepView(S, slot(t)),
      cPrev: C ? stepView(C, prevSlot(t)) : null, c: C ? stepView(C, slot(t)) : null,
    };
    steps.push(cell.makeStep(base, take));
    aAt.push(stepView(A, t));
  }
  if (T > 0) cell.check(p, steps[0], `${cell.name} layer`);
  const work = cell.createWork(B, H);

  for (let n = 0; n < T; n++) {
    const t = reverse ? T - 1 - n : n;
    const s = steps[t];
    if (hMask) mul2d(s.hIn, s.hPrev, hMask); //                                    (DROP-2)
    cell.forward(p, weights, aAt[t], s, work);
    if (lengths) holdPaddedRows(s.h, s.hPrev, lengths, t); //                      (PACK-1)
    if (lengths && s.c && s.cPrev) holdPaddedRows(s.c, s.cPrev, lengths, t); //    (PACK-1)
  }
  const inTimeOrder = (M: Mat): Mat => (reverse ? M.hi(T, B, M.shape[2]) : M.lo(1, 0, 0));
  return {
    cell, token, pooled, reverse, X, lengths, steps, weights, work, hMask,
    h: inTimeOrder(S), //                                                   h_t in time order
    hIn: flattenRows(HIn ?? (reverse ? S.lo(1, 0, 0) : S.hi(T, B, R))), //  h_{t−1} (⊙ M) in time order
    c: C ? inTimeOrder(C) : null,
  };
}

/**
 * BPTT over one direction.
 *   dhs: [T,B,H]  ∂ℓ/∂h_t from above (the loss or the next layer), per step
 *   dxs: [T,B,I]  ∂L/∂x_t is *added* here (both directions of a layer read the same x); contiguous
 *   dhN, dcN: [B,H] or null  gradient arriving at the final state h_n (c_n)
 *   pool: where the per-step gradients DA (DV) are kept across calls; optional
 *   trackNorms: record ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖); when false the norms are NaN and cost nothing
 * Parameter gradients are added into `g`.
 */
export function unrollBackward<S extends StepBase, W>(
  p: CellParams, g: CellParams, cache: DirectionCache<S, W>, dhs: Mat, dxs: Mat, dhN: Mat | null, dcN: Mat | null,
  pool: ScratchPool | null = null, trackNorms = true,
): DirectionGrads {
  if (pool && !pool.owns(cache.pooled, cache.token)) {
    throw new ValueError('unrollBackward cache: a later forward pass has reused its buffers; run backward before the next forward of the same shape');
  }
  const { cell, steps, lengths } = cache;
  const T = steps.length;
  const [B, R] = cache.h.shape.slice(1); // R: the state's size; H: the cell's (R = P < H with a projection)
  const GH = p.weight_hh.shape[0], H = GH / cell.gateCount;
  assertShape(dhs, [T, B, R], 'unrollBackward dhs');
  const scratch = (key: string) => (pool ? pool.zeros(key, [T, B, GH]) : zeros([T, B, GH])); // kept across calls
  const DA = scratch('DA'); //                      da_t for every step (GRU: du_t), for (BPTT-4)
  const DV = cell.splitBiases ? scratch('DV') : DA; // GRU: dv_t; the others: the same da_t
  const dhsAt = Array.from({ length: T }, (_, t) => dhs.pick(t)); // views made before the loop
  const daAt = Array.from({ length: T }, (_, t) => stepView(DA, t));
  const dvAt = Array.from({ length: T }, (_, t) => stepView(DV, t));
  const hGradNorms = new Float64Array(T).fill(trackNorms ? 0 : NaN);
  const cGradNorms = cell.hasCellState ? new Float64Array(T).fill(trackNorms ? 0 : NaN) : null;
  const d: StepGrads = {
    dh: zeros([B, R]), //       ∂L/∂h_t in total
    dhPrev: zeros([B, R]), //   ∂L/∂h_t through step t+1 on entry to a step; the cell adds ∂L/∂h_{t−1} into it
    dcNext: zeros([B, H]), //   ∂L/∂c_t through step t+1 (LSTM)
    dcPrev: zeros([B, H]), //   filled by the cell with ∂L/∂c_{t−1} (LSTM)
    dc: zeros([B, H]), //       ∂L/∂c_t in total (LSTM)
    da: daAt[0] ?? zeros([B, GH]), dv: dvAt[0] ?? zeros([B, GH]),
    dhIn: zeros([0]), // set below: dhPrev itself, or its own buffer under recurrent dropout
  };
  d.dhIn = cache.hMask ? zeros([B, R]) : d.dhPrev;
  d.dW_hr = g.weight_hr ?? null; // a projecting step adds its dW_hr here itself (PROJ-1')
  if (dhN) copy2d(d.dhPrev, dhN);
  if (dcN) copy2d(d.dcNext, dcN);

  for (let n = T - 1; n >= 0; n--) {
    const t = cache.reverse ? T - 1 - n : n;
    add2d(d.dh, dhsAt[t], d.dhPrev); //                                          (BPTT-1)
    if (cGradNorms) zero2d(d.dcPrev);
    if (lengths) {
      zeroPaddedRows(d.dh, lengths, t); //             padded rows: nothing from above      (PACK-2)
      zeroValidRows(d.dhPrev, lengths, t); //          and their dhNext passes over the step (PACK-2)
      if (cGradNorms) movePaddedRows(d.dcPrev, d.dcNext, lengths, t); // so does their dcNext (PACK-2)
    } else {
      zero2d(d.dhPrev);
    }
    if (trackNorms) hGradNorms[t] = norm2d(d.dh); // NaN when not tracked
    d.da = daAt[t];
    d.dv = dvAt[t];
    cell.backward(cache.weights, steps[t], d, cache.work); //                     (BPTT-2)
    if (cache.hMask) {
      mul2d(d.dhPrev, d.dhIn, cache.hMask, true); //                                (DROP-2')
      zero2d(d.dhIn);
    }
    if (cGradNorms) {
      if (trackNorms) cGradNorms[t] = norm2d(d.dc);
      const swap = d.dcNext; // ∂L/∂c_{t−1} becomes the next step's dcNext
      d.dcNext = d.dcPrev;
      d.dcPrev = swap;
    }
  }

  const ws = cache.weights.gemm;
  const DAf = flattenRows(DA), DVf = DV === DA ? DAf : flattenRows(DV);
  addWeightGrads(g, DAf, DVf, cache.X, cache.hIn, ws); //                                    (BPTT-4)
  gemm(flattenRows(dxs), DAf, p.weight_ih, ws); //           [T·B,I] += [T·B,G·H]·[G·H,I]   (BPTT-4)
  pool?.release(cache.pooled, cache.token); // the next forward of this shape may reuse them
  return { dh0: d.dhPrev, dc0: cGradNorms ? d.dcNext : null, hGradNorms, cGradNorms }; //   (BPTT-3)
}
