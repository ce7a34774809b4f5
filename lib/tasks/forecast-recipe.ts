/**
 * Choosing a single series' recipe on its validation part: whether to take logs, which difference
 * (none, lag 1, or the season), and how far back the model reads. Each candidate is trained as
 * `trainForecaster` trains one, its forecasts of the validation part are scored in original units, and
 * the lowest RMSE wins; the test part plays no part in the choice.              docs: docs/use-cases.md
 *
 * Why: a recipe that suits one series is wrong for another. On the airline data, log and a lag-1
 * difference turn the series into month-on-month growth rates with a stable yearly pattern; on a series
 * whose season is the main signal, the seasonal difference (lag S) removes it and leaves what a network
 * can learn; a stationary series wants no difference at all.
 */
import { ValueError } from '../kernels/tensor';
import { ForecastOptions, ForecastResult, trainForecaster } from './forecast';

export interface Recipe {
  log: boolean;
  difference: number; // lag, 0 for none
  seasonalDifference: number; // a second difference at lag S after lag 1 (SER-4), 0 for none
  lookBack: number;
}

export interface RecipeTrial {
  recipe: Recipe;
  validationRmse: number | null; // null: the recipe did not fit the series (why in `problem`)
  problem?: string;
}

/**
 * The candidates: logs only when every value is > 0; differences none, lag 1, lag S, and lag 1 then lag S;
 * look-backs the given one and, with a season, one season. `fixed` pins any part (a flag the user gave).
 */
export function candidateRecipes(values: readonly number[], season: number | null, lookBack: number, fixed: Partial<Recipe> = {}): Recipe[] {
  const S = season && season > 1 ? season : 0;
  const logs = fixed.log !== undefined ? [fixed.log] : values.every((v) => v > 0) ? [true, false] : [false];
  let diffs: [number, number][] = [[0, 0], [1, 0], ...(S ? [[S, 0], [1, S]] as [number, number][] : [])];
  if (fixed.difference !== undefined || fixed.seasonalDifference !== undefined) diffs = [[fixed.difference ?? 1, fixed.seasonalDifference ?? 0]];
  const backs = fixed.lookBack !== undefined ? [fixed.lookBack] : [...new Set([lookBack, ...(S ? [S] : [])])];
  return logs.flatMap((log) => diffs.flatMap(([difference, seasonalDifference]) => backs.map((lb) => ({ log, difference, seasonalDifference, lookBack: lb }))));
}

/** Trains every candidate; returns the one with the lowest validation RMSE and what each scored. */
export function chooseRecipe(values: readonly number[], o: Omit<ForecastOptions, 'log' | 'difference' | 'lookBack'>, candidates: readonly Recipe[], column = 'value', dates: readonly string[] | null = null,
  onTrial: (t: RecipeTrial) => void = () => {}): { best: ForecastResult; recipe: Recipe; trials: RecipeTrial[] } {
  if ((o.valFraction ?? 0.15) <= 0) throw new ValueError('chooseRecipe valFraction: a recipe is chosen on the validation part; it needs valFraction > 0');
  let best: { result: ForecastResult; recipe: Recipe; rmse: number } | null = null;
  const trials: RecipeTrial[] = [];
  for (const recipe of candidates) {
    let trial: RecipeTrial;
    try {
      const result = trainForecaster(values, { ...o, ...recipe }, column, dates);
      const rmse = result.validation?.rmse ?? null;
      trial = { recipe, validationRmse: rmse };
      if (rmse !== null && Number.isFinite(rmse) && (best === null || rmse < best.rmse)) best = { result, recipe, rmse };
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
      trial = { recipe, validationRmse: null, problem: err.message };
    }
    trials.push(trial);
    onTrial(trial);
  }
  if (best === null) throw new ValueError(`no recipe fits the series: ${trials.map((t) => t.problem).filter(Boolean)[0] ?? 'no validation forecasts'}`);
  return { best: best.result, recipe: best.recipe, trials };
}
