/**
 * @module analytics/cgm/all-metrics
 * Every iglu metric for one subject in one call, sharing one interpolated grid, with iglu's
 * function names (and column names for multi-column metrics) as keys.
 */
import { abovePercent } from "./above-percent.ts";
import { activePercent, type ActivePercent } from "./active-percent.ts";
import { adrr } from "./adrr.ts";
import { agpMetrics, type AgpMetrics } from "./agp-metrics.ts";
import { auc } from "./auc.ts";
import { belowPercent } from "./below-percent.ts";
import { cogi } from "./cogi.ts";
import { conga } from "./conga.ts";
import { cvGlu } from "./cv-glu.ts";
import { cvMeasures, type CvMeasures } from "./cv-measures.ts";
import { dayByDay, type DayByDay } from "./day-by-day.ts";
import { ea1c } from "./ea1c.ts";
import { episodeCalculation, extendedEpisodes, type EpisodeCalculation } from "./episode-calculation.ts";
import { gmi } from "./gmi.ts";
import { grade, gradeEugly, gradeHyper, gradeHypo } from "./grade.ts";
import { gri } from "./gri.ts";
import { gvp } from "./gvp.ts";
import { hbgi } from "./hbgi.ts";
import { hyperIndex } from "./hyper-index.ts";
import { hypoIndex } from "./hypo-index.ts";
import { igc } from "./igc.ts";
import { inRangePercent } from "./in-range-percent.ts";
import { iqrGlu } from "./iqr-glu.ts";
import { jIndex } from "./j-index.ts";
import { lbgi } from "./lbgi.ts";
import { mValue } from "./m-value.ts";
import { madGlu } from "./mad-glu.ts";
import { mag } from "./mag.ts";
import { mageFromSegments, mageNaive, mageSegments, type MageSegment } from "./mage.ts";
import { meanGlu } from "./mean-glu.ts";
import { medianGlu } from "./median-glu.ts";
import { modd } from "./modd.ts";
import { pgs } from "./pgs.ts";
import { quantileGlu } from "./quantile-glu.ts";
import { rMeanNaRm } from "./r-stats.ts";
import { rangeGlu } from "./range-glu.ts";
import { isCgmSeries, prepareReadings, type CgmSeries, type Reading } from "./readings.ts";
import { sdGlu } from "./sd-glu.ts";
import { sdMeasures, type SdMeasures } from "./sd-measures.ts";
import { sdRoc } from "./sd-roc.ts";
import { splitSleepWake } from "./sleep-wake.ts";
import { summaryGlu, type GlucoseSummary } from "./summary-glu.ts";
import type { TimeZone } from "./timezone.ts";

/** iglu's `all_metrics(data)` columns (default `metrics_to_include = "all"`), in iglu's order. */
export interface AllMetrics {
  ADRR: number;
  COGI: number;
  CV: number;
  eA1C: number;
  hypo_lv1: number;
  hypo_lv2: number;
  hypo_extended: number;
  hyper_lv1: number;
  hyper_lv2: number;
  hypo_lv1_excl: number;
  hyper_lv1_excl: number;
  GMI: number;
  GRI: number;
  GRADE: number;
  GRADE_eugly: number;
  GRADE_hyper: number;
  GRADE_hypo: number;
  HBGI: number;
  LBGI: number;
  hyper_index: number;
  hypo_index: number;
  IGC: number;
  IQR: number;
  J_index: number;
  M_value: number;
  MAD: number;
  MAGE: number;
  active_percent: number;
  ndays: number;
  start_date: string;
  end_date: string;
  above_140: number;
  above_180: number;
  above_250: number;
  below_54: number;
  below_70: number;
  in_range_63_140: number;
  in_range_70_180: number;
  PGS: number;
  range: number;
  SD: number;
  "Min.": number;
  "1st Qu.": number;
  Median: number;
  Mean: number;
  "3rd Qu.": number;
  "Max.": number;
  Conga: number;
  GVP: number;
  MODD: number;
  "SD.Roc": number;
  CV_Measures_Mean: number;
  CV_Measures_SD: number;
  AUC: number;
  MAG: number;
  SDw: number;
  SDhhmm: number;
  SDwsh: number;
  SDdm: number;
  SDb: number;
  SDbdm: number;
}

