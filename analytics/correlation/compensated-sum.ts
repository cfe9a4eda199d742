/**
 * @module analytics/correlation/compensated-sum
 */

/**
 * Sum of `x[offset .. offset + n - 1]` with Neumaier's improved Kahan–Babuška compensation, so the
 * rounding error does not grow with `n` (a naive loop loses about `n·ε` relative accuracy).
 *
 * Reference: A. Neumaier, "Rundungsfehleranalyse einiger Verfahren zur Summation endlicher Summen",
 * ZAMM 54 (1974) 39–51, doi:10.1002/zamm.19740540106 (the algorithm simple-statistics' `sum` uses).
 *
 * Runs in `O(n)` time and `O(1)` memory.
 *
 * @param x - values (NaN propagates, as in any sum)
 * @param n - how many values to add (default: `x.length - offset`)
 * @param offset - index of the first value (default 0)
 * @returns the compensated sum; 0 for `n <= 0`
 * @throws never
 * @example
 * compensatedSum([1, 1e100, 1, -1e100]); // => 2 (a naive loop gives 0)
 */
export function compensatedSum(x: ArrayLike<number>, n = x.length, offset = 0): number {
  let sum = 0;
  let correction = 0;
  for (let i = offset; i < offset + n; i++) {
    const v = x[i];
    const t = sum + v;
    // Neumaier: whichever operand is smaller in magnitude lost its low-order bits in `t`.
    correction += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + correction;
}
