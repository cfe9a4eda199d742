/**
 * @module analytics/forecast/quantile
 * Sample quantile, Hyndman & Fan (1996) type 7 (R's and NumPy's default): linear interpolation
 * between order statistics at position `(n − 1) p`. The American Statistician 50(4):361–365,
 * doi:10.1080/00031305.1996.10473566.
 */

/**
 * Type-7 quantile of the finite values of `x` (copied and sorted; the input is not mutated), or `NaN`
 * when there are none. This runs in `O(n log n)`.
 *
 * @example
 * quantile7([4, 1, 3, 2], 0.5); // => 2.5
 * quantile7([1, 2, 3, 4, 5], 0.1); // => 1.4
 */
export function quantile7(x: ArrayLike<number>, p: number): number {
  const buf = new Float64Array(x.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) buf[n++] = x[i];
  const v = buf.subarray(0, n).sort();
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 >= n ? v[n - 1] : v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
}
