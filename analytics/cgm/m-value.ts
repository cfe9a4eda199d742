import { rMean } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/**
 * M-value: 1000 · mean(|log10(gl / r)|³), the reference glucose `r` defaulting to 90 mg/dL.
 *
 * Reference: iglu `m_value(data, r = 90)`; Schlichtkrull et al. (1965) The M-value, an index of
 * blood-sugar control in diabetics, Acta Med Scand 177:95–102,
 * doi:10.1111/j.0954-6820.1965.tb01810.x. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * mValue([90, 900]); // => 500
 */
export function mValue(values: ArrayLike<number>, r = 90): number {
  const gl = glucoseValues(values, "mValue");
  const m = new Float64Array(gl.length);
  for (let i = 0; i < gl.length; i++) m[i] = Math.abs(Math.log10(gl[i] / r)) ** 3;
  return 1000 * rMean(m);
}
