import { hyperIndex } from "./hyper-index.ts";
import { hypoIndex } from "./hypo-index.ts";

/**
 * Index of glycaemic control: hyperglycaemia index + hypoglycaemia index.
 *
 * Reference: iglu `igc(data, LLTR = 80, ULTR = 140, a = 1.1, b = 2, c = 30, d = 30)`;
 * Rodbard (2009), doi:10.1089/dia.2008.0132. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * igc([60, 170]); // => hyperIndex([60, 170]) + hypoIndex([60, 170])
 */
export function igc(values: ArrayLike<number>, LLTR = 80, ULTR = 140, a = 1.1, b = 2, c = 30, d = 30): number {
  return hyperIndex(values, ULTR, a, c) + hypoIndex(values, LLTR, b, d);
}
