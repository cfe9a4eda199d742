/**
 * @module worker/insights/pipeline/daily
 * Daily aggregation: one summary per local calendar day of the user (DST-correct, so 23 or 25
 * hours on transition days), with the day's glucose summary and lifestyle features. Pure: the
 * caller loads the readings and records (worker/insights/repository.ts `loadDayInputs`) and stores
 * the result (`replaceDailySummaries`), so re-running a day replaces it.
 *
 * Attribution rules (documented once here, quoted by the API docs):
 * - sleep: the night before the day, i.e. sessions that END between local 00:00 and 16:00 of the
 *   day (afternoon naps count for the next day); hours add up, quality is duration-weighted;
 * - meals, insulin, medications: by the local day of their time; a late meal starts after 21:00;
 * - activities: by the local day of their start; `low` intensity is light activity (walks), every
 *   other activity (moderate, high or unrated) is exercise.
 */
import { dailySummary, localDayNumber, prepareReadings, startOfLocalDay, toLocalMs, dayNumberToIsoDate } from "../../../analytics/cgm/index.ts";
import { LATE_MEAL_AFTER_MINUTES } from "../../../analytics/rules/index.ts";

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
/** Sleep sessions ending before this local time belong to the night before the day. */
const SLEEP_END_BEFORE_MINUTES = 16 * 60;
/** The "morning" glucose window: local 00:00–10:00 (overnight and fasting). */
const MORNING_END_MINUTES = 10 * 60;

export type Intensity = "low" | "moderate" | "high";

/** Raw inputs of the days being aggregated (epoch ms; glucose in mg/dL). */
export interface DayInputs {
  readings: { times: ArrayLike<number>; values: ArrayLike<number> };
  sleep: { start: number; end: number; quality: number | null; awakenings: number | null }[];
  meals: { time: number; carbs: number | null }[];
  activities: { start: number; end: number; intensity: Intensity | null; steps: number | null }[];
  insulin: { time: number; units: number; kind: string }[];
  medications: { time: number }[];
}

/** One local day. Glucose in mg/dL, percentages of the day's readings; `null` = not recorded. */
export interface DaySummary {
  date: string;
  dayStart: number;
  dayEnd: number;
  hours: number;
  timezone: string;
  readings: number;
  coveragePercent: number;
  mean: number | null;
  sd: number | null;
  cv: number | null;
  gmi: number | null;
  min: number | null;
  max: number | null;
  below54: number | null;
  below70: number | null;
  inRange: number | null;
  above180: number | null;
  above250: number | null;
  morningMean: number | null;
  sleepHours: number | null;
  sleepQuality: number | null;
  awakenings: number | null;
  meals: number;
  carbs: number | null;
  lateMeals: number;
  lastMealMinute: number | null;
  exerciseMinutes: number;
  lightActivityMinutes: number;
  exerciseIntensity: Intensity | null;
  steps: number | null;
  insulinBolus: number | null;
  insulinBasal: number | null;
  insulinTotal: number | null;
  medications: number;
  firstMedicationMinute: number | null;
}

/** The time range a day's inputs must be loaded from: the day, plus the evening before for sleep. */
export function inputRange(tz: string, firstDay: number, lastDay: number): { start: number; end: number } {
  return { start: startOfLocalDay(firstDay, tz) - DAY_MS, end: startOfLocalDay(lastDay + 1, tz) };
}

/** Local day number (days since 1970-01-01 on the local calendar) of a `YYYY-MM-DD` date. */
export const dayNumberOfDate = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);

/** Whether a day has anything worth storing. */
export const hasData = (d: DaySummary) =>
  d.readings > 0 || d.meals > 0 || d.sleepHours !== null || d.exerciseMinutes > 0 || d.lightActivityMinutes > 0 || d.insulinTotal !== null || d.medications > 0;

const round = (x: number, digits = 4) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const finiteOrNull = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : round(x));
const minuteOfDay = (localMs: number) => Math.floor((((localMs % DAY_MS) + DAY_MS) % DAY_MS) / MIN_MS);

/**
 * Aggregates the given local days (day numbers, see {@link dayNumberOfDate}) from their inputs.
 * Returns one summary per requested day, in the order given, including days without any data
 * (see {@link hasData}). This runs in `O(n log n)` for `n` readings plus `O(records)`.
 *
 * @example
 * aggregateDays("Europe/Berlin", [dayNumberOfDate("2024-03-31")], inputs)[0].hours; // 23
 */
