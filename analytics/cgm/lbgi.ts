import { rMean } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * Low blood glucose index: with f(gl) = ln(gl)^1.084 − 5.381 (gl in mg/dL),
 * LBGI = 22.77 · mean(min(f, 0)²). 22.77 ≈ 10 · 1.509², the constant iglu uses.
 *
 * Reference: iglu `lbgi()`; Kovatchev et al. (2006) Evaluation of a new measure of blood glucose
 * variability in diabetes, Diabetes Care 29(11):2433–2438, doi:10.2337/dc06-1085.
 * This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * lbgi([60, 200]); // => 6.785… (only the 60 mg/dL reading contributes)
 */
export function lbgi(values: ArrayLike<number>): number {
  const gl = glucoseValues(values, "lbgi");
  const r = new Float64Array(gl.length);
  for (let i = 0; i < gl.length; i++) {
    const f = Math.log(gl[i]) ** 1.084 - 5.381;
    r[i] = f < 0 ? f * f : 0;
  }
  return 22.77 * rMean(r);
}
