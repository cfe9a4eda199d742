import { glucoseValues } from "./validate.ts";

/**
 * Glucose range (mg/dL): max − min.
 *
 * Reference: iglu `range_glu()`. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * rangeGlu([80, 150, 210]); // => 130
 */
export function rangeGlu(values: ArrayLike<number>): number {
  const gl = glucoseValues(values, "rangeGlu");
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of gl) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo;
}
