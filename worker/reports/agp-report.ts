/**
 * @module worker/reports/agp-report
 * Everything the clinician AGP report shows, gathered for one user and period: the API's AGP
 * answer (percentiles by time of day and the consensus metrics, worker/insights/views.ts
 * `agpView`, so the report's numbers are the API's numbers), the traces of the most recent days,
 * and the daily carbohydrate and insulin totals from the meal and insulin records. Glucose in the
 * user's unit, days and times of day on the user's clock.
 */
import { and, eq, gte, lt } from "drizzle-orm";
import { dayNumberToIsoDate, localDayNumber, startOfLocalDay, toLocalMs } from "../../analytics/cgm/index.ts";
import type { Db } from "../db/client.ts";
import { insulinDoses, meals } from "../db/schema.ts";
import type { GlucoseUnit } from "../../vocabulary/units.ts";
import { readingsInRange } from "../insights/repository.ts";
import { agpView } from "../insights/views.ts";
import { glucoseValue } from "../insights/sentences.ts";

const DAY_MS = 86_400_000;
/** The consensus report shows the daily profiles of the most recent 14 days. */
export const DAILY_PROFILE_DAYS = 14;

export interface ReportOwner {
  id: number;
  name: string;
  unit: GlucoseUnit;
  timezone: string;
}

export interface DayTrace {
  /** Local date YYYY-MM-DD. */
  date: string;
  /** Minutes after local midnight of each reading. */
  minute: number[];
  /** Glucose in the user's unit. */
  value: number[];
}

export interface TherapySummary {
  /** Local days of the period with at least one meal / insulin record. */
  days_with_meals: number;
  days_with_insulin: number;
  /** Means over the days with records of that kind (null without any). */
  meals_per_day: number | null;
  carbs_g_per_day: number | null;
  bolus_units_per_day: number | null;
  basal_units_per_day: number | null;
  total_units_per_day: number | null;
}

export type AgpReport = ReturnType<typeof buildAgpReport>;

const r1 = (x: number) => Math.round(x * 10) / 10;

/** The report's period: the last `days` complete local days before `now`, as `GET /insights/agp?days=` takes them. */
export function reportPeriod(days: number, tz: string, now: number) {
  const today = localDayNumber(now, tz);
  return { today, firstDay: today - days, start: startOfLocalDay(today - days, tz), end: startOfLocalDay(today, tz) };
}

/** Reads the period's readings and meal and insulin records (once each) and builds the report. */
export async function loadAgpReport(db: Db, owner: ReportOwner, days: number, now = Date.now()): Promise<AgpReport> {
  const { start, end } = reportPeriod(days, owner.timezone, now);
  const [readings, mealRows, doseRows] = await Promise.all([
    readingsInRange(db, owner.id, start, end),
    db.select({ time: meals.time, carbs: meals.carbs }).from(meals).where(and(eq(meals.userId, owner.id), gte(meals.time, start), lt(meals.time, end))),
    db.select({ time: insulinDoses.time, units: insulinDoses.units, kind: insulinDoses.kind }).from(insulinDoses).where(and(eq(insulinDoses.userId, owner.id), gte(insulinDoses.time, start), lt(insulinDoses.time, end))),
  ]);
  return buildAgpReport({ owner, days, now, readings, meals: mealRows, doses: doseRows });
}

/** The report from the period's data (pure: the rows of {@link loadAgpReport}). */
export function buildAgpReport(input: {
  owner: Pick<ReportOwner, "name" | "unit" | "timezone">;
  days: number;
  now: number;
  readings: { times: Float64Array; values: Float64Array };
  meals: { time: number; carbs: number | null }[];
  doses: { time: number; units: number; kind: string }[];
}) {
  const { owner, days, now, readings } = input;
  const { timezone: tz, unit } = owner;
  const { today, firstDay, start, end } = reportPeriod(days, tz, now);
  const agp = agpView({ unit, days, start, end, timezone: tz, readings });

  // Day traces of the most recent days; the count of days with data over the whole period.
  const traceFrom = Math.max(firstDay, today - DAILY_PROFILE_DAYS);
  const traces = new Map<number, DayTrace>();
  for (let d = traceFrom; d < today; d++) traces.set(d, { date: dayNumberToIsoDate(d), minute: [], value: [] });
  const daysWithData = new Set<number>();
  for (let i = 0; i < readings.times.length; i++) {
    const local = toLocalMs(readings.times[i]!, tz);
    const day = Math.floor(local / DAY_MS);
    daysWithData.add(day);
    const trace = traces.get(day);
    if (!trace) continue;
    trace.minute.push(Math.floor((local - day * DAY_MS) / 60_000));
    trace.value.push(glucoseValue(readings.values[i]!, unit));
  }

  return {
    patient: { name: owner.name },
    unit,
    timezone: tz,
    days,
    first_date: dayNumberToIsoDate(firstDay),
    last_date: dayNumberToIsoDate(today - 1),
    days_with_data: daysWithData.size,
    agp,
    daily: [...traces.values()],
    therapy: therapySummary(input.meals, input.doses, tz),
    generated_at: new Date(now).toISOString(),
  };
}

/** Daily carbohydrate and insulin totals per local day, averaged over the days that have them. */
function therapySummary(mealRows: { time: number; carbs: number | null }[], doseRows: { time: number; units: number; kind: string }[], tz: string): TherapySummary {
  const mealDays = new Map<number, { meals: number; carbs: number; withCarbs: boolean }>();
  for (const m of mealRows) {
    const day = localDayNumber(m.time, tz);
    const d = mealDays.get(day) ?? { meals: 0, carbs: 0, withCarbs: false };
    d.meals++;
    if (m.carbs !== null) {
      d.carbs += m.carbs;
      d.withCarbs = true;
    }
    mealDays.set(day, d);
  }
  const doseDays = new Map<number, { bolus: number; basal: number }>();
  for (const x of doseRows) {
    const day = localDayNumber(x.time, tz);
    const d = doseDays.get(day) ?? { bolus: 0, basal: 0 };
    // Long-acting and basal doses are basal; rapid and bolus doses are bolus (as the daily summaries count them).
    if (x.kind === "long" || x.kind === "basal") d.basal += x.units;
    else d.bolus += x.units;
    doseDays.set(day, d);
  }
  const mean = (xs: number[]) => (xs.length ? r1(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
  const carbDays = [...mealDays.values()].filter((d) => d.withCarbs);
  const doses = [...doseDays.values()];
  return {
    days_with_meals: mealDays.size,
    days_with_insulin: doseDays.size,
    meals_per_day: mean([...mealDays.values()].map((d) => d.meals)),
    carbs_g_per_day: mean(carbDays.map((d) => d.carbs)),
    bolus_units_per_day: mean(doses.map((d) => d.bolus)),
    basal_units_per_day: mean(doses.map((d) => d.basal)),
    total_units_per_day: mean(doses.map((d) => d.bolus + d.basal)),
  };
}
