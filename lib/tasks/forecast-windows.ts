/**
 * The windows a single-series forecaster learns from, and its forecasts from windows.
 *                                                                              docs: docs/use-cases.md
 *
 * A window with origin t (the last observed time) is x [L,B,1+F]: at step s, the scaled transformed
 * target z_{t−L+1+s} and the F scaled feature values at the same time; its target is z_{t+1 … t+h}.
 */
import { zeros } from '../kernels/tensor';
import { SequenceModel } from '../models/sequence-model';
import { Batch, Objective } from '../models/objectives';
import { Dataset } from '../training/trainer';

/** What forecastScaled needs of a task. */
export interface WindowShape {
  lookBack: number;
  horizon: number;
  strategy: 'direct' | 'recursive';
}

/** Windows of z (and the features fz[j], aligned with z) as a Dataset: x [L,B,1+F], target [B,h] (mse_last). */
export class WindowDataset implements Dataset {
  constructor(readonly z: readonly number[], readonly fz: readonly (readonly number[])[], readonly origins: readonly number[], readonly lookBack: number, readonly horizon: number) {}

  get size(): number {
    return this.origins.length;
  }

  batch(indices: readonly number[]): { batch: Batch; objective: Objective } {
    const L = this.lookBack, h = this.horizon, B = indices.length, F = this.fz.length;
    const x = zeros([L, B, 1 + F]);
    const target = zeros([B, h]);
    indices.forEach((i, b) => {
      const t = this.origins[i];
      for (let s = 0; s < L; s++) {
        x.set(s, b, 0, this.z[t - L + 1 + s]);
        for (let j = 0; j < F; j++) x.set(s, b, 1 + j, this.fz[j][t - L + 1 + s]);
      }
      for (let k = 0; k < h; k++) target.set(b, k, this.z[t + 1 + k]);
    });
    return { batch: { x }, objective: { type: 'mse_last', target } };
  }
}

/**
 * The scaled forecasts ẑ_{t+1 … t+h} of a batch of windows (each the last L scaled values, with
 * `features[b][j]` the last L scaled values of feature j). Direct: one forward pass, h outputs.
 * Recursive (no features): h passes of the one-step model, each window shifted by one and ending in the
 * forecast just made.
 */
export function forecastScaled(model: SequenceModel, task: WindowShape, windows: number[][], features: number[][][]): number[][] {
  const L = task.lookBack, h = task.horizon, B = windows.length, F = features[0]?.length ?? 0;
  const out = windows.map(() => [] as number[]);
  const current = windows.map((w) => w.slice());
  for (let k = 0; k < (task.strategy === 'recursive' ? h : 1); k++) {
    const x = zeros([L, B, 1 + F]);
    current.forEach((w, b) => w.forEach((v, s) => {
      x.set(s, b, 0, v);
      for (let j = 0; j < F; j++) x.set(s, b, 1 + j, features[b][j][s]);
    }));
    const y = model.forward(x).y!; // [B,h] direct, [B,1] recursive
    for (let b = 0; b < B; b++) {
      if (task.strategy === 'recursive') {
        out[b].push(y.get(b, 0));
        current[b].shift();
        current[b].push(y.get(b, 0)); // fed back as the newest input
      } else {
        for (let j = 0; j < h; j++) out[b].push(y.get(b, j));
      }
    }
  }
  return out;
}
