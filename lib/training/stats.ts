/**
 * Per-tensor gradient statistics, cheap enough for every training step: ‖∂L/∂W‖, ‖W‖, their ratio (how
 * large a step the gradient asks for, relative to the weights), and the global gradient norm.
 */
import { NamedParameter } from '../kernels/parameter';
import { ValueError } from '../kernels/tensor';

export interface ParameterStat {
  name: string;
  gradNorm: number;
  weightNorm: number;
  ratio: number; // gradNorm / weightNorm (Infinity when the weights are all zero and the gradient is not)
}

/**
 * ‖grad‖₂, ‖value‖₂ and their ratio for every tensor, and the global gradient norm, taken as the 2-norm
 * of the per-tensor norms: the same arithmetic as clip.ts's `gradNorm`, so the two agree bit for bit.
 */
export function parameterStats(params: NamedParameter[]): { tensors: ParameterStat[]; globalNorm: number } {
  let total = 0;
  const tensors = params.map((p) => {
    const gd = p.grad.data, wd = p.value.data;
    if (gd.length !== wd.length) throw new ValueError(`parameterStats ${p.name}: expected a gradient of ${wd.length} values like its weights, got ${gd.length}`);
    // One pass, two sums: each is still added in index order (the same bits as two passes), and the two
    // chains of dependent additions interleave (4.8 → 4.0 ms on 1.24 M parameters).
    let g = 0, w = 0;
    for (let k = 0; k < gd.length; k++) {
      g += gd[k] * gd[k];
      w += wd[k] * wd[k];
    }
    const gradNorm = Math.sqrt(g), weightNorm = Math.sqrt(w);
    total += gradNorm * gradNorm;
    return { name: p.name, gradNorm, weightNorm, ratio: weightNorm > 0 ? gradNorm / weightNorm : gradNorm > 0 ? Infinity : 0 };
  });
  return { tensors, globalNorm: Math.sqrt(total) };
}

