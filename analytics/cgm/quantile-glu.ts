import { quantile7Sorted } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * Glucose quantiles with R's default `quantile(type = 7)` (linear interpolation between order
 * statistics). Keys are the percentages as iglu names its columns: `"0"`, `"25"`, …, `"100"`.
 *
 * Reference: iglu `quantile_glu(data, quantiles = c(0, 25, 50, 75, 100))`;
 * Hyndman & Fan (1996) Sample quantiles in statistical packages, doi:10.2307/2684934.
 * This runs in `O(n log n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * quantileGlu([1, 2, 3, 4]); // => { "0": 1, "25": 1.75, "50": 2.5, "75": 3.25, "100": 4 }
 */
export function quantileGlu(values: ArrayLike<number>, quantiles: readonly number[] = [0, 25, 50, 75, 100]): Record<string, number> {
  const s = Float64Array.from(glucoseValues(values, "quantileGlu")).sort();
  const q = quantile7Sorted(s, quantiles.map((p) => p / 100));
  const out: Record<string, number> = {};
  quantiles.forEach((p, i) => {
    out[String(p)] = q[i];
  });
  return out;
}
