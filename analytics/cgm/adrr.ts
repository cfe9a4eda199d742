import { AnalyticsInputError } from "../errors.ts";
import type { CgmSeries } from "./readings.ts";
import { rMean } from "./r-stats.ts";
import { localDayNumber } from "./timezone.ts";

/**
 * Average daily risk range: for each local calendar day (in the series' time zone),
 * 22.77 · (max(f_max, 0)² + min(f_min, 0)²) with f = ln(gl)^1.084 − 5.381, then the mean over days.
 * Raw readings are used, not the interpolated grid.
 *
 * Reference: iglu `adrr()` (days are the dates of the time column's own zone); Kovatchev et al.
 * (2006) Evaluation of a new measure of blood glucose variability in diabetes, Diabetes Care
 * 29(11):2433–2438, doi:10.2337/dc06-1085. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} for an empty series.
 * @example
 * adrr(series); // => e.g. 15.10 for iglu's Subject 1
 */
export function adrr(series: CgmSeries): number {
  const { times, values, tz } = series;
  if (times.length === 0) throw new AnalyticsInputError("readings", "adrr requires at least one reading");
  const daily: number[] = [];
  let day = Number.NaN;
  let hi = 0;
  let lo = 0;
  const flush = () => {
    if (!Number.isNaN(day)) daily.push(22.77 * (lo * lo) + 22.77 * (hi * hi));
  };
  for (let i = 0; i < times.length; i++) {
    const d = localDayNumber(times[i], tz);
    if (d !== day) {
      flush();
      day = d;
      hi = 0;
      lo = 0;
    }
    const f = Math.log(values[i]) ** 1.084 - 5.381;
    if (f > hi) hi = f;
    if (f < lo) lo = f;
  }
  flush();
  return rMean(daily);
}
