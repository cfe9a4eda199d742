import type { CgmSeries } from "./readings.ts";
import { toLocalMs } from "./timezone.ts";

/**
 * Splits a series into readings whose local clock hour is in [sleepStart, sleepEnd) ("sleep") and
 * the rest ("wake"). When sleepStart > sleepEnd the sleep window wraps midnight. Hours are whole
 * local hours, as `lubridate::hour()` gives them, so sleepEnd = 6 includes 05:59:59 but not 06:00.
 *
 * Reference: iglu `calculate_sleep_wake(data, FUN, sleep_start = 0, sleep_end = 6,
 * calculate = "both")`. This runs in `O(n)`.
 *
 * @example
 * const { sleep, wake } = splitSleepWake(series);
 * meanGlu(sleep); meanGlu(wake); // iglu's "mean sleep" / "mean wake"
 */
export function splitSleepWake(series: CgmSeries, sleepStart = 0, sleepEnd = 6): { sleep: Float64Array; wake: Float64Array } {
  const sleep: number[] = [];
  const wake: number[] = [];
  for (let i = 0; i < series.times.length; i++) {
    const local = toLocalMs(series.times[i], series.tz);
    const h = Math.floor((((local % 86_400_000) + 86_400_000) % 86_400_000) / 3_600_000);
    const inside = sleepStart > sleepEnd ? h >= sleepStart || h < sleepEnd : h >= sleepStart && h < sleepEnd;
    (inside ? sleep : wake).push(series.values[i]);
  }
  return { sleep: Float64Array.from(sleep), wake: Float64Array.from(wake) };
}
