import { asGrid, type DayByDay, type DayByDayOptions } from "./day-by-day.ts";
import type { CgmSeries } from "./readings.ts";
import { rMeanNaRm } from "./r-stats.ts";

/**
 * Mean of daily differences (mg/dL): the mean of |G(t) − G(t − lag days)| over grid points at the
 * same time of day, on iglu's interpolated grid (pairs with a missing side are skipped).
 *
 * Reference: iglu `modd(data, lag = 1, tz)`; Service & Nelson (1980) Characteristics of glycemic
 * stability, Diabetes Care 3(1):58–62, doi:10.2337/diacare.3.1.58. This runs in `O(grid)`.
 *
 * @throws {AnalyticsInputError} when a grid cannot be built (see {@link dayByDay}).
 * @example
 * modd(prepareReadings(readings, "EST")); // => e.g. 27.81 for iglu's Subject 1
 */
export function modd(input: CgmSeries | DayByDay, lag = 1, options: DayByDayOptions = {}): number {
  const { gd2d, perDay } = asGrid(input, options);
  const shift = lag * perDay;
  const d = new Float64Array(Math.max(gd2d.length - shift, 0));
  for (let i = shift; i < gd2d.length; i++) d[i - shift] = Math.abs(gd2d[i] - gd2d[i - shift]);
  return rMeanNaRm(d);
}
