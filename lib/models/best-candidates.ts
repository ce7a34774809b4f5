/**
 * The n best of many scored candidates, without sorting them all: what a beam search keeps at each step.
 * A beam of k over a vocabulary of V words offers k·V candidates (8,745 for k = 5 and V = 1,749) and keeps
 * at most 2k, so a sorted list of n is kept and each candidate is compared with its worst: about one
 * comparison per candidate instead of the log₂(k·V) ≈ 13 of a full sort.
 *
 * Order: a higher score first; equal scores in the order they were offered. Candidates are offered row by
 * row and column by column, so that is the order "score descending, then row, then column" — the one a
 * full sort with those keys gives (a spec holds the two equal).
 */

export interface Candidate {
  row: number; // the hypothesis extended (its row in the decoder's state)
  col: number; // the word (or character) it is extended by
  score: number;
}

export class BestCandidates {
  readonly items: Candidate[] = []; // the best so far, best first; never longer than n

  constructor(readonly n: number) {}

  /** Offers one candidate; it is kept if there is room, or if it beats the worst kept. */
  offer(row: number, col: number, score: number): void {
    const items = this.items;
    if (items.length === this.n && !(score > items[items.length - 1].score)) return;
    let at = items.length;
    while (at > 0 && score > items[at - 1].score) at--; // after every kept one of an equal score: offered earlier
    items.splice(at, 0, { row, col, score });
    if (items.length > this.n) items.pop();
  }
}
