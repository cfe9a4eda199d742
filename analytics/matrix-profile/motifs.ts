/**
 * Top-k motif pairs from a matrix profile, with the rule of the reference case
 * (`mp_cgm14_m36.json`, `settings.motif_rule`): repeat k times — take `i = argmin(P)` (lowest index on
 * ties) and its nearest neighbour `j = I[i]`, report `(i, j, P[i])`, then set `P` to `+∞` within the
 * exclusion zone around both `i` and `j`. Stops early when no finite profile value is left.
 *
 * Motifs as the lowest matrix-profile values: Yeh et al. 2016, Matrix Profile I
 * (DOI 10.1109/ICDM.2016.0179), §IV-A; Mueen et al. 2009, Exact Discovery of Time Series Motifs
 * (DOI 10.1137/1.9781611972795.41).
 *
 * @module analytics/matrix-profile/motifs
 */
import { applyExclusionZone } from "./exclusion-zone.ts";
import type { MatrixProfile, MotifPair } from "./types.ts";
import { checkCount } from "./validate.ts";

/**
 * Returns up to `k` motif pairs, best first. The profile is not modified.
 * This runs in `O(k·l)`.
 *
 * @throws {AnalyticsInputError} field `k` when `k` is not a non-negative integer.
 * @example
 * const mp = stump(series, 36);
 * topMotifs(mp, 3); // [{ pair: [1014, 2904], distance: 0.0667… }, …]
 */
export function topMotifs(mp: Pick<MatrixProfile, "profile" | "indices" | "exclZone">, k = 3): MotifPair[] {
  checkCount(k, "k", "topMotifs");
  const P = Float64Array.from(mp.profile);
  const out: MotifPair[] = [];
  while (out.length < k) {
    const i = argminFirst(P);
    if (i < 0) break;
    const j = mp.indices[i];
    if (j < 0) break;
    out.push({ pair: [i, j], distance: P[i] });
    applyExclusionZone(P, i, mp.exclZone, Number.POSITIVE_INFINITY);
    applyExclusionZone(P, j, mp.exclZone, Number.POSITIVE_INFINITY);
  }
  return out;
}

/**
 * Index of the smallest finite value (the lowest index on ties), `-1` when there is none.
 * This runs in `O(n)`.
 *
 * @example
 * argminFirst(Float64Array.of(3, 1, 1, Infinity)); // 1
 */
export function argminFirst(a: ArrayLike<number>): number {
  let best = -1;
  let bestV = Number.POSITIVE_INFINITY;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < bestV) {
      bestV = a[i];
      best = i;
    }
  }
  return best;
}
