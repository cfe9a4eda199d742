/**
 * @module analytics/causal/types
 * Shared types of the PCMCI implementation (Runge et al. 2019, Science Advances 5, eaau4996,
 * doi:10.1126/sciadv.aau4996), mirroring tigramite 5.2.10 `PCMCI.run_pcmci` with
 * `ParCorr(significance='analytic')`.
 *
 * Conventions (as in tigramite): a *node* is a pair `[variable, -tau]` (lags are non-positive);
 * matrices are indexed `[source i][target j][tau]` for the link `X^i_{t-tau} -> X^j_t`.
 */

/** A lagged node `[variable index, -tau]` (`-tau <= 0`), tigramite's `(i, -tau)` tuple. */
export type LaggedNode = readonly [variable: number, lag: number];

/** Graph entries exactly as tigramite writes them. `x-x` is part of tigramite's alphabet
 * but cannot arise from a thresholded p-matrix (see `graph.ts`). */
export type LinkType = "" | "-->" | "<--" | "o-o" | "x-x";

/** Multiple-testing correction of the MCI p-values (tigramite's `fdr_method`). */
export type FdrMethod = "none" | "fdr_bh";

/** Options of `pcmci`; defaults are those of tigramite's `run_pcmci`. */
export interface PcmciOptions {
  /** Minimum lag tested in the MCI stage (`tau_min`, default 0). Lag 0 links are undirected. */
  readonly tauMin?: number;
  /** Maximum lag (`tau_max`), an integer >= 0. */
  readonly tauMax: number;
  /**
   * Significance level of the PC condition-selection stage (`pc_alpha`, default 0.05).
   * `null` chooses it per target among 0.05, 0.1, 0.2, 0.3, 0.4, 0.5 by ParCorr's AIC;
   * an array chooses among the given values.
   */
  readonly pcAlpha?: number | readonly number[] | null;
  /** Level at which the (corrected) MCI p-values are thresholded into the graph (default 0.05). */
  readonly alphaLevel?: number;
  /** `"none"` (default) or `"fdr_bh"` (Benjamini–Hochberg on the lagged links). */
  readonly fdrMethod?: FdrMethod;
  /** Largest conditioning set of the PC stage (`max_conds_dim`, default unrestricted). */
  readonly maxCondsDim?: number | null;
  /** Condition subsets tried per cardinality in the PC stage (`max_combinations`, default 1 = PC1). */
  readonly maxCombinations?: number;
  /** Number of the target's parents used in MCI (`max_conds_py`, default all). */
  readonly maxCondsPy?: number | null;
  /** Number of the source's parents used in MCI (`max_conds_px`, default all). */
  readonly maxCondsPx?: number | null;
}

/** Options after defaults are applied and checked (see `normalizePcmciOptions`). */
export interface ResolvedPcmciOptions {
  readonly tauMin: number;
  readonly tauMax: number;
  /** Candidate pc_alpha values, tried in this order. */
  readonly pcAlphas: readonly number[];
  /** Whether the pc_alpha is chosen by AIC (a list or null was given). */
  readonly selectPcAlpha: boolean;
  readonly alphaLevel: number;
  readonly fdrMethod: FdrMethod;
  /** `null` = tigramite's default `N * (tau_max - max(1, tau_min) + 1)`. */
  readonly maxCondsDim: number | null;
  readonly maxCombinations: number;
  readonly maxCondsPy: number | null;
  readonly maxCondsPx: number | null;
}

/** Result of the PC stage for one target variable (a serialisable chunk result). */
export interface PcTargetResult {
  readonly target: number;
  /** Estimated lagged parents, strongest first (tigramite's order): `[[i, -tau], ...]`. */
  readonly parents: Array<[number, number]>;
  /** The pc_alpha that produced `parents` (the chosen one when selecting by AIC). */
  readonly pcAlpha: number;
  /** AIC score per candidate pc_alpha (same order as the candidates); empty when not selecting. */
  readonly scores: number[];
}

/** Result of the MCI stage for one target variable j (a serialisable chunk result). */
export interface MciTargetResult {
  readonly target: number;
  readonly tauMax: number;
  /** MCI partial correlations of links `i -> j` at lag tau, at index `i * (tauMax + 1) + tau`. */
  readonly val: number[];
  /** Uncorrected MCI p-values, same layout as `val` (1 where no test was run). */
  readonly p: number[];
}

/** One significant link of the result. */
export interface SignificantLink {
  readonly source: number;
  readonly target: number;
  /** tau >= 0: the link is `X^source_{t-tau} -> X^target_t`. */
  readonly lag: number;
  readonly link: LinkType;
  readonly val: number;
  readonly p: number;
}

/** Output of `pcmci` / `combinePcmci`. */
export interface PcmciResult {
  /** MCI partial correlations `[i][j][tau]` (lag 0 symmetrised as tigramite does). */
  readonly valMatrix: number[][][];
  /** MCI p-values `[i][j][tau]`, corrected when `fdrMethod` is `"fdr_bh"`. */
  readonly pMatrix: number[][][];
  /** Link strings `[i][j][tau]`. */
  readonly graph: LinkType[][][];
  /** Entries with `graph != ""`, sorted by target index, then p-value. */
  readonly significantLinks: SignificantLink[];
  /** PC-stage parents per target, strongest first. */
  readonly parents: Array<Array<[number, number]>>;
  /** Chosen pc_alpha per target (equal to the given one when it was a number). */
  readonly pcAlpha: number[];
}
