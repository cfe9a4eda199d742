/**
 * @module analytics/cgm/daily-summary
 * Per-local-day summaries, with days that follow the wearer's clock (23 or 25 hours on DST days).
 */
import { consensusBands, gmiFromMean } from "../../vocabulary/ranges.ts";
import { rMean, rMedian, rRound, rSd } from "./r-stats.ts";
import type { CgmSeries } from "./readings.ts";
import { dayNumberToIsoDate, localDayNumber, startOfLocalDay } from "./timezone.ts";

/** One local calendar day. Percentages are of that day's readings. */
export interface DailySummary {
  /** Local date `YYYY-MM-DD`. */
  date: string;
  /** Epoch ms of the local midnight that starts the day, and of the next one. */
  start: number;
  end: number;
  /** Length of the local day in hours: 24, or 23 / 25 on DST transition days. */
  hours: number;
  readings: number;
  mean: number;
  /** Sample SD (n − 1); `NaN` with fewer than two readings. */
  sd: number;
  /** 100 · SD / mean. */
  cv: number;
  /** 3.31 + 0.02392 · mean. */
  gmi: number;
  min: number;
  max: number;
  below_54: number;
  below_70: number;
  in_range_70_180: number;
  above_180: number;
  above_250: number;
  /** 100 · readings · dt0 / minutes in the day, capped at 100. */
  coverage_percent: number;
}

/** Options of {@link dailySummary}. */
export interface DailySummaryOptions {
  /** Expected minutes between readings; default the rounded median gap (as iglu's dt0). */
  dt0?: number;
}

/**
 * Summaries for each local calendar day that has readings, in the series' time zone: mean, SD,
 * CV, GMI, min, max, time below (< 54, < 70), in (70–180) and above (> 180, > 250) range, number
 * of readings and coverage. A day runs from local midnight to the next local midnight, so in
 * `America/New_York` the day of the spring change has 23 hours (276 expected 5-minute readings)
 * and the autumn one 25 hours (300).
 *
 * Reference: Battelino et al. (2019) International consensus on time in range, Diabetes Care
 * 42(8):1593–1603, doi:10.2337/dci19-0028 (the per-day metrics of a daily report).
 * This runs in `O(n log n)`.
 *
 * @example
 * dailySummary(series).map((d) => [d.date, d.hours, d.coverage_percent]);
 * // => [["2024-03-09", 24, 100], ["2024-03-10", 23, 100], …]
 */
export function dailySummary(series: CgmSeries, options: DailySummaryOptions = {}): DailySummary[] {
  const { times, values, tz } = series;
  const n = times.length;
  if (n === 0) return [];
  let dt0 = options.dt0;
  if (dt0 === undefined) {
    const gaps = new Float64Array(Math.max(n - 1, 0));
    for (let i = 1; i < n; i++) gaps[i - 1] = (times[i] - times[i - 1]) / 60_000;
    dt0 = n > 1 ? Math.max(rRound(rMedian(gaps)), 1) : 5;
  }
  const dayOf = new Float64Array(n);
  for (let k = 0; k < n; k++) dayOf[k] = localDayNumber(times[k], tz);
  const out: DailySummary[] = [];
  let i = 0;
  while (i < n) {
    const day = dayOf[i];
    let j = i;
    while (j < n && dayOf[j] === day) j++;
    const gl = values.subarray(i, j);
    const start = startOfLocalDay(day, tz);
    const end = startOfLocalDay(day + 1, tz);
    let lo = Infinity;
    let hi = -Infinity;
    for (const g of gl) {
      if (g < lo) lo = g;
      if (g > hi) hi = g;
    }
    const k = gl.length;
    const mean = rMean(gl);
    const sd = rSd(gl);
    const minutes = (end - start) / 60_000;
    out.push({
      date: dayNumberToIsoDate(day),
      start,
      end,
      hours: minutes / 60,
      readings: k,
      mean,
      sd,
      cv: (sd / mean) * 100,
      gmi: gmiFromMean(mean),
      min: lo,
      max: hi,
      ...consensusBands(gl),
      coverage_percent: Math.min(100, (100 * k * dt0) / minutes),
    });
    i = j;
  }
  return out;
}
