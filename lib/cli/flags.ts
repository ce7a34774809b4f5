/**
 * Library errors name the API argument they are about ("sampleText prime: …"); a command-line user set
 * it with a flag. `asCommandLine` rewrites a library message into the flags that set those arguments,
 * so `unrolled sample --prime Ω` says "--prime: …". One table, read once per error.
 */

/** A library message's opening "function argument" → the flag that sets that argument. */
const OPENINGS: [string, string][] = [
  ['sampleText prime', '--prime'], ['sampleText temperature', '--temperature'], ['sampleText length', '--length'], ['sampleText topK', '--top-k'],
  ['prepareCharLm valFraction', '--val-fraction'],
  ['trainForecaster lookBack', '--look-back'], ['trainForecaster horizon', '--horizon'], ['trainForecaster strategy', '--strategy'],
  ['trainForecaster season', '--season'], ['SeriesTransform lag', '--difference'],
  ['chronologicalSplit testFraction', '--test-fraction'], ['chronologicalSplit valFraction', '--val-fraction'],
  ['prepareTranslation pairs', '--data'], ['translateDefaults teacherForcing', '--teacher-forcing'], ['caption lrDecay', '--lr-decay'],
  ['generateName language', '--language'], ['generateName start', '--start'],
  ['readClassDirectory dir', '--data-dir'], ['readNumericRows file', '--data'], ['numericSequences stepSize', '--step-size'],
  ['stratifiedSplit testFraction', '--test-fraction'],
  ['seriesFromTable column', '--column'], ['seriesFromTable dateColumn', '--date-column'], ['readSeries file', '--data'], ['readPairs file', '--data'],
  ['importWeights like', '--like'],
  ['beamSearch beamWidth', '--beam'], ['beamSearch maxLength', '--max-length'], ['greedyDecode maxLength', '--max-length'], ['beamSearch lengthPenalty', '--length-penalty'],
];

/** Option names that library messages use in their advice ("lower lookBack or testFraction"), as flags. */
const WORDS: [RegExp, string][] = [
  [/\blookBack\b/g, '--look-back'], [/\btestFraction\b/g, '--test-fraction'], [/\bvalFraction\b/g, '--val-fraction'],
  [/\bdifference (\d+)/g, '--difference $1'], [/^lrDecay:/, '--lr-decay:'], [/\bhorizon (\d+)/g, '--horizon $1'],
];

/** The message as the command line should say it. */
export function asCommandLine(message: string): string {
  let m = message;
  for (const [opening, flag] of OPENINGS) {
    if (m.startsWith(opening + ':') || m.startsWith(opening + ' ')) {
      m = flag + m.slice(opening.length);
      break;
    }
  }
  for (const [word, flag] of WORDS) m = m.replace(word, flag);
  return m;
}
