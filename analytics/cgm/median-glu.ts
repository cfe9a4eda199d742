import { rMedian } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * Median glucose (mg/dL): R's `median()`, the mean of the two middle values for an even count.
 *
 * Reference: iglu `median_glu()`. This runs in `O(n log n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * medianGlu([100, 150, 200, 250]); // => 175
 */
export function medianGlu(values: ArrayLike<number>): number {
  return rMedian(glucoseValues(values, "medianGlu"));
}
