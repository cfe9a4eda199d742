import { quantile7Sorted, rMean } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/** R's `summary()` of a numeric vector, with R's column names. */
export interface GlucoseSummary {
  "Min.": number;
  "1st Qu.": number;
  Median: number;
  Mean: number;
  "3rd Qu.": number;
  "Max.": number;
}

/**
 * Six-number summary of glucose: min, type-7 quartiles, median, mean, max (unrounded, as iglu
 * returns them).
 *
 * Reference: iglu `summary_glu()` (R's `summary.default`). This runs in `O(n log n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * summaryGlu([1, 2, 3, 4]);
 * // => { "Min.": 1, "1st Qu.": 1.75, Median: 2.5, Mean: 2.5, "3rd Qu.": 3.25, "Max.": 4 }
 */
export function summaryGlu(values: ArrayLike<number>): GlucoseSummary {
  const s = Float64Array.from(glucoseValues(values, "summaryGlu")).sort();
  const [min, q1, med, q3, max] = quantile7Sorted(s, [0, 0.25, 0.5, 0.75, 1]);
  return { "Min.": min, "1st Qu.": q1, Median: med, Mean: rMean(s), "3rd Qu.": q3, "Max.": max };
}
