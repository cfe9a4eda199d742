/**
 * @module analytics/correlation/pearson-p-value
 */
import betainc from "@stdlib/math-base-special-betainc";

/**
 * Exact two-sided p-value of a Pearson correlation `r` over `n` pairs under the null hypothesis of
 * independent normal variables: `r` then follows a beta distribution on [-1, 1] with shape
 * parameters `a = b = n/2 - 1`, so `p = 2·sf(|r|) = 2·I₁₋ₓ(a, a)` with `x = (|r| + 1)/2` and `I` the
 * regularized incomplete beta function (upper tail taken directly, so tiny p-values keep their
 * relative accuracy instead of being rounded to 0 by `1 - cdf`).
 *
 * This is scipy 1.10.1 `pearsonr`'s formula, `2*stats.beta(ab, ab, loc=-1, scale=2).sf(abs(r))`
 * (boost `ibetac`; stdlib's `betainc` is a port of the same boost code). `|r| = 1` gives `p = 0`;
 * `r = 0` gives `p = 1`.
 *
 * Reference: R. A. Fisher, "Frequency distribution of the values of the correlation coefficient in
 * samples from an indefinitely large population", Biometrika 10 (1915) 507–521,
 * doi:10.2307/2331838; scipy `stats._stats_py.pearsonr`.
 *
 * Runs in `O(1)` (one incomplete beta evaluation).
 *
 * @param r - correlation coefficient in [-1, 1] (NaN gives NaN)
 * @param n - number of pairs; `n = 2` gives 1 as scipy does (two points always lie on a line)
 * @returns the two-sided p-value in [0, 1]
 * @throws never: `n < 2` or `|r| > 1` give NaN
 * @example
 * pearsonPValue(0.888458553103683, 3); // => 0.3035535116956368 (scipy 1.10)
 */
export function pearsonPValue(r: number, n: number): number {
  if (Number.isNaN(r) || !(n >= 2) || Math.abs(r) > 1) return Number.NaN;
  if (n === 2) return 1;
  const ab = n / 2 - 1;
  // scipy's rv_continuous.sf maps |r| to the standard support as (|r| - loc) / scale.
  const x = (Math.abs(r) + 1) / 2;
  if (x >= 1) return 0;
  return 2 * betainc(x, ab, ab, true, true);
}
