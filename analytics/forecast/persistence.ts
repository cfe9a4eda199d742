/**
 * @module analytics/forecast/persistence
 * The persistence (naive, "last value") forecast: glucose stays where it is. It is the floor every
 * forecaster must beat; GlucoBench (Sergazinov et al. 2023, arXiv:2311.00743) and most CGM
 * forecasting papers report it as the zero-skill reference.
 */
import type { GlucoseSeries } from "./types.ts";

/**
 * Predicts the latest reading (index `at`) for every horizon. It never declines for a valid index.
 * This runs in `O(h)` for `h` horizons.
 *
 * @throws {RangeError} persistenceForecast: at must index a reading (programming error)
 * @example
 * const s = { times: Float64Array.of(0, 300_000), values: Float64Array.of(100, 96) };
 * persistenceForecast(s, 1, [30, 60]); // => Float64Array [96, 96]
 */
export function persistenceForecast(series: GlucoseSeries, at: number, horizons: readonly number[]): Float64Array {
  if (!(at >= 0 && at < series.values.length)) throw new RangeError(`persistenceForecast: at must index a reading, got ${at}`);
  return new Float64Array(horizons.length).fill(series.values[at]);
}
