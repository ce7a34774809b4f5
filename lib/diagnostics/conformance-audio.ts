/**
 * The speech cases: `audio-golden` (the MFCC front end against librosa) and `ctc-golden` (the CTC loss
 * and its gradient against PyTorch), each at the tolerances its format document states
 * (spec/fixtures/golden-audio/FORMAT.md, spec/fixtures/golden-ctc/FORMAT.md).
 *
 *   audio   window, filter bank |Δ| ≤ 1e-12;  power |Δ| ≤ 1e-10·max(power of the frame) + 1e-300;
 *           log-mel, MFCC |Δ| ≤ 1e-8
 *   CTC     loss |Δ| ≤ 1e-10·|loss| + 1e-12;  gradient |Δ| ≤ 1e-9·max|gradient of the sequence| + 1e-14
 */
import { ValueError, fromNested } from '../kernels/tensor';
import { FrontEnd, FrontEndOptions } from '../audio/features';
import { ctcLoss, CtcReduction } from '../layers/ctc';
import { TensorComparison, compareWithBound } from './compare';

export interface AudioCase {
  spec: FrontEndOptions;
  signal: number[];
  frames: number;
  expected: { window: number[]; melFilterbank: number[][]; power: number[][]; logMel: number[][]; mfcc: number[][] };
}

export interface CtcCase {
  spec: { T: number; B: number; C: number; blank: number; reduction: CtcReduction; zeroInfinity: boolean };
  logits: number[][][];
  targets: number[][];
  inputLengths: number[];
  expected: { lossPerSequence: (number | string)[]; loss: number | string | (number | string)[]; gradLogitsOfSummedLoss: (number | string)[][][] };
}

const flat = (rows: readonly ArrayLike<number>[]) => rows.flatMap((r) => Array.from(r));
/** A case's number, with "Infinity" and "NaN" spelled out as JSON cannot hold them. */
const num = (v: unknown) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : (v as number));

export function runAudioCase(c: AudioCase, file: string): TensorComparison[] {
  if (!c?.spec || !Array.isArray(c.signal) || !c.expected) throw new ValueError(`${file}: expected the keys spec, signal and expected of an audio-golden case`);
  const r = new FrontEnd(c.spec).run(c.signal, file);
  if (r.power.length !== c.frames) throw new ValueError(`${file}: ${r.power.length} frames, but the case has ${c.frames}`);
  const e = c.expected, bins = c.spec.nFft / 2 + 1;
  const frameMax = e.power.map((row) => Math.max(...row));
  return [
    compareWithBound('window', 'value', r.window, e.window, () => 1e-12),
    compareWithBound('melFilterbank', 'value', flat(r.melFilterbank), flat(e.melFilterbank), () => 1e-12),
    compareWithBound('power', 'value', flat(r.power), flat(e.power), (k) => 1e-10 * frameMax[Math.floor(k / bins)] + 1e-300),
    compareWithBound('logMel', 'value', flat(r.logMel), flat(e.logMel), () => 1e-8),
    compareWithBound('mfcc', 'value', flat(r.mfcc), flat(e.mfcc), () => 1e-8),
  ];
}

export function runCtcCase(c: CtcCase, file: string): TensorComparison[] {
  if (!c?.spec || !Array.isArray(c.logits) || !c.expected) throw new ValueError(`${file}: expected the keys spec, logits, targets, inputLengths and expected of a ctc-golden case`);
  const { blank, reduction, zeroInfinity, T, B, C } = c.spec;
  const r = ctcLoss(fromNested(c.logits, [T, B, C], `${file}: logits`), c.targets, c.inputLengths, { blank, reduction, zeroInfinity });
  const expectedLoss = Array.isArray(c.expected.loss) ? c.expected.loss.map(num) : [num(c.expected.loss)];
  const ourLoss = Array.isArray(c.expected.loss) ? Array.from(r.perSequence) : [r.loss];
  const perSeq = c.expected.lossPerSequence.map(num);
  const grad = c.expected.gradLogitsOfSummedLoss.flatMap((t) => t.flatMap((b) => b.map(num)));
  const seqMax = Array.from({ length: B }, (_, b) => {
    let m = 0;
    for (let t = 0; t < T; t++) for (let k = 0; k < C; k++) m = Math.max(m, Math.abs(grad[(t * B + b) * C + k]) || 0);
    return m;
  });
  return [
    compareWithBound('lossPerSequence', 'value', r.perSequence, perSeq, (k) => 1e-10 * Math.abs(perSeq[k]) + 1e-12),
    compareWithBound('loss', 'value', ourLoss, expectedLoss, (k) => 1e-10 * Math.abs(expectedLoss[k]) + 1e-12),
    compareWithBound('gradLogits', 'grad', r.dLogits.data, grad, (k) => 1e-9 * seqMax[Math.floor(k / C) % B] + 1e-14),
  ];
}
