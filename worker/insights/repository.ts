/**
 * @module worker/insights/repository
 * Data access of the insights pipeline: daily summaries, analysis jobs, chunk results and final
 * results (tables in worker/db/schema-insights.ts). Every function that touches one user's rows
 * takes the user id first and filters on it; the few cron sweeps that span users say so.
 */
import { and, asc, desc, eq, gte, inArray, lt, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { activities, insulinDoses, meals, medications, sleepSessions, users } from "../db/schema.ts";
import { dailySummaries, insightChunks, insightJobs, insightResults, insightStages } from "../db/schema-insights.ts";
import type { GlucoseUnit } from "../../vocabulary/units.ts";
import type { DayInputs, DaySummary, Intensity } from "./pipeline/daily.ts";
import { hasData } from "./pipeline/daily.ts";
import type { Plan, Stage } from "./pipeline/plan.ts";

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Users

export async function userSettings(db: Db, userId: number): Promise<{ timezone: string; unit: GlucoseUnit } | null> {
  const row = await db.select({ timezone: users.timezone, unit: users.unit }).from(users).where(eq(users.id, userId)).get();
  return row ?? null;
}

/** Cron sweep across users: the distinct time zones of all accounts. */
export async function allTimezones(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ timezone: users.timezone }).from(users);
  return rows.map((r) => r.timezone);
}

/**
 * Cron sweep across users: accounts with a reading since `since` (optionally only in the given
 * time zones), with their zone. Uses the readings primary key (user_id, time) per user: no scan.
 */
export async function activeUsers(db: Db, since: number, timezones?: readonly string[]): Promise<{ id: number; timezone: string }[]> {
  if (timezones && timezones.length === 0) return [];
  const tzFilter = timezones ? sql` AND u.timezone IN (SELECT value FROM json_each(${JSON.stringify(timezones)}))` : sql``;
  return db.all<{ id: number; timezone: string }>(
    sql`SELECT u.id AS id, u.timezone AS timezone FROM users u WHERE EXISTS (SELECT 1 FROM glucose_readings r WHERE r.user_id = u.id AND r.time >= ${since})${tzFilter} ORDER BY u.id`,
  );
}

// ---------------------------------------------------------------------------------------------
// Raw inputs

/** Readings of one user in [start, end), time order, mg/dL (tenths decoded). */
export async function readingsInRange(db: Db, userId: number, start: number, end: number): Promise<{ times: Float64Array; values: Float64Array }> {
  const res = await db.$client
    .prepare("SELECT time, value_tenths FROM glucose_readings WHERE user_id = ?1 AND time >= ?2 AND time < ?3 ORDER BY time, source_id")
    .bind(userId, start, end)
    .raw<[number, number]>();
  const times = new Float64Array(res.length);
  const values = new Float64Array(res.length);
  for (let i = 0; i < res.length; i++) {
    times[i] = res[i]![0];
    values[i] = res[i]![1] / 10;
  }
  return { times, values };
}

/** Everything the daily aggregation needs for [start, end) (sleep from a day earlier: sessions start the evening before). */
export async function loadDayInputs(db: Db, userId: number, start: number, end: number): Promise<DayInputs> {
  const [readings, sleep, mealRows, activityRows, insulin, meds] = await Promise.all([
    readingsInRange(db, userId, start, end),
    db
      .select({ start: sleepSessions.start, end: sleepSessions.end, quality: sleepSessions.quality, awakenings: sleepSessions.awakenings })
      .from(sleepSessions)
      .where(and(eq(sleepSessions.userId, userId), gte(sleepSessions.start, start - DAY_MS), lt(sleepSessions.start, end))),
    db.select({ time: meals.time, carbs: meals.carbs }).from(meals).where(and(eq(meals.userId, userId), gte(meals.time, start), lt(meals.time, end))),
    db
      .select({ start: activities.start, end: activities.end, intensity: activities.intensity, steps: activities.steps })
      .from(activities)
      .where(and(eq(activities.userId, userId), gte(activities.start, start), lt(activities.start, end))),
    db.select({ time: insulinDoses.time, units: insulinDoses.units, kind: insulinDoses.kind }).from(insulinDoses).where(and(eq(insulinDoses.userId, userId), gte(insulinDoses.time, start), lt(insulinDoses.time, end))),
    db.select({ time: medications.time }).from(medications).where(and(eq(medications.userId, userId), gte(medications.time, start), lt(medications.time, end))),
  ]);
  return {
    readings,
    sleep: sleep.filter((s) => s.end >= start && s.end < end),
    meals: mealRows,
    activities: activityRows.map((a) => ({ ...a, intensity: a.intensity as Intensity | null })),
    insulin,
    medications: meds,
  };
}

