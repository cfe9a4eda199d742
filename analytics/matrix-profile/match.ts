/**
 * All matches of a query in a series, nearest first, like `stumpy.match(Q, T, max_distance=None,
 * max_matches=…, atol=1e-8)` of STUMPY 1.12 (`core._find_matches`): take the smallest distance of the
 * distance profile (lowest index on ties), keep it when it is finite and `<= maxDistance + atol`,
 * blank the exclusion zone `ceil(m/4)` around it, repeat until `maxMatches`.
 *
 * Similarity search with the z-normalised distance profile: Mueen et al., MASS; Yeh et al. 2016,
 * Matrix Profile I (DOI 10.1109/ICDM.2016.0179), Table II.
 *
 * @module analytics/matrix-profile/match
 */
import { AnalyticsInputError } from "../errors.ts";
import { distanceProfile } from "./distance-profile.ts";
import { applyExclusionZone, exclusionZone } from "./exclusion-zone.ts";
import { argminFirst } from "./motifs.ts";
import type { Match } from "./types.ts";

/** Options of {@link match}. */
export interface MatchOptions {
  /**
   * Largest accepted distance, or a function of the distance profile returning it. Default (STUMPY):
   * `max(mean(D) − 2·std(D), min(D))` over the finite values of `D`.
   */
  readonly maxDistance?: number | ((D: Float64Array) => number);
  /** Most matches to return (default: no limit). */
  readonly maxMatches?: number;
  /** Absolute tolerance added to `maxDistance` (default `1e-8`). */
  readonly atol?: number;
  /** Start of the query inside the series: it is returned first, at distance 0. */
  readonly queryIndex?: number;
}

/**
 * STUMPY's default threshold: `nanmax([nanmean(D) − 2·nanstd(D), nanmin(D)])` with `±∞` ignored
 * (population standard deviation). `NaN` when `D` has no finite value. This runs in `O(n)`.
 *
 * @example
 * defaultMaxDistance(Float64Array.of(1, 2, 3, Infinity)); // 1 (mean 2 − 2·0.816 < min 1)
 */
export function defaultMaxDistance(D: ArrayLike<number>): number {
  let n = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < D.length; i++) {
    const v = D[i];
    if (!Number.isFinite(v)) continue;
    n++;
    sum += v;
    if (v < min) min = v;
  }
  if (n === 0) return Number.NaN;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < D.length; i++) {
    const v = D[i];
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  return Math.max(mean - 2 * Math.sqrt(ss / n), min);
}

/**
 * Greedy selection of matches from a distance profile (STUMPY's `_find_matches`). `D` is not modified.
 * This runs in `O(k·l)` for `k` matches.
 *
 * @throws {AnalyticsInputError} field `maxMatches` when it is not a positive integer.
 * @example
 * findMatches(Float64Array.of(0, 5, 5, 0.1, 5), 1, { maxDistance: 1 }); // [{index:0,distance:0},{index:3,distance:0.1}]
 */
export function findMatches(D: Float64Array, exclZone: number, options: Omit<MatchOptions, "queryIndex"> & { readonly queryIndex?: number } = {}): Match[] {
  const { maxMatches, atol = 1e-8, queryIndex } = options;
  if (maxMatches !== undefined && (!Number.isInteger(maxMatches) || maxMatches < 1)) {
    throw new AnalyticsInputError("maxMatches", `match: maxMatches must be a positive integer, got ${String(maxMatches)}`);
  }
  const work = Float64Array.from(D);
  const md = options.maxDistance;
  const maxDistance = typeof md === "function" ? md(Float64Array.from(D)) : md ?? defaultMaxDistance(D);
  const limit = maxMatches ?? work.length;
  const out: Match[] = [];
  let c = queryIndex ?? argminFirst(work);
  for (let it = 0; it < work.length && c >= 0; it++) {
    const v = work[c];
    if (v > atol + maxDistance || !Number.isFinite(v) || out.length >= limit) break;
    out.push({ index: c, distance: v });
    applyExclusionZone(work, c, exclZone, Number.POSITIVE_INFINITY);
    c = argminFirst(work);
  }
  return out;
}

/**
 * Matches of `query` in `series`, nearest first, each at least `ceil(m/4) + 1` apart.
 * This runs in `O(n·m + k·n)`.
 *
 * @throws {AnalyticsInputError} see {@link distanceProfile} and {@link findMatches}.
 * @example
 * match(series.slice(2904, 2940), series, { maxMatches: 10 }); // [{ index: 2904, distance: 0 }, { index: 1014, distance: 0.0667… }, …]
 */
export function match(query: ArrayLike<number>, series: ArrayLike<number>, options: MatchOptions = {}): Match[] {
  const D = distanceProfile(query, series, { queryIndex: options.queryIndex });
  return findMatches(D, exclusionZone(query.length), options);
}
