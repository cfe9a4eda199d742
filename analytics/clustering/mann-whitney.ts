/**
 * @module analytics/clustering/mann-whitney
 * The two-sided Mann–Whitney U test (Wilcoxon rank-sum) with the normal approximation, tie
 * correction and continuity correction, as scipy's `mannwhitneyu(x, y, alternative="two-sided",
 * method="asymptotic")`. Used to say which lifestyle features differ between day clusters.
 *
 * Reference: Mann & Whitney 1947, Ann. Math. Statist. 18(1):50–60, doi:10.1214/aoms/1177730491.
 */
import { rankAverage } from "../correlation/ranks.ts";

/**
 * erfc(x) with fractional error below 1.2·10⁻⁷ (Chebyshev fit; Press et al., Numerical Recipes
 * 2nd ed. §6.2 `erfcc`). `O(1)`.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Result of {@link mannWhitney}. */
export interface MannWhitneyResult {
  /** U of the first sample. */
  readonly u: number;
  /** Two-sided p-value (normal approximation); 1 when either sample is empty or all values tie. */
  readonly p: number;
}

/**
 * Two-sided Mann–Whitney U test of `x` against `y` (NaN values are dropped). `O((n + m) log(n + m))`.
 *
 * @example
 * mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).p; // => 0.0122 (scipy asymptotic: 0.01219)
 */
export function mannWhitney(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitneyResult {
  const a = Array.from(x).filter((v) => !Number.isNaN(v));
  const b = Array.from(y).filter((v) => !Number.isNaN(v));
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: Number.NaN, p: 1 };
  const ranks = rankAverage([...a, ...b]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  // Tie correction: Σ(t³ − t) over groups of tied ranks.
  const sorted = Array.from(ranks).sort((p, q) => p - q);
  let ties = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    ties += t * t * t - t;
    i = j;
  }
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (!(variance > 0)) return { u, p: 1 };
  const mu = (n1 * n2) / 2;
  const z = (Math.abs(u - mu) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, erfc(Math.max(0, z) / Math.SQRT2)) };
}
