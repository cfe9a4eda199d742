/**
 * @module worker/db/schema-insights
 * Tables of the insights pipeline (worker/insights/pipeline/): daily summaries, analysis jobs, their chunk
 * results and final results. Kept apart from schema.ts while other work lands there; the SQL is
 * migrations/0002_insights.sql, written by hand to match these definitions exactly.
 *
 * Conventions as in schema.ts: times are epoch milliseconds (UTC) in INTEGER columns; every table
 * has `user_id` referencing users(id) ON DELETE CASCADE; glucose values are stored in mg/dL (the
 * API converts to the user's unit when it answers).
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { owner } from "./schema.ts";

const now = () => sql`(unixepoch('subsec') * 1000)`;

/**
 * One row per user and local calendar day (the user's time zone, so 23 or 25 hours on DST days):
 * the day's glucose summary and lifestyle features. Written by the daily aggregation (hourly cron,
 * back-fill after imports, and every analysis job for its period); re-aggregating a day replaces it.
 */
export const dailySummaries = sqliteTable(
  "daily_summaries",
  {
    userId: owner(),
    /** Local date `YYYY-MM-DD`. */
    date: text("date").notNull(),
    /** Epoch ms of the local midnight that starts the day, and of the next one. */
    dayStart: integer("day_start").notNull(),
    dayEnd: integer("day_end").notNull(),
    /** 24, or 23 / 25 on DST transition days. */
    hours: real("hours").notNull(),
    timezone: text("timezone").notNull(),
    // Glucose (mg/dL; percentages of the day's readings). NULL when the day has no reading.
    readings: integer("readings").notNull(),
    coveragePercent: real("coverage_percent").notNull(),
    mean: real("mean"),
    sd: real("sd"),
    cv: real("cv"),
    gmi: real("gmi"),
    min: real("min"),
    max: real("max"),
    below54: real("below_54"),
    below70: real("below_70"),
    inRange: real("in_range"),
    above180: real("above_180"),
    above250: real("above_250"),
    /** Mean of the readings from local 00:00 to 10:00 (overnight and morning). */
    morningMean: real("morning_mean"),
    // Lifestyle. Sleep is the night before the day (sessions ending between local 00:00 and 16:00).
    sleepHours: real("sleep_hours"),
    /** Duration-weighted mean of the sessions' 1–5 quality. */
    sleepQuality: real("sleep_quality"),
    awakenings: integer("awakenings"),
    meals: integer("meals").notNull(),
    carbs: real("carbs"),
    /** Meals starting after 21:00 local time. */
    lateMeals: integer("late_meals").notNull(),
    /** Local minutes after midnight of the day's last meal. */
    lastMealMinute: integer("last_meal_minute"),
    /** Minutes of moderate, high or unrated activity. */
    exerciseMinutes: real("exercise_minutes").notNull(),
    /** Minutes of low-intensity activity (walks). */
    lightActivityMinutes: real("light_activity_minutes").notNull(),
    /** Highest intensity of the day's activities. */
    exerciseIntensity: text("exercise_intensity", { enum: ["low", "moderate", "high"] }),
    steps: integer("steps"),
    insulinBolus: real("insulin_bolus"),
    insulinBasal: real("insulin_basal"),
    insulinTotal: real("insulin_total"),
    medications: integer("medications").notNull(),
    /** Local minutes after midnight of the day's first medication. */
    firstMedicationMinute: integer("first_medication_minute"),
    aggregatedAt: integer("aggregated_at").notNull().default(now()),
  },
  (t) => [primaryKey({ columns: [t.userId, t.date] })],
);

/**
 * Analysis jobs. At most one queued or running job per user (partial unique index). `planned_chunks`
 * is fixed when the job is created; progress is `done_chunks / planned_chunks`.
 */
export const insightJobs = sqliteTable(
  "insight_jobs",
  {
    id: text("id").primaryKey(),
    userId: owner(),
    status: text("status", { enum: ["queued", "running", "done", "failed"] }).notNull(),
    /** The stage most recently worked on (shown to the user while the job runs). */
    stage: text("stage").notNull(),
    trigger: text("trigger", { enum: ["api", "cron"] }).notNull(),
    periodDays: integer("period_days").notNull(),
    /** The analysed range: whole local days, [period_start, period_end). */
    periodStart: integer("period_start").notNull(),
    periodEnd: integer("period_end").notNull(),
    timezone: text("timezone").notNull(),
    /** JSON: the chunk plan, stage name → number of parts. */
    plan: text("plan").notNull(),
    plannedChunks: integer("planned_chunks").notNull(),
    doneChunks: integer("done_chunks").notNull().default(0),
    /** Why the job failed (shown to the user). */
    error: text("error"),
    /** The last chunk failure (stage, part, attempt, message), kept while retries run. */
    lastChunkError: text("last_chunk_error"),
    createdAt: integer("created_at").notNull().default(now()),
    updatedAt: integer("updated_at").notNull().default(now()),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    index("insight_jobs_user_created").on(t.userId, t.createdAt),
    uniqueIndex("insight_jobs_one_active").on(t.userId).where(sql`"status" in ('queued', 'running')`),
  ],
);

/**
 * One row per finished chunk, keyed by (job, stage, part) and written with INSERT OR IGNORE: a
 * redelivered message finds its row and recomputes nothing, and a chunk is never stored twice.
 * `result` is JSON; `data` holds binary partials (the prepared series, matrix-profile partials) as
 * base64 text, cleared when the job finishes. Text, not BLOB: D1 moves a bound BLOB as an array of
 * numbers (a 640 KB partial took ~2 s to insert locally), base64 text of the same bytes ~0.1 s.
 */
export const insightChunks = sqliteTable(
  "insight_chunks",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => insightJobs.id, { onDelete: "cascade" }),
    stage: text("stage").notNull(),
    part: integer("part").notNull(),
    userId: owner(),
    result: text("result").notNull(),
    data: text("data"),
    /** CPU-bound compute time of the chunk, measured around the computation (ms). */
    cpuMs: real("cpu_ms").notNull(),
    createdAt: integer("created_at").notNull().default(now()),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.stage, t.part] }), index("insight_chunks_user").on(t.userId)],
);

/** Stages whose messages have been sent: the one consumer that inserts the row sends them. */
export const insightStages = sqliteTable(
  "insight_stages",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => insightJobs.id, { onDelete: "cascade" }),
    stage: text("stage").notNull(),
    enqueuedAt: integer("enqueued_at").notNull().default(now()),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.stage] })],
);

/** Final results of a job, one JSON document per kind (correlations, causal, patterns, rules, metrics). */
export const insightResults = sqliteTable(
  "insight_results",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => insightJobs.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    userId: owner(),
    data: text("data").notNull(),
    createdAt: integer("created_at").notNull().default(now()),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.kind] }), index("insight_results_user_kind").on(t.userId, t.kind)],
);
