/**
 * @module analytics/causal/graph
 * From MCI p-values to the PCMCI time-series graph (Runge et al. 2019, Science Advances 5,
 * eaau4996, doi:10.1126/sciadv.aau4996), as tigramite 5.2.10's `get_graph_from_pmatrix` /
 * `convert_to_string_graph` and `symmetrize_p_and_val_matrix`:
 *
 * - a lagged entry `(i, j, tau > 0)` with `p <= alpha_level` is `"-->"`;
 * - at lag 0, `"o-o"` when both `(i, j, 0)` and `(j, i, 0)` pass, otherwise `"-->"` at the passing
 *   entry and `"<--"` at its mirror (cannot happen here: both directions are the same test);
 * - `"x-x"` (conflict) belongs to tigramite's alphabet but only arises from PCMCI+'s orientation
 *   phase, never from thresholding, so it is not produced;
 * - lag-0 p-values and values are symmetrised with the larger p-value.
 */
import type { LinkType } from "./types.ts";

/**
 * Thresholds flat p-values `p[(i * N + j) * (tauMax + 1) + tau]` into link strings, nested
 * `[i][j][tau]`. Only tested entries can become links: `(j, j, 0)` and lags below `tauMin` stay
 * `""` even for `alpha_level >= 1`.
 * This runs in `O(N^2 tau_max)`.
 *
 * @param p - flat p-values (NaN never passes)
 * @param nVars - N
 * @param tauMax - maximum lag
 * @param alphaLevel - significance level
 * @param tauMin - smallest tested lag (default 0)
 * @throws never
 * @example
 * graphFromPMatrix(Float64Array.of(1, 0.01, 0.01, 1, 0.01, 0.5, 1, 0.3), 2, 1, 0.05);
 * // [[["", "-->"], ["o-o", ""]], [["o-o", ""], ["", ""]]]
 */
export function graphFromPMatrix(p: ArrayLike<number>, nVars: number, tauMax: number, alphaLevel: number, tauMin = 0): LinkType[][][] {
  const width = tauMax + 1;
  const pass = (i: number, j: number, tau: number): boolean => {
    if (tau < tauMin || (tau === 0 && i === j)) return false;
    return p[(i * nVars + j) * width + tau]! <= alphaLevel;
  };
  const graph: LinkType[][][] = [];
  for (let i = 0; i < nVars; i++) {
    const gi: LinkType[][] = [];
    for (let j = 0; j < nVars; j++) {
      const gij: LinkType[] = [];
      for (let tau = 0; tau <= tauMax; tau++) {
        if (tau > 0) gij.push(pass(i, j, tau) ? "-->" : "");
        else {
          const a = pass(i, j, 0);
          const b = pass(j, i, 0);
          gij.push(a && b ? "o-o" : a ? "-->" : b ? "<--" : "");
        }
      }
      gi.push(gij);
    }
    graph.push(gi);
  }
  return graph;
}

/**
 * Symmetrises lag-0 entries in place (tigramite's `symmetrize_p_and_val_matrix` for undirected
 * `o?o` link assumptions): for i, j in order, if `p[i][j][0] >= p[j][i][0]` the entry `(j, i, 0)`
 * takes the p-value and value of `(i, j, 0)`.
 * This runs in `O(N^2)`.
 *
 * @param p - flat p-values, modified
 * @param val - flat values, modified
 * @param nVars - N
 * @param tauMax - maximum lag
 * @param tauMin - smallest tested lag; nothing is done when it is > 0
 * @throws never
 * @example
 * const p = Float64Array.of(1, 0.02, 0.03, 1); const v = Float64Array.of(0, 0.5, 0.4, 0);
 * symmetrizeContemporaneous(p, v, 2, 0); // p = [1, 0.03, 0.03, 1], v = [0, 0.4, 0.4, 0]
 */
export function symmetrizeContemporaneous(p: Float64Array, val: Float64Array, nVars: number, tauMax: number, tauMin = 0): void {
  if (tauMin > 0) return;
  const width = tauMax + 1;
  for (let i = 0; i < nVars; i++) {
    for (let j = 0; j < nVars; j++) {
      if (i === j) continue;
      const a = (i * nVars + j) * width;
      const b = (j * nVars + i) * width;
      if (p[a]! >= p[b]!) {
        p[b] = p[a]!;
        val[b] = val[a]!;
      }
    }
  }
}
