import { rMean, rSd } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * Coefficient of variation (%): 100 · SD / mean.
 *
 * Reference: iglu `cv_glu()`; Battelino et al. (2019), doi:10.2337/dci19-0028 (target ≤ 36 %).
 * This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * cvGlu([100, 150, 200]); // => 33.33333333333333
 */
export function cvGlu(values: ArrayLike<number>): number {
  const gl = glucoseValues(values, "cvGlu");
  return (rSd(gl) / rMean(gl)) * 100;
}
