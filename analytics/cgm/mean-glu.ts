import { rMean } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * Mean glucose (mg/dL).
 *
 * Reference: iglu `mean_glu()`; Battelino et al. (2019) International consensus on time in range,
 * Diabetes Care 42(8):1593–1603, doi:10.2337/dci19-0028. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * meanGlu([100, 150, 200]); // => 150
 */
export function meanGlu(values: ArrayLike<number>): number {
  return rMean(glucoseValues(values, "meanGlu"));
}
