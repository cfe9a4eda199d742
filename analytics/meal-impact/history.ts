/**
 * @module analytics/meal-impact/history
 * From a person's records to meal-impact training examples and a prediction for a new meal: the
 * features of each meal (carbohydrate and macronutrients, pre-meal glucose and trend, time of day,
 * exercise in the 6 hours before, the night's sleep) and the outcome its CGM window shows.
 *
 * A past meal trains only when it has a measured outcome and no other meal follows within
 * 90 minutes (stacked meals would be credited to the first).
 */
import type { GlucoseSeries, MinuteOfDay } from "../forecast/types.ts";
import { fitMealImpactModel, MIN_MEALS, predictMealImpact, type MealExample, type MealImpactModel, type Range } from "./model.ts";
import { mealOutcome, preMealGlucose, preMealTrend } from "./outcome.ts";

export interface MealRecord {
  /** epoch ms */
  readonly time: number;
  readonly carbs: number | null;
  readonly protein?: number | null;
  readonly fat?: number | null;
  readonly fibre?: number | null;
}

export interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface MealHistory {
  readonly series: GlucoseSeries;
  /** In time order. */
  readonly meals: readonly MealRecord[];
  /** Exercise sessions (moderate or harder, or unrated). */
  readonly exercise: readonly Interval[];
  readonly sleep: readonly Interval[];
  readonly minuteOfDay: MinuteOfDay;
}

const EXERCISE_LOOKBACK_MS = 6 * 3600_000;
const SLEEP_LOOKBACK_MS = 18 * 3600_000;
const STACKED_MS = 90 * 60_000;

function overlapMinutes(list: readonly Interval[], from: number, to: number): number {
  let ms = 0;
  for (const x of list) ms += Math.max(0, Math.min(x.end, to) - Math.max(x.start, from));
  return ms / 60_000;
}

/** Hours of sleep in sessions ending in the 18 hours before `t`, or NaN when there are none. */
function sleepBefore(sleep: readonly Interval[], t: number): number {
  let h = 0;
  let any = false;
  for (const s of sleep) {
    if (s.end <= t && s.end > t - SLEEP_LOOKBACK_MS) {
      h += (s.end - s.start) / 3600_000;
      any = true;
    }
  }
  return any ? h : Number.NaN;
}

const median = (xs: readonly number[]) => {
  const a = xs.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  if (!a.length) return Number.NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
};

/** Raw features of a meal (NaN where unknown); {@link fill} replaces the NaNs. */
function rawFeatures(h: MealHistory, meal: MealRecord): number[] {
  const angle = (2 * Math.PI * h.minuteOfDay(meal.time)) / 1440;
  return [
    meal.carbs ?? 0,
    meal.protein ?? 0,
    meal.fat ?? 0,
    meal.fibre ?? 0,
    preMealGlucose(h.series, meal.time),
    preMealTrend(h.series, meal.time),
    Math.sin(angle),
    Math.cos(angle),
    overlapMinutes(h.exercise, meal.time - EXERCISE_LOOKBACK_MS, meal.time),
    sleepBefore(h.sleep, meal.time),
  ];
}

const PRE_MEAL = 4;
const TREND = 5;
const SLEEP = 9;

function fill(x: number[], defaults: { preMeal: number; sleep: number }): number[] {
  const out = [...x];
  if (!Number.isFinite(out[PRE_MEAL]!)) out[PRE_MEAL] = defaults.preMeal;
  if (!Number.isFinite(out[TREND]!)) out[TREND] = 0;
  if (!Number.isFinite(out[SLEEP]!)) out[SLEEP] = defaults.sleep;
  return out;
}

/** The training examples of a history: meals with carbs, a measured outcome and nothing stacked after. `O(m log n + m · window)`. */
export function mealExamples(h: MealHistory, before = Infinity): { examples: MealExample[]; defaults: { preMeal: number; sleep: number } } {
  const rows: { raw: number[]; rise: number; minutesToPeak: number }[] = [];
  const meals = h.meals.filter((m) => m.time < before);
  meals.forEach((m, i) => {
    if (!(m.carbs !== null && m.carbs > 0)) return;
    const next = meals[i + 1];
    if (next && next.time - m.time < STACKED_MS) return;
    const o = mealOutcome(h.series, m.time);
    if (!o || o.time > before) return;
    rows.push({ raw: rawFeatures(h, m), rise: o.rise, minutesToPeak: o.minutesToPeak });
  });
  const defaults = { preMeal: median(rows.map((r) => r.raw[PRE_MEAL]!)), sleep: median(rows.map((r) => r.raw[SLEEP]!)) };
  if (!Number.isFinite(defaults.sleep)) defaults.sleep = 7;
  return { examples: rows.map((r) => ({ features: fill(r.raw, defaults), rise: r.rise, minutesToPeak: r.minutesToPeak })), defaults };
}

export interface MealImpactPrediction {
  readonly rise: Range | null;
  readonly minutesToPeak: Range | null;
  readonly basedOnMeals: number;
  readonly enoughData: boolean;
  readonly message: string;
  readonly model?: MealImpactModel;
}

/**
 * Predicts the impact of `meal` from the meals of `h` (before the meal), saying plainly when there
 * are too few. `O(fit)`.
 *
 * @example
 * predictMealFromHistory(history, { time: Date.now(), carbs: 60 }).rise; // => { value: 84.2, low: 61.0, high: 104.9 }
 */
export function predictMealFromHistory(h: MealHistory, meal: MealRecord): MealImpactPrediction {
  const { examples, defaults } = mealExamples(h, meal.time);
  const model = fitMealImpactModel(examples);
  if (!model) {
    return {
      rise: null,
      minutesToPeak: null,
      basedOnMeals: examples.length,
      enoughData: false,
      message: `A prediction needs at least ${MIN_MEALS} logged meals with carbohydrates and CGM readings for the 3 hours after; you have ${examples.length}. Keep logging meals and this will start working.`,
    };
  }
  const raw = rawFeatures(h, meal);
  const noGlucose = !Number.isFinite(raw[PRE_MEAL]!);
  const p = predictMealImpact(model, fill(raw, defaults));
  const rise = p.rise;
  const minutes = p.minutesToPeak;
  const message =
    `From ${examples.length} of your past meals: glucose is expected to rise by about ${Math.round(rise.value)} mg/dL (80 % range ${Math.round(rise.low)}–${Math.round(rise.high)}), ` +
    `peaking about ${Math.round(minutes.value)} minutes after eating.` +
    (noGlucose ? " There is no reading just before this time, so your usual pre-meal glucose was assumed." : "");
  return { rise, minutesToPeak: minutes, basedOnMeals: examples.length, enoughData: true, message, model };
}
