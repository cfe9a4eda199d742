/**
 * @module analytics/causal/parcorr
 * ParCorr, the linear conditional-independence test of PCMCI (Runge et al. 2019, Science
 * Advances 5, eaau4996, doi:10.1126/sciadv.aau4996), as tigramite 5.2.10's
 * `ParCorr(significance='analytic').run_test`:
 *
 * 1. the rows X, Y, Z are taken over the common samples and standardised (see `lagged-array.ts`);
 *    rows that are constant over the samples are dropped; if X or Y is constant the result is
 *    `val = 0, p = 1` (tigramite's `remove_constant_data`);
 * 2. X and Y are regressed on Z by least squares without intercept (the rows are centred) and
 *    the partial correlation is the Pearson correlation of the two residuals (`scipy.stats.pearsonr`);
 * 3. the two-sided p-value is that of Student's t with `df = n - dim`, `dim = 2 + |Z|`:
 *    `t = r sqrt(df / (1 - r^2))`, `p = 2 P(T_df > |t|) = I_{1-r^2}(df/2, 1/2)`; `p = NaN` when
 *    `df < 1` and `p = 0` when `|r| = 1`.
 *
 * Tests are computed in a canonical form (X/Y ordered by node id, Z sorted) and memoised per
 * context, like tigramite's `cached_ci_results`: the two directions of a lag-0 link give
 * bit-identical results, and tests repeated across pc_alpha candidates or stages are free.
 */
import betainc from "@stdlib/math-base-special-betainc";
import { AnalyticsInputError } from "../errors.ts";
import { buildLaggedArray, type LaggedArray } from "./lagged-array.ts";
import { createHouseholderQr, ensureHouseholderCapacity, householderFactor, householderResidual, type HouseholderQr } from "./least-squares.ts";

/** Smallest positive normal double (Python's `sys.float_info.min`). */
const FLOAT_MIN = 2.2250738585072014e-308;

/** Outcome of one conditional-independence test. */
export interface ParCorrResult {
  /** Partial correlation (0 when X or Y is constant, NaN when a residual is constant). */
  readonly val: number;
  /** Two-sided analytic p-value (1 when X or Y is constant, NaN when df < 1). */
  readonly pval: number;
  /** Degrees of freedom `n - dim`. */
  readonly df: number;
}

/**
 * Two-sided p-value of a Pearson (partial) correlation `r` with `df` degrees of freedom,
 * `2 * t.sf(|r| sqrt(df / (1 - r^2)), df)`, through the regularised incomplete beta function.
 * This runs in `O(1)` (one incomplete beta evaluation).
 *
 * @param r - correlation in [-1, 1]
 * @param df - degrees of freedom, `n - 2 - |Z|`
 * @returns the p-value; NaN when `df < 1` or r is NaN; 0 when `|r| = 1`
 * @throws never
 * @example
 * parCorrPValue(0.5, 10); // ≈ 0.097855 (t = 1.826 with 10 df)
 */
export function parCorrPValue(r: number, df: number): number {
  if (!(df >= 1) || Number.isNaN(r)) return Number.NaN;
  const a = Math.abs(r);
  if (Math.abs(a - 1) <= FLOAT_MIN) return 0;
  // x = df / (df + t^2) = 1 - r^2; use the complement when x is close to 1 (small |r|)
  const r2 = a * a;
  if (r2 < 0.5) return betainc(r2, 0.5, df / 2, true, true);
  return betainc((1 - a) * (1 + a), df / 2, 0.5);
}

/**
 * Pearson correlation of two vectors as `scipy.stats.pearsonr` computes it: centre, divide each by
 * its norm, dot, clip to [-1, 1]; NaN when either vector is constant.
 * This runs in `O(n)`.
 *
 * @throws never
 * @example
 * pearsonCorrelation(Float64Array.of(1, 2, 3), Float64Array.of(2, 4, 7), 3); // ≈ 0.9934
 */
export function pearsonCorrelation(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  let constX = true;
  let constY = true;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
    if (x[i] !== x[0]) constX = false;
    if (y[i] !== y[0]) constY = false;
  }
  if (constX || constY) return Number.NaN;
  const mx = sx / n;
  const my = sy / n;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    nx += dx * dx;
    ny += dy * dy;
  }
  nx = Math.sqrt(nx);
  ny = Math.sqrt(ny);
  let dot = 0;
  for (let i = 0; i < n; i++) dot += ((x[i]! - mx) / nx) * ((y[i]! - my) / ny);
  return Math.max(-1, Math.min(1, dot));
}

/** Reusable state for ParCorr tests on one `LaggedArray`: buffers and the memo of results. */
export interface ParCorrContext {
  readonly lagged: LaggedArray;
  qr: HouseholderQr;
  readonly residX: Float64Array;
  readonly residY: Float64Array;
  zStarts: Int32Array;
  /** Memo of canonical tests, keyed `"x,y|z1,z2,..."` (node ids, X < Y, Z ascending). */
  readonly memo: Map<string, ParCorrResult>;
  /** Number of tests actually computed (not answered by the memo). */
  computed: number;
}

/**
 * Creates the test state for a lagged array.
 * This runs in `O(nSamples)` time and memory (buffers grow on demand with the conditioning sets).
 *
 * @throws never
 * @example
 * const ctx = createParCorrContext(buildLaggedArray(data, 3));
 */
