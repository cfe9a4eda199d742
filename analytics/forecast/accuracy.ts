/**
 * @module analytics/forecast/accuracy
 * Scoring forecasts against what the sensor later read.
 *
 * **Truth.** The observed glucose for a forecast of `origin + h` is the reading closest to that
 * instant within ±2.5 minutes (half a 5-minute sampling step; the earlier one on a tie); if there is
 * none the forecast is not scored. Truth is never interpolated, so a forecaster cannot gain from
 * the resampling rule it was trained with.
 *
 * RMSE and MAE are accumulated as sums so that partial results (one queue chunk, one subject)
 * merge by adding ({@link addAccuracy}).
 */
import { lastIndexAtOrBefore } from "./series.ts";
import type { GlucoseSeries } from "./types.ts";

/** Half a 5-minute step: how far from `origin + h` a reading may be to count as its truth. */
export const TRUTH_TOLERANCE_MS = 150_000;

/**
 * The reading closest to instant `t` within `toleranceMs` (ties: the earlier), or `NaN`.
 * This runs in `O(log n)`.
 *
 * @example
 * const s = { times: Float64Array.of(0, 290_000, 610_000), values: Float64Array.of(100, 104, 110) };
 * observedAt(s, 300_000); // => 104
 * observedAt(s, 450_000); // => NaN (no reading within 2.5 minutes)
 */
export function observedAt(series: GlucoseSeries, t: number, toleranceMs = TRUTH_TOLERANCE_MS): number {
  const i = lastIndexAtOrBefore(series.times, t);
  const before = i >= 0 ? t - series.times[i] : Number.POSITIVE_INFINITY;
  const after = i + 1 < series.times.length ? series.times[i + 1] - t : Number.POSITIVE_INFINITY;
  if (before <= after && before <= toleranceMs) return series.values[i];
  if (after <= toleranceMs) return series.values[i + 1];
  return Number.NaN;
}

/** Running sums of forecast errors: squared, absolute, signed, and their count. */
export interface Accuracy {
  sse: number;
  sae: number;
  sum: number;
  n: number;
}

/**
 * An empty {@link Accuracy}. `O(1)`.
 *
 * @example
 * emptyAccuracy(); // => { sse: 0, sae: 0, sum: 0, n: 0 }
 */
export function emptyAccuracy(): Accuracy {
  return { sse: 0, sae: 0, sum: 0, n: 0 };
}

/**
 * Adds one error (prediction − truth) to the sums; non-finite errors are skipped. `O(1)`.
 *
 * @example
 * const a = emptyAccuracy(); addError(a, 3); addError(a, -4); rmse(a); // => 3.5355…
 */
export function addError(a: Accuracy, error: number): void {
  if (!Number.isFinite(error)) return;
  a.sse += error * error;
  a.sae += Math.abs(error);
  a.sum += error;
  a.n += 1;
}

/**
 * Merges `b` into `a` (partial results of chunks or subjects). `O(1)`.
 *
 * @example
 * const a = emptyAccuracy(), b = emptyAccuracy(); addError(a, 3); addError(b, -4);
 * addAccuracy(a, b); rmse(a); // => 3.5355… (same as adding both errors to one accumulator)
 */
export function addAccuracy(a: Accuracy, b: Accuracy): void {
  a.sse += b.sse;
  a.sae += b.sae;
  a.sum += b.sum;
  a.n += b.n;
}

/**
 * Root-mean-square error, `NaN` when empty. `O(1)`.
 *
 * @example
 * const a = emptyAccuracy(); addError(a, 3); addError(a, -4); rmse(a); // => 3.5355…
 */
export function rmse(a: Accuracy): number {
  return a.n ? Math.sqrt(a.sse / a.n) : Number.NaN;
}

/**
 * Mean absolute error, `NaN` when empty. `O(1)`.
 *
 * @example
 * const a = emptyAccuracy(); addError(a, 3); addError(a, -4); mae(a); // => 3.5
 */
export function mae(a: Accuracy): number {
  return a.n ? a.sae / a.n : Number.NaN;
}

/**
 * Mean error (bias: positive = forecasts too high), `NaN` when empty. `O(1)`.
 *
 * @example
 * const a = emptyAccuracy(); addError(a, 3); addError(a, -4); bias(a); // => -0.5
 */
export function bias(a: Accuracy): number {
  return a.n ? a.sum / a.n : Number.NaN;
}
