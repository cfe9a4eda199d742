/**
 * @module analytics/correlation/benjamini-hochberg
 */
import { AnalyticsInputError } from "../errors.ts";

/**
 * Benjamini–Hochberg adjusted p-values ("q-values"): with the `m` p-values sorted ascending,
 * `q₍ᵢ₎ = min over k ≥ i of p₍ₖ₎·m/k`, capped at 1. Rejecting every hypothesis with `q ≤ α` controls
 * the false discovery rate at `α` for independent (or positively dependent) tests.
 *
 * Matches scipy 1.11+ `scipy.stats.false_discovery_control(ps, method="bh")` (which computes
 * `p·(m/i)` in that order) and statsmodels `multipletests(ps, method="fdr_bh")[1]` to rounding.
 * NaN p-values (e.g. from a constant series) are left out of the family, as R's `p.adjust` does,
 * and get a NaN q-value; scipy would raise instead. Ties get equal q-values.
 *
 * Reference: Y. Benjamini, Y. Hochberg, "Controlling the false discovery rate: a practical and
 * powerful approach to multiple testing", J. R. Stat. Soc. B 57 (1995) 289–300,
 * doi:10.1111/j.2517-6161.1995.tb02031.x.
 *
 * Runs in `O(m log m)` time and `O(m)` memory.
 *
 * @param p - p-values in [0, 1] or NaN
 * @returns a new `Float64Array` of q-values in the input order
 * @throws {AnalyticsInputError} field `p[i]` for a value outside [0, 1] or not a number
 * @example
 * benjaminiHochberg([0.01, 0.02, 0.03, 0.5, 0.04]); // => Float64Array [0.05, 0.05, 0.05, 0.5, 0.05]
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const q = new Float64Array(p.length).fill(Number.NaN);
  const kept: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (typeof v !== "number" || v < 0 || v > 1) {
      throw new AnalyticsInputError(`p[${i}]`, `benjaminiHochberg: p[${i}] must be a p-value in [0, 1] or NaN, got ${String(v)}`);
    }
    if (!Number.isNaN(v)) kept.push(i);
  }
  const m = kept.length;
  kept.sort((a, b) => p[a] - p[b]);
  let running = Number.POSITIVE_INFINITY;
  for (let k = m - 1; k >= 0; k--) {
    const i = kept[k];
    // scipy: ps *= m / i (the ratio first), then a reversed running minimum, then clip to [0, 1].
    running = Math.min(running, p[i] * (m / (k + 1)));
    q[i] = Math.min(running, 1);
  }
  return q;
}
