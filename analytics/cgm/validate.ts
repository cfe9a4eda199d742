/**
 * @module analytics/cgm/validate
 * Shared input checks of the CGM metrics. Missing values (`NaN`) are dropped, as iglu drops `NA`
 * glucose (`na.rm = TRUE` / `filter(!is.na(gl))`); what is left must not be empty.
 */
import { AnalyticsInputError } from "../errors.ts";
import { dropNaN } from "./r-stats.ts";

/**
 * The non-missing glucose values of `x`. A `Float64Array` without missing values is returned as
 * is (callers must not modify the result); anything else is copied.
 *
 * @throws {AnalyticsInputError} (field `values`) when nothing is left.
 * @example
 * glucoseValues([100, Number.NaN, 120], "meanGlu"); // => Float64Array [100, 120]
 */
export function glucoseValues(x: ArrayLike<number>, fn: string): Float64Array {
  if (x === null || x === undefined || typeof x.length !== "number") throw new AnalyticsInputError("values", `${fn} requires an array of glucose values`);
  let clean = x instanceof Float64Array;
  for (let i = 0; clean && i < x.length; i++) if (Number.isNaN(x[i])) clean = false;
  const out = clean ? (x as Float64Array) : dropNaN(x);
  if (out.length === 0) throw new AnalyticsInputError("values", `${fn} requires at least one glucose value, got none`);
  return out;
}
