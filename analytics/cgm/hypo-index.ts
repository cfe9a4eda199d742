import { neumaierSum } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * Hypoglycaemia index: Σ (LLTR − gl)^b over readings below LLTR, divided by n · d
 * (defaults LLTR = 80 mg/dL, b = 2, d = 30).
 *
 * Reference: iglu `hypo_index()`; Rodbard (2009), doi:10.1089/dia.2008.0132. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * hypoIndex([60, 100]); // => 400 / 60 ≈ 6.667
 */
export function hypoIndex(values: ArrayLike<number>, LLTR = 80, b = 2, d = 30): number {
  const gl = glucoseValues(values, "hypoIndex");
  const t: number[] = [];
  for (const g of gl) if (g < LLTR) t.push((LLTR - g) ** b);
  return neumaierSum(t) / (gl.length * d);
}
