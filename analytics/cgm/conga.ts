import { asGrid, type DayByDay, type DayByDayOptions } from "./day-by-day.ts";
import type { CgmSeries } from "./readings.ts";
import { rRound, rSdNaRm } from "./r-stats.ts";

/**
 * Continuous overall net glycaemic action CONGA_n (mg/dL): the SD of the differences between grid
 * values `n` hours apart, on iglu's interpolated grid (the lag is round(60 / dt0) · n points).
 *
 * Reference: iglu `conga(data, n = 24, tz)`; McDonnell et al. (2005) A novel approach to continuous
 * glucose analysis utilizing glycemic variation, Diabetes Technol Ther 7(2):253–263,
 * doi:10.1089/dia.2005.7.253. This runs in `O(grid)`.
 *
 * @throws {AnalyticsInputError} when a grid cannot be built (see {@link dayByDay}).
 * @example
 * conga(series, 24); // => e.g. 37.03 for iglu's Subject 1
 */
export function conga(input: CgmSeries | DayByDay, n = 24, options: DayByDayOptions = {}): number {
  const { gd2d, dt0 } = asGrid(input, options);
  const lag = rRound(60 / dt0) * n;
  const d = new Float64Array(Math.max(gd2d.length - lag, 0));
  for (let i = lag; i < gd2d.length; i++) d[i - lag] = gd2d[i] - gd2d[i - lag];
  return rSdNaRm(d);
}
