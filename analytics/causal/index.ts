/**
 * @module analytics/causal
 * PCMCI causal discovery with the ParCorr test (Runge et al. 2019, Science Advances 5, eaau4996,
 * doi:10.1126/sciadv.aau4996), matching tigramite 5.2.10 `PCMCI.run_pcmci` with
 * `ParCorr(significance='analytic')`. Pure functions over typed arrays: no Node, Workers or DOM APIs.
 * Errors: `AnalyticsInputError` naming the offending field; degenerate tests give NaN as tigramite does.
 */

// Whole analysis and combination of per-target chunks
export { pcmci, combinePcmci } from "./pcmci.ts";

// Chunk functions (one queue message per target) and their shared context
export { createPcmciContext, normalizePcmciOptions, DEFAULT_PC_ALPHAS, type PcmciContext } from "./context.ts";
export { pcStageTarget, runPcStableSingle, type PcSingleResult } from "./pc-stage.ts";
export { mciStageTarget, checkParents } from "./mci-stage.ts";

// Graph, symmetrisation and multiple-testing correction
export { graphFromPMatrix, symmetrizeContemporaneous } from "./graph.ts";
export { correctedPValues, type FdrOptions } from "./fdr.ts";

// Conditional-independence test and its numerics
export { parCorrTest, parCorrPValue, pearsonCorrelation, partialCorrelation, createParCorrContext, type ParCorrContext, type ParCorrResult } from "./parcorr.ts";
export { aicScore } from "./model-selection.ts";
export { buildLaggedArray, laggedNodeId, type LaggedArray } from "./lagged-array.ts";
export { createHouseholderQr, ensureHouseholderCapacity, householderFactor, householderResidual, type HouseholderQr } from "./least-squares.ts";

// Types
export type {
  FdrMethod,
  LaggedNode,
  LinkType,
  MciTargetResult,
  PcmciOptions,
  PcmciResult,
  PcTargetResult,
  ResolvedPcmciOptions,
  SignificantLink,
} from "./types.ts";

// PCMCI with the lagged-correlation fallback for short histories
export { causalOrLagged, PCMCI_MIN_DAYS, type CausalOrLagged, type LaggedLink } from "./causal-or-lagged.ts";
