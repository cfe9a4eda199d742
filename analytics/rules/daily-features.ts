/**
 * @module analytics/rules/daily-features
 */
import { AnalyticsInputError } from "../errors.ts";
import {
  EXERCISE_MINUTES,
  GLUCOSE_CV_MAX_PERCENT,
  HIGH_CARB_GRAMS,
  HIGH_MEAN_GLUCOSE_MG_DL,
  HIGH_STEPS,
  HIGH_STRESS_SCORE,
  LATE_MEAL_AFTER_MINUTES,
  LONG_SLEEP_HOURS,
  LOW_CARB_GRAMS,
  POOR_SLEEP_QUALITY_SCORE,
  SHORT_SLEEP_HOURS,
  TIME_BELOW_RANGE_MAX_PERCENT,
  TIME_IN_RANGE_TARGET_PERCENT,
} from "./daily-feature-thresholds.ts";

/**
 * One day of diary and CGM summary. Every field is optional: `undefined`, `null` or `NaN` mean
 * "not recorded" (the features that depend on it are then reported missing).
 */
export interface DailySummary {
  /** Calendar date, e.g. "2026-03-01"; carried for the caller, not used. */
  readonly date?: string;
  /** Hours slept the night before, 0–24. */
  readonly sleepHours?: number | null;
  /** Sleep quality score, 0–100. */
  readonly sleepQuality?: number | null;
  /** Local start times of the day's meals, "HH:MM" (24 h). An empty list counts as not recorded. */
  readonly mealTimes?: readonly string[] | null;
  /** Carbohydrates eaten, grams (≥ 0). */
  readonly carbsG?: number | null;
  /** Minutes of exercise, 0–1440. */
  readonly exerciseMin?: number | null;
  /** Step count (≥ 0). */
  readonly steps?: number | null;
  /** Self-rated stress, 0–10. */
  readonly stress?: number | null;
  /** Mean CGM glucose, mg/dL (> 0). */
  readonly meanGlucose?: number | null;
  /** Time in range 70–180 mg/dL, percent of readings, 0–100. */
  readonly tirPercent?: number | null;
  /** Time below 70 mg/dL, percent of readings, 0–100. */
  readonly tbrPercent?: number | null;
  /** Coefficient of variation of glucose, percent (≥ 0). */
  readonly cvPercent?: number | null;
}

/** The binary features, in output order; these are the item names used by the rules. */
export const DAILY_FEATURES = [
  "short_sleep",
  "long_sleep",
  "poor_sleep_quality",
  "late_meal",
  "high_carb_day",
  "low_carb_day",
  "exercised",
  "high_steps",
  "high_stress",
  "high_glucose_day",
  "low_glucose_day",
  "high_variability_day",
] as const;

/** One of {@link DAILY_FEATURES}. */
export type DailyFeatureName = (typeof DAILY_FEATURES)[number];

/** Output of {@link dailyFeatures}. */
export interface DailyFeatures {
  /** Number of days. */
  readonly n: number;
  /** Feature → one flag per day, ready for {@link apriori}. A missing feature is `false`. */
  readonly columns: Record<DailyFeatureName, boolean[]>;
  /** Feature → indices of the days where it could not be decided for lack of data. */
  readonly missing: Record<DailyFeatureName, number[]>;
}

/** Options of {@link dailyFeatures}. */
export interface DailyFeatureOptions {
  /** Which features to compute (default: all of {@link DAILY_FEATURES}). */
  readonly features?: readonly DailyFeatureName[];
}

/** true / false when decided, null when the data to decide is missing. */
type Flag = boolean | null;