/** iglu's `all_metrics(data, metrics_to_include = "consensus_only")` columns. */
export interface AllMetricsConsensus {
  below_54: number;
  below_70: number;
  in_range_70_180: number;
  above_180: number;
  above_250: number;
  SD: number;
  mean: number;
  CV: number;
  active_percent: number;
  ndays: number;
  start_date: string;
  end_date: string;
  in_range_70_140: number;
  GMI: number;
  GRI: number;
  total_extended_hypo_episodes: number;
  total_extended_hyper_episodes: number;
}

/** Facts about the interpolation grid the grid-based metrics share (not an iglu metric). */
export interface GridInfo {
  dt0: number;
  ndays: number;
  first_date: string;
  grid_points: number;
  grid_non_na: number;
  grid_mean: number;
}

/**
 * Every metric of iglu 4.3.0 with default arguments, keyed like iglu's functions (a metric with
 * several arguments tested is suffixed: `conga_n1`, `mag_n60`, `mage_ma_plus`, …). This is the
 * structure of `iglu_metrics_5_subject.json`'s `metrics` entries. Missing values (iglu's `NA`) are
 * `NaN`.
 */
export interface IgluMetrics {
  all_metrics: AllMetrics;
  all_metrics_consensus_only: AllMetricsConsensus;
  mean_glu: number;
  median_glu: number;
  sd_glu: number;
  cv_glu: number;
  gmi: number;
  ea1c: number;
  quantile_glu: Record<string, number>;
  range_glu: number;
  iqr_glu: number;
  summary_glu: GlucoseSummary;
  mad_glu: number;
  in_range_percent: Record<string, number>;
  in_range_percent_70_140: number;
  below_percent: Record<string, number>;
  above_percent: Record<string, number>;
  active_percent: ActivePercent;
  lbgi: number;
  hbgi: number;
  adrr: number;
  j_index: number;
  m_value: number;
  grade: number;
  grade_hypo: number;
  grade_hyper: number;
  grade_eugly: number;
  hyper_index: number;
  hypo_index: number;
  igc: number;
  cogi: number;
  gri: number;
  pgs: number;
  modd: number;
  conga_n1: number;
  conga_n24: number;
  mag: number;
  mag_n60: number;
  gvp: number;
  sd_measures: SdMeasures;
  cv_measures: CvMeasures;
  auc: number;
  sd_roc: number;
  mage: number;
  mage_ma_service: number;
  mage_ma_max: number;
  mage_ma_plus: number;
  mage_ma_minus: number;
  mage_naive: number;
  episode_calculation: EpisodeCalculation;
  agp_metrics: AgpMetrics;
  calculate_sleep_wake_mean_glu: { "mean sleep": number; "mean wake": number };
  calculate_sleep_wake_sd_glu: { "SD sleep": number; "SD wake": number };
  CGMS2DayByDay_info: GridInfo;
}

function orNaN(values: Float64Array, f: (v: Float64Array) => number): number {
  return values.length === 0 ? Number.NaN : f(values);
}

/** The series and its shared grids (auto dt0 and, for MAGE, dt0 = 5). */
function prepare(input: CgmSeries | readonly Reading[], tz?: string | TimeZone): { series: CgmSeries; grid: DayByDay; grid5: DayByDay } {
  const series = isCgmSeries(input) ? input : prepareReadings(input, tz ?? "UTC");
  const grid = dayByDay(series);
  const grid5 = grid.dt0 === 5 ? grid : dayByDay(series, { dt0: 5 });
  return { series, grid, grid5 };
}

/** Results several outputs share, computed once. */
interface Shared {
  eps: EpisodeCalculation;
  mageSegs: MageSegment[];
  sdm: SdMeasures;
  cv: CvMeasures;
  act: ActivePercent;
  agp: AgpMetrics;
}

function shared(series: CgmSeries, grid: DayByDay, grid5: DayByDay): Shared {
  const act = activePercent(series);
  return { eps: episodeCalculation(grid), mageSegs: mageSegments(grid5), sdm: sdMeasures(grid), cv: cvMeasures(grid), act, agp: agpMetrics(series, act) };
}

