/**
 * @module worker/insights/pipeline/backfill
 * Back-fill of daily summaries when older data arrives (an import of last month): ingestion calls
 * {@link scheduleBackfill} with the times it stored, and the local days before today that they
 * touch are queued for re-aggregation (today is aggregated by the hourly cron after it ends).
 * Runs after the response (`waitUntil`); a failure is logged and never fails the upload.
 *
 * Where ingestion calls it: readings bulk upload (worker/routes/glucose.ts). For records, pass the
 * times that decide the day: meals, insulin, medications `time`; activities `start`; sleep `end`.
 */
import { dayNumberToIsoDate, localDayNumber } from "../../../analytics/cgm/index.ts";
import { shardDb } from "../../db/shards.ts";
import { createLogger, errorFields } from "../../lib/log.ts";
import { userSettings } from "../repository.ts";
import type { PipelineEnv } from "./jobs.ts";
import { DAYS_PER_AGGREGATE_MESSAGE, sendAll, type PipelineMessage } from "./messages.ts";

/** The aggregation messages for these local days: sorted, each message spanning at most a month. */
export function backfillMessages(userId: number, dayNumbers: Iterable<number>): PipelineMessage[] {
  const days = [...new Set(dayNumbers)].sort((a, b) => a - b);
  const out: PipelineMessage[] = [];
  let group: number[] = [];
  for (const d of days) {
    if (group.length && (d - group[0]! >= DAYS_PER_AGGREGATE_MESSAGE || group.length >= DAYS_PER_AGGREGATE_MESSAGE)) {
      out.push({ kind: "aggregate", user_id: userId, days: group.map(dayNumberToIsoDate) });
      group = [];
    }
    group.push(d);
  }
  if (group.length) out.push({ kind: "aggregate", user_id: userId, days: group.map(dayNumberToIsoDate) });
  return out;
}

/** Queues re-aggregation of the completed local days touched by `times`. Returns the messages sent. */
export async function enqueueBackfill(env: PipelineEnv, userId: number, times: Iterable<number>, now = Date.now()): Promise<PipelineMessage[]> {
  const user = await userSettings(await shardDb(env, userId), userId);
  if (!user) return [];
  const today = localDayNumber(now, user.timezone);
  const days = new Set<number>();
  for (const t of times) {
    const d = localDayNumber(t, user.timezone);
    if (d < today) days.add(d);
  }
  const messages = backfillMessages(userId, days);
  await sendAll(env.INSIGHTS_QUEUE, messages);
  return messages;
}

/**
 * A day is aggregated once its user's clock has passed 03:00 the next day, so data younger than
 * 3 hours always belongs to a day that has not been aggregated yet (today, or yesterday before
 * 03:00) and needs no back-fill.
 */
export const NOT_YET_AGGREGATED_MS = 3 * 3600_000;

/**
 * Schedules the back-fill after the response. Cheap when nothing is old: only days before today
 * are queued. Call after the data is stored.
 *
 * @example
 * scheduleBackfill(c.env, c.executionCtx, c.get("user").id, stored.map((x) => x.time));
 */
export function scheduleBackfill(env: PipelineEnv, ctx: Pick<ExecutionContext, "waitUntil">, userId: number, times: readonly number[], now = Date.now()): void {
  // Live uploads touch only days not aggregated yet: skip them without a D1 read (hot path).
  const old = times.filter((t) => t < now - NOT_YET_AGGREGATED_MS);
  if (!old.length) return;
  ctx.waitUntil(
    enqueueBackfill(env, userId, old, now).catch((err: unknown) => createLogger().error("insights.backfill_failed", { user_id: userId, ...errorFields(err) })),
  );
}
