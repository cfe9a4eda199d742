/**
 * Input checks shared by the matrix-profile functions. Every check throws
 * {@link AnalyticsInputError} with the offending field and the calling function in the message.
 *
 * @module analytics/matrix-profile/validate
 */
import { AnalyticsInputError } from "../errors.ts";

/**
 * Copies a series into a new `Float64Array`, keeping `NaN`/`±Infinity` (they mark gaps).
 * This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} field `series` when `values` is not an array-like of numbers.
 * @example
 * toSeries([1, 2, NaN], "stump"); // Float64Array [1, 2, NaN]
 */
export function toSeries(values: ArrayLike<number>, fn: string, field = "series"): Float64Array {
  if (values === null || typeof values !== "object" || typeof values.length !== "number") {
    throw new AnalyticsInputError(field, `${fn}: ${field} must be an array of numbers`);
  }
  const n = values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== "number") throw new AnalyticsInputError(`${field}[${i}]`, `${fn}: ${field}[${i}] must be a number`);
    out[i] = v;
  }
  return out;
}

/**
 * Checks a window length the way STUMPY's `check_window_size` does: an integer with `3 <= m <= n`.
 * This runs in `O(1)`.
 *
 * @throws {AnalyticsInputError} field `m` when the window is not an integer, is below 3 or exceeds `n`.
 * @example
 * checkWindow(36, 4032, "stump"); // ok
 * checkWindow(2, 4032, "stump"); // throws "stump: m must be an integer >= 3, got 2"
 */
export function checkWindow(m: number, n: number, fn: string, field = "m"): void {
  if (typeof m !== "number" || !Number.isInteger(m) || m < 3) {
    throw new AnalyticsInputError(field, `${fn}: ${field} must be an integer >= 3, got ${String(m)}`);
  }
  if (m > n) {
    throw new AnalyticsInputError(field, `${fn}: ${field} (${m}) must not exceed the series length (${n})`);
  }
}

/**
 * Checks a non-negative integer count (`top_k`, `max_matches`…).
 *
 * @throws {AnalyticsInputError} field `field` when `k` is not an integer `>= min`.
 * @example
 * checkCount(3, "k", "topMotifs"); // ok
 */
export function checkCount(k: number, field: string, fn: string, min = 0): void {
  if (typeof k !== "number" || !Number.isInteger(k) || k < min) {
    throw new AnalyticsInputError(field, `${fn}: ${field} must be an integer >= ${min}, got ${String(k)}`);
  }
}
