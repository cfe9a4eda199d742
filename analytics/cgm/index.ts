/**
 * @module analytics/cgm
 * CGM metrics that reproduce the R package iglu 4.3.0 (default arguments, its gap and time-zone
 * handling), plus the AGP profile, DST-correct daily summaries and the consensus metric set.
 *
 * Conventions: readings are `{ time: epoch ms, value: mg/dL }`; `prepareReadings` sorts them,
 * averages readings that share a timestamp and resolves the time zone. Metrics on glucose values
 * take any `ArrayLike<number>` (`NaN` = missing, skipped); grid metrics take a prepared series or a
 * shared `dayByDay` grid. Bad input throws `AnalyticsInputError`; a statistic that iglu reports as
 * `NA` is `NaN`.
 */

// Input, time zones and iglu's interpolation grid
export { prepareReadings, isCgmSeries, type Reading, type CgmSeries } from "./readings.ts";
export {
  resolveTimeZone,
  parseOffset,
  parseIsoDateTime,
  toLocalParts,
  toLocalMs,
  fromLocalMs,
  fromLocalParts,
  localDayNumber,
  startOfLocalDay,
  dayNumberToIsoDate,
  formatLocalDateTime,
  type TimeZone,
  type LocalParts,
} from "./timezone.ts";
export { dayByDay, asGrid, isDayByDay, type DayByDay, type DayByDayOptions } from "./day-by-day.ts";

// R-compatible numerics
export { rMean, rMeanNaRm, rVar, rSd, rSdNaRm, rMedian, rQuantile7, quantile7Sorted, rMad, rRound, rRoundDigits, neumaierSum, CompensatedSum } from "./r-stats.ts";

// Location, spread and summary of glucose values
export { meanGlu } from "./mean-glu.ts";
export { medianGlu } from "./median-glu.ts";
export { quantileGlu } from "./quantile-glu.ts";
export { rangeGlu } from "./range-glu.ts";
export { iqrGlu } from "./iqr-glu.ts";
export { madGlu } from "./mad-glu.ts";
export { sdGlu } from "./sd-glu.ts";
export { cvGlu } from "./cv-glu.ts";
export { summaryGlu, type GlucoseSummary } from "./summary-glu.ts";

// Glycaemic control indices
export { ea1c } from "./ea1c.ts";
export { gmi } from "./gmi.ts";
export { jIndex } from "./j-index.ts";
export { mValue } from "./m-value.ts";
export { lbgi } from "./lbgi.ts";
export { hbgi } from "./hbgi.ts";
export { adrr } from "./adrr.ts";
export { grade, gradeHypo, gradeEugly, gradeHyper, gradeScore } from "./grade.ts";
export { hyperIndex } from "./hyper-index.ts";
export { hypoIndex } from "./hypo-index.ts";
export { igc } from "./igc.ts";
export { cogi } from "./cogi.ts";
export { GRI_ZONE_LIMITS, gri, griComponents, griZone, type GriComponents, type GriZone } from "./gri.ts";
export { pgs, type PgsOptions } from "./pgs.ts";

// Time in ranges and data sufficiency
export { abovePercent } from "./above-percent.ts";
export { belowPercent } from "./below-percent.ts";
export { inRangePercent } from "./in-range-percent.ts";
export { activePercent, type ActivePercent } from "./active-percent.ts";
export { consensusMetrics, type ConsensusMetrics } from "./consensus.ts";

// Variability on the interpolated grid
export { modd } from "./modd.ts";
export { conga } from "./conga.ts";
export { mag, type MagOptions } from "./mag.ts";
export { gvp } from "./gvp.ts";
export { roc, sdRoc } from "./sd-roc.ts";
export { sdMeasures, type SdMeasures } from "./sd-measures.ts";
export { cvMeasures, type CvMeasures } from "./cv-measures.ts";
export { auc } from "./auc.ts";
export { mage, mageNaive, mageSegments, mageFromSegments, type MageOptions, type MageDirection, type MageSegment } from "./mage.ts";

// Episodes
export { episodeCalculation, extendedEpisodes, classifyEvents, type EpisodeCalculation, type EpisodeSummary, type EpisodeOptions } from "./episode-calculation.ts";

// Reports
export { agpMetrics, type AgpMetrics } from "./agp-metrics.ts";
export { agpProfile, type AgpProfile, type AgpOptions } from "./agp.ts";
export { dailySummary, type DailySummary, type DailySummaryOptions } from "./daily-summary.ts";
export { splitSleepWake } from "./sleep-wake.ts";
export { igluMetrics, allMetrics, allMetricsConsensus, type IgluMetrics, type AllMetrics, type AllMetricsConsensus, type GridInfo } from "./all-metrics.ts";
