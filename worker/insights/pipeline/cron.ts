/**
 * @module worker/insights/pipeline/cron
 * The Cron Triggers (wrangler.toml `[triggers]`):
 *
 * - hourly (`0 * * * *`): adopt up to ADOPT_PER_HOUR accounts stored before sharding onto their
 *   shards (worker/db/shard-adopt.ts; the rest adopt on their first request); for every active user whose local time is now between 03:00 and 04:00,
 *   queue the aggregation of the previous local day (so every user's day is aggregated once, at
 *   about 3 AM their time, DST included); re-send the messages of jobs that stopped moving, fail
 *   jobs stuck for an hour, and prune old finished jobs;
 * - weekly (`30 4 * * 1`): queue a `start` message for every active user (the consumer starts the
 *   job, or finds the user's running one).
 *
 * "Active" means a CGM reading in the last 7 days (daily) or 14 days (weekly).
 */
import { dayNumberToIsoDate, localDayNumber, toLocalParts } from "../../../analytics/cgm/index.ts";
import type { Db } from "../../db/client.ts";
import { adoptUnplaced } from "../../db/shard-adopt.ts";
import { allShardDbs } from "../../db/shards.ts";
import { createLogger, logLevelOf } from "../../lib/log.ts";
import { activeUsers, allTimezones, markJobFailed, pruneOldJobs, stalledJobs } from "../repository.ts";
import { resendMissing, type PipelineEnv } from "./jobs.ts";
import { sendAll, type PipelineMessage } from "./messages.ts";

export const HOURLY_CRON = "0 * * * *";
export const WEEKLY_CRON = "30 4 * * 1";
/** Local hour at which the previous day is aggregated. */
export const AGGREGATION_HOUR = 3;
const DAY_MS = 86_400_000;
const RESEND_AFTER_MS = 10 * 60_000;
const FAIL_AFTER_MS = 60 * 60_000;
/** Accounts from before sharding adopted per hourly run (each copies all of one account's rows). */
export const ADOPT_PER_HOUR = 50;
/** Finished jobs kept per user (older ones are deleted with their results). */
export const KEEP_JOBS = 5;

/** Queues the aggregation of yesterday for users whose local time is 03:xx at `time`. Returns the messages. */
export async function queueDailyAggregation(env: PipelineEnv, time: number): Promise<PipelineMessage[]> {
  const users: { id: number; timezone: string }[] = [];
  // Each shard's users (the anchors carry the time zone), one shard at a time.
  for (const db of allShardDbs(env)) users.push(...(await dueForAggregation(db, time)));
  const messages: PipelineMessage[] = users.map((u) => ({ kind: "aggregate", user_id: u.id, days: [dayNumberToIsoDate(localDayNumber(time, u.timezone) - 1)] }));
  await sendAll(env.INSIGHTS_QUEUE, messages);
  return messages;
}

async function dueForAggregation(db: Db, time: number): Promise<{ id: number; timezone: string }[]> {
  const zones = (await allTimezones(db)).filter((tz) => {
    try {
      return toLocalParts(time, tz).hour === AGGREGATION_HOUR;
    } catch {
      return false; // an unknown zone: nothing to aggregate by
    }
  });
  return activeUsers(db, time - 7 * DAY_MS, zones);
}

/** Queues a weekly analysis start for every active user. */
export async function queueWeeklyAnalyses(env: PipelineEnv, time: number): Promise<PipelineMessage[]> {
  const users: { id: number }[] = [];
  for (const db of allShardDbs(env)) users.push(...(await activeUsers(db, time - 14 * DAY_MS)));
  const messages: PipelineMessage[] = users.map((u) => ({ kind: "start", user_id: u.id, trigger: "cron" }));
  await sendAll(env.INSIGHTS_QUEUE, messages);
  return messages;
}

/** Re-sends the missing messages of jobs without progress for 10 minutes; fails those stuck for an hour. */
export async function recoverStalledJobs(env: PipelineEnv, time: number): Promise<{ resent: number; failed: number }> {
  let resent = 0;
  let failed = 0;
  for (const db of allShardDbs(env)) {
    for (const job of await stalledJobs(db, time - RESEND_AFTER_MS)) {
      if (job.updatedAt < time - FAIL_AFTER_MS) {
        if (await markJobFailed(db, job.userId, job.id, `The analysis stopped making progress (last step: ${job.stage}) and was stopped.`)) failed++;
      } else {
        resent += await resendMissing(env, job.userId, job.id);
      }
    }
  }
  return { resent, failed };
}

export async function handleScheduled(controller: Pick<ScheduledController, "cron" | "scheduledTime">, env: PipelineEnv): Promise<void> {
  const time = controller.scheduledTime;
  const log = createLogger({ cron: controller.cron }, logLevelOf(env));
  if (controller.cron === WEEKLY_CRON) {
    const started = await queueWeeklyAnalyses(env, time);
    log.info("insights.weekly", { users: started.length });
    return;
  }
  const adoption = await adoptUnplaced(env, ADOPT_PER_HOUR);
  if (adoption.adopted || adoption.failed.length) log.info("shards.adopted", { adopted: adoption.adopted, remaining: adoption.remaining });
  for (const f of adoption.failed) log.error("shards.adoption_failed", { user_id: f.userId, error: f.error });
  const aggregated = await queueDailyAggregation(env, time);
  const recovered = await recoverStalledJobs(env, time);
  let pruned = 0;
  for (const db of allShardDbs(env)) pruned += await pruneOldJobs(db, KEEP_JOBS);
  log.info("insights.hourly", { aggregate_messages: aggregated.length, ...recovered, pruned });
}
