/**
 * @module worker/insights/pipeline/grid
 * Glucose on a regular time grid: the 5-minute series the pattern search runs on, and the
 * local-clock day rows similar days compare. Gaps are NaN; short gaps may be filled linearly.
 */
import { toLocalMs } from "../../../analytics/cgm/index.ts";

const DAY_MS = 86_400_000;

/**
 * Readings → a grid of `n` slots of `step` ms from `start`: each reading goes to its nearest slot,
 * readings sharing a slot are averaged, empty slots are NaN. This runs in `O(n + readings)`.
 */
export function buildGrid(times: ArrayLike<number>, values: ArrayLike<number>, start: number, n: number, step: number): Float64Array {
  const sum = new Float64Array(n);
  const count = new Uint16Array(n);
  for (let i = 0; i < times.length; i++) {
    const slot = Math.round((times[i]! - start) / step);
    if (slot < 0 || slot >= n) continue;
    sum[slot] += values[i]!;
    count[slot]++;
  }
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = count[k] ? sum[k]! / count[k]! : Number.NaN;
  return out;
}

/**
 * A copy of `x` with interior runs of at most `maxGap` NaN values filled by linear interpolation
 * (a sensor dropout of up to `maxGap` steps); longer gaps and the ends stay NaN. `O(n)`.
 *
 * @example
 * fillShortGaps(Float64Array.of(1, NaN, 3, NaN, NaN, NaN, 7), 2); // [1, 2, 3, NaN, NaN, NaN, 7]
 */
export function fillShortGaps(x: ArrayLike<number>, maxGap: number): Float64Array {
  const out = Float64Array.from(x as ArrayLike<number>);
  let last = -1;
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) continue;
    const gap = i - last - 1;
    if (last >= 0 && gap > 0 && gap <= maxGap) {
      const a = out[last]!;
      const b = out[i]!;
      for (let k = 1; k <= gap; k++) out[last + k] = a + ((b - a) * k) / (gap + 1);
    }
    last = i;
  }
  return out;
}

/**
 * One row of `slots` values per local day, by local clock time (slot = minute of the local day /
 * (1440 / slots)): on a 25-hour day the repeated hour is averaged into its slots, on a 23-hour day
 * the skipped hour is empty (NaN) until gaps are filled. `O(n)`.
 */
export function localDayRows(grid: ArrayLike<number>, start: number, step: number, tz: string, days: readonly { dayStart: number; dayEnd: number }[], slots = 288): Float64Array[] {
  const slotMs = DAY_MS / slots;
  return days.map(({ dayStart, dayEnd }) => {
    const sum = new Float64Array(slots);
    const count = new Uint16Array(slots);
    const first = Math.max(0, Math.ceil((dayStart - start) / step));
    const last = Math.min(grid.length, Math.ceil((dayEnd - start) / step));
    for (let i = first; i < last; i++) {
      const v = grid[i]!;
      if (Number.isNaN(v)) continue;
      const local = toLocalMs(start + i * step, tz);
      const slot = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / slotMs);
      sum[slot] += v;
      count[slot]++;
    }
    const row = new Float64Array(slots);
    for (let k = 0; k < slots; k++) row[k] = count[k] ? sum[k]! / count[k]! : Number.NaN;
    return row;
  });
}
