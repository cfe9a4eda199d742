/**
 * @module analytics/correlation
 * Correlation statistics that match scipy 1.10: Pearson's r with its exact p-value, Spearman's rho
 * with its t-test p-value, lagged (cross-) correlations and Benjamini–Hochberg q-values. Gaps (NaN or
 * null) are dropped pairwise and every result reports the `n` it used. Bad input throws
 * {@link AnalyticsInputError}; undefined coefficients (constant input) are NaN with a warning field.
 */

// Correlation coefficients and their tests
export { pearson, type PearsonResult, type CorrelationWarning } from "./pearson.ts";
export { spearman, type SpearmanResult } from "./spearman.ts";
export { laggedCorrelations, laggedPairs, type LaggedCorrelation, type LaggedPairs } from "./lagged.ts";

// p-values and multiple testing
export { pearsonPValue } from "./pearson-p-value.ts";
export { studentTTwoSidedPValue } from "./student-t-p-value.ts";
export { benjaminiHochberg } from "./benjamini-hochberg.ts";

// Building blocks
export { rankAverage } from "./ranks.ts";
export { completePairs, type CompletePairs, type Series } from "./complete-pairs.ts";
export { isConstant } from "./is-constant.ts";
export { compensatedSum } from "./compensated-sum.ts";
