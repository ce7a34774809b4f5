/**
 * Buffers that a layer keeps from one call to the next of the same shape, so repeated training steps do
 * not allocate them again: the fast product's packing space, the packed recurrent weights, and the
 * backward pass's per-step gradients (DA, DV). None of them is part of a forward cache, which must
 * outlive later calls (truncated BPTT keeps one chunk's cache while running the next).
 */
import { Mat, zeros } from './tensor';
import { GemmWorkspace, PackedB } from './gemm';

export class ScratchPool {
  readonly gemm = new GemmWorkspace();
  readonly packed = new Map<string, PackedB>();
  private readonly buffers = new Map<string, Mat>();

  /** A zero-filled tensor of `shape`, the same one on every call with the same key and shape. */
  zeros(key: string, shape: number[]): Mat {
    const id = `${key}:${shape.join('x')}`;
    let m = this.buffers.get(id);
    if (m) m.data.fill(0);
    else {
      m = zeros(shape);
      this.buffers.set(id, m);
    }
    return m;
  }
}
