/**
 * Buffers that a layer keeps from one call to the next of the same shape, so repeated training steps do
 * not allocate them again: the fast product's packing space, the packed recurrent weights, the backward
 * pass's per-step gradients (DA, DV), and the forward caches themselves.
 *
 * A forward cache is lent, not given: `take` hands out a buffer owned by a cache, and the backward pass
 * `release`s the cache's buffers when it is done. A released buffer keeps its owner until a later forward
 * takes it, so backward may run again on the same cache until then; a cache whose buffers a later forward
 * took is refused by `owns`. A cache that is never backpropagated (evaluation) keeps its buffers, and the
 * next forward allocates new ones. Truncated BPTT, which keeps one chunk's cache while the next chunk runs
 * forward, is therefore safe: an unreleased cache is never reused.
 */
import { Mat, zeros } from './tensor';
import { GemmWorkspace, PackedB } from './gemm';

export class ScratchPool {
  readonly gemm = new GemmWorkspace();
  readonly packed = new Map<string, PackedB>();
  private readonly buffers = new Map<string, Mat>();
  private readonly free = new Map<string, Mat[]>();
  private readonly released = new Set<Mat>();
  // Weak: a buffer of a cache that is never released (an evaluation forward) must not be kept alive here.
  private readonly owner = new WeakMap<Mat, object>();

  /** A buffer of `shape` for the cache `token`: a released one of that shape if there is one, else new. */
  take(shape: number[], token: object): Mat {
    const list = this.free.get(shape.join('x'));
    const m = list?.pop() ?? zeros(shape);
    this.released.delete(m);
    this.owner.set(m, token);
    return m;
  }

  /** Whether every buffer still belongs to `token` (no later forward has taken it). */
  owns(buffers: readonly Mat[], token: object): boolean {
    return buffers.every((m) => this.owner.get(m) === token);
  }

  /** Returns the buffers of a cache whose backward is done, for the next forward of the same shape. */
  release(buffers: readonly Mat[], token: object): void {
    for (const m of buffers) {
      if (this.owner.get(m) !== token || this.released.has(m)) continue; // never listed twice
      this.released.add(m);
      const key = m.shape.join('x');
      if (!this.free.has(key)) this.free.set(key, []);
      (this.free.get(key) as Mat[]).push(m);
    }
  }

  /** A zero-filled tensor of `shape`, the same one on every call with the same key and shape. */
  zeros(key: string, shape: number[]): Mat {
    const m = this.scratch(key, shape);
    m.data.fill(0);
    return m;
  }

  /** The same tensor of `shape` on every call with the same key and shape, holding whatever it held last. */
  scratch(key: string, shape: number[]): Mat {
    const id = `${key}:${shape.join('x')}`;
    let m = this.buffers.get(id);
    if (!m) {
      m = zeros(shape);
      this.buffers.set(id, m);
    }
    return m;
  }
}
