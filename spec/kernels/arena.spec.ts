import { Arena } from '../../lib/kernels/arena';
import { isOwned, ValueError } from '../../lib/kernels/tensor';

describe('Arena', () => {
  it('hands out plain views that do not overlap within a pass', () => {
    const arena = new Arena(100);
    const a = arena.take([3, 4]), b = arena.take([5, 2]), c = arena.zeros([80]); // 22 + 80 > 100: c starts the next block
    for (const m of [a, b, c]) expect(isOwned(m)).toBe(true);
    a.data.fill(1);
    b.data.fill(2);
    expect([...a.data].every((v) => v === 1)).toBe(true);
    expect([...c.data].every((v) => v === 0)).toBe(true);
    expect(a.data.buffer).toBe(b.data.buffer);
    expect(c.data.buffer).not.toBe(a.data.buffer);
  });

  it('after a rewind gives the same memory again, and stops growing once the largest pass has run', () => {
    const arena = new Arena(64);
    const pass = (sizes: number[]) => {
      arena.rewind();
      return sizes.map((n) => arena.take([n]));
    };
    const first = pass([10, 50, 30, 200]);
    const capacity = arena.capacity;
    expect(capacity).toBeGreaterThanOrEqual(290);
    const again = pass([10, 50, 30, 200]);
    again.forEach((m, k) => {
      expect(m.data.buffer).toBe(first[k].data.buffer);
      expect(m.data.byteOffset).toBe(first[k].data.byteOffset);
    });
    pass([5, 40, 20, 100]); // a smaller pass
    expect(arena.capacity).toBe(capacity);
  });

  it('zeros() clears what an earlier pass left', () => {
    const arena = new Arena(16);
    arena.take([8]).data.fill(7);
    arena.rewind();
    expect([...arena.zeros([8]).data]).toEqual(new Array(8).fill(0));
  });

  it('says what is wrong with a bad shape or size', () => {
    expect(() => new Arena(0)).toThrow(new ValueError('Arena blockSize: expected an integer >= 1, got 0'));
    expect(() => new Arena().take([2, -1])).toThrow(new ValueError('Arena.take shape: expected non-negative integer sizes, got [2,-1]'));
  });
});
