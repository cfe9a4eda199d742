/**
 * @module analytics/cgm/readings
 * Validation and normalisation of raw CGM readings into a sorted, de-duplicated series.
 */
import { AnalyticsInputError } from "../errors.ts";
import { resolveTimeZone, type TimeZone } from "./timezone.ts";

/** One CGM reading: `time` in epoch milliseconds (UTC instant), `value` in mg/dL. */
export interface Reading {
  time: number;
  value: number;
}

/**
 * A prepared series: strictly increasing times (epoch ms) and their glucose values (mg/dL), plus
 * the resolved time zone that defines local days.
 */
export interface CgmSeries {
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly tz: TimeZone;
}

/**
 * Validates readings and returns a {@link CgmSeries} sorted by time.
 *
 * - Input order does not matter (the input is not mutated).
 * - Readings that share a timestamp are merged into one reading whose value is their mean. This is
 *   what iglu does when it checks the time column (`check_data_time`: "Glucose values averaged for
 *   those timestamps"); iglu's `CGMS2DayByDay` alone would keep the last one, which depends on
 *   input order, so we do not follow it.
 * - Every `time` must be a finite number and every `value` a finite number > 0 (a glucose value of 0
 *   or less is a device code, not a measurement, and would make log-based metrics undefined).
 *
 * This runs in `O(n log n)`.
 *
 * @throws {AnalyticsInputError} `readings` when empty, `readings[i].time` / `readings[i].value` for a
 *   bad entry, `tz` for an unknown time zone.
 * @example
 * prepareReadings([{ time: 600_000, value: 110 }, { time: 0, value: 100 }, { time: 0, value: 104 }], "UTC");
 * // => { times: Float64Array [0, 600000], values: Float64Array [102, 110], tz: UTC }
 */
export function prepareReadings(readings: readonly Reading[], tz: string | TimeZone): CgmSeries {
  const zone = resolveTimeZone(tz);
  if (!Array.isArray(readings)) throw new AnalyticsInputError("readings", "readings must be an array of {time, value}");
  if (readings.length === 0) throw new AnalyticsInputError("readings", "readings is empty: CGM metrics need at least one reading");
  const n = readings.length;
  for (let i = 0; i < n; i++) {
    const r = readings[i];
    if (typeof r !== "object" || r === null) throw new AnalyticsInputError(`readings[${i}]`, `readings[${i}] must be an object {time, value}`);
    if (typeof r.time !== "number" || !Number.isFinite(r.time)) throw new AnalyticsInputError(`readings[${i}].time`, `readings[${i}].time must be a finite epoch time in milliseconds`);
    if (typeof r.value !== "number" || !Number.isFinite(r.value) || r.value <= 0) throw new AnalyticsInputError(`readings[${i}].value`, `readings[${i}].value must be a glucose value in mg/dL greater than 0`);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < n; i++) if (readings[i].time < readings[i - 1].time) { sorted = false; break; }
  if (!sorted) order.sort((a, b) => readings[a].time - readings[b].time || a - b);
  const times: number[] = [];
  const values: number[] = [];
  let i = 0;
  while (i < n) {
    const t = readings[order[i]].time;
    let j = i;
    let sum = 0;
    while (j < n && readings[order[j]].time === t) sum += readings[order[j++]].value;
    times.push(t);
    values.push(j - i === 1 ? readings[order[i]].value : sum / (j - i));
    i = j;
  }
  return { times: Float64Array.from(times), values: Float64Array.from(values), tz: zone };
}

/** True when `x` is a prepared {@link CgmSeries} rather than raw readings. */
export function isCgmSeries(x: unknown): x is CgmSeries {
  return typeof x === "object" && x !== null && (x as CgmSeries).times instanceof Float64Array && (x as CgmSeries).values instanceof Float64Array;
}
