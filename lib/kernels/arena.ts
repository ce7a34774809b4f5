/**
 * Scratch for a pass whose shapes change from one call to the next (a decoder's batch: how many steps it
 * runs and how many rows each step computes depend on the targets), where a pool keyed by shape would keep
 * one buffer for every shape it has ever seen.
 *
 * `rewind()` at the start of a pass, then `take(shape)` hands out plain views (row-major, offset 0,
 * `subarray`s) of large blocks that the arena keeps from pass to pass. A pass that needs more than the
 * blocks hold adds a block; once the largest pass has run, nothing is allocated. A view is valid until the
 * next `rewind()`: it must never outlive the pass that took it (return numbers, or copies).
 */
import { Mat, fromArray, ValueError } from './tensor';

export class Arena {
  private readonly blocks: Float64Array[] = [];
  private block = 0; // the block being filled
  private used = 0; // values of it handed out

  /** `blockSize`: the values of a new block (a take larger than that gets a block of its own size). */
  constructor(private readonly blockSize = 1 << 18) {
    if (!Number.isInteger(blockSize) || blockSize < 1) throw new ValueError(`Arena blockSize: expected an integer >= 1, got ${blockSize}`);
  }

  /** Starts a pass: every view handed out since the last rewind may now be handed out again. */
  rewind(): void {
    this.block = 0;
    this.used = 0;
  }

  /** A plain view of `shape`, holding whatever the arena's memory held (the caller writes every value). */
  take(shape: readonly number[]): Mat {
    const size = shape.reduce((a, n) => a * n, 1);
    if (!Number.isInteger(size) || size < 0) throw new ValueError(`Arena.take shape: expected non-negative integer sizes, got [${shape.join(',')}]`);
    while (this.block < this.blocks.length && this.blocks[this.block].length - this.used < size) {
      this.block++; // the rest of this block is too small: go on to the next
      this.used = 0;
    }
    if (this.block === this.blocks.length) this.blocks.push(new Float64Array(Math.max(this.blockSize, size)));
    const data = this.blocks[this.block].subarray(this.used, this.used + size);
    this.used += size;
    return fromArray(data, shape);
  }

  /** A plain view of `shape`, zero-filled. */
  zeros(shape: readonly number[]): Mat {
    const m = this.take(shape);
    m.data.fill(0);
    return m;
  }

  /** The values the arena holds in all its blocks (for tests and memory reports). */
  get capacity(): number {
    return this.blocks.reduce((a, b) => a + b.length, 0);
  }
}
