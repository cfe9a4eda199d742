/**
 * @module analytics/causal/mci-stage
 * The momentary conditional independence (MCI) stage of PCMCI (Runge et al. 2019, Science
 * Advances 5, eaau4996, doi:10.1126/sciadv.aau4996, Algorithm 2), as tigramite 5.2.10's
 * `PCMCI.run_mci` / `_iter_indep_conds`: for every target j and link `(i, -tau)`,
 * `tau = tau_min .. tau_max` (i in variable order, skipping `(j, 0)`), test
 *
 *   `X^i_{t-tau} ⊥ X^j_t | P(X^j_t) \ {X^i_{t-tau}}, P(X^i_{t-tau})`
 *
 * where `P(X^j_t)` is the first `max_conds_py` PC-stage parents of j and `P(X^i_{t-tau})` the
 * first `max_conds_px` parents of i shifted back by tau (those already in the set are not
 * repeated). Both limits default to tigramite's `N * (tau_max - tau_min + 1)`.
 *
 * Chunking: `mciStageTarget(ctx, j, parents)` computes the column `[.][j][.]` of the value and
 * p-value matrices; it needs the parents of *all* targets (from `pcStageTarget`). Lag-0 tests
 * are computed in a canonical form, so the chunks of i and j give bit-identical results for the
 * pair, and `combinePcmci` assembles the full result.
 */
import { AnalyticsInputError } from "../errors.ts";
import type { PcmciContext } from "./context.ts";
import { laggedNodeId } from "./lagged-array.ts";
import { parCorrTest } from "./parcorr.ts";
import type { LaggedNode, MciTargetResult } from "./types.ts";

/**
 * Checks a parents table (one list of `[i, -tau]` per variable, lags in `[-tau_max, 0]`).
 * This runs in `O(total number of parents)`.
 *
 * @throws {AnalyticsInputError} field "parents": wrong length, bad variable index or lag
 * @example
 * checkParents([[[0, -1]], []], 2, 3); // ok
 * checkParents([[[0, -4]], []], 2, 3); // throws: lag beyond tau_max
 */
export function checkParents(parents: ReadonlyArray<ReadonlyArray<LaggedNode>>, nVars: number, tauMax: number): void {
  if (!Array.isArray(parents) || parents.length !== nVars) throw new AnalyticsInputError("parents", `mciStageTarget: parents must list the parents of all ${nVars} variables`);
  parents.forEach((list, j) => {
    if (!Array.isArray(list)) throw new AnalyticsInputError("parents", `mciStageTarget: parents[${j}] must be an array`);
    for (const node of list) {
      const [i, lag] = node ?? [];
      if (!Number.isInteger(i) || i! < 0 || i! >= nVars || !Number.isInteger(lag) || lag! > 0 || lag! < -tauMax) {
        throw new AnalyticsInputError("parents", `mciStageTarget: parents[${j}] has an invalid node ${JSON.stringify(node)}; expected [i, -tau] with 0 <= i < ${nVars}, 0 <= tau <= ${tauMax}`);
      }
    }
  });
}

/**
 * Chunk function of the MCI stage: MCI partial correlations and (uncorrected) p-values of all
 * links into target `j`.
 * This runs in `O(N * tau_max * n * m^2)` for conditioning sets of size m (memoised tests are free).
 *
 * @param ctx - analysis context (`createPcmciContext`)
 * @param j - target variable index
 * @param parents - PC-stage parents of every variable, `parents[i] = [[k, -tau], ...]` strongest first
 * @throws {AnalyticsInputError} field "target": j is not a variable index
 * @throws {AnalyticsInputError} field "parents": malformed parents table
 * @example
 * const col = mciStageTarget(ctx, 6, allParents);
 * col.val[5 * (ctx.options.tauMax + 1) + 2]; // MCI value of stress(t-2) -> mean_glucose(t)
 */
export function mciStageTarget(ctx: PcmciContext, j: number, parents: ReadonlyArray<ReadonlyArray<LaggedNode>>): MciTargetResult {
  const { lagged, options } = ctx;
  const N = lagged.nVars;
  const { tauMin, tauMax } = options;
  if (!Number.isInteger(j) || j < 0 || j >= N) throw new AnalyticsInputError("target", `mciStageTarget: target must be an integer in [0, ${N - 1}], got ${j}`);
  checkParents(parents, N, tauMax);
  const maxLag = lagged.maxLag;
  const defaultMax = N * (tauMax - tauMin + 1);
  const maxPy = options.maxCondsPy ?? defaultMax;
  const maxPx = options.maxCondsPx ?? defaultMax;
  const condsY = parents[j]!.slice(0, maxPy);
  const width = tauMax + 1;
  const val: number[] = Array.from({ length: N * width }, () => 0);
  const p: number[] = Array.from({ length: N * width }, () => 1);
  const y = laggedNodeId(j, 0, maxLag);
  const z: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < N; i++) {
    for (let tau = tauMin; tau <= tauMax; tau++) {
      if (i === j && tau === 0) continue;
      const x = laggedNodeId(i, tau, maxLag);
      z.length = 0;
      seen.clear();
      for (const [k, lag] of condsY) {
        const id = laggedNodeId(k, -lag, maxLag);
        if (id === x) continue;
        z.push(id);
        seen.add(id);
      }
      for (const [k, lag] of parents[i]!.slice(0, maxPx)) {
        const id = laggedNodeId(k, tau - lag, maxLag);
        if (seen.has(id)) continue;
        z.push(id);
        seen.add(id);
      }
      const res = parCorrTest(ctx.parcorr, x, y, z);
      val[i * width + tau] = res.val;
      p[i * width + tau] = res.pval;
    }
  }
  return { target: j, tauMax, val, p };
}
