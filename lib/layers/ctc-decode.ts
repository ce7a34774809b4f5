/**
 * Reading labels out of a CTC network's frame outputs, two ways.             docs: docs/layers/ctc.md
 *
 *   greedy (best path)   π*_t = argmax_k y_t(k), then collapse π* (merge repeats, drop blanks)        (CTC-7)
 *   prefix beam search   keep the `beamWidth` most probable label prefixes ℓ, each with the probability
 *                        of the paths that read as ℓ so far, split by how they end:
 *                          p_b(ℓ): ending in a blank,   p_nb(ℓ): ending in ℓ's last label.
 *                        Frame t extends them (k ≠ blank, e = ℓ's last label):
 *                          ℓ with a blank:        p_b'(ℓ)  += (p_b(ℓ) + p_nb(ℓ))·y_t(b)
 *                          ℓ repeating e:         p_nb'(ℓ) += p_nb(ℓ)·y_t(e)
 *                          ℓ + k, k ≠ e:          p_nb'(ℓk) += (p_b(ℓ) + p_nb(ℓ))·y_t(k)
 *                          ℓ + e (a new e):       p_nb'(ℓe) += p_b(ℓ)·y_t(e)   (needs the blank between)  (CTC-8)
 * The best path is the likeliest *path*; the beam looks for the likeliest *labelling*, summing the many
 * paths that read the same: with a wide enough beam it finds argmax_ℓ p(ℓ | x) (a spec checks it against
 * every labelling). Everything is in log space.
 *
 *   several models       each model's beam proposes labellings; the one with the highest
 *                          Σ_m ln p_m(ℓ | x)   (each p_m summed over all of model m's paths, CTC-4)
 *                        wins: a product of the models' labelling probabilities                  (CTC-9)
 * Averaging the models' frame probabilities instead fails where they place a label's peak at different
 * frames (a CTC model is free to: only the labelling is trained): each peak is halved, and the blank wins
 * both frames. Scoring whole labellings lets every model sum over its own alignments.
 */
import { logAdd, labellingLogProb } from './ctc';

/** One frame's log-probabilities over the C classes (blank included). */
export type LogProbFrames = readonly ArrayLike<number>[];

export interface Decoded {
  labels: number[]; // the label sequence, blanks and repeats removed
  logProb: number; // greedy: of the best path; beam: of the labelling (its paths summed, as far as the beam kept them)
}


/** The best path (one argmax per frame), and its collapse. `path` is what `listen --json` shows per frame. */
export function greedyDecode(frames: LogProbFrames, blank: number): Decoded & { path: number[] } {
  const path: number[] = [];
  let logProb = 0;
  for (const y of frames) {
    let best = 0;
    for (let k = 1; k < y.length; k++) if (y[k] > y[best]) best = k;
    path.push(best);
    logProb += y[best];
  }
  const labels = path.filter((k, t) => k !== blank && (t === 0 || k !== path[t - 1])); // (CTC-7)
  return { labels, logProb, path };
}

/** The `beamWidth` likeliest labellings by CTC prefix beam search, best first. */
export function prefixBeamSearch(frames: LogProbFrames, blank: number, beamWidth: number): Decoded[] {
  if (!Number.isInteger(beamWidth) || beamWidth < 1) throw new RangeError(`prefixBeamSearch beamWidth: expected an integer >= 1, got ${beamWidth}`);
  interface Beam { labels: number[]; b: number; nb: number }
  const key = (labels: readonly number[]) => labels.join(',');
  let beams = new Map<string, Beam>([['', { labels: [], b: 0, nb: -Infinity }]]);
  for (const y of frames) {
    const next = new Map<string, Beam>();
    const at = (labels: number[]) => {
      const k = key(labels);
      let beam = next.get(k);
      if (!beam) next.set(k, (beam = { labels, b: -Infinity, nb: -Infinity }));
      return beam;
    };
    for (const beam of beams.values()) {
      const total = logAdd(beam.b, beam.nb);
      const e = beam.labels.length ? beam.labels[beam.labels.length - 1] : -1;
      const same = at(beam.labels);
      same.b = logAdd(same.b, total + y[blank]); // (CTC-8)
      if (e >= 0) same.nb = logAdd(same.nb, beam.nb + y[e]);
      for (let k = 0; k < y.length; k++) {
        if (k === blank) continue;
        const longer = at([...beam.labels, k]);
        longer.nb = logAdd(longer.nb, (k === e ? beam.b : total) + y[k]);
      }
    }
    beams = new Map([...next.entries()].sort((p, q) => logAdd(q[1].b, q[1].nb) - logAdd(p[1].b, p[1].nb)).slice(0, beamWidth));
  }
  return [...beams.values()].map((bm) => ({ labels: bm.labels, logProb: logAdd(bm.b, bm.nb) }));
}

/**
 * The labelling several models agree on (CTC-9): the candidates are the union of each model's
 * `beamWidth` best (prefix beam search), scored by the sum of every model's ln p(ℓ | x). `models[m]` is
 * model m's log-probability frames of the same input (their counts may differ: each is scored on its own).
 */
export function ensembleDecode(models: readonly LogProbFrames[], blank: number, beamWidth: number): Decoded {
  if (models.length < 1) throw new RangeError('ensembleDecode models: expected the frames of at least 1 model, got 0');
  const candidates = new Map<string, number[]>();
  for (const frames of models) for (const d of prefixBeamSearch(frames, blank, beamWidth)) candidates.set(d.labels.join(','), d.labels);
  let best: Decoded = { labels: [], logProb: -Infinity };
  for (const labels of candidates.values()) {
    const logProb = models.reduce((sum, frames) => sum + labellingLogProb(frames, labels, blank), 0); // (CTC-9)
    if (logProb > best.logProb) best = { labels, logProb };
  }
  return best;
}
