/**
 * @module analytics/causal/model-selection
 * ParCorr's model-selection criterion, used by PCMCI to choose `pc_alpha` per target variable
 * (Runge et al. 2019, Science Advances 5, eaau4996, doi:10.1126/sciadv.aau4996; tigramite
 * `ParCorr.get_model_selection_criterion(j, parents, tau_max)` with `criterion='aic'`):
 *
 *   `AIC = n * ln(RSS) + 2 p`,  `p = |parents| + 1`,
 *
 * where RSS is the residual sum of squares of the standardised target `X^j_t` regressed on its
 * standardised parents over the common `n = T - 2 tau_max` samples.
 */
import { laggedNodeId } from "./lagged-array.ts";
import { ensureHouseholderCapacity, householderFactor, householderResidual } from "./least-squares.ts";
import type { ParCorrContext } from "./parcorr.ts";
import type { LaggedNode } from "./types.ts";

/**
 * AIC of the linear model of variable `j` on `parents` (smaller is better).
 * The parents are regressed in a canonical (sorted) order so that equal parent sets give equal
 * scores; tigramite uses the discovery order, which only changes the last bits.
 * This runs in `O(n * |parents|^2)`.
 *
 * @param ctx - ParCorr context of the data
 * @param j - target variable
 * @param parents - lagged parents `[i, -tau]`
 * @returns the score; `-Infinity` when the target is constant (RSS = 0)
 * @throws never
 * @example
 * aicScore(ctx, 6, [[5, -2], [0, -1]]);
 */
export function aicScore(ctx: ParCorrContext, j: number, parents: ReadonlyArray<LaggedNode>): number {
  const { lagged } = ctx;
  const n = lagged.nSamples;
  const y = laggedNodeId(j, 0, lagged.maxLag);
  const zs: number[] = [];
  for (const [i, lag] of parents) {
    const id = laggedNodeId(i, -lag, lagged.maxLag);
    if (id !== y) zs.push(id);
  }
  zs.sort((a, b) => a - b);
  let k = 0;
  for (let c = 0; c < zs.length; c++) if (c === 0 || zs[c] !== zs[c - 1]) zs[k++] = zs[c]!;
  zs.length = k;
  const rows = lagged.rows;
  let rss = 0;
  if (k === 0) {
    for (let s = 0; s < n; s++) rss += rows[y * n + s]! * rows[y * n + s]!;
  } else {
    ctx.qr = ensureHouseholderCapacity(ctx.qr, k);
    if (ctx.zStarts.length < k) ctx.zStarts = new Int32Array(Math.max(k, 2 * ctx.zStarts.length));
    for (let c = 0; c < k; c++) ctx.zStarts[c] = zs[c]! * n;
    householderFactor(ctx.qr, rows, ctx.zStarts, k);
    const r = householderResidual(ctx.qr, rows, y * n, ctx.residY);
    for (let s = 0; s < n; s++) rss += r[s]! * r[s]!;
  }
  return n * Math.log(rss) + 2 * (k + 1);
}
