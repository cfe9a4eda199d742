import { neumaierSum } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * Hyperglycaemia index: Σ (gl − ULTR)^a over readings above ULTR, divided by n · c
 * (defaults ULTR = 140 mg/dL, a = 1.1, c = 30).
 *
 * Reference: iglu `hyper_index()`; Rodbard (2009) Interpretation of continuous glucose monitoring
 * data: glycemic variability and quality of glycemic control, Diabetes Technol Ther 11(S1):S55–S67,
 * doi:10.1089/dia.2008.0132. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * hyperIndex([140, 170]); // => 30 ** 1.1 / 60 ≈ 0.7026
 */
export function hyperIndex(values: ArrayLike<number>, ULTR = 140, a = 1.1, c = 30): number {
  const gl = glucoseValues(values, "hyperIndex");
  const t: number[] = [];
  for (const g of gl) if (g > ULTR) t.push((g - ULTR) ** a);
  return neumaierSum(t) / (gl.length * c);
}
