/**
 * Matrix profile for CGM series: the exact z-normalised self-join matrix profile with STUMPY 1.12's
 * conventions, mergeable partial results for chunked (Queue) computation, motifs, discords,
 * similarity search and similar-day lookup. Pure TypeScript over typed arrays, no runtime APIs.
 *
 * References: Yeh et al. 2016, Matrix Profile I (DOI 10.1109/ICDM.2016.0179); Zhu et al. 2016,
 * Matrix Profile II / STOMP (DOI 10.1109/ICDM.2016.0085); Zimmerman et al. 2019, Matrix Profile XIV /
 * SCRIMP++ (DOI 10.1109/ICDM.2018.00099); STUMPY 1.12 (Law 2019, DOI 10.21105/joss.01504).
 *
 * @module analytics/matrix-profile
 */

// Types
export type { Discord, DiagonalChunk, Match, MatrixProfile, MotifPair, PartialProfile } from "./types.ts";

// Matrix profile
export { stump } from "./stump.ts";
export { prepareSeries, type PreparedSeries } from "./prepare.ts";
export { exclusionZone, applyExclusionZone } from "./exclusion-zone.ts";

// Chunked computation (partials, merge, planning)
export { computeDiagonals, emptyPartial } from "./partial.ts";
export { mergePartials, mergeAll, finalizePartial, rhoToDistance, P_NORM_THRESHOLD } from "./merge.ts";
export { planDiagonalChunks, cellsInRange, maxCellsForBudget, DEFAULT_CELLS_PER_SECOND, type ChunkPlanOptions } from "./chunks.ts";

// Motifs and discords
export { topMotifs, argminFirst } from "./motifs.ts";
export { topDiscords } from "./discords.ts";
export { stumpyMotifs, type StumpyMotifs, type StumpyMotifsOptions } from "./stumpy-motifs.ts";

// Similarity search
export { distanceProfile, type DistanceProfileOptions } from "./distance-profile.ts";
export { match, findMatches, defaultMaxDistance, type MatchOptions } from "./match.ts";
export { similarDays, type SimilarDay, type SimilarDaysOptions } from "./similar-days.ts";

// Sliding statistics
export { rollingIsFinite, rollingIsConstant, slidingMean, slidingStd } from "./sliding-stats.ts";
