import { gmiFromMean } from "../../vocabulary/ranges.ts";
import { meanGlu } from "./mean-glu.ts";

/**
 * Glucose management indicator (%): 3.31 + 0.02392 · mean glucose (mg/dL).
 *
 * Reference: iglu `gmi()`; Bergenstal et al. (2018) Glucose Management Indicator (GMI),
 * Diabetes Care 41(11):2275–2280, doi:10.2337/dc18-1581. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * gmi([150]); // => 6.898
 */
export function gmi(values: ArrayLike<number>): number {
  return gmiFromMean(meanGlu(values));
}
