/**
 * The order of an epoch's samples when batches should hold sequences of similar length.
 */
import { Rng } from '../kernels/random';
import { Dataset } from './learner';

/**
 * An epoch order whose batches hold sequences of similar length, so a padded batch wastes few steps:
 * shuffle, sort each run of 50 batches' worth by length, cut it into batches, and shuffle the batches.
 * Every sample still comes once per epoch, from the same seeded generator.
 */
export function bucketedOrder(train: Dataset<unknown>, batchSize: number, rng: Rng): number[] {
  const lengthOf = (i: number) => (train.lengthOf as (i: number) => number).call(train, i);
  const order = rng.permutation(train.size);
  const batches: number[][] = [];
  const pool = 50 * batchSize;
  for (let start = 0; start < order.length; start += pool) {
    const chunk = order.slice(start, start + pool).sort((a, b) => lengthOf(a) - lengthOf(b) || a - b);
    for (let k = 0; k < chunk.length; k += batchSize) batches.push(chunk.slice(k, k + batchSize));
  }
  // The last (possibly short) batch stays last, so that every other batch is full.
  const last = batches.length - 1;
  const shortIndex = batches.findIndex((b) => b.length < batchSize);
  if (shortIndex >= 0 && shortIndex !== last) [batches[shortIndex], batches[last]] = [batches[last], batches[shortIndex]];
  const full = shortIndex >= 0 ? batches.length - 1 : batches.length;
  const perm = rng.permutation(full);
  return [...perm.flatMap((k) => batches[k]), ...(shortIndex >= 0 ? batches[last] : [])];
}
