import { asGrid, type DayByDay, type DayByDayOptions } from "./day-by-day.ts";
import type { CgmSeries } from "./readings.ts";
import { CompensatedSum } from "./r-stats.ts";

/**
 * Hourly average area under the curve (mg/dL), reproducing iglu 4.3.0 exactly.
 *
 * iglu labels the flattened grid with `rep(actual_dates, 1440 / dt0)`: the dates are *recycled*
 * (d1, d2, …, dn, d1, …) rather than repeated per row, then sums trapezoids (dt0/60) · (g[i] +
 * g[i+1]) / 2 between consecutive members of each label group and divides the total area by the
 * hours covered. Consecutive members of a group are `ndays` grid points apart, so the result is
 * the mean of (g[i] + g[i + ndays]) / 2 over all pairs with both values present. For a steady
 * series that is the mean glucose, which is what the metric is meant to be. We reproduce iglu, not
 * the textbook trapezoid rule, so that the numbers agree.
 *
 * Reference: iglu `auc(data, tz)`; Danne et al. (2017) International consensus on use of continuous
 * glucose monitoring, Diabetes Care 40(12):1631–1640, doi:10.2337/dc17-1600.
 * This runs in `O(grid)`.
 *
 * @example
 * auc(series); // => e.g. 123.25 for iglu's Subject 1
 */
export function auc(input: CgmSeries | DayByDay, options: DayByDayOptions = {}): number {
  const { gd2d, ndays, dt0 } = asGrid(input, options);
  const h = dt0 / 60;
  const area = new CompensatedSum();
  let count = 0;
  for (let i = 0; i + ndays < gd2d.length; i++) {
    const a = h * ((gd2d[i + ndays] + gd2d[i]) / 2);
    if (Number.isNaN(a)) continue;
    area.add(a);
    count++;
  }
  return area.value / (h * count);
}
