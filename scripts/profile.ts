/**
 * npm run profile [-- --seq-len 100 --hidden 32 --seed 1]
 *
 * The temporal gradient profile of tanh RNN, relu RNN, LSTM and GRU at initialisation, on a batch of the
 * adding problem: how much of a unit gradient at the last step reaches each earlier step, the horizon,
 * the rate per step and the verdict, with a log-scale sparkline per model.
 */
import { Recurrent } from '../lib/layers/recurrent';
import { CELL_KINDS } from '../lib/cells/cell-params';
import { AddingProblem } from '../lib/tasks/adding';
import { Rng } from '../lib/kernels/random';
import { temporalProfile, verdictOf } from '../lib/diagnostics/profile';
import { formatProfile } from '../lib/diagnostics/measurements';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  const v = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`profile --${name}: expected an integer >= 1, got ${args[at + 1]}`);
  return v;
};
const T = opt('seq-len', 100), H = opt('hidden', 32), seed = opt('seed', 1);
const { batch } = new AddingProblem(32, T, new Rng(seed)).batch([...Array(32).keys()]);
console.log(`Temporal gradient profile at initialisation: adding problem, T=${T}, H=${H}, batch 32, seed ${seed}.`);
console.log('A unit gradient is put on the last step; each line shows ‖∂L/∂h_t‖ from the first step (left) to the last (right), log scale.\n');
for (const mode of CELL_KINDS) {
  const layer = new Recurrent({ mode, inputSize: 2, hiddenSize: H, seed });
  const profiles = temporalProfile(layer, batch.x);
  console.log(formatProfile(mode, profiles, verdictOf(profiles)) + '\n');
}
