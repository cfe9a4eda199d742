/**
 * @module analytics/correlation/pearson
 */
import { AnalyticsInputError } from "../errors.ts";
import { compensatedSum } from "./compensated-sum.ts";
import { completePairs, type Series } from "./complete-pairs.ts";
import { isConstant } from "./is-constant.ts";
import { pearsonPValue } from "./pearson-p-value.ts";

/** Why a coefficient is undefined or may be inaccurate; scipy emits these as warnings. */
export type CorrelationWarning = "constant-input" | "near-constant-input";

/** Result of {@link pearson}. */
export interface PearsonResult {
  /** Pearson's r in [-1, 1], NaN when an input is constant. */
  readonly r: number;
  /** Exact two-sided p-value (beta distribution of r under H0), NaN when r is NaN. */
  readonly p: number;
  /** Number of complete pairs used. */
  readonly n: number;
  /** Number of pairs dropped because x or y was a gap (NaN or null). */
  readonly dropped: number;
  /**
   * `"constant-input"`: x or y is constant, r is undefined (scipy: `ConstantInputWarning`, nan);
   * `"near-constant-input"`: the spread is below 1e-13 of the mean, r may be inaccurate
   * (scipy: `NearConstantInputWarning`); `null` otherwise.
   */
  readonly warning: CorrelationWarning | null;
}

/**
 * Pearson's product-moment correlation `r = Σ(x-x̄)(y-ȳ) / (‖x-x̄‖·‖y-ȳ‖)` with its exact two-sided
 * p-value, matching scipy 1.10 `scipy.stats.pearsonr(x, y)`:
 *
 * - gaps (NaN or null in x or y) are dropped pairwise first and `n` counts the complete pairs
 *   (scipy has no NaN policy here and would return NaN);
 * - fewer than 2 complete pairs throw (scipy: `ValueError`);
 * - a constant x or y gives `r = NaN, p = NaN` and `warning: "constant-input"` (scipy warns and
 *   returns nan) — checked before the `n = 2` case, as in scipy;
 * - `n = 2` gives `r = sign(x₁-x₀)·sign(y₁-y₀)` (±1) and `p = 1`;
 * - otherwise r is the dot product of the centred vectors each divided by its norm (scipy's order,
 *   which keeps |r| ≤ 1 up to rounding), clamped to [-1, 1]; `p = 2·sf(|r|)` of Beta(n/2-1, n/2-1)
 *   on [-1, 1] (see {@link pearsonPValue}), so an exactly linear relation gives `p = 0`.
 *
 * Sums are compensated (Neumaier), so r agrees with scipy to a few units in the last place.
 *
 * Reference: K. Pearson, "Mathematical contributions to the theory of evolution. III. Regression,
 * heredity, and panmixia", Phil. Trans. R. Soc. A 187 (1896) 253–318, doi:10.1098/rsta.1896.0007;
 * scipy 1.10 `stats._stats_py.pearsonr`.
 *
 * Runs in `O(n)` time and memory.
 *
 * @param x - first series (NaN or null marks a gap)
 * @param y - second series, same length
 * @returns r, p, the number of complete pairs and a warning
 * @throws {AnalyticsInputError} when the lengths differ, a value is ±Infinity, or fewer than 2
 *   complete pairs remain
 * @example
 * pearson([1, 2, 4], [2, 1, 7.5]); // => { r: 0.888458553103683, p: 0.3035535116956368, n: 3, dropped: 0, warning: null }
 */
export function pearson(x: Series, y: Series): PearsonResult {
  const pairs = completePairs(x, y, "pearson");
  const { n, dropped } = pairs;
  if (n < 2) {
    throw new AnalyticsInputError(
      "x",
      `pearson: needs at least 2 complete (x, y) pairs, got ${n}${dropped ? ` (${dropped} dropped for gaps)` : ""}`,
    );
  }
  const xs = pairs.x;
  const ys = pairs.y;
  if (isConstant(xs) || isConstant(ys)) {
    return { r: Number.NaN, p: Number.NaN, n, dropped, warning: "constant-input" };
  }
  if (n === 2) {
    return { r: Math.sign(xs[1] - xs[0]) * Math.sign(ys[1] - ys[0]), p: 1, n, dropped, warning: null };
  }
  const xMean = compensatedSum(xs) / n;
  const yMean = compensatedSum(ys) / n;
  const xm = new Float64Array(n);
  const ym = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xm[i] = xs[i] - xMean;
    ym[i] = ys[i] - yMean;
  }
  const xNorm = norm(xm);
  const yNorm = norm(ym);
  // scipy's threshold for NearConstantInputWarning: the centred values lost most of their digits.
  const nearConstant = xNorm < 1e-13 * Math.abs(xMean) || yNorm < 1e-13 * Math.abs(yMean);
  const products = new Float64Array(n);
  for (let i = 0; i < n; i++) products[i] = (xm[i] / xNorm) * (ym[i] / yNorm);
  const dot = compensatedSum(products);
  // |r| > 1 can only be a rounding artefact; scipy clamps with max(min(r, 1.0), -1.0).
  const r = Math.max(Math.min(dot, 1), -1);
  return { r, p: pearsonPValue(r, n), n, dropped, warning: nearConstant ? "near-constant-input" : null };
}

/**
 * Euclidean norm. The plain compensated sum of squares is used unless it overflows or underflows,
 * in which case the values are scaled by the largest magnitude first (as BLAS `nrm2` does).
 */
function norm(v: Float64Array): number {
  const squares = new Float64Array(v.length);
  let scale = 0;
  for (let i = 0; i < v.length; i++) {
    squares[i] = v[i] * v[i];
    scale = Math.max(scale, Math.abs(v[i]));
  }
  const plain = Math.sqrt(compensatedSum(squares));
  if (scale === 0 || (Number.isFinite(plain) && plain >= 1e-150)) return plain;
  for (let i = 0; i < v.length; i++) {
    const s = v[i] / scale;
    squares[i] = s * s;
  }
  return scale * Math.sqrt(compensatedSum(squares));
}
