import { rMean } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * High blood glucose index: with f(gl) = ln(gl)^1.084 − 5.381 (gl in mg/dL),
 * HBGI = 22.77 · mean(max(f, 0)²).
 *
 * Reference: iglu `hbgi()`; Kovatchev et al. (2006), doi:10.2337/dc06-1085. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * hbgi([100, 300]); // => 16.975… (only the 300 mg/dL reading contributes)
 */
export function hbgi(values: ArrayLike<number>): number {
  const gl = glucoseValues(values, "hbgi");
  const r = new Float64Array(gl.length);
  for (let i = 0; i < gl.length; i++) {
    const f = Math.log(gl[i]) ** 1.084 - 5.381;
    r[i] = f > 0 ? f * f : 0;
  }
  return 22.77 * rMean(r);
}
