/**
 * The z-normalised distance profile of a query against every window of a series (MASS semantics:
 * Mueen's Algorithm for Similarity Search, as used in Yeh et al. 2016, Matrix Profile I,
 * DOI 10.1109/ICDM.2016.0179, Table II), with the conventions of STUMPY 1.12's `core.mass`:
 * windows containing `NaN`/`±∞` are at `∞`; a constant query and a constant window are at 0, a
 * constant and a non-constant one at `sqrt(m)`; otherwise `sqrt(|2m(1 − ρ)|)` with `ρ ≤ 1` and squared
 * distances below `1e-14` snapped to 0.
 *
 * The sliding dot products are computed directly on centred values (`O(n·m)`) rather than by FFT:
 * it is exact to rounding, needs no complex arithmetic, and for CGM windows (m ≤ 288, n ≤ 10⁵) it
 * takes milliseconds. STUMPY uses FFT convolution, so its self-match is ~1e-7 instead of 0.
 *
 * @module analytics/matrix-profile/distance-profile
 */
import { AnalyticsInputError } from "../errors.ts";
import { P_NORM_THRESHOLD } from "./merge.ts";
import { rollingIsConstant, rollingIsFinite, slidingMean, slidingStd } from "./sliding-stats.ts";
import { checkWindow, toSeries } from "./validate.ts";

/** Options of {@link distanceProfile}. */
export interface DistanceProfileOptions {
  /** Start of the query inside the series (self-join): its own distance is set to exactly 0, as STUMPY's `query_idx`. */
  readonly queryIndex?: number;
}

/**
 * Distances from `query` (length `m`) to every window `series[j .. j+m)`, `j = 0 … n − m`.
 * This runs in `O(n·m)` time and `O(n)` memory.
 *
 * @throws {AnalyticsInputError} field `query` when the query is not an array of finite numbers or has
 * fewer than 3 values; field `query` when it is longer than the series; field `series` when the series
 * is not an array of numbers; field `queryIndex` when it is not a window start.
 * @example
 * distanceProfile([1, 2, 3], [1, 2, 3, 2, 1, 2, 3]); // Float64Array [0, 2.4494…, 3.4641…, 2.4494…, 0]
 */
export function distanceProfile(query: ArrayLike<number>, series: ArrayLike<number>, options: DistanceProfileOptions = {}): Float64Array {
  const fn = "distanceProfile";
  const Q = toSeries(query, fn, "query");
  const raw = toSeries(series, fn);
  const m = Q.length;
  for (let k = 0; k < m; k++) {
    if (!Number.isFinite(Q[k])) throw new AnalyticsInputError("query", `${fn}: query contains a non-finite value at ${k}`);
  }
  if (m < 3) throw new AnalyticsInputError("query", `${fn}: query must have at least 3 values, got ${m}`);
  checkWindow(m, raw.length, fn, "query");
  const n = raw.length;
  const l = n - m + 1;
  if (options.queryIndex !== undefined && (!Number.isInteger(options.queryIndex) || options.queryIndex < 0 || options.queryIndex >= l)) {
    throw new AnalyticsInputError("queryIndex", `${fn}: queryIndex must be an integer in [0, ${l - 1}]`);
  }
  const isFinite = rollingIsFinite(raw, m);
  const T = new Float64Array(n);
  for (let t = 0; t < n; t++) T[t] = Number.isFinite(raw[t]) ? raw[t] : 0;
  const isConstant = rollingIsConstant(T, m);
  const mean = slidingMean(T, m);
  const std = slidingStd(T, m, mean);

  let muQ = 0;
  for (let k = 0; k < m; k++) muQ += Q[k];
  muQ /= m;
  const qc = new Float64Array(m);
  let ssQ = 0;
  let qConst = true;
  for (let k = 0; k < m; k++) {
    qc[k] = Q[k] - muQ;
    ssQ += qc[k] * qc[k];
    if (Q[k] !== Q[0]) qConst = false;
  }
  const sigmaQ = Math.sqrt(ssQ / m);

  const D = new Float64Array(l);
  for (let j = 0; j < l; j++) {
    if (!isFinite[j]) {
      D[j] = Number.POSITIVE_INFINITY;
      continue;
    }
    const tConst = isConstant[j] === 1;
    if (qConst || tConst) {
      D[j] = qConst && tConst ? 0 : Math.sqrt(m);
      continue;
    }
    const mu = mean[j];
    let s = 0;
    for (let k = 0; k < m; k++) s += qc[k] * (T[j + k] - mu);
    let rho = s / (m * sigmaQ * std[j]);
    if (rho > 1) rho = 1;
    const d2 = Math.abs(2 * m * (1 - rho));
    D[j] = d2 < P_NORM_THRESHOLD ? 0 : Math.sqrt(d2);
  }
  if (options.queryIndex !== undefined) D[options.queryIndex] = 0;
  return D;
}
