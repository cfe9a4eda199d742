import { AnalyticsInputError } from "../errors.ts";
import { asGrid, type DayByDay, type DayByDayOptions } from "./day-by-day.ts";
import type { CgmSeries } from "./readings.ts";
import { rSdNaRm } from "./r-stats.ts";

/**
 * Rate of change on iglu's grid (mg/dL/min): (G(t) − G(t − timelag)) / timelag at every grid point,
 * `NaN` for the first timelag / dt0 points and where either side is missing.
 *
 * Reference: iglu `roc(data, timelag = 15, dt0, inter_gap, tz)`; Clarke & Kovatchev (2009)
 * Statistical tools to analyze continuous glucose monitor data, Diabetes Technol Ther 11(S1):S45–S54,
 * doi:10.1089/dia.2008.0138. This runs in `O(grid)`.
 *
 * @throws {AnalyticsInputError} (`timelag`) when timelag is not a positive multiple of dt0.
 */
export function roc(input: CgmSeries | DayByDay, timelag = 15, options: DayByDayOptions = {}): Float64Array {
  const { gd2d, dt0 } = asGrid(input, options);
  const lag = timelag / dt0;
  if (!Number.isInteger(lag) || lag < 1) throw new AnalyticsInputError("timelag", `roc: timelag (${timelag} min) must be a positive multiple of the grid step ${dt0} min`);
  const out = new Float64Array(gd2d.length).fill(Number.NaN);
  for (let i = lag; i < gd2d.length; i++) out[i] = (gd2d[i] - gd2d[i - lag]) / timelag;
  return out;
}

/**
 * Standard deviation of the rate of change (mg/dL/min), see {@link roc}.
 *
 * Reference: iglu `sd_roc(data, timelag = 15, dt0, inter_gap, tz)`. This runs in `O(grid)`.
 *
 * @example
 * sdRoc(series); // => e.g. 0.6197 for iglu's Subject 1
 */
export function sdRoc(input: CgmSeries | DayByDay, timelag = 15, options: DayByDayOptions = {}): number {
  return rSdNaRm(roc(input, timelag, options));
}
