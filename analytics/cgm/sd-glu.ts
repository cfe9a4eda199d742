import { rSd } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * Standard deviation of glucose (mg/dL), sample SD with denominator n − 1 like R's `sd()`;
 * `NaN` for a single value (R: `NA`).
 *
 * Reference: iglu `sd_glu()`; Battelino et al. (2019), doi:10.2337/dci19-0028. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * sdGlu([100, 150, 200]); // => 50
 */
export function sdGlu(values: ArrayLike<number>): number {
  return rSd(glucoseValues(values, "sdGlu"));
}