function allMetricsFrom(series: CgmSeries, grid: DayByDay, { eps, mageSegs, sdm, cv, act }: Shared): AllMetrics {
  const gl = series.values;
  const above = abovePercent(gl);
  const below = belowPercent(gl);
  const inRange = inRangePercent(gl);
  const summary = summaryGlu(gl);
  return {
    ADRR: adrr(series),
    COGI: cogi(gl),
    CV: cvGlu(gl),
    eA1C: ea1c(gl),
    hypo_lv1: eps.hypo_lv1.avg_ep_per_day,
    hypo_lv2: eps.hypo_lv2.avg_ep_per_day,
    hypo_extended: eps.hypo_extended.avg_ep_per_day,
    hyper_lv1: eps.hyper_lv1.avg_ep_per_day,
    hyper_lv2: eps.hyper_lv2.avg_ep_per_day,
    hypo_lv1_excl: eps.hypo_lv1_excl.avg_ep_per_day,
    hyper_lv1_excl: eps.hyper_lv1_excl.avg_ep_per_day,
    GMI: gmi(gl),
    GRI: gri(gl),
    GRADE: grade(gl),
    GRADE_eugly: gradeEugly(gl),
    GRADE_hyper: gradeHyper(gl),
    GRADE_hypo: gradeHypo(gl),
    HBGI: hbgi(gl),
    LBGI: lbgi(gl),
    hyper_index: hyperIndex(gl),
    hypo_index: hypoIndex(gl),
    IGC: igc(gl),
    IQR: iqrGlu(gl),
    J_index: jIndex(gl),
    M_value: mValue(gl),
    MAD: madGlu(gl),
    MAGE: mageFromSegments(mageSegs, "avg"),
    active_percent: act.active_percent,
    ndays: act.ndays,
    start_date: act.start_date,
    end_date: act.end_date,
    above_140: above.above_140,
    above_180: above.above_180,
    above_250: above.above_250,
    below_54: below.below_54,
    below_70: below.below_70,
    in_range_63_140: inRange.in_range_63_140,
    in_range_70_180: inRange.in_range_70_180,
    PGS: pgs(series, { grid }),
    range: rangeGlu(gl),
    SD: sdGlu(gl),
    ...summary,
    Conga: conga(grid, 24),
    GVP: gvp(grid),
    MODD: modd(grid),
    "SD.Roc": sdRoc(grid),
    CV_Measures_Mean: cv.CVmean,
    CV_Measures_SD: cv.CVsd,
    AUC: auc(grid),
    // all_metrics still computes MAG with the older optimized_iglu_functions formula and n = 60
    MAG: mag(grid, 60, { variant: "all_metrics" }),
    SDw: sdm.SDw,
    SDhhmm: sdm.SDhhmm,
    SDwsh: sdm.SDwsh,
    SDdm: sdm.SDdm,
    SDb: sdm.SDb,
    SDbdm: sdm.SDbdm,
  };
}

function consensusFrom(series: CgmSeries, grid: DayByDay, agp: AgpMetrics): AllMetricsConsensus {
  const ext = extendedEpisodes(grid);
  return {
    below_54: agp.below_54,
    below_70: agp.below_70,
    in_range_70_180: agp.in_range_70_180,
    above_180: agp.above_180,
    above_250: agp.above_250,
    SD: sdGlu(series.values),
    mean: agp.mean,
    CV: agp.CV,
    active_percent: agp.active_percent,
    ndays: agp.ndays,
    start_date: agp.start_date,
    end_date: agp.end_date,
    in_range_70_140: inRangePercent(series.values, [[70, 140]]).in_range_70_140,
    GMI: agp.GMI,
    GRI: gri(series.values),
    total_extended_hypo_episodes: ext.hypo,
    total_extended_hyper_episodes: ext.hyper,
  };
}

/**
 * iglu's `all_metrics(data)` for one subject. This runs in `O(grid · 60 / dt0 + n log n)`.
 *
 * @throws {AnalyticsInputError} for empty input, bad readings or a series too short for a grid.
 * @example
 * allMetrics(readings, "EST").MAGE; // => 72.42 for iglu's Subject 1
 */
export function allMetrics(input: CgmSeries | readonly Reading[], tz?: string | TimeZone): AllMetrics {
  const { series, grid, grid5 } = prepare(input, tz);
  return allMetricsFrom(series, grid, shared(series, grid, grid5));
}

/**
 * iglu's `all_metrics(data, metrics_to_include = "consensus_only")` for one subject.
 * This runs in `O(grid + n log n)`.
 *
 * @throws {AnalyticsInputError} for empty input, bad readings or a series too short for a grid.
 * @example
 * allMetricsConsensus(readings, "EST").GRI; // => 7.19 for iglu's Subject 1
 */
