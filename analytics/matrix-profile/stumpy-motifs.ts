/**
 * Motif groups the way `stumpy.motifs(T, P, min_neighbors, max_distance, cutoff, max_matches,
 * max_motifs, atol)` of STUMPY 1.12 finds them: the lowest profile value (below `cutoff`) is a candidate;
 * all its matches (see `match`, at most `maxMatches`, the candidate itself first at distance 0) form a
 * motif when there are more than `minNeighbors` of them; the profile is then blanked (`+∞`) around
 * every match, and the next candidate is taken.
 *
 * References: Yeh et al. 2016, Matrix Profile I (DOI 10.1109/ICDM.2016.0179);
 * STUMPY documentation, "Tutorial: Pattern Matching / motifs".
 *
 * @module analytics/matrix-profile/stumpy-motifs
 */
import { AnalyticsInputError } from "../errors.ts";
import { distanceProfile } from "./distance-profile.ts";
import { applyExclusionZone, exclusionZone } from "./exclusion-zone.ts";
import { defaultMaxDistance, findMatches } from "./match.ts";
import { argminFirst } from "./motifs.ts";
import { checkCount, toSeries } from "./validate.ts";

/** Options of {@link stumpyMotifs}; defaults are STUMPY's. */
export interface StumpyMotifsOptions {
  /** A candidate needs more than this many matches (itself included) to be a motif. Default 1. */
  readonly minNeighbors?: number;
  /** Largest distance of a match (number or function of the distance profile). Default: STUMPY's. */
  readonly maxDistance?: number | ((D: Float64Array) => number);
  /** Largest profile value of a candidate. Default: `max(mean(P) − 2·std(P), min(P))` over finite values. */
  readonly cutoff?: number;
  /** Most matches per motif. Default 10. */
  readonly maxMatches?: number;
  /** Most motifs. Default 1. */
  readonly maxMotifs?: number;
  /** Tolerance added to `maxDistance`. Default `1e-8`. */
  readonly atol?: number;
}

/** Motif groups: row `q` holds the distances and start indices of motif `q`'s matches, nearest first. */
export interface StumpyMotifs {
  readonly distances: number[][];
  readonly indices: number[][];
}

/**
 * Finds motif groups from a series and its matrix profile (`m = series.length − profile.length + 1`).
 * Unlike STUMPY the rows are not padded to equal length (STUMPY pads with `NaN` / `-1`).
 * This runs in `O(maxMotifs·(n·m + maxMatches·n))`.
 *
 * @throws {AnalyticsInputError} field `profile` when it does not fit the series (m < 3); fields of the
 * options when they are not valid counts.
 * @example
 * const mp = stump(T, 36);
 * stumpyMotifs(T, mp.profile, { maxMotifs: 3 });
 * // { distances: [[0, 0.0667…, 0.674…, …]], indices: [[1014, 2904, 1595, …]] }
 */
export function stumpyMotifs(series: ArrayLike<number>, profile: ArrayLike<number>, options: StumpyMotifsOptions = {}): StumpyMotifs {
  const fn = "stumpyMotifs";
  const T = toSeries(series, fn);
  const P = toSeries(profile, fn, "profile");
  const { minNeighbors = 1, maxMatches = 10, maxMotifs = 1, atol = 1e-8, maxDistance } = options;
  checkCount(minNeighbors, "minNeighbors", fn);
  checkCount(maxMatches, "maxMatches", fn, 1);
  checkCount(maxMotifs, "maxMotifs", fn, 1);
  const l = P.length;
  const m = T.length - l + 1;
  if (l < 1 || m < 3) throw new AnalyticsInputError("profile", `${fn}: profile length ${l} does not fit a series of ${T.length} values with m >= 3`);
  const excl = exclusionZone(m);
  const cutoff = options.cutoff ?? defaultMaxDistance(P);

  const distances: number[][] = [];
  const indices: number[][] = [];
  let c = argminFirst(P);
  for (let it = 0; it < l && c >= 0; it++) {
    if (distances.length >= maxMotifs) break;
    const pv = P[c];
    if (pv > cutoff || !Number.isFinite(pv)) break;
    if (typeof maxDistance === "number" && pv > maxDistance) break;
    const D = distanceProfile(T.subarray(c, c + m), T, { queryIndex: c });
    const found = findMatches(D, excl, { maxDistance, maxMatches, atol, queryIndex: c });
    if (found.length > minNeighbors) {
      distances.push(found.map((f) => f.distance));
      indices.push(found.map((f) => f.index));
    }
    if (found.length === 0) applyExclusionZone(P, c, excl, Number.POSITIVE_INFINITY);
    for (const f of found) applyExclusionZone(P, f.index, excl, Number.POSITIVE_INFINITY);
    c = argminFirst(P);
  }
  return { distances, indices };
}
