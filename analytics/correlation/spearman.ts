/**
 * @module analytics/correlation/spearman
 */
import { AnalyticsInputError } from "../errors.ts";
import { compensatedSum } from "./compensated-sum.ts";
import { completePairs, type Series } from "./complete-pairs.ts";
import { isConstant } from "./is-constant.ts";
import { rankAverage } from "./ranks.ts";
import { studentTTwoSidedPValue } from "./student-t-p-value.ts";

/** Result of {@link spearman}. */
export interface SpearmanResult {
  /** Spearman's rho in [-1, 1], NaN when an input is constant. */
  readonly rho: number;
  /** Two-sided p-value from Student's t with n - 2 degrees of freedom; NaN for n = 2 or NaN rho. */
  readonly p: number;
  /** Number of complete pairs used. */
  readonly n: number;
  /** Number of pairs dropped because x or y was a gap (NaN or null). */
  readonly dropped: number;
  /** `"constant-input"` when x or y is constant (scipy: `ConstantInputWarning`), else `null`. */
  readonly warning: "constant-input" | null;
}

/**
 * Spearman's rank correlation: Pearson's r of the average ranks (ties get the mean of the ranks
 * they span), with the two-sided p-value of `t = rho·√((n-2)/((1+rho)(1-rho)))` under Student's t
 * with `n - 2` degrees of freedom, matching scipy 1.10 `scipy.stats.spearmanr(x, y)`:
 *
 * - gaps (NaN or null in x or y) are dropped pairwise first and `n` counts the complete pairs
 *   (scipy's default `nan_policy="propagate"` would return nan);
 * - fewer than 2 complete pairs throw (scipy returns nan for 0 or 1 observation);
 * - a constant x or y gives `rho = NaN, p = NaN` and `warning: "constant-input"`;
 * - `n = 2` gives `rho = ±1` (to rounding) and `p = NaN`: 0 degrees of freedom, `stdtr(0, ·)` is nan;
 * - `|rho| = 1` with `n > 2` gives `t = ±∞` and `p = 0`.
 *
 * rho is computed as numpy's `corrcoef` does (covariances scaled by `1/(n-1)`, then divided by
 * each standard deviation in turn); with half-integer ranks every sum is exact, so rho matches
 * scipy bit for bit.
 *
 * Reference: C. Spearman, "The proof and measurement of association between two things",
 * Am. J. Psychol. 15 (1904) 72–101, doi:10.2307/1412159; scipy 1.10 `stats._stats_py.spearmanr`.
 *
 * Runs in `O(n log n)` time (ranking) and `O(n)` memory.
 *
 * @param x - first series (NaN or null marks a gap)
 * @param y - second series, same length
 * @returns rho, p, the number of complete pairs and a warning
 * @throws {AnalyticsInputError} when the lengths differ, a value is ±Infinity, or fewer than 2
 *   complete pairs remain
 * @example
 * spearman([1, 2, 4], [2, 1, 7.5]); // => { rho: 0.5, p: 0.6666666666666666, n: 3, dropped: 0, warning: null }
 */
export function spearman(x: Series, y: Series): SpearmanResult {
  const pairs = completePairs(x, y, "spearman");
  const { n, dropped } = pairs;
  if (n < 2) {
    throw new AnalyticsInputError(
      "x",
      `spearman: needs at least 2 complete (x, y) pairs, got ${n}${dropped ? ` (${dropped} dropped for gaps)` : ""}`,
    );
  }
  if (isConstant(pairs.x) || isConstant(pairs.y)) {
    return { rho: Number.NaN, p: Number.NaN, n, dropped, warning: "constant-input" };
  }
  const rho = rankCorrelation(rankAverage(pairs.x), rankAverage(pairs.y));
  const dof = n - 2;
  // scipy: t = rs * sqrt((dof/((rs+1.0)*(1.0-rs))).clip(0)); |rho| = 1 gives t = ±Infinity, and
  // n = 2 gives 0/0 = NaN, which Math.max keeps as NaN like numpy's clip.
  const t = rho * Math.sqrt(Math.max(dof / ((rho + 1) * (1 - rho)), 0));
  return { rho, p: studentTTwoSidedPValue(t, dof), n, dropped, warning: null };
}

/** numpy `corrcoef(column_stack((rx, ry)), rowvar=False)[1, 0]`, in numpy's order of operations. */
function rankCorrelation(rx: Float64Array, ry: Float64Array): number {
  const n = rx.length;
  const xMean = compensatedSum(rx) / n;
  const yMean = compensatedSum(ry) / n;
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const dx = rx[i] - xMean;
    const dy = ry[i] - yMean;
    xx[i] = dx * dx;
    yy[i] = dy * dy;
    xy[i] = dx * dy;
  }
  const f = 1 / (n - 1);
  const cxx = compensatedSum(xx) * f;
  const cyy = compensatedSum(yy) * f;
  const cxy = compensatedSum(xy) * f;
  const rho = cxy / Math.sqrt(cyy) / Math.sqrt(cxx);
  return Math.max(Math.min(rho, 1), -1);
}
