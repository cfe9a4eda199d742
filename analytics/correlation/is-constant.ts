/**
 * @module analytics/correlation/is-constant
 */

/**
 * Whether every value equals the first, the test scipy 1.10 applies before `pearsonr` and
 * `spearmanr` (`(x == x[0]).all()`): such an input has zero variance, so a correlation with it is
 * undefined. `-0` equals `0`; a NaN never equals anything, so drop gaps first.
 *
 * Runs in `O(n)`; stops at the first differing value.
 *
 * @param x - values
 * @returns true for a constant series (also for length 0 or 1)
 * @throws never
 * @example
 * isConstant([3, 3, 3]); // => true
 * isConstant([3, 3, 4]); // => false
 */
export function isConstant(x: ArrayLike<number>): boolean {
  const first = x[0];
  for (let i = 1; i < x.length; i++) if (x[i] !== first) return false;
  return true;
}
