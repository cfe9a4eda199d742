import { AnalyticsInputError } from "../errors.ts";
import type { CgmSeries } from "./readings.ts";
import { rMedian, rRound, rRoundDigits } from "./r-stats.ts";
import { formatLocalDateTime } from "./timezone.ts";

/** iglu's `active_percent` columns. */
export interface ActivePercent {
  /** Percentage of the expected readings that are present (0–100). */
  active_percent: number;
  /** Days from the first to the last reading, rounded to 1 decimal as iglu does. */
  ndays: number;
  /** First reading, `YYYY-MM-DD HH:MM:SS` local clock time. */
  start_date: string;
  /** Last reading, `YYYY-MM-DD HH:MM:SS` local clock time. */
  end_date: string;
}

/**
 * Percentage of time the CGM was active (data sufficiency): with dt0 = the rounded median gap,
 * expected = round(round(minutes(last − first)) / dt0) + 1 readings, and every gap longer than dt0
 * (after rounding to whole minutes) accounts for round((Σ gap minutes − count · dt0) / dt0) missing
 * readings; the result is 100 · (expected − missing) / expected.
 *
 * Reference: iglu `active_percent(data, dt0 = NULL, tz, range_type = "automatic")`; Danne et al.
 * (2017), doi:10.2337/dc17-1600 (≥ 70 % of 14 days recommended). This runs in `O(n log n)`.
 *
 * @throws {AnalyticsInputError} for an empty series.
 * @example
 * activePercent(series); // => { active_percent: 79.84, ndays: 12.7, start_date: "2015-06-06 16:50:27", … }
 */
export function activePercent(series: CgmSeries, dt0?: number): ActivePercent {
  const { times, tz } = series;
  const n = times.length;
  if (n === 0) throw new AnalyticsInputError("readings", "activePercent requires at least one reading");
  const timediff = new Float64Array(Math.max(n - 1, 0));
  for (let i = 1; i < n; i++) timediff[i - 1] = (times[i] - times[i - 1]) / 60_000;
  const step = dt0 ?? rRound(rMedian(timediff));
  const spanMinutes = (times[n - 1] - times[0]) / 60_000;
  const theoretical = rRound(rRound(spanMinutes) / step) + 1;
  let gapMinutes = 0;
  let ngaps = 0;
  for (const d of timediff) {
    if (rRound(d) > step) {
      gapMinutes += d;
      ngaps++;
    }
  }
  const missing = rRound((gapMinutes - ngaps * step) / step);
  return {
    active_percent: ((theoretical - missing) / theoretical) * 100,
    ndays: rRoundDigits(spanMinutes / 1440, 1),
    start_date: formatLocalDateTime(times[0], tz),
    end_date: formatLocalDateTime(times[n - 1], tz),
  };
}