export function aggregateDays(tz: string, days: readonly number[], inputs: DayInputs): DaySummary[] {
  const glucose = new Map<string, ReturnType<typeof dailySummary>[number]>();
  const morning = new Map<number, { sum: number; n: number }>();
  const n = inputs.readings.times.length;
  if (n > 0) {
    const series = prepareReadings(Array.from({ length: n }, (_, i) => ({ time: inputs.readings.times[i]!, value: inputs.readings.values[i]! })), tz);
    for (const s of dailySummary(series)) glucose.set(s.date, s);
    for (let i = 0; i < series.times.length; i++) {
      const local = toLocalMs(series.times[i]!, series.tz);
      if (minuteOfDay(local) >= MORNING_END_MINUTES) continue;
      const day = Math.floor(local / DAY_MS);
      const acc = morning.get(day) ?? { sum: 0, n: 0 };
      acc.sum += series.values[i]!;
      acc.n++;
      morning.set(day, acc);
    }
  }
  const byDay = <T>(items: T[], time: (x: T) => number) => {
    const out = new Map<number, T[]>();
    for (const x of items) {
      const day = localDayNumber(time(x), tz);
      const list = out.get(day);
      if (list) list.push(x);
      else out.set(day, [x]);
    }
    return out;
  };
  // Sleep belongs to the day on which it ends, if it ends before 16:00 local time.
  const sleepByDay = new Map<number, DayInputs["sleep"]>();
  for (const s of inputs.sleep) {
    const local = toLocalMs(s.end, tz);
    if (minuteOfDay(local) >= SLEEP_END_BEFORE_MINUTES) continue;
    const day = Math.floor(local / DAY_MS);
    sleepByDay.set(day, [...(sleepByDay.get(day) ?? []), s]);
  }
  const mealsByDay = byDay(inputs.meals, (x) => x.time);
  const activitiesByDay = byDay(inputs.activities, (x) => x.start);
  const insulinByDay = byDay(inputs.insulin, (x) => x.time);
  const medsByDay = byDay(inputs.medications, (x) => x.time);

  return days.map((day) => {
    const date = dayNumberToIsoDate(day);
    const dayStart = startOfLocalDay(day, tz);
    const dayEnd = startOfLocalDay(day + 1, tz);
    const g = glucose.get(date);
    const m = morning.get(day);

    const sleep = sleepByDay.get(day) ?? [];
    let sleepMs = 0;
    let qualityWeighted = 0;
    let qualityMs = 0;
    let awakenings: number | null = null;
    for (const s of sleep) {
      const ms = s.end - s.start;
      sleepMs += ms;
      if (s.quality !== null) {
        qualityWeighted += s.quality * ms;
        qualityMs += ms;
      }
      if (s.awakenings !== null) awakenings = (awakenings ?? 0) + s.awakenings;
    }

    const meals = mealsByDay.get(day) ?? [];
    let carbs: number | null = null;
    let lateMeals = 0;
    let lastMealMinute: number | null = null;
    for (const meal of meals) {
      if (meal.carbs !== null) carbs = (carbs ?? 0) + meal.carbs;
      const minute = minuteOfDay(toLocalMs(meal.time, tz));
      if (minute > LATE_MEAL_AFTER_MINUTES) lateMeals++;
      lastMealMinute = Math.max(lastMealMinute ?? 0, minute);
    }

    let exerciseMinutes = 0;
    let lightActivityMinutes = 0;
    let steps: number | null = null;
    let intensity: Intensity | null = null;
    const rank = { low: 1, moderate: 2, high: 3 } as const;
    for (const a of activitiesByDay.get(day) ?? []) {
      const minutes = (a.end - a.start) / MIN_MS;
      if (a.intensity === "low") lightActivityMinutes += minutes;
      else exerciseMinutes += minutes;
      if (a.steps !== null) steps = (steps ?? 0) + a.steps;
      const level = a.intensity ?? "moderate";
      if (intensity === null || rank[level] > rank[intensity]) intensity = level;
    }

    let bolus: number | null = null;
    let basal: number | null = null;
    for (const dose of insulinByDay.get(day) ?? []) {
      if (dose.kind === "long" || dose.kind === "basal") basal = (basal ?? 0) + dose.units;
      else bolus = (bolus ?? 0) + dose.units;
    }
    const meds = medsByDay.get(day) ?? [];
    const firstMed = meds.length ? Math.min(...meds.map((x) => minuteOfDay(toLocalMs(x.time, tz)))) : null;

    return {
      date,
      dayStart,
      dayEnd,
      hours: (dayEnd - dayStart) / 3_600_000,
      timezone: tz,
      readings: g?.readings ?? 0,
      coveragePercent: g ? round(g.coverage_percent, 2) : 0,
      mean: finiteOrNull(g?.mean),
      sd: finiteOrNull(g?.sd),
      cv: finiteOrNull(g?.cv),
      gmi: finiteOrNull(g?.gmi),
      min: finiteOrNull(g?.min),
      max: finiteOrNull(g?.max),
      below54: finiteOrNull(g?.below_54),
      below70: finiteOrNull(g?.below_70),
      inRange: finiteOrNull(g?.in_range_70_180),
      above180: finiteOrNull(g?.above_180),
      above250: finiteOrNull(g?.above_250),
      morningMean: m ? round(m.sum / m.n) : null,
      sleepHours: sleep.length ? round(sleepMs / 3_600_000) : null,
      sleepQuality: qualityMs > 0 ? round(qualityWeighted / qualityMs) : null,
      awakenings,
      meals: meals.length,
      carbs: carbs === null ? null : round(carbs, 2),
      lateMeals,
      lastMealMinute,
      exerciseMinutes: round(exerciseMinutes, 2),
      lightActivityMinutes: round(lightActivityMinutes, 2),
      exerciseIntensity: intensity,
      steps,
      insulinBolus: bolus === null ? null : round(bolus, 2),
      insulinBasal: basal === null ? null : round(basal, 2),
      insulinTotal: bolus === null && basal === null ? null : round((bolus ?? 0) + (basal ?? 0), 2),
      medications: meds.length,
      firstMedicationMinute: firstMed,
    };
  });
}
