/**
 * @module worker/insights/pipeline/factors
 * What the analysis relates: lifestyle factors and glucose targets as daily series over the job's
 * days, with the words the sentences use for them.
 *
 * Time axis: index `t` is the t-th local day of the period. Evening and night factors are indexed
 * by the day on which the evening starts: `sleep_hours[t]` is the night from day t to day t+1 (the
 * daily summary of day t+1 stores it as "the night before"). So "short sleep → higher glucose the
 * next day" is a lag-1 relation, as is "late meal → higher next morning"; a lag-0 relation of a
 * night factor would run backwards in time and is never tested.
 */
import { EXERCISE_MINUTES, SHORT_SLEEP_HOURS } from "../../../analytics/rules/index.ts";
import type { DaySummary } from "./daily.ts";

/** Days with less CGM coverage than this have no glucose targets (too little to summarise). */
export const MIN_COVERAGE_PERCENT = 50;
/** Lags tested by the correlation stage, in days. */
export const MAX_LAG_DAYS = 7;
/** Fewest complete day pairs for a correlation to be reported. */
export const MIN_PAIRS = 10;

export type FactorKey = "sleep_hours" | "sleep_quality" | "late_meal" | "carbs" | "exercise_minutes" | "rest_day_steps" | "medication_time";
export type TargetKey = "mean_glucose" | "morning_glucose" | "time_in_range" | "glucose_cv";

export interface Factor {
  key: FactorKey;
  /** Short label for lists ("sleep"). */
  label: string;
  /** Smallest lag tested (1 for night factors). */
  minLag: number;
  /** The daily series (NaN = not recorded). */
  series: (days: readonly DaySummary[]) => number[];
  /**
   * A yes/no reading of the factor for sentences ("nights with under 6 h of sleep"); the effect is
   * then the difference of the target's mean between yes-days and no-days. Without it the effect
   * is a slope per `unit`.
   */
  condition?: { test: (x: number) => boolean; phrase: string; otherwise: string };
  /** For slopes: the step the slope is quoted per, and its words after "With" ("every extra 50 g of carbohydrates"). */
  per?: { size: number; phrase: string };
}

export interface Target {
  key: TargetKey;
  label: string;
  /** "mgdl" values convert to the user's unit; "percent" are percentage points. */
  kind: "mgdl" | "percent";
  series: (days: readonly DaySummary[]) => number[];
}

const nan = (x: number | null | undefined) => (x === null || x === undefined ? Number.NaN : x);
const withCgm = (d: DaySummary) => d.readings > 0 && d.coveragePercent >= MIN_COVERAGE_PERCENT;
/** x[t] = value of day t+1 (the night from day t to day t+1), NaN for the last day. */
const nightOf = (days: readonly DaySummary[], pick: (d: DaySummary) => number | null) => days.map((_, t) => (t + 1 < days.length ? nan(pick(days[t + 1]!)) : Number.NaN));

export const FACTORS: readonly Factor[] = [
  {
    key: "sleep_hours",
    label: "sleep",
    minLag: 1,
    series: (days) => nightOf(days, (d) => d.sleepHours),
    condition: { test: (h) => h < SHORT_SLEEP_HOURS, phrase: `nights with under ${SHORT_SLEEP_HOURS} h of sleep`, otherwise: "longer nights" },
  },
  {
    key: "sleep_quality",
    label: "sleep quality",
    minLag: 1,
    series: (days) => nightOf(days, (d) => d.sleepQuality),
    condition: { test: (q) => q <= 2, phrase: "nights you rated 1 or 2 out of 5", otherwise: "better-rated nights" },
  },
  {
    key: "late_meal",
    label: "late meals",
    minLag: 0,
    series: (days) => days.map((d) => (d.meals > 0 ? (d.lateMeals > 0 ? 1 : 0) : Number.NaN)),
    condition: { test: (x) => x > 0, phrase: "days with a meal after 21:00", otherwise: "days without one" },
  },
  {
    key: "carbs",
    label: "carbohydrates",
    minLag: 0,
    series: (days) => days.map((d) => (d.meals > 0 ? nan(d.carbs) : Number.NaN)),
    per: { size: 50, phrase: "every extra 50 g of carbohydrates" },
  },
  {
    key: "exercise_minutes",
    label: "exercise",
    minLag: 0,
    series: (days) => days.map((d) => d.exerciseMinutes),
    condition: { test: (m) => m >= EXERCISE_MINUTES, phrase: `days with ${EXERCISE_MINUTES} min or more of exercise`, otherwise: "days with less" },
  },
  {
    key: "rest_day_steps",
    label: "steps on rest days",
    minLag: 0,
    // Steps only on days without exercise, so walking is not confused with the workouts.
    series: (days) => days.map((d) => (d.exerciseMinutes === 0 && d.steps !== null ? d.steps : Number.NaN)),
    per: { size: 1000, phrase: "every extra 1,000 steps on a rest day" },
  },
  {
    key: "medication_time",
    label: "medication timing",
    minLag: 0,
    series: (days) => days.map((d) => nan(d.firstMedicationMinute)),
    per: { size: 60, phrase: "each hour later that you take your first medication" },
  },
];

export const TARGETS: readonly Target[] = [
  { key: "mean_glucose", label: "average glucose", kind: "mgdl", series: (days) => days.map((d) => (withCgm(d) ? nan(d.mean) : Number.NaN)) },
  { key: "morning_glucose", label: "overnight and morning glucose", kind: "mgdl", series: (days) => days.map((d) => (withCgm(d) ? nan(d.morningMean) : Number.NaN)) },
  { key: "time_in_range", label: "time in range", kind: "percent", series: (days) => days.map((d) => (withCgm(d) ? nan(d.inRange) : Number.NaN)) },
  { key: "glucose_cv", label: "glucose variability (CV)", kind: "percent", series: (days) => days.map((d) => (withCgm(d) ? nan(d.cv) : Number.NaN)) },
];

export const factorByKey = (key: string) => FACTORS.find((f) => f.key === key);
export const targetByKey = (key: string) => TARGETS.find((t) => t.key === key);

/** Days with a recorded value (finite) in a series. */
export const recordedDays = (xs: readonly number[]) => xs.reduce((n, x) => n + (Number.isFinite(x) ? 1 : 0), 0);

/**
 * Variables of the causal analysis (PCMCI), in column order: the two glucose targets that the
 * planted and the usual effects act on, and the lifestyle factors with a plausible daily effect.
 * One queue message per variable and stage; a variable left out for lack of data gets a "skipped"
 * chunk so the plan stays fixed.
 */
export const PCMCI_VARIABLES = ["mean_glucose", "morning_glucose", "sleep_hours", "late_meal", "carbs", "exercise_minutes", "medication_time"] as const satisfies readonly (FactorKey | TargetKey)[];
export type PcmciVariable = (typeof PCMCI_VARIABLES)[number];
