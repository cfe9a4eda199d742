/**
 * @module analytics/correlation/student-t-p-value
 */
import betainc from "@stdlib/math-base-special-betainc";

/**
 * Two-sided p-value `2·P(T ≤ -|t|)` of Student's t distribution with `dof` degrees of freedom, as
 * scipy 1.10's `_ttest_finish` computes it (`2*special.stdtr(dof, -abs(t))`, where `stdtr` is
 * cdflib's `cdft`). With `x = dof/(dof + t²)` and `y = t²/(dof + t²)` the identity
 * `2·P(T ≤ -|t|) = Iₓ(dof/2, 1/2) = 1 - Iᵧ(1/2, dof/2)` is evaluated on whichever side is smaller,
 * like cdflib's `bratio`, so tiny p-values (1e-28 and below) stay accurate where `1 - cdf` would
 * round to 0, and p-values near 1 do not lose the bits of `1 - x`.
 *
 * Reference: W. S. Gosset ("Student"), "The probable error of a mean", Biometrika 6 (1908) 1–25,
 * doi:10.2307/2331554; Abramowitz & Stegun 26.7.1; A. R. DiDonato & A. H. Morris, "Algorithm 708",
 * ACM TOMS 18 (1992) 360–373, doi:10.1145/131766.131776.
 *
 * Runs in `O(1)`.
 *
 * @param t - t statistic (±Infinity gives 0, NaN gives NaN)
 * @param dof - degrees of freedom, > 0 (otherwise NaN, as `stdtr` returns)
 * @returns the two-sided p-value in [0, 1]
 * @throws never
 * @example
 * studentTTwoSidedPValue(0.5773502691896258, 1); // => 0.6666666666666666 (2/3: t = 1/√3 on 1 dof)
 */
export function studentTTwoSidedPValue(t: number, dof: number): number {
  if (Number.isNaN(t) || !(dof > 0)) return Number.NaN;
  const tt = t * t;
  if (tt === Number.POSITIVE_INFINITY) return 0;
  const denominator = dof + tt;
  const x = dof / denominator;
  const y = tt / denominator;
  return x <= y ? betainc(x, dof / 2, 0.5) : betainc(y, 0.5, dof / 2, true, true);
}
