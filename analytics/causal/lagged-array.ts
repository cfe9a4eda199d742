/**
 * @module analytics/causal/lagged-array
 * The lagged, standardised sample matrix behind every conditional-independence test of PCMCI
 * (Runge et al. 2019, Science Advances 5, eaau4996, doi:10.1126/sciadv.aau4996).
 *
 * tigramite's `DataFrame.construct_array(X, Y, Z, tau_max, cut_off='2xtau_max')` (the default of
 * `CondIndTest.run_test` and of ParCorr's model selection) always uses the samples
 * `t = 2*tau_max .. T-1`, so that every PC and MCI test runs on the same
 * `nSamples = T - 2*tau_max` time steps whatever its lags: the row of node `(v, -lag)` is
 * `data[2*tau_max - lag .. T - 1 - lag][v]`. Lags of MCI conditions reach at most `2*tau_max`
 * (a parent at lag tau_max of a source at lag tau_max). ParCorr then standardises every row over
 * those samples (mean 0, population standard deviation 1; rows with zero deviation are only
 * centred). Because the samples of a node never depend on the test, each of the
 * `N * (2*tau_max + 1)` rows is built and standardised once here and shared by all tests.
 */
import { AnalyticsInputError } from "../errors.ts";

/** Standardised lagged rows of a multivariate time series (read-only after construction). */
export interface LaggedArray {
  /** Number of variables N. */
  readonly nVars: number;
  /** Number of time steps T of the input. */
  readonly nTimes: number;
  readonly tauMax: number;
  /** Largest lag stored, `2 * tauMax`. */
  readonly maxLag: number;
  /** Samples per row, `T - 2 * tauMax`. */
  readonly nSamples: number;
  /** Row of node `(v, -lag)` starts at `nodeId(v, lag) * nSamples`. */
  readonly rows: Float64Array;
  /** 1 where the row is constant over the samples (tigramite drops such rows from a test). */
  readonly constant: Uint8Array;
}

/**
 * Identifier of node `(v, -lag)` in a `LaggedArray` (lag >= 0).
 * This runs in `O(1)`.
 *
 * @param variable - variable index
 * @param lag - tau >= 0 (the node is `(variable, -tau)`)
 * @param maxLag - the array's `maxLag`
 * @throws never (no range check: callers pass valid nodes)
 * @example
 * laggedNodeId(3, 2, 6); // 3 * 7 + 2 = 23
 */
export function laggedNodeId(variable: number, lag: number, maxLag: number): number {
  return variable * (maxLag + 1) + lag;
}

/**
 * Builds the standardised lagged rows of `data` (rows = time steps, columns = variables).
 * This runs in `O(N * tau_max * T)` time and memory.
 *
 * @param data - T rows of N finite numbers
 * @param tauMax - maximum lag of the analysis (rows up to lag `2 * tauMax` are built)
 * @throws {AnalyticsInputError} field "data": not a non-empty rectangular matrix of finite numbers
 * @throws {AnalyticsInputError} field "tau_max": not an integer >= 0
 * @throws {AnalyticsInputError} field "data": fewer than `2 * tau_max + 3` time steps (no test would have a degree of freedom)
 * @example
 * const a = buildLaggedArray([[1, 2], [2, 1], [4, 3], [3, 5], [5, 4]], 1);
 * a.nSamples; // 3
 */
export function buildLaggedArray(data: ReadonlyArray<ArrayLike<number>>, tauMax: number): LaggedArray {
  if (!Number.isInteger(tauMax) || tauMax < 0) throw new AnalyticsInputError("tau_max", `buildLaggedArray: tau_max must be an integer >= 0, got ${tauMax}`);
  if (!Array.isArray(data) || data.length === 0) throw new AnalyticsInputError("data", "buildLaggedArray requires a non-empty array of time steps");
  const nTimes = data.length;
  const first = data[0];
  const nVars = first ? first.length : 0;
  if (!(nVars >= 1)) throw new AnalyticsInputError("data", "buildLaggedArray requires at least one variable per time step");
  for (let t = 0; t < nTimes; t++) {
    const row = data[t];
    if (!row || row.length !== nVars) throw new AnalyticsInputError("data", `buildLaggedArray: time step ${t} has ${row ? row.length : 0} values, expected ${nVars}`);
    for (let v = 0; v < nVars; v++) {
      const x = row[v];
      if (typeof x !== "number" || !Number.isFinite(x)) throw new AnalyticsInputError("data", `buildLaggedArray: data[${t}][${v}] is not a finite number (missing values are not supported)`);
    }
  }
  const maxLag = 2 * tauMax;
  const nSamples = nTimes - maxLag;
  if (nSamples < 3) {
    throw new AnalyticsInputError(
      "data",
      `pcmci needs at least 2*tau_max + 3 = ${maxLag + 3} time steps for tau_max = ${tauMax}, got ${nTimes}`,
    );
  }
  const nRows = nVars * (maxLag + 1);
  const rows = new Float64Array(nRows * nSamples);
  const constant = new Uint8Array(nRows);
  for (let v = 0; v < nVars; v++) {
    for (let lag = 0; lag <= maxLag; lag++) {
      const o = laggedNodeId(v, lag, maxLag) * nSamples;
      const t0 = maxLag - lag;
      let isConstant = true;
      const x0 = data[t0]![v]!;
      let sum = 0;
      for (let s = 0; s < nSamples; s++) {
        const x = data[t0 + s]![v]!;
        rows[o + s] = x;
        sum += x;
        if (x !== x0) isConstant = false;
      }
      if (isConstant) {
        // centred constant row: exactly zero (tigramite removes it from the test)
        constant[o / nSamples] = 1;
        rows.fill(0, o, o + nSamples);
        continue;
      }
      let mean = sum / nSamples;
      // one refinement step makes the mean accurate to rounding even for large offsets
      let corr = 0;
      for (let s = 0; s < nSamples; s++) corr += rows[o + s]! - mean;
      mean += corr / nSamples;
      let ss = 0;
      for (let s = 0; s < nSamples; s++) {
        const d = rows[o + s]! - mean;
        rows[o + s] = d;
        ss += d * d;
      }
      const sd = Math.sqrt(ss / nSamples);
      if (sd !== 0) for (let s = 0; s < nSamples; s++) rows[o + s] = rows[o + s]! / sd;
    }
  }
  return { nVars, nTimes, tauMax, maxLag, nSamples, rows, constant };
}
