/**
 * @module analytics/correlation/complete-pairs
 */
import { AnalyticsInputError } from "../errors.ts";

/** A numeric series where `NaN` or `null` marks a gap (uPlot's convention for missing data). */
export type Series = ArrayLike<number | null>;

/** The pairs of two series that have both values, copied into typed arrays. */
export interface CompletePairs {
  /** x values of the complete pairs, in their original order. */
  readonly x: Float64Array;
  /** y values of the complete pairs, in their original order. */
  readonly y: Float64Array;
  /** Number of complete pairs (`x.length`). */
  readonly n: number;
  /** Number of pairs dropped because x or y was a gap. */
  readonly dropped: number;
}

/**
 * Pairwise deletion: keeps the pairs `(x[i], y[i])` where neither value is a gap (`NaN` or `null`),
 * as R's `cor(use = "pairwise.complete.obs")` and scipy's `nan_policy="omit"` do for two variables.
 * (scipy 1.10's `pearsonr` has no NaN policy and returns NaN; `spearmanr` defaults to "propagate".)
 *
 * Runs in `O(n)` time and memory.
 *
 * @param x - first series
 * @param y - second series, same length as `x`
 * @param caller - name of the calling function, used in error messages
 * @returns the complete pairs and how many were dropped
 * @throws {AnalyticsInputError} field `y` when the lengths differ; field `x[i]`/`y[i]` for ±Infinity
 *   or a value that is not a number (an infinite reading is a bug upstream, not a gap)
 * @example
 * completePairs([1, NaN, 3, 4], [2, 5, null, 8]); // => { x: [1, 4], y: [2, 8], n: 2, dropped: 2 }
 */
export function completePairs(x: Series, y: Series, caller = "completePairs"): CompletePairs {
  const len = x.length;
  if (y.length !== len) {
    throw new AnalyticsInputError("y", `${caller}: x and y must have the same length, got ${len} and ${y.length}`);
  }
  const outX = new Float64Array(len);
  const outY = new Float64Array(len);
  let n = 0;
  for (let i = 0; i < len; i++) {
    const a = readValue(x[i], "x", i, caller);
    const b = readValue(y[i], "y", i, caller);
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    outX[n] = a;
    outY[n] = b;
    n++;
  }
  return { x: outX.subarray(0, n), y: outY.subarray(0, n), n, dropped: len - n };
}

function readValue(v: number | null | undefined, name: string, i: number, caller: string): number {
  if (v === null || v === undefined) return Number.NaN;
  if (typeof v !== "number") {
    throw new AnalyticsInputError(`${name}[${i}]`, `${caller}: ${name}[${i}] must be a number, NaN or null, got ${typeof v}`);
  }
  if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
    throw new AnalyticsInputError(`${name}[${i}]`, `${caller}: ${name}[${i}] is ${v}; only finite values or gaps (NaN, null) are allowed`);
  }
  return v;
}
