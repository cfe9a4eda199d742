import { consensusBands, gmiFromMean, RANGE_MGDL } from "../../vocabulary/ranges.ts";
import { activePercent } from "./active-percent.ts";
import { gri, griComponents, griZone, type GriZone } from "./gri.ts";
import { rMean, rSd } from "./r-stats.ts";
import type { CgmSeries } from "./readings.ts";
import { glucoseValues } from "./validate.ts";

/** The core CGM metrics of the international consensus (mg/dL and % of readings). */
export interface ConsensusMetrics {
  readings: number;
  mean: number;
  sd: number;
  cv: number;
  gmi: number;
  below_54: number;
  below_70: number;
  in_range_70_180: number;
  above_180: number;
  above_250: number;
  /** 63–140 mg/dL (iglu's second default range). */
  in_range_63_140: number;
  /** Time in tight range, 70–140 mg/dL (iglu `in_range_percent(targets = list(c(70, 140)))`). */
  in_range_70_140: number;
  gri: number;
  gri_zone: GriZone;
  /** GRI grid coordinates: VLow + 0.8 · Low and VHigh + 0.5 · High (% of readings). */
  gri_hypo: number;
  gri_hyper: number;
  /** Data sufficiency: % of the expected readings present over the recording (iglu `active_percent`). */
  active_percent: number;
  /** Days from the first to the last reading, 1 decimal. */
  ndays: number;
}

/**
 * The consensus set in one pass: mean, SD, CV, GMI, time below 54 / below 70 / in 70–180 /
 * above 180 / above 250 mg/dL, time in 63–140 and in tight range 70–140, GRI with its zone and grid
 * components, and data sufficiency. Each
 * value equals the iglu function of the same meaning (`mean_glu`, `sd_glu`, `cv_glu`, `gmi`,
 * `below_percent`, `in_range_percent`, `above_percent`, `gri`, `active_percent`).
 *
 * Reference: Battelino et al. (2019) International consensus on time in range, Diabetes Care
 * 42(8):1593–1603, doi:10.2337/dci19-0028; Battelino et al. (2023), doi:10.1016/S2213-8587(22)00319-9.
 * This runs in `O(n log n)`.
 *
 * @throws {AnalyticsInputError} for an empty series.
 * @example
 * consensusMetrics(series); // => { mean: 123.67, cv: 26.9, in_range_70_180: 91.66, gri: 7.19, gri_zone: "A", … }
 */
export function consensusMetrics(series: CgmSeries): ConsensusMetrics {
  const gl = glucoseValues(series.values, "consensusMetrics");
  const n = gl.length;
  const bands = consensusBands(gl);
  let titr = 0;
  let tight = 0;
  for (const g of gl) {
    if (g >= 63 && g <= RANGE_MGDL.tightHigh) titr++;
    if (g >= RANGE_MGDL.low && g <= RANGE_MGDL.tightHigh) tight++;
  }
  const mean = rMean(gl);
  const sd = rSd(gl);
  const g = gri(gl);
  const grid = griComponents(gl);
  const act = activePercent(series);
  return {
    readings: n,
    mean,
    sd,
    cv: (sd / mean) * 100,
    gmi: gmiFromMean(mean),
    ...bands,
    in_range_63_140: (titr / n) * 100,
    in_range_70_140: (tight / n) * 100,
    gri: g,
    gri_zone: griZone(g),
    gri_hypo: grid.hypo,
    gri_hyper: grid.hyper,
    active_percent: act.active_percent,
    ndays: act.ndays,
  };
}
