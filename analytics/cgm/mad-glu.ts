import { rMad } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * Median absolute deviation (mg/dL), scaled by `constant` = 1.4826 so that it estimates the SD
 * of normal data: constant · median(|x − median(x)|), R's `mad()`.
 *
 * Reference: iglu `mad_glu(data, constant = 1.4826)`. This runs in `O(n log n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * madGlu([100, 110, 120, 130, 500]); // => 14.826
 */
export function madGlu(values: ArrayLike<number>, constant = 1.4826): number {
  return rMad(glucoseValues(values, "madGlu"), constant);
}
