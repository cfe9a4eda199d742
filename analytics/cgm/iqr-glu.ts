import { quantile7Sorted } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * Interquartile range (mg/dL): R's `IQR()`, the difference of the type-7 quartiles.
 *
 * Reference: iglu `iqr_glu()`. This runs in `O(n log n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * iqrGlu([1, 2, 3, 4]); // => 1.5
 */
export function iqrGlu(values: ArrayLike<number>): number {
  const [q1, q3] = quantile7Sorted(Float64Array.from(glucoseValues(values, "iqrGlu")).sort(), [0.25, 0.75]);
  return q3 - q1;
}
