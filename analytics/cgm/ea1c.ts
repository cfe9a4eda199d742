import { meanGlu } from "./mean-glu.ts";

/**
 * Estimated HbA1c (%) from mean glucose: (46.7 + mean) / 28.7.
 *
 * Reference: iglu `ea1c()`; Nathan et al. (2008) Translating the A1C assay into estimated average
 * glucose values, Diabetes Care 31(8):1473–1478, doi:10.2337/dc08-0545. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * ea1c([154]); // => 6.993031358885017
 */
export function ea1c(values: ArrayLike<number>): number {
  return (46.7 + meanGlu(values)) / 28.7;
}