export function createParCorrContext(lagged: LaggedArray): ParCorrContext {
  const n = lagged.nSamples;
  const cap = Math.min(8, lagged.nVars * (lagged.maxLag + 1));
  return {
    lagged,
    qr: createHouseholderQr(n, cap),
    residX: new Float64Array(n),
    residY: new Float64Array(n),
    zStarts: new Int32Array(Math.max(1, cap)),
    memo: new Map(),
    computed: 0,
  };
}

const EMPTY: readonly number[] = [];

/**
 * ParCorr test of `X ⊥ Y | Z` on nodes of the context's lagged array (node ids from
 * `laggedNodeId`). Duplicates and members of Z equal to X or Y are removed from Z, as in
 * tigramite's `construct_array`; constant rows are handled as described in the module comment.
 * This runs in `O(n * |Z|^2)` the first time, `O(|Z| log |Z|)` when memoised.
 *
 * @param ctx - context from `createParCorrContext`
 * @param x - node id of X
 * @param y - node id of Y
 * @param z - node ids of the conditions
 * @throws never (degenerate cases give NaN as tigramite does)
 * @example
 * const r = parCorrTest(ctx, laggedNodeId(0, 1, ctx.lagged.maxLag), laggedNodeId(1, 0, ctx.lagged.maxLag), []);
 */
export function parCorrTest(ctx: ParCorrContext, x: number, y: number, z: readonly number[] = EMPTY): ParCorrResult {
  const { lagged } = ctx;
  const n = lagged.nSamples;
  const lo = Math.min(x, y);
  const hi = Math.max(x, y);
  const zs: number[] = [];
  for (const node of z) {
    if (node === lo || node === hi || lagged.constant[node] === 1) continue;
    zs.push(node);
  }
  zs.sort((a, b) => a - b);
  let k = 0;
  for (let i = 0; i < zs.length; i++) if (i === 0 || zs[i] !== zs[i - 1]) zs[k++] = zs[i]!;
  zs.length = k;
  if (lagged.constant[lo] === 1 || lagged.constant[hi] === 1) return { val: 0, pval: 1, df: n - 2 - k };
  const key = `${lo},${hi}|${zs.join(",")}`;
  const hit = ctx.memo.get(key);
  if (hit) return hit;
  const result = computeParCorr(ctx, lo, hi, zs);
  ctx.memo.set(key, result);
  ctx.computed++;
  return result;
}

function computeParCorr(ctx: ParCorrContext, x: number, y: number, zs: readonly number[]): ParCorrResult {
  const { lagged } = ctx;
  const n = lagged.nSamples;
  const k = zs.length;
  const rows = lagged.rows;
  let val: number;
  if (k === 0) {
    val = pearsonCorrelation(rows.subarray(x * n, x * n + n), rows.subarray(y * n, y * n + n), n);
  } else {
    ctx.qr = ensureHouseholderCapacity(ctx.qr, k);
    if (ctx.zStarts.length < k) ctx.zStarts = new Int32Array(Math.max(k, 2 * ctx.zStarts.length));
    const starts = ctx.zStarts;
    for (let c = 0; c < k; c++) starts[c] = zs[c]! * n;
    householderFactor(ctx.qr, rows, starts, k);
    householderResidual(ctx.qr, rows, x * n, ctx.residX);
    householderResidual(ctx.qr, rows, y * n, ctx.residY);
    val = pearsonCorrelation(ctx.residX, ctx.residY, n);
  }
  const df = n - 2 - k;
  return { val, pval: parCorrPValue(val, df), df };
}

/**
 * Partial correlation of x and y given the columns z, with its analytic p-value, computed on
 * plain arrays exactly as a ParCorr test (standardise, Householder least squares, Pearson of
 * residuals, Student t). Convenience for small cases and checks; PCMCI uses `parCorrTest`.
 * This runs in `O(n * |z|^2)`.
 *
 * @param x - n samples of X
 * @param y - n samples of Y
 * @param z - conditioning variables, each n samples
 * @throws {AnalyticsInputError} field "x": fewer than 3 samples, lengths differ, or a non-finite value
 * @example
 * partialCorrelation([1, 2, 3, 4, 5], [1, 3, 2, 5, 4], [[1, 1, 2, 2, 3]]); // val = 7.4 / √57 ≈ 0.98015, pval = 1 - val, df = 2
 */
export function partialCorrelation(x: ArrayLike<number>, y: ArrayLike<number>, z: ReadonlyArray<ArrayLike<number>> = []): ParCorrResult {
  const n = x.length;
  if (n < 3) throw new AnalyticsInputError("x", `partialCorrelation requires at least 3 samples, got ${n}`);
  const cols = [x, y, ...z];
  const data: number[][] = [];
  for (let t = 0; t < n; t++) {
    const row: number[] = [];
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c]!;
      if (col.length !== n) throw new AnalyticsInputError("x", `partialCorrelation: variable ${c} has ${col.length} samples, expected ${n}`);
      row.push(col[t]!);
    }
    data.push(row);
  }
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < cols.length; c++) {
      if (!Number.isFinite(data[t]![c]!)) throw new AnalyticsInputError("x", `partialCorrelation: value ${t} of variable ${c} is not finite`);
    }
  }
  // a lagged array with tau_max = 0 holds exactly the standardised columns
  const ctx = createParCorrContext(buildLaggedArray(data, 0));
  return parCorrTest(ctx, 0, 1, z.map((_, i) => i + 2));
}
