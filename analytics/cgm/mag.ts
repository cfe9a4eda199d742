import { asGrid, type DayByDay, type DayByDayOptions } from "./day-by-day.ts";
import type { CgmSeries } from "./readings.ts";
import { CompensatedSum, rRound } from "./r-stats.ts";

/** Options of {@link mag}. */
export interface MagOptions extends DayByDayOptions {
  /**
   * `"mag"` (default): iglu's `mag()`, total change over the hours spanned by the differences that
   * could be computed. `"all_metrics"`: the older formula that `all_metrics()` still uses
   * (`optimized_iglu_functions`), which divides by the number of sampled grid values instead.
   */
  variant?: "mag" | "all_metrics";
}

/**
 * Mean absolute glucose change (mg/dL/h): sample iglu's grid every round(n / dt0) points (the
 * flattened grid, starting at its first point), take |Δg| between consecutive samples, and divide
 * their sum by the hours they span (count of non-missing differences · n / 60). `n` defaults to
 * the grid step dt0 (iglu's `n = NULL`) and is raised to dt0 when smaller.
 *
 * Reference: iglu `mag(data, n = NULL, dt0, inter_gap, tz)`; Hermanides et al. (2010) Glucose
 * variability is associated with intensive care unit mortality, Crit Care Med 38(3):838–842,
 * doi:10.1097/CCM.0b013e3181cc4be9. This runs in `O(grid)`.
 *
 * @example
 * mag(series);      // => e.g. 27.10 for iglu's Subject 1 (n = dt0 = 5)
 * mag(series, 60);  // => e.g. 17.87
 */
export function mag(input: CgmSeries | DayByDay, n?: number, options: MagOptions = {}): number {
  const { gd2d, dt0 } = asGrid(input, options);
  let minutes = n === undefined ? dt0 : rRound(n);
  if (minutes < dt0) minutes = dt0;
  const step = rRound(minutes / dt0);
  const total = new CompensatedSum();
  let diffs = 0;
  let samples = 0;
  let prev = Number.NaN;
  for (let i = 0; i < gd2d.length; i += step) {
    const v = gd2d[i];
    if (!Number.isNaN(v)) samples++;
    if (i > 0) {
      const d = Math.abs(v - prev);
      if (!Number.isNaN(d)) {
        total.add(d);
        diffs++;
      }
    }
    prev = v;
  }
  const denominator = options.variant === "all_metrics" ? samples : diffs;
  return total.value / ((denominator * minutes) / 60);
}
