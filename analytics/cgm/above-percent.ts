import { glucoseValues } from "./validate.ts";

/**
 * Percentage of readings strictly above each target, keyed `above_<target>` as iglu names its
 * columns. Defaults are iglu's: 140, 180 and 250 mg/dL.
 *
 * Reference: iglu `above_percent()`; Battelino et al. (2019), doi:10.2337/dci19-0028.
 * This runs in `O(n · k)` for k targets.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * abovePercent([100, 150, 200, 300]); // => { above_140: 75, above_180: 50, above_250: 25 }
 */
export function abovePercent(values: ArrayLike<number>, targets: readonly number[] = [140, 180, 250]): Record<string, number> {
  const gl = glucoseValues(values, "abovePercent");
  const out: Record<string, number> = {};
  for (const t of targets) {
    let k = 0;
    for (const g of gl) if (g > t) k++;
    out[`above_${t}`] = (k / gl.length) * 100;
  }
  return out;
}
