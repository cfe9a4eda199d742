import { asGrid, type DayByDay } from "./day-by-day.ts";
import { episodeCalculation } from "./episode-calculation.ts";
import { gvp } from "./gvp.ts";
import { inRangePercent } from "./in-range-percent.ts";
import { meanGlu } from "./mean-glu.ts";
import type { CgmSeries } from "./readings.ts";

/** Options of {@link pgs}; defaults follow the original PGS definition, as in iglu. */
export interface PgsOptions {
  /** Minimum hypoglycaemic episode duration (minutes); default 20. */
  durLength?: number;
  /** Minutes back in range that end an episode; default 30. */
  endLength?: number;
  /** A grid of the same series to reuse (iglu builds the default one). */
  grid?: DayByDay;
}

/**
 * Personal glycaemic state (4 = excellent … 40 = poor): f(GVP) + g(mean) + h(TIR 70–180) +
 * a(N54) + b(N70) with
 * f = 1 + 9 / (1 + e^(−0.049 (GVP − 65.47))),
 * g = 1 + 9 (1 / (1 + e^(0.1139 (MG − 72.08))) + 1 / (1 + e^(−0.09195 (MG − 157.57)))),
 * h = 1 + 9 / (1 + e^(0.0833 (TIR − 55.04))),
 * a = 0.5 + 4.5 (1 − e^(−0.81093 N54)),
 * b = 0.5714 N70 + 0.625 when N70 ≤ 7.65, else 5,
 * where N54 / N70 are episodes per week below 54 / exclusively between 54 and 70 mg/dL
 * ({@link episodeCalculation} with 20-minute episodes ended by 30 minutes in range).
 *
 * Reference: iglu `pgs(data, dur_length = 20, end_length = 30)`; Hirsch et al. (2017) A simple
 * composite metric for the assessment of glycemic status from continuous glucose monitoring data,
 * Diabetes Technol Ther 19(S3):S38–S48, doi:10.1089/dia.2017.0080. This runs in `O(grid)`.
 *
 * @throws {AnalyticsInputError} when there is no reading or a grid cannot be built.
 * @example
 * pgs(series); // => e.g. 6.06 for iglu's Subject 1
 */
export function pgs(series: CgmSeries, options: PgsOptions = {}): number {
  const grid = options.grid ?? asGrid(series);
  const fGvp = 1 + 9 / (1 + Math.exp(-0.049 * (gvp(grid) - 65.47)));
  const tir = inRangePercent(series.values, [[70, 180]]).in_range_70_180;
  const fTir = 1 + 9 / (1 + Math.exp(0.0833 * (tir - 55.04)));
  const mg = meanGlu(series.values);
  const fMg = 1 + 9 * (1 / (1 + Math.exp(0.1139 * (mg - 72.08))) + 1 / (1 + Math.exp(-0.09195 * (mg - 157.57))));
  const eps = episodeCalculation(grid, { lv1Hypo: 70, lv2Hypo: 54, durLength: options.durLength ?? 20, endLength: options.endLength ?? 30 });
  const fH54 = 0.5 + 4.5 * (1 - Math.exp(-0.81093 * eps.hypo_lv2.avg_ep_per_day * 7));
  // iglu uses the level-1-exclusive count here, not the level-1 superset
  const n70 = eps.hypo_lv1_excl.avg_ep_per_day * 7;
  const fH70 = n70 <= 7.65 ? 0.5714 * n70 + 0.625 : 5;
  return fGvp + fTir + fMg + fH54 + fH70;
}
