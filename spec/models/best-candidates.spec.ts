import { BestCandidates } from '../../lib/models/best-candidates';
import { Rng } from '../../lib/kernels/random';

/** The n best by a full sort: score descending, then row, then column. */
function bySorting(scores: number[][], n: number) {
  const all = scores.flatMap((row, r) => row.map((score, c) => ({ row: r, col: c, score })));
  return all.sort((a, b) => b.score - a.score || a.row - b.row || a.col - b.col).slice(0, n);
}

describe('BestCandidates', () => {
  it('keeps what a full sort would put first, in that order, ties included', () => {
    const rng = new Rng(7);
    for (const [rows, cols, n] of [[1, 1, 1], [1, 9, 3], [5, 40, 10], [5, 40, 1], [3, 4, 20], [4, 300, 8]]) {
      for (const coarse of [false, true]) { // coarse: scores from a few values, so many are equal
        const scores = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (coarse ? Math.floor(rng.uniform() * 4) : rng.normal())));
        const best = new BestCandidates(n);
        scores.forEach((row, r) => row.forEach((score, c) => best.offer(r, c, score)));
        expect(best.items).toEqual(bySorting(scores, n));
        expect(best.items.length).toBe(Math.min(n, rows * cols));
      }
    }
  });

  it('keeps an equal score that comes later out when the list is full', () => {
    const best = new BestCandidates(2);
    best.offer(0, 0, 1);
    best.offer(0, 1, 2);
    best.offer(1, 0, 1); // equal to the worst kept, offered later: not kept
    best.offer(1, 1, 3);
    expect(best.items.map((c) => [c.row, c.col])).toEqual([[1, 1], [0, 1]]);
  });
});
