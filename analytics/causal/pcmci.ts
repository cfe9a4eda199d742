/**
 * @module analytics/causal/pcmci
 * PCMCI causal discovery for multivariate time series (Runge, Nowack, Kretschmer, Flaxman &
 * Sejdinovic 2019, "Detecting and quantifying causal associations in large nonlinear time series
 * datasets", Science Advances 5, eaau4996, doi:10.1126/sciadv.aau4996), reproducing tigramite
 * 5.2.10's `PCMCI(dataframe, ParCorr(significance='analytic')).run_pcmci(...)` without link
 * assumptions, mask or missing values.
 *
 * Whole analysis: `pcmci(data, options)`.
 *
 * Chunked (one queue message per target, e.g. in a Worker):
 * 1. for each target j: `pcStageTarget(createPcmciContext(data, options), j)` → store the
 *    `PcTargetResult` (its `parents`);
 * 2. when all targets are done, for each target j:
 *    `mciStageTarget(createPcmciContext(data, options), j, parents)` with
 *    `parents[i] = pcResults[i].parents` → store the `MciTargetResult`;
 * 3. `combinePcmci(N, options, pcResults, mciResults)` builds the same `PcmciResult` as `pcmci`
 *    (bit-identical: every test is computed in a canonical form).
 * All chunk results are plain JSON-serialisable objects.
 */
import { AnalyticsInputError } from "../errors.ts";
import { createPcmciContext, normalizePcmciOptions } from "./context.ts";
import { correctedPValues } from "./fdr.ts";
import { graphFromPMatrix, symmetrizeContemporaneous } from "./graph.ts";
import { mciStageTarget } from "./mci-stage.ts";
import { pcStageTarget } from "./pc-stage.ts";
import type { LinkType, MciTargetResult, PcmciOptions, PcmciResult, PcTargetResult, SignificantLink } from "./types.ts";

function byTarget<T extends { readonly target: number }>(chunks: readonly T[], nVars: number, field: string): T[] {
  if (!Array.isArray(chunks) || chunks.length !== nVars) throw new AnalyticsInputError(field, `combinePcmci: expected ${nVars} ${field} chunks (one per target), got ${Array.isArray(chunks) ? chunks.length : typeof chunks}`);
  const out: Array<T | undefined> = Array.from({ length: nVars }, () => undefined);
  for (const c of chunks) {
    const j = c?.target;
    if (typeof j !== "number" || !Number.isInteger(j) || j < 0 || j >= nVars || out[j]) throw new AnalyticsInputError(field, `combinePcmci: ${field} chunks must cover targets 0..${nVars - 1} exactly once`);
    out[j] = c;
  }
  return out as T[];
}

function nest(flat: ArrayLike<number>, nVars: number, width: number): number[][][] {
  const out: number[][][] = [];
  for (let i = 0; i < nVars; i++) {
    const oi: number[][] = [];
    for (let j = 0; j < nVars; j++) {
      const o = (i * nVars + j) * width;
      oi.push(Array.from({ length: width }, (_, tau) => flat[o + tau]!));
    }
    out.push(oi);
  }
  return out;
}

/**
 * Combines per-target chunk results into the PCMCI result: assembles the MCI matrices, applies
 * the FDR correction (`fdr_bh`: lagged links only), thresholds the p-values into the graph,
 * symmetrises lag 0 and lists the significant links.
 * This runs in `O(N^2 tau_max log(N^2 tau_max))`.
 *
 * @param nVars - number of variables N
 * @param options - the options the chunks were computed with
 * @param pc - one `pcStageTarget` result per target
 * @param mci - one `mciStageTarget` result per target
 * @throws {AnalyticsInputError} field "pc" / "mci": missing, duplicated or mis-shaped chunks; bad options
 * @example
 * const result = combinePcmci(7, { tauMax: 3 }, pcChunks, mciChunks);
 */
