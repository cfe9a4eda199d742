/**
 * @module analytics/causal/fdr
 * Benjamini–Hochberg false-discovery-rate correction of the MCI p-values (Runge et al. 2019,
 * Science Advances 5, eaau4996, doi:10.1126/sciadv.aau4996; Benjamini & Hochberg 1995,
 * J. R. Stat. Soc. B 57, 289–300, doi:10.1111/j.2517-6161.1995.tb02031.x), as tigramite 5.2.10's
 * `PCMCI.get_corrected_pvalues(p_matrix, fdr_method='fdr_bh', exclude_contemporaneous=True)`:
 * the m p-values of the tested links are sorted, `q_(k) = min_{l >= k} p_(l) m / l`, capped at 1.
 * Lag-0 entries are left uncorrected by default, as are the untested entries (`(j, j, 0)` and lags
 * below `tau_min`, which tigramite excludes through its link assumptions in `run_mci`).
 * A NaN p-value (a test without degrees of freedom) makes every q-value NaN, as numpy's
 * `minimum.accumulate` does in tigramite.
 */

/** Options of `correctedPValues`. */
export interface FdrOptions {
  /** Smallest lag included (default 0). */
  readonly tauMin?: number;
  /** Leave lag-0 entries uncorrected (default true, tigramite's default). */
  readonly excludeContemporaneous?: boolean;
}

/**
 * Benjamini–Hochberg q-values of a p-value matrix stored flat as `p[(i * N + j) * (tauMax + 1) + tau]`.
 * Entries outside the corrected set are copied unchanged.
 * This runs in `O(M log M)` for M = N^2 (tau_max + 1).
 *
 * @param p - flat p-values (not modified)
 * @param nVars - N
 * @param tauMax - maximum lag
 * @param options - tau_min and exclude_contemporaneous
 * @returns a new flat array of q-values
 * @throws {RangeError} correctedPValues: p has the wrong length (programming error)
 * @example
 * // one variable, tau_max = 2: entries [lag0, lag1, lag2]
 * correctedPValues(Float64Array.of(1, 0.01, 0.04), 1, 2); // [1, 0.02, 0.04]
 */
export function correctedPValues(p: ArrayLike<number>, nVars: number, tauMax: number, options: FdrOptions = {}): Float64Array {
  const width = tauMax + 1;
  if (p.length !== nVars * nVars * width) throw new RangeError(`correctedPValues: expected ${nVars * nVars * width} p-values, got ${p.length}`);
  const tauMin = options.tauMin ?? 0;
  const exclude = options.excludeContemporaneous ?? true;
  const q = Float64Array.from(p);
  const idx: number[] = [];
  for (let i = 0; i < nVars; i++) {
    for (let j = 0; j < nVars; j++) {
      for (let tau = tauMin; tau <= tauMax; tau++) {
        if (tau === 0 && (exclude || i === j)) continue;
        idx.push((i * nVars + j) * width + tau);
      }
    }
  }
  const m = idx.length;
  if (m === 0) return q;
  // ascending, NaN last (numpy argsort); ties need no particular order: they get equal q-values
  idx.sort((a, b) => {
    const pa = p[a]!;
    const pb = p[b]!;
    if (Number.isNaN(pa)) return Number.isNaN(pb) ? 0 : 1;
    if (Number.isNaN(pb)) return -1;
    return pa - pb;
  });
  let running = Number.POSITIVE_INFINITY;
  for (let k = m - 1; k >= 0; k--) {
    const raw = p[idx[k]!]! / ((k + 1) / m);
    running = Math.min(running, raw); // NaN propagates like np.minimum
    q[idx[k]!] = running > 1 ? 1 : running;
  }
  return q;
}
