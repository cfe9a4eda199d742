/**
 * @module analytics/correlation/lagged
 */
import { AnalyticsInputError } from "../errors.ts";
import type { Series } from "./complete-pairs.ts";
import { pearson, type PearsonResult } from "./pearson.ts";
import { spearman, type SpearmanResult } from "./spearman.ts";

/** The two aligned halves of a lagged pairing. */
export interface LaggedPairs {
  /** `x[0 .. len-1-lag]` */
  readonly x: (number | null)[];
  /** `y[lag .. len-1]` */
  readonly y: (number | null)[];
}

/**
 * Aligns two equally long daily series so that `x` leads `y` by `lag` steps: pair `t` is
 * `(x[t], y[t + lag])` for `t = 0 .. len-1-lag`, giving `len - lag` pairs (before gaps are dropped).
 * This is the convention of the reference cases ("lag L pairs x[t] with y[t+L]") and of
 * tigramite's lag τ links `x(t-τ) → y(t)`.
 *
 * Runs in `O(len)` time and memory (copies).
 *
 * @param x - the leading series
 * @param y - the lagging series, same length
 * @param lag - non-negative integer smaller than the length
 * @returns the aligned copies
 * @throws {AnalyticsInputError} field `y` for different lengths, `lag` for a negative, fractional
 *   or too large lag
 * @example
 * laggedPairs([1, 2, 3, 4], [10, 20, 30, 40], 1); // => { x: [1, 2, 3], y: [20, 30, 40] }
 */
export function laggedPairs(x: Series, y: Series, lag: number): LaggedPairs {
  const len = x.length;
  if (y.length !== len) {
    throw new AnalyticsInputError("y", `laggedPairs: x and y must have the same length, got ${len} and ${y.length}`);
  }
  if (!Number.isInteger(lag) || lag < 0 || lag >= len) {
    throw new AnalyticsInputError("lag", `laggedPairs: lag must be an integer in [0, ${len - 1}], got ${lag}`);
  }
  const slice = Array.prototype.slice;
  return {
    x: slice.call(x, 0, len - lag) as (number | null)[],
    y: slice.call(y, lag, len) as (number | null)[],
  };
}

/** One lag of {@link laggedCorrelations}. */
export interface LaggedCorrelation {
  /** x leads y by this many steps. */
  readonly lag: number;
  /** Pearson r and p over the complete lagged pairs (`n = len - lag - gaps`). */
  readonly pearson: PearsonResult;
  /** Spearman rho and p over the same pairs. */
  readonly spearman: SpearmanResult;
}

/**
 * Pearson and Spearman correlations of `x[t]` with `y[t + lag]` for each lag (a cross-correlation
 * with significance, e.g. "does short sleep raise the next day's mean glucose?"). Each lag drops
 * gaps pairwise and reports its own `n`. The p-values are per test; adjust a family of lags with
 * {@link benjaminiHochberg}.
 *
 * Reference: G. E. P. Box, G. M. Jenkins, "Time Series Analysis: Forecasting and Control" (1970),
 * §11.1 (cross-correlation function); scipy 1.10 `pearsonr`/`spearmanr` for each lag.
 *
 * Runs in `O(L·n log n)` for `L` lags.
 *
 * @param x - the leading series (NaN or null marks a gap)
 * @param y - the lagging series, same length
 * @param lags - non-negative integer lags
 * @returns one entry per lag, in the order given
 * @throws {AnalyticsInputError} field `y` for different lengths; `lags[j]` for an invalid lag or
 *   one that leaves fewer than 2 complete pairs; `x[i]`/`y[i]` for ±Infinity
 * @example
 * laggedCorrelations([1, 2, 3, 4, 5], [0, 2, 4, 6, 9], [0, 1]).map((c) => c.pearson.n); // => [5, 4]
 */
export function laggedCorrelations(x: Series, y: Series, lags: readonly number[]): LaggedCorrelation[] {
  if (y.length !== x.length) {
    throw new AnalyticsInputError("y", `laggedCorrelations: x and y must have the same length, got ${x.length} and ${y.length}`);
  }
  return lags.map((lag, j) => {
    if (!Number.isInteger(lag) || lag < 0) {
      throw new AnalyticsInputError(`lags[${j}]`, `laggedCorrelations: lags[${j}] must be a non-negative integer, got ${lag}`);
    }
    if (x.length - lag < 2) {
      throw new AnalyticsInputError(
        `lags[${j}]`,
        `laggedCorrelations: lag ${lag} leaves ${Math.max(x.length - lag, 0)} pairs of series of length ${x.length}; at least 2 are needed`,
      );
    }
    const pairs = laggedPairs(x, y, lag);
    try {
      return { lag, pearson: pearson(pairs.x, pairs.y), spearman: spearman(pairs.x, pairs.y) };
    } catch (err) {
      if (err instanceof AnalyticsInputError && err.field === "x") {
        // Too few complete pairs once gaps are dropped: blame the lag, the caller's choice.
        throw new AnalyticsInputError(`lags[${j}]`, `laggedCorrelations: lag ${lag}: ${err.message}`);
      }
      throw err;
    }
  });
}
