/**
 * @module analytics/cgm/agp
 * The Ambulatory Glucose Profile's "modal day": glucose percentiles by time of day.
 */
import { AnalyticsInputError } from "../errors.ts";
import { asGrid, type DayByDay, type DayByDayOptions } from "./day-by-day.ts";
import { quantile7Sorted } from "./r-stats.ts";
import type { CgmSeries } from "./readings.ts";
import { toLocalMs } from "./timezone.ts";

/** Options of {@link agpProfile}. */
export interface AgpOptions extends DayByDayOptions {
  /**
   * `"clock"` (default): bin the raw readings by local wall-clock time of day, so 07:00 is 07:00 on
   * both sides of a DST change. `"grid"`: iglu's `plot_agp`, one bin per column of the interpolated
   * grid (`binMinutes` is then the grid step dt0).
   */
  method?: "clock" | "grid";
  /** Bin width in minutes for `"clock"`; must divide 1440. Default 5 (288 bins). */
  binMinutes?: number;
  /** Percentiles (0–100); default the AGP's 5, 25, 50, 75, 95. */
  percentiles?: readonly number[];
}

/**
 * Columnar AGP profile (uPlot-ready: x = `minute`, one y array per percentile). Values are `NaN`
 * where a bin has no reading.
 */
export interface AgpProfile {
  binMinutes: number;
  /** Time of day of each bin in minutes after local midnight (bin start for `"clock"`, grid time for `"grid"`). */
  minute: Float64Array;
  /** Percentile name (`"p5"`, `"p25"`, …) → one value per bin. */
  percentiles: Record<string, Float64Array>;
  /** Number of values in each bin. */
  count: Int32Array;
}

/**
 * Glucose percentiles by time of day (type-7 quantiles, as R's `quantile`), the curves of an
 * Ambulatory Glucose Profile report.
 *
 * Reference: Johnson et al. (2019) Utilizing the ambulatory glucose profile to standardize and
 * implement continuous glucose monitoring in clinical practice, Diabetes Technol Ther
 * 21(S2):S2-17–S2-25, doi:10.1089/dia.2019.0034; iglu `plot_agp()` for `method: "grid"`.
 * This runs in `O(n log n)` (`"clock"`) or `O(grid log ndays)` (`"grid"`).
 *
 * @throws {AnalyticsInputError} (`binMinutes`) when the bin width does not divide a day.
 * @example
 * const agp = agpProfile(series);           // 288 five-minute bins in the series' time zone
 * agp.percentiles.p50[8 * 12];              // median glucose at 08:00–08:05
 * agpProfile(series, { binMinutes: 15 });   // 96 bins
 */
export function agpProfile(input: CgmSeries | DayByDay, options: AgpOptions = {}): AgpProfile {
  const percentiles = options.percentiles ?? [5, 25, 50, 75, 95];
  for (const p of percentiles) if (!(p >= 0 && p <= 100)) throw new AnalyticsInputError("percentiles", `agpProfile: percentiles must be between 0 and 100, got ${p}`);
  const probs = percentiles.map((p) => p / 100);
  const names = percentiles.map((p) => `p${p}`);
  let bins: number[][];
  let binMinutes: number;
  let minute: Float64Array;
  if ((options.method ?? "clock") === "grid") {
    const grid = asGrid(input, options);
    binMinutes = grid.dt0;
    bins = Array.from({ length: grid.perDay }, () => []);
    for (let d = 0; d < grid.ndays; d++) {
      for (let k = 0; k < grid.perDay; k++) {
        const v = grid.gd2d[d * grid.perDay + k];
        if (!Number.isNaN(v)) bins[k].push(v);
      }
    }
    minute = Float64Array.from({ length: grid.perDay }, (_, k) => (k + 1) * grid.dt0);
  } else {
    if (!("times" in input)) throw new AnalyticsInputError("input", 'agpProfile: the "clock" method needs the readings, not a grid');
    binMinutes = options.binMinutes ?? 5;
    if (!(binMinutes > 0) || !Number.isInteger(1440 / binMinutes)) throw new AnalyticsInputError("binMinutes", `agpProfile: binMinutes must divide 1440, got ${binMinutes}`);
    const nbins = 1440 / binMinutes;
    bins = Array.from({ length: nbins }, () => []);
    const { times, values, tz } = input;
    for (let i = 0; i < times.length; i++) {
      const local = toLocalMs(times[i], tz);
      const minuteOfDay = (((local % 86_400_000) + 86_400_000) % 86_400_000) / 60_000;
      bins[Math.floor(minuteOfDay / binMinutes)].push(values[i]);
    }
    minute = Float64Array.from({ length: nbins }, (_, k) => k * binMinutes);
  }
  const out: Record<string, Float64Array> = {};
  for (const name of names) out[name] = new Float64Array(bins.length).fill(Number.NaN);
  const count = new Int32Array(bins.length);
  bins.forEach((b, k) => {
    count[k] = b.length;
    if (b.length === 0) return;
    const q = quantile7Sorted(Float64Array.from(b).sort(), probs);
    names.forEach((name, j) => {
      out[name][k] = q[j];
    });
  });
  return { binMinutes, minute, percentiles: out, count };
}
