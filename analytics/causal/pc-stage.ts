/**
 * @module analytics/causal/pc-stage
 * Condition selection, the first stage of PCMCI: the PC1 variant of the PC-stable algorithm
 * that estimates a superset of the lagged parents of each variable (Runge et al. 2019, Science
 * Advances 5, eaau4996, doi:10.1126/sciadv.aau4996, Algorithm 1), as tigramite 5.2.10's
 * `PCMCI.run_pc_stable` / `_run_pc_stable_single`:
 *
 * - candidates of target j are all `(i, -tau)`, `i` in variable order, `tau = max(1, tau_min) ..
 *   tau_max` (lag 0 is never a condition candidate);
 * - for `p = 0, 1, ... max_conds_dim` (default `N * (tau_max - max(1, tau_min) + 1)`), while at
 *   least `p + 1` candidates remain, every candidate is tested against the target given the first
 *   `max_combinations` (default 1) subsets of size p of the *other* candidates, in lexicographic
 *   order of the current ranking; a test with `pval > pc_alpha` marks the candidate for removal
 *   (removals take effect after the whole level: PC-stable);
 * - the ranking is by the smallest |partial correlation| seen so far, strongest first (stable:
 *   ties keep the earlier order).
 *
 * With several pc_alpha candidates (`pc_alpha = null` gives 0.05, 0.1, 0.2, 0.3, 0.4, 0.5), the
 * algorithm runs for each and keeps the parents with the smallest AIC (`model-selection.ts`),
 * the first one on ties.
 *
 * Chunking: `pcStageTarget(ctx, j)` is everything the PC stage does for target j; it only reads
 * the data, so targets can run in separate queue messages and their results be stored.
 */
import type { PcmciContext } from "./context.ts";
import { laggedNodeId } from "./lagged-array.ts";
import { aicScore } from "./model-selection.ts";
import { parCorrTest } from "./parcorr.ts";
import type { LaggedNode, PcTargetResult } from "./types.ts";
import { AnalyticsInputError } from "../errors.ts";

/** Python's `min(a, b)`: returns `a` unless `b < a`. */
function pyMin(a: number, b: number): number {
  return b < a ? b : a;
}

/** Calls `visit(indices)` for the first `limit` size-`size` combinations of `0..n-1` in lexicographic order. */
function forEachCombination(n: number, size: number, limit: number, visit: (idx: Int32Array) => boolean): void {
  if (size > n) return;
  const idx = new Int32Array(size);
  for (let i = 0; i < size; i++) idx[i] = i;
  for (let count = 0; count < limit; count++) {
    if (visit(idx)) return;
    let pos = size - 1;
    while (pos >= 0 && idx[pos] === n - size + pos) pos--;
    if (pos < 0) return;
    idx[pos]!++;
    for (let q = pos + 1; q < size; q++) idx[q] = idx[q - 1]! + 1;
  }
}

/** Outcome of the PC algorithm for one target and one pc_alpha. */
export interface PcSingleResult {
  /** Parents `[i, -tau]`, strongest first. */
  readonly parents: Array<[number, number]>;
  /** Smallest |val| per surviving parent (same order as `parents`). */
  readonly valMin: number[];
  /** Number of condition cardinalities processed. */
  readonly levels: number;
}

/**
 * PC1 condition selection for target `j` at one significance level (tigramite's
 * `_run_pc_stable_single` without link assumptions).
 * This runs in `O(L * C * n * L^2)` for L = N * tau_max candidates and C levels (each test is a
 * Householder regression on at most L regressors; repeated tests are memoised).
 *
 * @param ctx - analysis context
 * @param j - target variable
 * @param pcAlpha - significance level in [0, 1]
 * @throws {AnalyticsInputError} field "target": j is not a variable index
 * @example
 * runPcStableSingle(ctx, 6, 0.05).parents; // e.g. [[5, -2], [0, -1], [6, -1], [1, -2]]
 */
