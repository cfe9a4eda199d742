/**
 * Pre-processing for the diagonal matrix-profile kernel, following STUMPY 1.12's
 * `core.preprocess_diagonal`: non-finite values are replaced by 0 and their windows flagged,
 * constant windows are flagged, and the sliding means (window `m` and `m − 1`), inverse standard
 * deviations and the two co-moment update terms of each diagonal step are precomputed.
 *
 * The co-moment update is the one of Zimmerman et al. 2019, Matrix Profile XIV (SCRIMP++),
 * DOI 10.1109/ICDM.2018.00099, and STUMPY's `_stump` (after Welford's centred sum of products):
 *
 *     cov(i, j) = cov(i−1, j−1) + (m−1)/m² · (a[j]·a[i] − c[j]·c[i])
 *     a[t] = T[t+m−1] − μ′[t],  c[t] = T[t−1] − μ′[t],  μ′[t] = mean(T[t .. t+m−1))
 *
 * @module analytics/matrix-profile/prepare
 */
import { exclusionZone } from "./exclusion-zone.ts";
import { rollingIsConstant, rollingIsFinite, slidingMean, slidingStd } from "./sliding-stats.ts";
import { checkWindow, toSeries } from "./validate.ts";

/** Everything the diagonal kernel needs about one series and window. Treat as read-only. */
export interface PreparedSeries {
  /** Series length. */
  readonly n: number;
  /** Window length. */
  readonly m: number;
  /** Number of subsequences, `n − m + 1`. */
  readonly l: number;
  /** `ceil(m / 4)`. */
  readonly exclZone: number;
  /** The series with every non-finite value replaced by 0. */
  readonly values: Float64Array;
  /** Sliding mean (window `m`) of `values`. */
  readonly mean: Float64Array;
  /** Sliding population standard deviation (window `m`) of `values`. */
  readonly std: Float64Array;
  /** 1 where the window holds only finite values. */
  readonly isFinite: Uint8Array;
  /** 1 where the window is finite and constant (max = min). */
  readonly isConstant: Uint8Array;
  /** Starts of the finite constant windows, ascending. */
  readonly constantStarts: Int32Array;
  /**
   * Kernel columns, interleaved with stride 4 so that one cache line serves a row:
   * `[4t] = a[t] = T[t+m−1] − μ′[t]`, `[4t+1] = c[t] = T[t−1] − μ′[t]` (`c[0]` unused),
   * `[4t+2] = 1/σ[t]` for finite non-constant windows and `NaN` elsewhere (so the kernel's
   * comparisons skip those windows without a branch), `[4t+3]` unused.
   */
  readonly columns: Float64Array;
}

/**
 * Prepares a series for {@link computeDiagonals}. Non-finite values (gaps) are allowed: every window
 * that contains one gets an infinite distance to everything, as in STUMPY. This runs in `O(n·m)`.
 *
 * @throws {AnalyticsInputError} field `series` when `series` is not an array of numbers, field `m`
 * when `m` is not an integer in `[3, n]`.
 * @example
 * const p = prepareSeries([1, 2, 3, 2, 1, 2, 3], 3);
 * p.l; // 5
 * p.exclZone; // 1
 */
export function prepareSeries(series: ArrayLike<number>, m: number, fn = "prepareSeries"): PreparedSeries {
  const raw = toSeries(series, fn);
  const n = raw.length;
  checkWindow(m, n, fn);
  const l = n - m + 1;
  const isFinite = rollingIsFinite(raw, m);
  const values = new Float64Array(n);
  for (let t = 0; t < n; t++) values[t] = Number.isFinite(raw[t]) ? raw[t] : 0;
  const isConstant = rollingIsConstant(values, m);
  let nConst = 0;
  for (let i = 0; i < l; i++) {
    isConstant[i] &= isFinite[i];
    nConst += isConstant[i];
  }
  const constantStarts = new Int32Array(nConst);
  for (let i = 0, c = 0; i < l; i++) if (isConstant[i]) constantStarts[c++] = i;

  const mean = slidingMean(values, m);
  const std = slidingStd(values, m, mean);
  const meanM1 = slidingMean(values, m - 1); // length l + 1
  const columns = new Float64Array(4 * l);
  for (let t = 0; t < l; t++) {
    columns[4 * t] = values[t + m - 1] - meanM1[t];
    columns[4 * t + 1] = (t > 0 ? values[t - 1] : values[n - 1]) - meanM1[t];
    columns[4 * t + 2] = isFinite[t] && !isConstant[t] ? 1 / std[t] : Number.NaN;
  }
  return { n, m, l, exclZone: exclusionZone(m), values, mean, std, isFinite, isConstant, constantStarts, columns };
}