/**
 * Turns daily summaries into the binary features used for association rules. Each feature is a
 * documented threshold (see `daily-feature-thresholds.ts`):
 *
 * | feature | true when |
 * | --- | --- |
 * | `short_sleep` | sleepHours < {@link SHORT_SLEEP_HOURS} (6) |
 * | `long_sleep` | sleepHours > {@link LONG_SLEEP_HOURS} (9) |
 * | `poor_sleep_quality` | sleepQuality < {@link POOR_SLEEP_QUALITY_SCORE} (50) |
 * | `late_meal` | a meal starts after 21:00 ({@link LATE_MEAL_AFTER_MINUTES}) |
 * | `high_carb_day` | carbsG ≥ {@link HIGH_CARB_GRAMS} (250) |
 * | `low_carb_day` | carbsG < {@link LOW_CARB_GRAMS} (130) |
 * | `exercised` | exerciseMin ≥ {@link EXERCISE_MINUTES} (30) |
 * | `high_steps` | steps ≥ {@link HIGH_STEPS} (10,000) |
 * | `high_stress` | stress ≥ {@link HIGH_STRESS_SCORE} (7) |
 * | `high_glucose_day` | meanGlucose > {@link HIGH_MEAN_GLUCOSE_MG_DL} (154) or tirPercent < {@link TIME_IN_RANGE_TARGET_PERCENT} (70) |
 * | `low_glucose_day` | tbrPercent > {@link TIME_BELOW_RANGE_MAX_PERCENT} (4) |
 * | `high_variability_day` | cvPercent > {@link GLUCOSE_CV_MAX_PERCENT} (36) |
 *
 * Missing data never becomes evidence: a feature whose input is missing is `false` in `columns`
 * and the day is listed in `missing[feature]`, so the caller can report coverage or drop the
 * feature. `high_glucose_day` follows three-valued (Kleene) logic: it is true when either known
 * condition holds, false only when both are known and false, and missing otherwise.
 *
 * Reference: T. Battelino et al., "Clinical targets for continuous glucose monitoring data
 * interpretation: recommendations from the international consensus on time in range", Diabetes
 * Care 42 (2019) 1593–1603, doi:10.2337/dci19-0028.
 *
 * Runs in `O(days · features)`.
 *
 * @param days - one summary per day, in date order
 * @param options - `features` to compute a subset
 * @returns columns of flags and the missing days per feature
 * @throws {AnalyticsInputError} field `days` when it is not an array, `days[i]` for a day that is
 *   not an object, `days[i].<field>` for a value out of its range or of the wrong type (e.g. a
 *   sleepHours of 30), `days[i].mealTimes[j]` for a time not written "HH:MM", `features[j]` for an
 *   unknown feature
 * @example
 * dailyFeatures([{ sleepHours: 5.5, mealTimes: ["08:00", "21:30"] }, { sleepHours: 7 }], { features: ["short_sleep", "late_meal"] });
 * // => { n: 2, columns: { short_sleep: [true, false], late_meal: [true, false] },
 * //      missing: { short_sleep: [], late_meal: [1] } }
 */
export function dailyFeatures(days: readonly DailySummary[], options: DailyFeatureOptions = {}): DailyFeatures {
  if (!Array.isArray(days)) throw new AnalyticsInputError("days", "dailyFeatures: days must be an array of daily summaries");
  const features = options.features ?? DAILY_FEATURES;
  features.forEach((f, j) => {
    if (!(DAILY_FEATURES as readonly string[]).includes(f)) {
      throw new AnalyticsInputError(`features[${j}]`, `dailyFeatures: unknown feature ${JSON.stringify(f)}; expected one of ${DAILY_FEATURES.join(", ")}`);
    }
  });
  const columns = {} as Record<DailyFeatureName, boolean[]>;
  const missing = {} as Record<DailyFeatureName, number[]>;
  for (const f of features) {
    columns[f] = [];
    missing[f] = [];
  }
  days.forEach((day, i) => {
    if (typeof day !== "object" || day === null || Array.isArray(day)) {
      throw new AnalyticsInputError(`days[${i}]`, `dailyFeatures: days[${i}] must be an object`);
    }
    const flags = dayFlags(day, i);
    for (const f of features) {
      const flag = flags[f]();
      columns[f].push(flag === true);
      if (flag === null) missing[f].push(i);
    }
  });
  return { n: days.length, columns, missing };
}

