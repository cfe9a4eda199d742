/**
 * Top-k discords from a matrix profile, with the rule of the reference case
 * (`mp_cgm14_m36.json`, `settings.discord_rule`): repeat k times — take `i = argmax` of the finite
 * profile values (lowest index on ties), report `(i, P[i])`, then set `P` to `−∞` within the exclusion
 * zone around `i`. Stops early when no finite value is left. Windows with gaps (`P = ∞`) are never discords.
 *
 * Discords as the highest matrix-profile values: Yeh et al. 2016, Matrix Profile I
 * (DOI 10.1109/ICDM.2016.0179), §IV-B; Keogh et al. 2005, HOT SAX (DOI 10.1109/ICDM.2005.79).
 *
 * @module analytics/matrix-profile/discords
 */
import { applyExclusionZone } from "./exclusion-zone.ts";
import type { Discord, MatrixProfile } from "./types.ts";
import { checkCount } from "./validate.ts";

/**
 * Returns up to `k` discords, most anomalous first. The profile is not modified.
 * This runs in `O(k·l)`.
 *
 * @throws {AnalyticsInputError} field `k` when `k` is not a non-negative integer.
 * @example
 * const mp = stump(series, 36);
 * topDiscords(mp, 3); // [{ index: 1704, distance: 6.146… }, …]
 */
export function topDiscords(mp: Pick<MatrixProfile, "profile" | "exclZone">, k = 3): Discord[] {
  checkCount(k, "k", "topDiscords");
  const P = Float64Array.from(mp.profile);
  const out: Discord[] = [];
  while (out.length < k) {
    let best = -1;
    let bestV = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < P.length; i++) {
      const v = P[i];
      if (Number.isFinite(v) && v > bestV) {
        bestV = v;
        best = i;
      }
    }
    if (best < 0) break;
    out.push({ index: best, distance: bestV });
    applyExclusionZone(P, best, mp.exclZone, Number.NEGATIVE_INFINITY);
  }
  return out;
}
