/**
 * @module worker/insights/pipeline/jobs
 * Analysis jobs: starting one (one per user at a time) and moving it forward. After each stored
 * chunk, `advance` finds the stages whose dependencies are now complete and claims them in D1
 * (INSERT OR IGNORE of (job, stage)); only the consumer whose insert won sends that stage's
 * messages, so a stage is sent once however many chunks finish at the same moment. A chunk that
 * arrives before its dependencies are complete is dropped (it can only be a stray or reordered
 * copy: the claimer sends the stage again once they are complete).
 */
import { localDayNumber, startOfLocalDay } from "../../../analytics/cgm/index.ts";
import type { Db } from "../../db/client.ts";
import { shardDb, type ShardEnv } from "../../db/shards.ts";
import { accountGone } from "../../lib/errors.ts";
import {
  chunkCounts,
  claimedStages,
  claimStages,
  findActiveJob,
  findJob,
  insertJob,
  markJobFailed,
  releaseStages,
  storedParts,
  touchJob,
  userSettings,
  type Job,
} from "../repository.ts";
import { sendAll, type ChunkMessage, type PipelineQueue } from "./messages.ts";
import { plannedChunks, planJob, readyStages, STAGES, type Stage } from "./plan.ts";

/** The bindings the pipeline uses (a test can pass a recording queue). */
export interface PipelineEnv extends ShardEnv {
  DB: D1Database;
  INSIGHTS_QUEUE: PipelineQueue;
  /** Optional counters (worker/lib/metrics.ts) and log level (worker/lib/log.ts). */
  METRICS?: AnalyticsEngineDataset;
  LOG_LEVEL?: string;
}

export const DEFAULT_PERIOD_DAYS = 90;
export const MIN_PERIOD_DAYS = 7;
/** The matrix-profile partials of longer periods would exceed D1's 2 MB value limit. */
export const MAX_PERIOD_DAYS = 180;
/** A queued or running job without progress for this long is abandoned when a new one is asked for. */
export const ABANDON_AFTER_MS = 30 * 60_000;

export const chunkMessage = (job: Pick<Job, "id" | "userId">, stage: Stage, part: number): ChunkMessage => ({ kind: "chunk", job_id: job.id, user_id: job.userId, stage, part });

/**
 * Starts an analysis of the user's last `periodDays` complete local days, or returns the job that
 * is already queued or running (one job per user at a time; `created` tells which). The period
 * and the chunk plan are fixed here.
 */
export async function startAnalysis(env: PipelineEnv, userId: number, options: { periodDays?: number; trigger: "api" | "cron"; now?: number }): Promise<{ job: Job; created: boolean }> {
  const db = await shardDb(env, userId);
  const user = await userSettings(db, userId);
  // Deleted (a request or a queued start that outlived the account): answered 401, or dropped.
  if (!user) throw accountGone();
  const now = options.now ?? Date.now();
  const periodDays = options.periodDays ?? DEFAULT_PERIOD_DAYS;
  for (let attempt = 0; attempt < 2; attempt++) {
    const active = await findActiveJob(db, userId);
    if (active) {
      if (now - active.updatedAt < ABANDON_AFTER_MS) return { job: active, created: false };
      await markJobFailed(db, userId, active.id, "The analysis stopped making progress and was abandoned when a new one was requested.");
    }
    const today = localDayNumber(now, user.timezone);
    const periodEnd = startOfLocalDay(today, user.timezone);
    const periodStart = startOfLocalDay(today - periodDays, user.timezone);
    const plan = planJob(periodStart, periodEnd);
    const id = crypto.randomUUID();
    const created = await insertJob(db, userId, { id, trigger: options.trigger, periodDays, periodStart, periodEnd, timezone: user.timezone, plan, plannedChunks: plannedChunks(plan) });
    if (!created) continue; // another request won the race: report its job
    await claimStages(db, id, ["prepare"]);
    try {
      await sendAll(env.INSIGHTS_QUEUE, [chunkMessage({ id, userId }, "prepare", 0)]);
    } catch (err) {
      await markJobFailed(db, userId, id, "The analysis could not be queued; please try again.");
      throw err;
    }
    return { job: (await findJob(db, userId, id))!, created: true };
  }
  const active = await findActiveJob(db, userId);
  if (!active) throw new Error("startAnalysis: could not create a job");
  return { job: active, created: false };
}

/** Messages for the parts of `stages` that are not stored yet. */
async function missingParts(db: Db, job: Job, stages: readonly Stage[], counts: ReadonlyMap<string, number>): Promise<ChunkMessage[]> {
  const out: ChunkMessage[] = [];
  for (const stage of stages) {
    const stored = (counts.get(stage) ?? 0) > 0 ? await storedParts(db, job.userId, job.id, stage) : new Set<number>();
    for (let part = 0; part < job.plan[stage]; part++) if (!stored.has(part)) out.push(chunkMessage(job, stage, part));
  }
  return out;
}

/**
 * Moves a job forward after a chunk was stored: updates its progress, then claims and sends
 * every stage that has become ready. If sending fails the claims are released and the error is
 * thrown, so the chunk's message is retried and tries again.
 */
export async function advance(env: PipelineEnv, job: Job): Promise<void> {
  const db = await shardDb(env, job.userId);
  await touchJob(db, job.userId, job.id);
  const counts = await chunkCounts(db, job.userId, job.id);
  const ready = readyStages(job.plan, counts);
  if (!ready.length) return;
  const claimed = await claimStages(db, job.id, ready);
  if (!claimed.length) return;
  try {
    await sendAll(env.INSIGHTS_QUEUE, await missingParts(db, job, claimed, counts));
  } catch (err) {
    await releaseStages(db, job.id, claimed);
    throw err;
  }
}

/**
 * Recovery for a job that stopped moving (a lost message, a crash between a claim and its send):
 * sends again every missing part of the stages already claimed, and advances. Duplicates are
 * harmless (chunks are idempotent). Returns the number of messages sent.
 */
export async function resendMissing(env: PipelineEnv, userId: number, jobId: string): Promise<number> {
  const db = await shardDb(env, userId);
  const job = await findJob(db, userId, jobId);
  if (!job || (job.status !== "queued" && job.status !== "running")) return 0;
  const counts = await chunkCounts(db, userId, jobId);
  const claimed = new Set(await claimedStages(db, jobId));
  const stages = STAGES.filter((s) => claimed.has(s) && (counts.get(s) ?? 0) < job.plan[s]);
  const messages = await missingParts(db, job, stages, counts);
  await sendAll(env.INSIGHTS_QUEUE, messages);
  await advance(env, job);
  return messages.length;
}
