import { asGrid, type DayByDay, type DayByDayOptions } from "./day-by-day.ts";
import type { CgmSeries } from "./readings.ts";
import { CompensatedSum } from "./r-stats.ts";

/**
 * Glucose variability percentage (%): how much longer the interpolated glucose trace is than a
 * flat line over the same time, 100 · (Σ √(dt0² + Δg²) / (count · dt0) − 1) over consecutive grid
 * points that are both present.
 *
 * Reference: iglu `gvp()`; Peyser et al. (2018) Glycemic variability percentage: a novel method
 * for assessing glycemic variability from continuous glucose monitor data, Diabetes Technol Ther
 * 20(1):6–16, doi:10.1089/dia.2017.0187. This runs in `O(grid)`.
 *
 * @throws {AnalyticsInputError} when a grid cannot be built (see {@link dayByDay}).
 * @example
 * gvp(series); // => e.g. 16.76 for iglu's Subject 1
 */
export function gvp(input: CgmSeries | DayByDay, options: DayByDayOptions = {}): number {
  const { gd2d, dt0 } = asGrid(input, options);
  const added = new CompensatedSum();
  let count = 0;
  for (let i = 1; i < gd2d.length; i++) {
    const d = gd2d[i] - gd2d[i - 1];
    if (Number.isNaN(d)) continue;
    added.add(Math.sqrt(dt0 * dt0 + d * d));
    count++;
  }
  return (added.value / (count * dt0) - 1) * 100;
}
