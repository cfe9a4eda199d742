import { rMean, rSd } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * J-index: 0.001 · (mean + SD)² with glucose in mg/dL.
 *
 * Reference: iglu `j_index()`; Wojcicki (1995) "J"-index. A new proposition of the assessment of
 * current glucose control in diabetic patients, Horm Metab Res 27(1):41–42,
 * doi:10.1055/s-2007-979906. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * jIndex([100, 150, 200]); // => 40
 */
export function jIndex(values: ArrayLike<number>): number {
  const gl = glucoseValues(values, "jIndex");
  const s = rMean(gl) + rSd(gl);
  return 0.001 * s * s;
}
