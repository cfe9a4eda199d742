/**
 * The exact z-normalised self-join matrix profile, matching `stumpy.stump(T, m)` of STUMPY 1.12
 * (profile, nearest-neighbour index, left and right indices; `k = 1`).
 *
 * References: Yeh et al. 2016, Matrix Profile I: All Pairs Similarity Joins for Time Series
 * (DOI 10.1109/ICDM.2016.0179); Zhu et al. 2016, Matrix Profile II / STOMP (DOI 10.1109/ICDM.2016.0085);
 * Zimmerman et al. 2019, Matrix Profile XIV / SCRIMP++ diagonal traversal (DOI 10.1109/ICDM.2018.00099).
 *
 * @module analytics/matrix-profile/stump
 */
import { computeDiagonals } from "./partial.ts";
import { finalizePartial } from "./merge.ts";
import { prepareSeries } from "./prepare.ts";
import type { MatrixProfile } from "./types.ts";

/**
 * Computes the matrix profile of `series` for window `m`: for every subsequence the z-normalised
 * Euclidean distance to its nearest neighbour outside the exclusion zone `ceil(m/4)`, with its index
 * and the nearest neighbours on the left and on the right (`-1` where none).
 * Windows containing `NaN`/`±Infinity` get distance `Infinity` (and are nobody's neighbour); two
 * constant windows are at distance 0, a constant and a non-constant one at `sqrt(m)`.
 * On exactly equal distances the closest neighbour is kept, then the left one (STUMPY's outcome).
 * Single-threaded; for parallel or queued work split the diagonals with `planDiagonalChunks`,
 * compute them with `computeDiagonals` and combine with `mergeAll`.
 * This runs in `O(n²)` time (`(l − exclZone)²/2` cells, `l = n − m + 1`) plus `O(n·m)`, and `O(n)` memory.
 *
 * @throws {AnalyticsInputError} field `series` when it is not an array of numbers; field `m` when `m`
 * is not an integer with `3 <= m <= series.length`.
 * @example
 * const mp = stump([584, -11, 23, 79, 1001, 0, -19], 3);
 * mp.profile; // Float64Array [0.11633857113691416, 2.694073918063438, 3.0000926340485923, 2.694073918063438, 0.11633857113691416]
 * mp.indices; // Int32Array [4, 3, 0, 1, 0]
 * mp.leftIndices; // Int32Array [-1, -1, 0, 1, 0]
 * mp.rightIndices; // Int32Array [4, 3, 4, -1, -1]
 */
export function stump(series: ArrayLike<number>, m: number): MatrixProfile {
  const prep = prepareSeries(series, m, "stump");
  const first = Math.min(prep.exclZone + 1, prep.l);
  return finalizePartial(computeDiagonals(prep, first, prep.l));
}
