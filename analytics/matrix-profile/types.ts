/**
 * Shared types of the matrix-profile module.
 *
 * Conventions (the same as STUMPY 1.12, https://github.com/TDAmeritrade/stumpy):
 * - indices are 0-based subsequence start positions; `-1` means "no neighbour";
 * - a profile value is `Infinity` where the row has no finite neighbour (gaps);
 * - `n` is the series length, `m` the window, `l = n - m + 1` the number of subsequences,
 *   `exclZone = ceil(m / 4)`; subsequence `j` is a trivial match of row `i` when `|i - j| <= exclZone`.
 *
 * @module analytics/matrix-profile/types
 */

/** The self-join matrix profile of one series, as returned by `stumpy.stump(T, m)` (k = 1). */
export interface MatrixProfile {
  /** Window length. */
  readonly m: number;
  /** Exclusion zone half-width, `ceil(m / 4)`. */
  readonly exclZone: number;
  /** z-normalised Euclidean distance of each subsequence to its nearest non-trivial neighbour (length `l`). */
  readonly profile: Float64Array;
  /** Start of that nearest neighbour, `-1` where there is none. */
  readonly indices: Int32Array;
  /** Nearest neighbour among the earlier subsequences (`j < i - exclZone`), `-1` where none. */
  readonly leftIndices: Int32Array;
  /** Nearest neighbour among the later subsequences (`j > i + exclZone`), `-1` where none. */
  readonly rightIndices: Int32Array;
}

/**
 * The result of computing a range of diagonals `[k0, k1)` of the distance matrix: for every row the best
 * Pearson correlation (higher is closer) and its index, overall, on the left and on the right.
 * Partials over disjoint diagonal ranges combine with `mergePartials` into exactly the unchunked result;
 * `finalizePartial` turns a partial that covers every diagonal into a {@link MatrixProfile}.
 *
 * All fields are plain numbers, arrays and typed arrays, so a partial survives structured cloning
 * (Queue messages, `postMessage`). Rows that saw no finite candidate keep `-Infinity` and index `-1`.
 */
export interface PartialProfile {
  /** Series length. */
  readonly n: number;
  /** Window length. */
  readonly m: number;
  /** Exclusion zone half-width. */
  readonly exclZone: number;
  /** Sorted, disjoint, non-adjacent half-open diagonal ranges `[k0, k1)` covered by this partial. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  /** Best correlation per row (overall). */
  readonly rho: Float64Array;
  /** Index of `rho` per row. */
  readonly index: Int32Array;
  /** Best correlation per row among earlier subsequences. */
  readonly rhoLeft: Float64Array;
  /** Index of `rhoLeft`. */
  readonly indexLeft: Int32Array;
  /** Best correlation per row among later subsequences. */
  readonly rhoRight: Float64Array;
  /** Index of `rhoRight`. */
  readonly indexRight: Int32Array;
}

/** A half-open range of diagonals `[k0, k1)` and the number of distance-matrix cells it holds. */
export interface DiagonalChunk {
  readonly k0: number;
  readonly k1: number;
  readonly cells: number;
}

/** One motif pair: `pair[1]` is the nearest neighbour of `pair[0]`, at `distance`. */
export interface MotifPair {
  readonly pair: readonly [number, number];
  readonly distance: number;
}

/** One discord: the subsequence whose nearest neighbour is farthest away. */
export interface Discord {
  readonly index: number;
  readonly distance: number;
}

/** One match of a query: start index and z-normalised distance. */
export interface Match {
  readonly index: number;
  readonly distance: number;
}
