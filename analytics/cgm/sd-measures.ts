import { asGrid, type DayByDay, type DayByDayOptions } from "./day-by-day.ts";
import type { CgmSeries } from "./readings.ts";
import { rMeanNaRm, rRound, rSdNaRm } from "./r-stats.ts";

/** iglu's `sd_measures` columns (mg/dL). */
export interface SdMeasures {
  /** Vertical within days: mean of the daily SDs. */
  SDw: number;
  /** Between time points: SD of the time-of-day means. */
  SDhhmm: number;
  /** Within series: mean SD of all 1-hour moving windows. */
  SDwsh: number;
  /** Horizontal: SD of the daily means. */
  SDdm: number;
  /** Between days, within time points: mean over times of day of the SD across days. */
  SDb: number;
  /** As SDb after subtracting each day's mean. */
  SDbdm: number;
}

/**
 * Rodbard's SD subtypes on iglu's interpolated grid (rows = local days, columns = time of day).
 * `SDwsh` is the mean of `sd(window, na.rm = TRUE)` over every window of round(60 / dt0)
 * consecutive grid points (the flattened grid, windows crossing midnight included); windows with
 * fewer than two values are skipped.
 *
 * Reference: iglu `sd_measures(data, dt0, inter_gap, tz)`; Rodbard (2009) New and improved methods
 * to characterize glycemic variability using continuous glucose monitoring, Diabetes Technol Ther
 * 11(9):551–565, doi:10.1089/dia.2009.0015. This runs in `O(grid · 60 / dt0)`.
 *
 * @example
 * sdMeasures(series); // => { SDw: 26.41, SDhhmm: 19.62, SDwsh: 6.54, SDdm: 16.66, SDb: 27.93, SDbdm: 23.97 } (Subject 1)
 */
export function sdMeasures(input: CgmSeries | DayByDay, options: DayByDayOptions = {}): SdMeasures {
  const { gd2d, ndays, perDay, dt0 } = asGrid(input, options);
  const rowSd = new Float64Array(ndays);
  const rowMean = new Float64Array(ndays);
  for (let d = 0; d < ndays; d++) {
    rowSd[d] = rSdNaRm(gd2d, d * perDay, (d + 1) * perDay);
    rowMean[d] = rMeanNaRm(gd2d, d * perDay, (d + 1) * perDay);
  }
  const colMean = new Float64Array(perDay);
  const colSd = new Float64Array(perDay);
  const colSdDm = new Float64Array(perDay);
  const col = new Float64Array(ndays);
  const colDm = new Float64Array(ndays);
  for (let k = 0; k < perDay; k++) {
    for (let d = 0; d < ndays; d++) {
      col[d] = gd2d[d * perDay + k];
      colDm[d] = col[d] - rowMean[d];
    }
    colMean[k] = rMeanNaRm(col);
    colSd[k] = rSdNaRm(col);
    colSdDm[k] = rSdNaRm(colDm);
  }
  const win = rRound(60 / dt0);
  const nWin = Math.max(gd2d.length - win + 1, 0);
  const winSd = new Float64Array(nWin);
  for (let i = 0; i < nWin; i++) winSd[i] = rSdNaRm(gd2d, i, i + win);
  return {
    SDw: rMeanNaRm(rowSd),
    SDhhmm: rSdNaRm(colMean),
    SDwsh: rMeanNaRm(winSd),
    SDdm: rSdNaRm(rowMean),
    SDb: rMeanNaRm(colSd),
    SDbdm: rMeanNaRm(colSdDm),
  };
}