// ---------------------------------------------------------------------------------------------
// Daily summaries

type DailyRow = typeof dailySummaries.$inferSelect;

const toDaily = (r: DailyRow): DaySummary & { aggregatedAt: number } => {
  const { userId: _userId, ...rest } = r;
  return rest;
};

/**
 * Stores the summaries: a day with data replaces the stored one, a day without any data deletes
 * it (so re-running a day after its data was deleted leaves no stale row). One D1 batch.
 */
export async function replaceDailySummaries(db: Db, userId: number, days: readonly DaySummary[]): Promise<{ stored: number; deleted: number }> {
  if (!days.length) return { stored: 0, deleted: 0 };
  const now = Date.now();
  const statements = days.map((d) =>
    hasData(d)
      ? db
          .insert(dailySummaries)
          .values({ ...d, userId, aggregatedAt: now })
          .onConflictDoUpdate({ target: [dailySummaries.userId, dailySummaries.date], set: { ...d, aggregatedAt: now } })
      : db.delete(dailySummaries).where(and(eq(dailySummaries.userId, userId), eq(dailySummaries.date, d.date))),
  );
  const [first, ...rest] = statements;
  await db.batch([first!, ...rest]);
  const stored = days.filter(hasData).length;
  return { stored, deleted: days.length - stored };
}

/** Summaries of local dates `[startDate, endDate]` (inclusive, `YYYY-MM-DD`), in date order. */
export async function listDailySummaries(db: Db, userId: number, startDate: string, endDate: string) {
  const rows = await db
    .select()
    .from(dailySummaries)
    .where(and(eq(dailySummaries.userId, userId), gte(dailySummaries.date, startDate), lte(dailySummaries.date, endDate)))
    .orderBy(asc(dailySummaries.date));
  return rows.map(toDaily);
}

// ---------------------------------------------------------------------------------------------
// Jobs

export type JobStatus = "queued" | "running" | "done" | "failed";

export interface Job {
  id: string;
  userId: number;
  status: JobStatus;
  stage: string;
  trigger: "api" | "cron";
  periodDays: number;
  periodStart: number;
  periodEnd: number;
  timezone: string;
  plan: Plan;
  plannedChunks: number;
  doneChunks: number;
  error: string | null;
  lastChunkError: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

const toJob = (r: typeof insightJobs.$inferSelect): Job => ({ ...r, plan: JSON.parse(r.plan) as Plan });

export type NewJob = Pick<Job, "id" | "trigger" | "periodDays" | "periodStart" | "periodEnd" | "timezone" | "plan" | "plannedChunks">;

/**
 * Creates a queued job unless the user already has a queued or running one (the partial unique
 * index `insight_jobs_one_active` decides, so two concurrent requests cannot both start one).
 * Returns whether the job was created.
 */
export async function insertJob(db: Db, userId: number, job: NewJob): Promise<boolean> {
  const res = await db
    .insert(insightJobs)
    .values({ ...job, userId, plan: JSON.stringify(job.plan), status: "queued", stage: "prepare" })
    .onConflictDoNothing()
    .run();
  return res.meta.changes > 0;
}

export async function findJob(db: Db, userId: number, jobId: string): Promise<Job | null> {
  const row = await db
    .select()
    .from(insightJobs)
    .where(and(eq(insightJobs.userId, userId), eq(insightJobs.id, jobId)))
    .get();
  return row ? toJob(row) : null;
}

export async function findActiveJob(db: Db, userId: number): Promise<Job | null> {
  const row = await db
    .select()
    .from(insightJobs)
    .where(and(eq(insightJobs.userId, userId), inArray(insightJobs.status, ["queued", "running"])))
    .get();
  return row ? toJob(row) : null;
}

/** Marks a queued or running job failed (a finished job keeps its status). Returns whether it changed. */
export async function markJobFailed(db: Db, userId: number, jobId: string, reason: string): Promise<boolean> {
  const now = Date.now();
  const res = await db
    .update(insightJobs)
    .set({ status: "failed", error: reason, updatedAt: now, finishedAt: now })
    .where(and(eq(insightJobs.userId, userId), eq(insightJobs.id, jobId), inArray(insightJobs.status, ["queued", "running"])))
    .run();
  return res.meta.changes > 0;
}

export async function recordChunkError(db: Db, userId: number, jobId: string, text: string): Promise<void> {
  await db
    .update(insightJobs)
    .set({ lastChunkError: text.slice(0, 1000), updatedAt: Date.now() })
    .where(and(eq(insightJobs.userId, userId), eq(insightJobs.id, jobId)))
    .run();
}

/** Finished chunks per stage. */
export async function chunkCounts(db: Db, userId: number, jobId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ stage: insightChunks.stage, n: sql<number>`count(*)` })
    .from(insightChunks)
    .where(and(eq(insightChunks.userId, userId), eq(insightChunks.jobId, jobId)))
    .groupBy(insightChunks.stage);
  return new Map(rows.map((r) => [r.stage, r.n]));
}

