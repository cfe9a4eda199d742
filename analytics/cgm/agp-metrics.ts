import { consensusBands, gmiFromMean } from "../../vocabulary/ranges.ts";
import { activePercent, type ActivePercent } from "./active-percent.ts";
import { rMean, rSd } from "./r-stats.ts";
import type { CgmSeries } from "./readings.ts";

/** iglu's `agp_metrics` columns. */
export interface AgpMetrics {
  start_date: string;
  end_date: string;
  ndays: number;
  active_percent: number;
  mean: number;
  GMI: number;
  CV: number;
  below_54: number;
  below_70: number;
  in_range_70_180: number;
  above_180: number;
  above_250: number;
}

/**
 * The metrics printed on an Ambulatory Glucose Profile report: period, CGM activity, mean, GMI,
 * CV and the time in the consensus ranges (< 54, < 70, 70–180, > 180, > 250 mg/dL).
 *
 * Reference: iglu `agp_metrics(data, shinyformat = FALSE, tz)`; Johnson et al. (2019) Utilizing the
 * ambulatory glucose profile to standardize and implement continuous glucose monitoring in clinical
 * practice, Diabetes Technol Ther 21(S2):S2-17–S2-25, doi:10.1089/dia.2019.0034.
 * This runs in `O(n log n)`.
 *
 * `activity` may pass an already computed {@link activePercent} of the same series.
 *
 * @throws {AnalyticsInputError} for an empty series.
 * @example
 * agpMetrics(series).in_range_70_180; // => 91.66 for iglu's Subject 1
 */
export function agpMetrics(series: CgmSeries, activity?: ActivePercent): AgpMetrics {
  const gl = series.values;
  const act = activity ?? activePercent(series);
  const mean = rMean(gl);
  return {
    start_date: act.start_date,
    end_date: act.end_date,
    ndays: act.ndays,
    active_percent: act.active_percent,
    mean,
    GMI: gmiFromMean(mean),
    CV: (rSd(gl) / mean) * 100,
    ...consensusBands(gl),
  };
}