/** Lazily evaluated flags of one day (only the requested features read, and validate, their inputs). */
function dayFlags(day: DailySummary, i: number): Record<DailyFeatureName, () => Flag> {
  const num = (field: keyof DailySummary, min: number, max: number): number | null => readNumber(day, field, i, min, max);
  const test = (v: number | null, predicate: (v: number) => boolean): Flag => (v === null ? null : predicate(v));
  return {
    short_sleep: () => test(num("sleepHours", 0, 24), (h) => h < SHORT_SLEEP_HOURS),
    long_sleep: () => test(num("sleepHours", 0, 24), (h) => h > LONG_SLEEP_HOURS),
    poor_sleep_quality: () => test(num("sleepQuality", 0, 100), (q) => q < POOR_SLEEP_QUALITY_SCORE),
    late_meal: () => lateMeal(day, i),
    high_carb_day: () => test(num("carbsG", 0, Number.POSITIVE_INFINITY), (g) => g >= HIGH_CARB_GRAMS),
    low_carb_day: () => test(num("carbsG", 0, Number.POSITIVE_INFINITY), (g) => g < LOW_CARB_GRAMS),
    exercised: () => test(num("exerciseMin", 0, 1440), (m) => m >= EXERCISE_MINUTES),
    high_steps: () => test(num("steps", 0, Number.POSITIVE_INFINITY), (s) => s >= HIGH_STEPS),
    high_stress: () => test(num("stress", 0, 10), (s) => s >= HIGH_STRESS_SCORE),
    high_glucose_day: () =>
      kleeneOr(
        test(num("meanGlucose", Number.MIN_VALUE, Number.POSITIVE_INFINITY), (g) => g > HIGH_MEAN_GLUCOSE_MG_DL),
        test(num("tirPercent", 0, 100), (p) => p < TIME_IN_RANGE_TARGET_PERCENT),
      ),
    low_glucose_day: () => test(num("tbrPercent", 0, 100), (p) => p > TIME_BELOW_RANGE_MAX_PERCENT),
    high_variability_day: () => test(num("cvPercent", 0, Number.POSITIVE_INFINITY), (p) => p > GLUCOSE_CV_MAX_PERCENT),
  };
}

/** OR in three-valued logic: true wins, then missing, then false. */
function kleeneOr(a: Flag, b: Flag): Flag {
  if (a === true || b === true) return true;
  if (a === null || b === null) return null;
  return false;
}

function readNumber(day: DailySummary, field: keyof DailySummary, i: number, min: number, max: number): number | null {
  const v = day[field] as unknown;
  if (v === undefined || v === null || (typeof v === "number" && Number.isNaN(v))) return null;
  if (typeof v !== "number" || !(v >= min && v <= max)) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min === Number.MIN_VALUE ? "0 (exclusive)" : min}` : `in [${min}, ${max}]`;
    throw new AnalyticsInputError(`days[${i}].${field}`, `dailyFeatures: days[${i}].${field} must be a number ${range}, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

function lateMeal(day: DailySummary, i: number): Flag {
  const times = day.mealTimes as unknown;
  if (times === undefined || times === null) return null;
  if (!Array.isArray(times)) {
    throw new AnalyticsInputError(`days[${i}].mealTimes`, `dailyFeatures: days[${i}].mealTimes must be an array of "HH:MM" strings`);
  }
  if (times.length === 0) return null;
  let late = false;
  times.forEach((t: unknown, j) => {
    const match = typeof t === "string" ? CLOCK.exec(t) : null;
    if (!match) {
      throw new AnalyticsInputError(`days[${i}].mealTimes[${j}]`, `dailyFeatures: days[${i}].mealTimes[${j}] must be a 24-hour "HH:MM" time, got ${JSON.stringify(t) ?? String(t)}`);
    }
    if (Number(match[1]) * 60 + Number(match[2]) > LATE_MEAL_AFTER_MINUTES) late = true;
  });
  return late;
}