export function runPcStableSingle(ctx: PcmciContext, j: number, pcAlpha: number): PcSingleResult {
  const { lagged, options } = ctx;
  const N = lagged.nVars;
  if (!Number.isInteger(j) || j < 0 || j >= N) throw new AnalyticsInputError("target", `pcStageTarget: target must be an integer in [0, ${N - 1}], got ${j}`);
  const tauMin = Math.max(1, options.tauMin);
  const tauMax = options.tauMax;
  const maxLag = lagged.maxLag;
  // candidate c is node (ci[c], -ct[c])
  const ci: number[] = [];
  const ct: number[] = [];
  for (let i = 0; i < N; i++) {
    for (let tau = tauMin; tau <= tauMax; tau++) {
      ci.push(i);
      ct.push(tau);
    }
  }
  const ids = ci.map((i, c) => laggedNodeId(i, ct[c]!, maxLag));
  const y = laggedNodeId(j, 0, maxLag);
  const maxCondsDim = options.maxCondsDim ?? N * (tauMax - tauMin + 1);
  let parents: number[] = ids.map((_, c) => c);
  const valMin = new Map<number, number>();
  const zBuf: number[] = [];
  let levels = 0;
  for (let condsDim = 0; condsDim <= maxCondsDim; condsDim++) {
    if (parents.length - 1 < condsDim) break;
    levels++;
    const nonsig: number[] = [];
    for (const parent of parents) {
      const others = parents.filter((p) => p !== parent);
      forEachCombination(others.length, condsDim, options.maxCombinations, (comb) => {
        zBuf.length = 0;
        for (let q = 0; q < comb.length; q++) zBuf.push(ids[others[comb[q]!]!]!);
        const res = parCorrTest(ctx.parcorr, ids[parent]!, y, zBuf);
        valMin.set(parent, pyMin(Math.abs(res.val), valMin.get(parent) ?? Number.POSITIVE_INFINITY));
        const dependent = res.pval <= pcAlpha;
        if (!dependent) {
          nonsig.push(parent);
          return true;
        }
        return false;
      });
    }
    for (const p of nonsig) valMin.delete(p);
    // Python's sorted(..., reverse=True) is stable: equal values keep the insertion order
    parents = [...valMin.keys()].sort((a, b) => {
      const va = valMin.get(a)!;
      const vb = valMin.get(b)!;
      return vb > va ? 1 : vb < va ? -1 : 0;
    });
  }
  return {
    parents: parents.map((c) => [ci[c]!, -ct[c]!] as [number, number]),
    valMin: parents.map((c) => valMin.get(c)!),
    levels,
  };
}

/**
 * Chunk function of the PC stage: the lagged parents of target `j`, choosing pc_alpha by AIC
 * when the context's `pcAlphas` has several candidates (tigramite's `run_pc_stable` for one j).
 * Store the result; `mciStageTarget` needs the parents of all targets.
 * This runs in `O(A * L * C * n * L^2)` for A pc_alpha candidates, i.e. in the time of `runPcStableSingle` times the number of pc_alpha candidates (tests
 * shared between candidates are memoised in the context).
 *
 * @param ctx - analysis context (`createPcmciContext`)
 * @param j - target variable index
 * @throws {AnalyticsInputError} field "target": j is not a variable index
 * @example
 * const pc = pcStageTarget(createPcmciContext(rows, { tauMax: 3, pcAlpha: null }), 6);
 * pc.pcAlpha; // one of 0.05, 0.1, 0.2, 0.3, 0.4, 0.5
 */
export function pcStageTarget(ctx: PcmciContext, j: number): PcTargetResult {
  const { pcAlphas, selectPcAlpha } = ctx.options;
  const results: PcSingleResult[] = [];
  const scores: number[] = [];
  for (const alpha of pcAlphas) {
    const r = runPcStableSingle(ctx, j, alpha);
    results.push(r);
    if (selectPcAlpha) scores.push(aicScore(ctx.parcorr, j, r.parents as ReadonlyArray<LaggedNode>));
  }
  // numpy argmin: first minimum, or the first NaN if there is one
  let best = 0;
  if (selectPcAlpha) {
    for (let a = 0; a < scores.length; a++) {
      if (Number.isNaN(scores[a])) {
        best = a;
        break;
      }
      if (scores[a]! < scores[best]!) best = a;
    }
  }
  return { target: j, parents: results[best]!.parents, pcAlpha: pcAlphas[best]!, scores };
}
