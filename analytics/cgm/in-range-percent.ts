import { glucoseValues } from "./validate.ts";

/**
 * Percentage of readings inside each closed range [lo, hi], keyed `in_range_<lo>_<hi>`. Defaults
 * are iglu's: 70–180 (time in range) and 63–140 mg/dL (time in tight range, pregnancy targets).
 * Keys come out sorted by name, as iglu orders its columns.
 *
 * Reference: iglu `in_range_percent(data, target_ranges = list(c(70, 180), c(63, 140)))`;
 * Battelino et al. (2019), doi:10.2337/dci19-0028. This runs in `O(n · k)` for k ranges.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * inRangePercent([60, 70, 150, 200]); // => { in_range_63_140: 25, in_range_70_180: 50 }
 */
export function inRangePercent(values: ArrayLike<number>, targetRanges: readonly (readonly [number, number])[] = [[70, 180], [63, 140]]): Record<string, number> {
  const gl = glucoseValues(values, "inRangePercent");
  const entries: [string, number][] = [];
  for (const range of targetRanges) {
    const lo = Math.min(range[0], range[1]);
    const hi = Math.max(range[0], range[1]);
    let k = 0;
    for (const g of gl) if (g >= lo && g <= hi) k++;
    entries.push([`in_range_${lo}_${hi}`, (k / gl.length) * 100]);
  }
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Object.fromEntries(entries);
}
