/**
 * @module analytics/correlation/ranks
 */

/**
 * Ranks with ties averaged ("fractional ranking"): the smallest value gets rank 1 and each group
 * of equal values gets the mean of the ranks it spans, exactly as scipy 1.10
 * `scipy.stats.rankdata(a, method="average")`. Ranks are half-integers, so they are exact in
 * floating point. `-0` and `0` tie. Like scipy's default `nan_policy="propagate"`, any NaN makes
 * every rank NaN (drop gaps first with {@link completePairs}).
 *
 * Reference: M. G. Kendall, "Rank Correlation Methods" (1948), ch. 3 (tied ranks);
 * scipy `stats._stats_py.rankdata`.
 *
 * Runs in `O(n log n)` time and `O(n)` memory.
 *
 * @param x - values
 * @returns a new `Float64Array` of ranks, same length as `x`
 * @throws never
 * @example
 * rankAverage([10, 20, 10, 30]); // => Float64Array [1.5, 3, 1.5, 4]
 */
export function rankAverage(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(x[i])) return ranks.fill(Number.NaN);
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => x[a] - x[b]);
  let start = 0;
  while (start < n) {
    const v = x[order[start]];
    let end = start + 1;
    while (end < n && x[order[end]] === v) end++;
    // 0-based positions start..end-1 hold ranks start+1..end; their mean is (start + end + 1) / 2,
    // the same expression as scipy's 0.5 * (count[dense] + count[dense - 1] + 1).
    const rank = 0.5 * (start + end + 1);
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}
