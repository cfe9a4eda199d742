/**
 * Combining partial matrix profiles computed over disjoint diagonal ranges (for example one per
 * Queue message), in the spirit of simple-statistics' `combine_means`: the merge is associative and
 * commutative, so any grouping and any order of the partials gives the same, bit-for-bit, result as
 * computing all diagonals at once.
 *
 * Order used on every row (the tie rule of STUMPY 1.12, see `partial.ts`): higher correlation first;
 * on equal correlation the closer neighbour (smaller `|i − j|`); on equal distance the left neighbour.
 *
 * @module analytics/matrix-profile/merge
 */
import { AnalyticsInputError } from "../errors.ts";
import { combineSides, emptyPartial } from "./partial.ts";
import type { MatrixProfile, PartialProfile } from "./types.ts";

/** Distances below sqrt of this are reported as exactly 0 (STUMPY's `STUMPY_P_NORM_THRESHOLD`). */
export const P_NORM_THRESHOLD = 1e-14;

/**
 * Merges two partials of the same series and window into a new partial (inputs are not modified).
 * This runs in `O(l + r)` for `l` rows and `r` ranges.
 *
 * @throws {AnalyticsInputError} field `partial` when the partials belong to different series lengths or windows.
 * @example
 * const whole = mergePartials(computeDiagonals(prep, 10, 500), computeDiagonals(prep, 500, prep.l));
 */
export function mergePartials(a: PartialProfile, b: PartialProfile): PartialProfile {
  checkCompatible(a, b);
  const l = a.rho.length;
  const rhoLeft = Float64Array.from(a.rhoLeft);
  const indexLeft = Int32Array.from(a.indexLeft);
  const rhoRight = Float64Array.from(a.rhoRight);
  const indexRight = Int32Array.from(a.indexRight);
  for (let r = 0; r < l; r++) {
    const pl = b.rhoLeft[r];
    if (pl > rhoLeft[r] || (pl === rhoLeft[r] && b.indexLeft[r] > indexLeft[r])) {
      rhoLeft[r] = pl;
      indexLeft[r] = b.indexLeft[r];
    }
    const pr = b.rhoRight[r];
    const ir = b.indexRight[r];
    if (pr > rhoRight[r] || (pr === rhoRight[r] && ir >= 0 && (indexRight[r] < 0 || ir < indexRight[r]))) {
      rhoRight[r] = pr;
      indexRight[r] = ir;
    }
  }
  const rho = new Float64Array(l);
  const index = new Int32Array(l);
  combineSides(rhoLeft, indexLeft, rhoRight, indexRight, rho, index);
  return {
    n: a.n,
    m: a.m,
    exclZone: a.exclZone,
    ranges: unionRanges([...a.ranges, ...b.ranges]),
    rho,
    index,
    rhoLeft,
    indexLeft,
    rhoRight,
    indexRight,
  };
}

/**
 * Merges any number of partials (at least one). The result does not depend on their order.
 * This runs in `O(p·l)` for `p` partials.
 *
 * @throws {AnalyticsInputError} field `partials` when the list is empty; field `partial` when they are incompatible.
 * @example
 * const whole = mergeAll(chunks.map((c) => computeDiagonals(prep, c.k0, c.k1)));
 */
export function mergeAll(partials: ReadonlyArray<PartialProfile>): PartialProfile {
  if (partials.length === 0) throw new AnalyticsInputError("partials", "mergeAll: needs at least one partial");
  const head = partials[0];
  let acc = mergePartials(head, emptyPartial({ n: head.n, m: head.m, l: head.rho.length, exclZone: head.exclZone }));
  for (let q = 1; q < partials.length; q++) acc = mergePartials(acc, partials[q]);
  return acc;
}

/**
 * Converts a partial that covers every diagonal `(exclZone, l)` into the matrix profile:
 * `distance = sqrt(|2m(1 − ρ)|)` (0 below {@link P_NORM_THRESHOLD}), `Infinity` and index `-1` for rows
 * without any finite neighbour. Pass `requireComplete = false` to finalise a partial view.
 * This runs in `O(l)`.
 *
 * @throws {AnalyticsInputError} field `partial` when `requireComplete` and some diagonal is missing.
 * @example
 * const mp = finalizePartial(mergeAll(parts));
 * mp.profile[0]; // distance of subsequence 0 to its nearest neighbour
 */
export function finalizePartial(partial: PartialProfile, requireComplete = true): MatrixProfile {
  const l = partial.rho.length;
  const { m, exclZone } = partial;
  if (requireComplete) {
    const first = exclZone + 1;
    const ok = first >= l ? partial.ranges.length === 0 : partial.ranges.length === 1 && partial.ranges[0][0] === first && partial.ranges[0][1] === l;
    if (!ok) {
      const want = first >= l ? "no diagonal" : `[${first}, ${l})`;
      throw new AnalyticsInputError("partial", `finalizePartial: the partials cover ${JSON.stringify(partial.ranges)}, expected ${want}`);
    }
  }
  const profile = new Float64Array(l);
  for (let r = 0; r < l; r++) profile[r] = rhoToDistance(partial.rho[r], m);
  return {
    m,
    exclZone,
    profile,
    indices: Int32Array.from(partial.index),
    leftIndices: Int32Array.from(partial.indexLeft),
    rightIndices: Int32Array.from(partial.indexRight),
  };
}

/**
 * z-normalised Euclidean distance from a Pearson correlation: `sqrt(|2m(1 − ρ)|)`, with squared
 * distances below {@link P_NORM_THRESHOLD} snapped to 0 (Matrix Profile I, DOI 10.1109/ICDM.2016.0179, eq. 1).
 * This runs in `O(1)`.
 *
 * @example
 * rhoToDistance(1, 36); // 0
 * rhoToDistance(0.5, 36); // 6 (= sqrt(36))
 * rhoToDistance(-Infinity, 36); // Infinity
 */
export function rhoToDistance(rho: number, m: number): number {
  const pNorm = Math.abs(2 * m * (1 - rho));
  return pNorm < P_NORM_THRESHOLD ? 0 : Math.sqrt(pNorm);
}

function checkCompatible(a: PartialProfile, b: PartialProfile): void {
  if (a.n !== b.n || a.m !== b.m || a.rho.length !== b.rho.length || a.exclZone !== b.exclZone) {
    throw new AnalyticsInputError(
      "partial",
      `mergePartials: partials differ (n ${a.n} vs ${b.n}, m ${a.m} vs ${b.m}); they must come from the same series and window`,
    );
  }
}

/** Sorted union of half-open ranges, with adjacent and overlapping ranges joined. */
function unionRanges(ranges: ReadonlyArray<readonly [number, number]>): Array<readonly [number, number]> {
  const sorted = ranges.filter((r) => r[1] > r[0]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