export function combinePcmci(nVars: number, options: PcmciOptions, pc: readonly PcTargetResult[], mci: readonly MciTargetResult[]): PcmciResult {
  if (!Number.isInteger(nVars) || nVars < 1) throw new AnalyticsInputError("nVars", `combinePcmci: nVars must be a positive integer, got ${nVars}`);
  const opts = normalizePcmciOptions(options);
  const { tauMax, tauMin } = opts;
  const width = tauMax + 1;
  const pcs = byTarget(pc, nVars, "pc");
  const mcis = byTarget(mci, nVars, "mci");
  const size = nVars * nVars * width;
  const val = new Float64Array(size);
  let p: Float64Array = new Float64Array(size);
  for (let j = 0; j < nVars; j++) {
    const c = mcis[j]!;
    if (c.tauMax !== tauMax || !Array.isArray(c.val) || c.val.length !== nVars * width || !Array.isArray(c.p) || c.p.length !== nVars * width) {
      throw new AnalyticsInputError("mci", `combinePcmci: the MCI chunk of target ${j} does not match N = ${nVars}, tau_max = ${tauMax}`);
    }
    for (let i = 0; i < nVars; i++) {
      for (let tau = 0; tau < width; tau++) {
        val[(i * nVars + j) * width + tau] = c.val[i * width + tau]!;
        p[(i * nVars + j) * width + tau] = c.p[i * width + tau]!;
      }
    }
  }
  if (opts.fdrMethod === "fdr_bh") p = correctedPValues(p, nVars, tauMax, { tauMin, excludeContemporaneous: true });
  const graph = graphFromPMatrix(p, nVars, tauMax, opts.alphaLevel, tauMin);
  symmetrizeContemporaneous(p, val, nVars, tauMax, tauMin);
  const links: SignificantLink[] = [];
  for (let j = 0; j < nVars; j++) {
    for (let i = 0; i < nVars; i++) {
      for (let tau = 0; tau < width; tau++) {
        const link: LinkType = graph[i]![j]![tau]!;
        if (link === "") continue;
        const o = (i * nVars + j) * width + tau;
        links.push({ source: i, target: j, lag: tau, link, val: val[o]!, p: p[o]! });
      }
    }
  }
  links.sort((a, b) => a.target - b.target || a.p - b.p || a.source - b.source || a.lag - b.lag);
  return {
    valMatrix: nest(val, nVars, width),
    pMatrix: nest(p, nVars, width),
    graph,
    significantLinks: links,
    parents: pcs.map((c) => c.parents.map(([i, lag]) => [i, lag] as [number, number])),
    pcAlpha: pcs.map((c) => c.pcAlpha),
  };
}

/**
 * PCMCI with ParCorr on `data` (rows = time steps, columns = variables): PC1 condition
 * selection per target, MCI tests of every link `X^i_{t-tau} -> X^j_t`, `tau_min <= tau <= tau_max`,
 * optional Benjamini–Hochberg correction, graph at `alpha_level`.
 * This runs in `O(N^2 tau_max (n m^2))` for n = T - 2 tau_max samples and conditioning sets of
 * size m, plus the PC iterations (each test is a small Householder regression; memoised).
 *
 * @param data - T time steps of N finite values
 * @param options - tau_min, tau_max, pc_alpha (number, list or null for AIC selection), alpha_level, fdr_method, ...
 * @throws {AnalyticsInputError} field "data": not a rectangular finite matrix, or fewer than 2*tau_max + 3 time steps
 * @throws {AnalyticsInputError} fields "tau_min", "tau_max", "pc_alpha", "alpha_level", "fdr_method", ...: bad options
 * @example
 * const r = pcmci(rows, { tauMin: 0, tauMax: 3, pcAlpha: 0.05, alphaLevel: 0.05 });
 * r.graph[5][6][2]; // "-->" : stress(t-2) -> mean_glucose(t)
 */
export function pcmci(data: ReadonlyArray<ArrayLike<number>>, options: PcmciOptions): PcmciResult {
  const ctx = createPcmciContext(data, options);
  const N = ctx.lagged.nVars;
  const pc: PcTargetResult[] = [];
  for (let j = 0; j < N; j++) pc.push(pcStageTarget(ctx, j));
  const parents = pc.map((r) => r.parents);
  const mci: MciTargetResult[] = [];
  for (let j = 0; j < N; j++) mci.push(mciStageTarget(ctx, j, parents));
  return combinePcmci(N, options, pc, mci);
}
