/**
 * @module analytics/forecast/series
 * Validation and normalisation of raw readings into a sorted, de-duplicated {@link GlucoseSeries}.
 */
import { AnalyticsInputError } from "../errors.ts";
import type { GlucoseSeries, Reading } from "./types.ts";

/**
 * Sorts readings by time and merges readings that share a timestamp into their mean.
 * Input order does not matter and the input is not mutated. Every `time` must be a finite number
 * and every `value` a finite number > 0 (mg/dL).
 *
 * This runs in `O(n log n)` (`O(n)` when the input is already sorted).
 *
 * @throws {AnalyticsInputError} `readings[i].time` / `readings[i].value` naming the bad entry.
 * @example
 * prepareSeries([{ time: 600_000, value: 110 }, { time: 0, value: 100 }, { time: 0, value: 104 }]);
 * // => { times: Float64Array [0, 600000], values: Float64Array [102, 110] }
 */
export function prepareSeries(readings: readonly Reading[]): GlucoseSeries {
  const n = readings.length;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const r = readings[i];
    if (typeof r !== "object" || r === null) throw new AnalyticsInputError(`readings[${i}]`, `prepareSeries: readings[${i}] must be an object {time, value}`);
    if (typeof r.time !== "number" || !Number.isFinite(r.time)) throw new AnalyticsInputError(`readings[${i}].time`, `prepareSeries: readings[${i}].time must be a finite epoch time in milliseconds`);
    if (typeof r.value !== "number" || !Number.isFinite(r.value) || r.value <= 0) throw new AnalyticsInputError(`readings[${i}].value`, `prepareSeries: readings[${i}].value must be a glucose value in mg/dL greater than 0`);
    if (i > 0 && r.time < readings[i - 1].time) sorted = false;
  }
  const order = Array.from({ length: n }, (_, i) => i);
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
    values.push(sum / (j - i));
    i = j;
  }
  return { times: Float64Array.from(times), values: Float64Array.from(values) };
}

/**
 * Index of the last reading at or before `t` (−1 when every reading is later). Binary search,
 * `O(log n)`.
 *
 * @example
 * lastIndexAtOrBefore(Float64Array.of(0, 300_000, 600_000), 450_000); // => 1
 */
export function lastIndexAtOrBefore(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/**
 * The first `count` readings (or the readings before `endExclusive`) as a new series sharing no
 * memory with the input. `O(count)`.
 *
 * @example
 * sliceSeries({ times: Float64Array.of(0, 1, 2), values: Float64Array.of(90, 91, 92) }, 0, 2).values; // => Float64Array [90, 91]
 */
export function sliceSeries(series: GlucoseSeries, start: number, endExclusive: number): GlucoseSeries {
  return { times: series.times.slice(start, endExclusive), values: series.values.slice(start, endExclusive) };
}