/** Whether the chunk (job, stage, part) is stored. */
export async function chunkExists(db: Db, userId: number, jobId: string, stage: Stage, part: number): Promise<boolean> {
  const row = await db
    .select({ part: insightChunks.part })
    .from(insightChunks)
    .where(and(eq(insightChunks.userId, userId), eq(insightChunks.jobId, jobId), eq(insightChunks.stage, stage), eq(insightChunks.part, part)))
    .get();
  return row !== undefined;
}

/** The JSON results of a stage's chunks, by part. */
export async function chunkResults<T>(db: Db, userId: number, jobId: string, stage: Stage): Promise<Map<number, T>> {
  const rows = await db
    .select({ part: insightChunks.part, result: insightChunks.result })
    .from(insightChunks)
    .where(and(eq(insightChunks.userId, userId), eq(insightChunks.jobId, jobId), eq(insightChunks.stage, stage)))
    .orderBy(asc(insightChunks.part));
  return new Map(rows.map((r) => [r.part, JSON.parse(r.result) as T]));
}

/** The binary data (base64 text) of a stage's chunks, by part; parts without data are left out. */
export async function chunkData(db: Db, userId: number, jobId: string, stage: Stage, part?: number): Promise<Map<number, string>> {
  const where = [eq(insightChunks.userId, userId), eq(insightChunks.jobId, jobId), eq(insightChunks.stage, stage)];
  if (part !== undefined) where.push(eq(insightChunks.part, part));
  const rows = await db
    .select({ part: insightChunks.part, data: insightChunks.data })
    .from(insightChunks)
    .where(and(...where))
    .orderBy(asc(insightChunks.part));
  return new Map(rows.filter((r) => r.data !== null).map((r) => [r.part, r.data!]));
}

export interface ChunkRow {
  jobId: string;
  stage: Stage;
  part: number;
  result: unknown;
  data?: string | null;
  cpuMs: number;
}

/** The INSERT OR IGNORE of a chunk's result: a second write of the same chunk changes nothing. */
export const insertChunk = (db: Db, userId: number, c: ChunkRow) =>
  db
    .insert(insightChunks)
    .values({ jobId: c.jobId, stage: c.stage, part: c.part, userId, result: JSON.stringify(c.result), data: c.data ?? null, cpuMs: c.cpuMs })
    .onConflictDoNothing();

/**
 * Records progress of a queued or running job: status running, done chunks counted from the chunk
 * table, and (when given) the stage now being worked on.
 */
export async function touchJob(db: Db, userId: number, jobId: string, stage?: Stage): Promise<void> {
  await db
    .update(insightJobs)
    .set({
      doneChunks: sql`(SELECT count(*) FROM insight_chunks WHERE job_id = ${jobId})`,
      ...(stage ? { stage } : {}),
      status: sql`CASE WHEN ${insightJobs.status} = 'queued' THEN 'running' ELSE ${insightJobs.status} END`,
      updatedAt: Date.now(),
    })
    .where(and(eq(insightJobs.userId, userId), eq(insightJobs.id, jobId), inArray(insightJobs.status, ["queued", "running"])))
    .run();
}

/**
 * Claims stages for sending: INSERT OR IGNORE one row per (job, stage); the stages whose row this
 * call inserted are returned, and only their claimer sends their messages.
 */
export async function claimStages(db: Db, jobId: string, stages: readonly Stage[]): Promise<Stage[]> {
  if (!stages.length) return [];
  const statements = stages.map((stage) => db.insert(insightStages).values({ jobId, stage }).onConflictDoNothing());
  const [first, ...rest] = statements;
  const results = await db.batch([first!, ...rest]);
  return stages.filter((_, i) => (results[i] as unknown as D1Result).meta.changes > 0);
}

/** Undoes claims whose messages could not be sent, so the retried chunk claims them again. */
export async function releaseStages(db: Db, jobId: string, stages: readonly Stage[]): Promise<void> {
  if (stages.length) await db.delete(insightStages).where(and(eq(insightStages.jobId, jobId), inArray(insightStages.stage, [...stages]))).run();
}

