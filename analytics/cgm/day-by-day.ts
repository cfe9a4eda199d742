/**
 * @module analytics/cgm/day-by-day
 * iglu's `CGMS2DayByDay`: linear interpolation of a CGM series onto a regular grid that starts at
 * local midnight of the first day, one row per local day.
 */
import { AnalyticsInputError } from "../errors.ts";
import type { CgmSeries } from "./readings.ts";
import { rMedian, rRound } from "./r-stats.ts";
import { dayNumberToIsoDate, localDayNumber, startOfLocalDay } from "./timezone.ts";

/** Options of {@link dayByDay}; the defaults are iglu's. */
export interface DayByDayOptions {
  /** Grid step in minutes; default: the rounded median of the gaps between readings. */
  dt0?: number;
  /** Longest gap (minutes) that is interpolated across; default 45. */
  interGap?: number;
}

/** The interpolated grid. `gd2d` is row-major, `ndays` rows of `perDay` = 1440 / dt0 columns. */
export interface DayByDay {
  /** Interpolated glucose, `NaN` where missing; `gd2d[d * perDay + k]` is day d, slot k. */
  readonly gd2d: Float64Array;
  readonly ndays: number;
  readonly perDay: number;
  /** Grid step in minutes. */
  readonly dt0: number;
  /** Local calendar date (`YYYY-MM-DD`) of each row. */
  readonly actualDates: string[];
  /** Epoch ms of local midnight starting the first row. Grid point i lies at `start + (i + 1)·dt0`. */
  readonly start: number;
}

/**
 * iglu's `CGMS2DayByDay(data, dt0 = NULL, inter_gap = 45, tz)`, reproduced step by step:
 *
 * 1. `dt0` = `round(median(diff(time)))` minutes (R rounds halves to even). If 1440 is not a
 *    multiple of dt0, dt0 > 20 becomes 20 and smaller values go to the nearest multiple of 5
 *    (remainder > 2 rounds up). dt0 > `interGap` is an error, as in iglu.
 * 2. `ndays = ceiling(days(max − min) + 1)`; the grid starts at local midnight (in the series'
 *    time zone) of the first reading's day, and its first point is at 00:00 + dt0, its last at
 *    midnight after the last row (as iglu does with `minD + cumsum(rep(dt0, …))`). Grid points are
 *    physical minutes after that midnight, so on a 23- or 25-hour DST day a row's slots drift one
 *    hour against the wall clock, exactly as iglu's grid does.
 * 3. R's `approx()` (linear, `NA` outside the data range): `y[i] + (y[j] − y[i]) · ((v − x[i]) /
 *    (x[j] − x[i]))` on times in seconds.
 * 4. Grid points strictly inside a gap longer than `interGap` minutes become `NaN`.
 *
 * This runs in `O(n + ndays · 1440 / dt0)`.
 *
 * @throws {AnalyticsInputError} (`readings`) with fewer than two readings, or when the detected
 *   frequency exceeds `interGap`.
 * @example
 * const s = prepareReadings([{ time: Date.UTC(2020, 0, 1, 0, 0), value: 100 }, { time: Date.UTC(2020, 0, 1, 0, 10), value: 120 }], "UTC");
 * const g = dayByDay(s); // dt0 = 10, 1 day of 144 slots
 * g.gd2d[0]; // 00:10 => 120
 */
export function dayByDay(series: CgmSeries, options: DayByDayOptions = {}): DayByDay {
  const interGap = options.interGap ?? 45;
  const { times, values, tz } = series;
  const n = times.length;
  if (n < 2) throw new AnalyticsInputError("readings", `CGMS2DayByDay needs at least two readings at distinct times, got ${n}`);
  // Times in seconds, as R's POSIXct.
  const tr = new Float64Array(n);
  for (let i = 0; i < n; i++) tr[i] = times[i] / 1000;
  const timediff = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) timediff[i - 1] = (tr[i] - tr[i - 1]) / 60;

  let dt0 = options.dt0 ?? rRound(rMedian(timediff));
  if (!(dt0 >= 1)) throw new AnalyticsInputError("readings", `CGMS2DayByDay: the measurement frequency rounds to ${dt0} min; readings must be at least about a minute apart`);
  if (dt0 > interGap) throw new AnalyticsInputError("readings", `CGMS2DayByDay: identified measurements frequency, ${dt0} min, is above the maximal interpolation gap of ${interGap} min`);
  if (1440 % dt0 !== 0) {
    if (dt0 > 20) dt0 = 20;
    else {
      const remainder = dt0 % 5;
      dt0 = remainder > 2 ? dt0 + 5 - remainder : dt0 - remainder;
    }
  }

  const ndays = Math.ceil((tr[n - 1] - tr[0]) / 86400 + 1);
  const perDay = Math.round(1440 / dt0);
  const firstDay = localDayNumber(times[0], tz);
  const start = startOfLocalDay(firstDay, tz);
  const startSec = start / 1000;
  const total = ndays * perDay;
  const gd2d = new Float64Array(total);
  let j = 0; // x[j] is the first data time >= v
  for (let k = 0; k < total; k++) {
    const v = startSec + (k + 1) * dt0 * 60;
    if (v < tr[0] || v > tr[n - 1]) {
      gd2d[k] = Number.NaN;
      continue;
    }
    while (tr[j] < v) j++;
    if (tr[j] === v) {
      gd2d[k] = values[j];
      continue;
    }
    const i = j - 1;
    // strictly inside a gap longer than inter_gap (compared in minutes, as iglu's difftime)
    if (timediff[i] > interGap) {
      gd2d[k] = Number.NaN;
      continue;
    }
    gd2d[k] = values[i] + (values[j] - values[i]) * ((v - tr[i]) / (tr[j] - tr[i]));
  }
  const actualDates: string[] = [];
  for (let d = 0; d < ndays; d++) actualDates.push(dayNumberToIsoDate(firstDay + d));
  return { gd2d, ndays, perDay, dt0, actualDates, start };
}

/** True when `x` is an interpolated grid from {@link dayByDay}. */
export function isDayByDay(x: unknown): x is DayByDay {
  return typeof x === "object" && x !== null && (x as DayByDay).gd2d instanceof Float64Array && typeof (x as DayByDay).perDay === "number";
}

/**
 * The grid of `input`: returned as is when it already is one (`options` are then ignored, the
 * grid's own dt0 and inter_gap apply), else built with {@link dayByDay}. Lets every grid metric
 * take either a prepared series or a shared grid.
 */
export function asGrid(input: CgmSeries | DayByDay, options: DayByDayOptions = {}): DayByDay {
  return isDayByDay(input) ? input : dayByDay(input, options);
}
