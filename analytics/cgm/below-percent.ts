import { glucoseValues } from "./validate.ts";

/**
 * Percentage of readings strictly below each target, keyed `below_<target>`. Defaults are iglu's:
 * 54 and 70 mg/dL (time below range, levels 2 and 1).
 *
 * Reference: iglu `below_percent()`; Battelino et al. (2019), doi:10.2337/dci19-0028.
 * This runs in `O(n · k)` for k targets.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * belowPercent([50, 60, 100, 150]); // => { below_54: 25, below_70: 50 }
 */
export function belowPercent(values: ArrayLike<number>, targets: readonly number[] = [54, 70]): Record<string, number> {
  const gl = glucoseValues(values, "belowPercent");
  const out: Record<string, number> = {};
  for (const t of targets) {
    let k = 0;
    for (const g of gl) if (g < t) k++;
    out[`below_${t}`] = (k / gl.length) * 100;
  }
  return out;
}
