/**
 * Elementwise nonlinearities and their derivatives.
 *
 * Each derivative is written from the activation's *output* y, which the forward pass keeps anyway:
 *   tanh:     y = tanh(a)               dy/da = 1 − y²
 *   sigmoid:  y = 1 / (1 + e^(−a))      dy/da = y (1 − y)
 *   relu:     y = max(0, a)             dy/da = 1 if y > 0 else 0   (y > 0 exactly when a > 0; 0 at a = 0, as PyTorch)
 * so backward needs no pre-activation and no second exp.
 */
import { Mat, ShapeError, shapeString } from './tensor';

export type Activation = 'tanh' | 'sigmoid' | 'relu';

/**
 * The logistic function, stable for large |a|: e^(−a) overflows to Infinity for a < −709, so negative
 * inputs use the equal form e^a / (1 + e^a), whose exp only underflows (harmlessly) to 0.
 */
export function sigmoid(a: number): number {
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}

/** tanh; `Math.tanh` saturates to ±1 without overflow. */
export function tanh(a: number): number {
  return Math.tanh(a);
}

/** max(0, a); NaN stays NaN (as in PyTorch), so a non-finite value is never hidden. */
export function relu(a: number): number {
  return a < 0 ? 0 : a;
}

/** d tanh / da from y = tanh(a). */
export function tanhGradFromOutput(y: number): number {
  return 1 - y * y;
}

/** d sigmoid / da from y = sigmoid(a). */
export function sigmoidGradFromOutput(y: number): number {
  return y * (1 - y);
}

/** d relu / da from y = relu(a). */
export function reluGradFromOutput(y: number): number {
  return y > 0 ? 1 : 0;
}

const forwardFns: Record<Activation, (a: number) => number> = { tanh, sigmoid, relu };
const gradFns: Record<Activation, (y: number) => number> = {
  tanh: tanhGradFromOutput,
  sigmoid: sigmoidGradFromOutput,
  relu: reluGradFromOutput,
};

/** m = f(m) in place, elementwise.   m: [B,N] (any strides). */
export function activateInPlace(m: Mat, f: Activation): void {
  check2d(m, 'activateInPlace m');
  const fn = forwardFns[f];
  const [B, N] = m.shape;
  for (let b = 0; b < B; b++) {
    const row = m.offset + b * m.stride[0];
    for (let j = 0; j < N; j++) {
      const at = row + j * m.stride[1];
      m.data[at] = fn(m.data[at]);
    }
  }
}

/**
 * da = dy ⊙ f'(a), with f' taken from the stored output y.   da, dy, y: [B,N].
 * Writes `da` (a local intermediate of one step, not an accumulated gradient); `da` may be `dy` itself.
 */
export function activationBackward(da: Mat, dy: Mat, y: Mat, f: Activation): void {
  check2d(y, 'activationBackward y');
  if (!sameShape(da, y)) throw new ShapeError(`activationBackward da: expected ${shapeString(y.shape)}, got ${shapeString(da.shape)}`);
  if (!sameShape(dy, y)) throw new ShapeError(`activationBackward dy: expected ${shapeString(y.shape)}, got ${shapeString(dy.shape)}`);
  const grad = gradFns[f];
  const [B, N] = y.shape;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < N; j++) {
      const yv = y.data[y.offset + b * y.stride[0] + j * y.stride[1]];
      const dyv = dy.data[dy.offset + b * dy.stride[0] + j * dy.stride[1]];
      da.data[da.offset + b * da.stride[0] + j * da.stride[1]] = dyv * grad(yv);
    }
  }
}

function check2d(m: Mat, what: string): void {
  if (m.dimension !== 2) throw new ShapeError(`${what}: expected a 2-D [B,N] tensor, got ${shapeString(m.shape)}`);
}

function sameShape(a: Mat, b: Mat): boolean {
  return a.dimension === b.dimension && a.shape.every((n, k) => n === b.shape[k]);
}