export function allMetricsConsensus(input: CgmSeries | readonly Reading[], tz?: string | TimeZone): AllMetricsConsensus {
  const { series, grid } = prepare(input, tz);
  return consensusFrom(series, grid, agpMetrics(series));
}

/**
 * Every iglu metric with iglu 4.3.0's default arguments for one subject (see {@link IgluMetrics}),
 * computing the interpolated grid once. `tz` defines local days and hours (ADRR, the grid's
 * midnight, sleep/wake, start/end dates); use `"EST"` (fixed UTC−05:00) to reproduce iglu's
 * numbers on its example data. Raw readings are validated with {@link prepareReadings}.
 *
 * This runs in `O(grid · 60 / dt0 + n log n)`: about 70–120 ms for 90 days of 5-minute data
 * (25,920 readings; `bench/analytics/cgm-metrics.ts`).
 *
 * @throws {AnalyticsInputError} for empty input, bad readings, an unknown time zone or fewer than
 *   two readings (the grid-based metrics need a sampling interval).
 * @example
 * const m = igluMetrics(readings, "EST");
 * m.mean_glu;              // => 123.67 for iglu's Subject 1
 * m.sd_measures.SDw;       // => 26.41
 * m.quantile_glu["50"];    // => 112
 */
export function igluMetrics(input: CgmSeries | readonly Reading[], tz?: string | TimeZone): IgluMetrics {
  const { series, grid, grid5 } = prepare(input, tz);
  const gl = series.values;
  const common = shared(series, grid, grid5);
  const { eps, mageSegs } = common;
  const all = allMetricsFrom(series, grid, common);
  const { sleep, wake } = splitSleepWake(series);
  const nonNa = grid.gd2d.reduce((k, v) => (Number.isNaN(v) ? k : k + 1), 0);
  return {
    all_metrics: all,
    all_metrics_consensus_only: consensusFrom(series, grid, common.agp),
    mean_glu: meanGlu(gl),
    median_glu: medianGlu(gl),
    sd_glu: all.SD,
    cv_glu: all.CV,
    gmi: all.GMI,
    ea1c: all.eA1C,
    quantile_glu: quantileGlu(gl),
    range_glu: all.range,
    iqr_glu: all.IQR,
    summary_glu: summaryGlu(gl),
    mad_glu: all.MAD,
    in_range_percent: inRangePercent(gl),
    in_range_percent_70_140: inRangePercent(gl, [[70, 140]]).in_range_70_140,
    below_percent: belowPercent(gl),
    above_percent: abovePercent(gl),
    active_percent: { ...common.act },
    lbgi: all.LBGI,
    hbgi: all.HBGI,
    adrr: all.ADRR,
    j_index: all.J_index,
    m_value: all.M_value,
    grade: all.GRADE,
    grade_hypo: all.GRADE_hypo,
    grade_hyper: all.GRADE_hyper,
    grade_eugly: all.GRADE_eugly,
    hyper_index: all.hyper_index,
    hypo_index: all.hypo_index,
    igc: all.IGC,
    cogi: all.COGI,
    gri: all.GRI,
    pgs: all.PGS,
    modd: all.MODD,
    conga_n1: conga(grid, 1),
    conga_n24: all.Conga,
    mag: mag(grid),
    mag_n60: mag(grid, 60),
    gvp: all.GVP,
    sd_measures: common.sdm,
    cv_measures: common.cv,
    auc: all.AUC,
    sd_roc: all["SD.Roc"],
    mage: all.MAGE,
    mage_ma_service: mageFromSegments(mageSegs, "service"),
    mage_ma_max: mageFromSegments(mageSegs, "max"),
    mage_ma_plus: mageFromSegments(mageSegs, "plus"),
    mage_ma_minus: mageFromSegments(mageSegs, "minus"),
    mage_naive: mageNaive(gl),
    episode_calculation: eps,
    agp_metrics: common.agp,
    calculate_sleep_wake_mean_glu: { "mean sleep": orNaN(sleep, meanGlu), "mean wake": orNaN(wake, meanGlu) },
    calculate_sleep_wake_sd_glu: { "SD sleep": orNaN(sleep, sdGlu), "SD wake": orNaN(wake, sdGlu) },
    CGMS2DayByDay_info: {
      dt0: grid.dt0,
      ndays: grid.ndays,
      first_date: grid.actualDates[0],
      grid_points: grid.gd2d.length,
      grid_non_na: nonNa,
      grid_mean: rMeanNaRm(grid.gd2d),
    },
  };
}
