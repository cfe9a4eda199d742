/**
 * The exclusion zone that stops a subsequence from matching itself or its overlapping neighbours
 * ("trivial matches", Yeh et al. 2016, Matrix Profile I, DOI 10.1109/ICDM.2016.0179, §III;
 * Zhu et al. 2016, STOMP, DOI 10.1109/ICDM.2016.0085, use m/4). STUMPY 1.12 uses
 * `excl_zone = ceil(m / 4)` and excludes `j` from row `i` when `|i - j| <= excl_zone`.
 *
 * @module analytics/matrix-profile/exclusion-zone
 */

/**
 * Half-width of the exclusion zone for window `m`: `ceil(m / 4)`. This runs in `O(1)`.
 *
 * @example
 * exclusionZone(36); // 9
 * exclusionZone(288); // 72
 */
export function exclusionZone(m: number): number {
  return Math.ceil(m / 4);
}

/**
 * Sets `a[idx - zone .. idx + zone]` (both ends included, clipped to the array) to `value`, in place,
 * like STUMPY's `core.apply_exclusion_zone`. This runs in `O(zone)`.
 *
 * @example
 * const a = new Float64Array(5);
 * applyExclusionZone(a, 0, 1, Infinity); // a = [Infinity, Infinity, 0, 0, 0]
 */
export function applyExclusionZone(a: Float64Array, idx: number, zone: number, value: number): void {
  const start = Math.max(0, idx - zone);
  const stop = Math.min(a.length - 1, idx + zone);
  for (let i = start; i <= stop; i++) a[i] = value;
}
