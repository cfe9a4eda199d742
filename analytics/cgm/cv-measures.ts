import { asGrid, type DayByDay, type DayByDayOptions } from "./day-by-day.ts";
import type { CgmSeries } from "./readings.ts";
import { rMeanNaRm, rSdNaRm } from "./r-stats.ts";

/** iglu's `cv_measures` columns. */
export interface CvMeasures {
  /** Mean of the daily CVs (%). */
  CVmean: number;
  /** SD of the daily CVs (%). */
  CVsd: number;
}

/**
 * Daily coefficients of variation on iglu's grid: each local day's CV = 100 · SD / mean of its grid
 * values, then their mean (`CVmean`) and SD (`CVsd`); days without a CV are skipped.
 *
 * Reference: iglu `cv_measures(data, dt0, inter_gap, tz)`; Umpierrez & Kovatchev (2018) Glycemic
 * variability: how to measure and its clinical implication for type 2 diabetes, Am J Med Sci
 * 356(6):518–527, doi:10.1016/j.amjms.2018.09.010. This runs in `O(grid)`.
 *
 * @example
 * cvMeasures(series); // => { CVmean: 21.09, CVsd: 7.80 } for iglu's Subject 1
 */
export function cvMeasures(input: CgmSeries | DayByDay, options: DayByDayOptions = {}): CvMeasures {
  const { gd2d, ndays, perDay } = asGrid(input, options);
  const cvs = new Float64Array(ndays);
  for (let d = 0; d < ndays; d++) {
    const row = gd2d.subarray(d * perDay, (d + 1) * perDay);
    cvs[d] = (rSdNaRm(row) / rMeanNaRm(row)) * 100;
  }
  return { CVmean: rMeanNaRm(cvs), CVsd: rSdNaRm(cvs) };
}
