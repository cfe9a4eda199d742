/**
 * @module analytics/meal-impact/outcome
 * What a past meal did to glucose: the pre-meal level, the peak rise over it within three hours,
 * and the minutes to that peak, read from the CGM series. A meal whose window is too sparse
 * (a sensor gap) gives no outcome rather than a wrong one.
 */
import { lastIndexAtOrBefore } from "../forecast/series.ts";
import type { GlucoseSeries } from "../forecast/types.ts";

/** Window after the meal searched for the peak. */
export const PEAK_WINDOW_MS = 3 * 3600_000;
/** Pre-meal glucose: mean of the readings in the 15 minutes up to the meal. */
export const PRE_MEAL_MS = 15 * 60_000;
/** Readings needed in the peak window (as a share of a 5-minute grid): 75 %. */
export const MIN_COVERAGE = 0.75;

export interface MealOutcome {
  /** mg/dL */
  readonly preMeal: number;
  /** Peak minus pre-meal glucose (mg/dL; ≥ 0). */
  readonly rise: number;
  readonly minutesToPeak: number;
  /** End of the window the outcome was read from (epoch ms). */
  readonly time: number;
}

/** Mean of the readings in (t − 15 min, t], or NaN when there are none. `O(log n)` plus the window. */
export function preMealGlucose(series: GlucoseSeries, t: number): number {
  let i = lastIndexAtOrBefore(series.times, t);
  let sum = 0;
  let n = 0;
  while (i >= 0 && series.times[i] > t - PRE_MEAL_MS) {
    sum += series.values[i];
    n++;
    i--;
  }
  return n ? sum / n : Number.NaN;
}

/**
 * Glucose change per minute over the 30 minutes before `t` (least-squares slope), NaN with fewer
 * than 3 readings. `O(log n)` plus the window.
 */
export function preMealTrend(series: GlucoseSeries, t: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = lastIndexAtOrBefore(series.times, t); i >= 0 && series.times[i] > t - 30 * 60_000; i--) {
    xs.push((series.times[i] - t) / 60_000);
    ys.push(series.values[i]);
  }
  if (xs.length < 3) return Number.NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < xs.length; k++) {
    sxy += (xs[k] - mx) * (ys[k] - my);
    sxx += (xs[k] - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

/**
 * The outcome of a meal at `t`, or undefined without a pre-meal reading or with less than 75 %
 * coverage of the three hours after. This runs in `O(log n + window)`.
 *
 * @example
 * mealOutcome(series, mealTime); // => { preMeal: 104, rise: 71, minutesToPeak: 50, time: mealTime + 3 h }
 */
export function mealOutcome(series: GlucoseSeries, t: number): MealOutcome | undefined {
  const preMeal = preMealGlucose(series, t);
  if (Number.isNaN(preMeal)) return undefined;
  let i = lastIndexAtOrBefore(series.times, t) + 1;
  let peak = -Infinity;
  let peakTime = t;
  const slots = new Set<number>();
  for (; i < series.times.length && series.times[i] <= t + PEAK_WINDOW_MS; i++) {
    slots.add(Math.floor((series.times[i] - t) / 300_000));
    if (series.values[i] > peak) {
      peak = series.values[i];
      peakTime = series.times[i];
    }
  }
  if (slots.size < MIN_COVERAGE * (PEAK_WINDOW_MS / 300_000)) return undefined;
  return { preMeal, rise: Math.max(0, peak - preMeal), minutesToPeak: peak > preMeal ? (peakTime - t) / 60_000 : 0, time: t + PEAK_WINDOW_MS };
}