export async function claimedStages(db: Db, jobId: string): Promise<Stage[]> {
  const rows = await db.select({ stage: insightStages.stage }).from(insightStages).where(eq(insightStages.jobId, jobId));
  return rows.map((r) => r.stage as Stage);
}

/** Parts of a stage already stored. */
export async function storedParts(db: Db, userId: number, jobId: string, stage: Stage): Promise<Set<number>> {
  const rows = await db
    .select({ part: insightChunks.part })
    .from(insightChunks)
    .where(and(eq(insightChunks.userId, userId), eq(insightChunks.jobId, jobId), eq(insightChunks.stage, stage)));
  return new Set(rows.map((r) => r.part));
}

/**
 * Statements that finish a job: its results (INSERT OR IGNORE, so a second finaliser changes
 * nothing), status done, and the binary partials cleared (they are only needed while it runs).
 */
export function finishJobStatements(db: Db, userId: number, jobId: string, results: Record<string, unknown>) {
  const now = Date.now();
  return [
    ...Object.entries(results).map(([kind, data]) => db.insert(insightResults).values({ jobId, kind, userId, data: JSON.stringify(data) }).onConflictDoNothing()),
    db
      .update(insightJobs)
      .set({ status: "done", stage: "finalize", finishedAt: now, updatedAt: now, doneChunks: sql`${insightJobs.plannedChunks}` })
      .where(and(eq(insightJobs.userId, userId), eq(insightJobs.id, jobId), inArray(insightJobs.status, ["queued", "running"]))),
    db.update(insightChunks).set({ data: null }).where(and(eq(insightChunks.userId, userId), eq(insightChunks.jobId, jobId))),
  ];
}

/** The latest finished job's result of a kind, with the job it came from. */
export async function latestResult<T>(db: Db, userId: number, kind: string): Promise<{ job: Job; data: T } | null> {
  const row = await db
    .select({ job: insightJobs, data: insightResults.data })
    .from(insightResults)
    .innerJoin(insightJobs, eq(insightJobs.id, insightResults.jobId))
    .where(and(eq(insightResults.userId, userId), eq(insightResults.kind, kind), eq(insightJobs.status, "done")))
    .orderBy(desc(insightJobs.finishedAt))
    .limit(1)
    .get();
  return row ? { job: toJob(row.job), data: JSON.parse(row.data) as T } : null;
}

/** All results of one job, by kind. */
export async function jobResults(db: Db, userId: number, jobId: string): Promise<Map<string, unknown>> {
  const rows = await db
    .select({ kind: insightResults.kind, data: insightResults.data })
    .from(insightResults)
    .where(and(eq(insightResults.userId, userId), eq(insightResults.jobId, jobId)));
  return new Map(rows.map((r) => [r.kind, JSON.parse(r.data) as unknown]));
}

/** CPU figures of a job's chunks: the largest (and which) and the sum. */
export async function jobTimings(db: Db, userId: number, jobId: string): Promise<{ largestMs: number; largest: string | null; totalMs: number }> {
  const rows = await db
    .select({ stage: insightChunks.stage, part: insightChunks.part, cpuMs: insightChunks.cpuMs })
    .from(insightChunks)
    .where(and(eq(insightChunks.userId, userId), eq(insightChunks.jobId, jobId)));
  let largest: (typeof rows)[number] | null = null;
  let total = 0;
  for (const r of rows) {
    total += r.cpuMs;
    if (!largest || r.cpuMs > largest.cpuMs) largest = r;
  }
  return { largestMs: largest?.cpuMs ?? 0, largest: largest ? `${largest.stage} ${largest.part}` : null, totalMs: total };
}

// ---------------------------------------------------------------------------------------------
// Cron sweeps (across users)

/** Cron sweep across users: queued or running jobs without progress since `before`. */
export async function stalledJobs(db: Db, before: number): Promise<Job[]> {
  const rows = await db
    .select()
    .from(insightJobs)
    .where(and(inArray(insightJobs.status, ["queued", "running"]), lt(insightJobs.updatedAt, before)));
  return rows.map(toJob);
}

/** Cron sweep across users: deletes finished jobs beyond the newest `keep` of each user (results cascade). */
export async function pruneOldJobs(db: Db, keep: number): Promise<number> {
  const res = await db.run(sql`DELETE FROM insight_jobs WHERE status IN ('done', 'failed') AND id IN (
      SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY created_at DESC) AS rn FROM insight_jobs WHERE status IN ('done', 'failed')) WHERE rn > ${keep})`);
  return res.meta.changes;
}
