/**
 * @module worker/insights/pipeline/consumer
 * The Queue consumer of the insights pipeline. Each message is handled on its own and acked as
 * soon as it is done (a failure at message 3 does not redo messages 1–2):
 *
 * - `chunk`: one part of an analysis job. Its result is stored in D1 under (job, stage, part) with
 *   INSERT OR IGNORE; a redelivered message finds the row and recomputes nothing. A chunk that
 *   throws is retried with exponential backoff (`message.retry({ delaySeconds })`); after
 *   `max_retries` (wrangler.toml) the platform moves it to the dead-letter queue, whose consumer
 *   marks the job failed with the last error.
 * - `aggregate`: (re)aggregates some local days of one user (idempotent: replaces them).
 * - `start`: starts an analysis job (weekly cron).
 *
 * Messages that do not parse, or that name a job of another user, are dropped (acked) with a log line.
 */
import { failBridgeBackfill, processBridgeBackfill } from "../../bridges/backfill.ts";
import { shardDb } from "../../db/shards.ts";
import type { Bindings } from "../../env.ts";
import { isAccountGone } from "../../lib/errors.ts";
import { createLogger, logLevelOf, type LogFields, type Logger } from "../../lib/log.ts";
import { recordMetric } from "../../lib/metrics.ts";
import { chunkCounts, chunkExists, findJob, insertChunk, loadDayInputs, markJobFailed, recordChunkError, replaceDailySummaries, touchJob, userSettings } from "../repository.ts";
import { aggregateDays, dayNumberOfDate, inputRange } from "./daily.ts";
import { advance, startAnalysis, type PipelineEnv } from "./jobs.ts";
import { isQueueProbe, PipelineMessage, type AggregateMessage, type ChunkMessage } from "./messages.ts";
import { dependenciesComplete, STAGE_LABELS } from "./plan.ts";
import { STAGE_HANDLERS } from "./stages/index.ts";

/** Backoff of a failed message: 10 s, 20 s, 40 s, … capped at 5 minutes. */
export const retryDelaySeconds = (attempts: number) => Math.min(300, 10 * 2 ** Math.max(0, attempts - 1));

/** A logger for work outside a request (its own request id), at the configured level. */
const pipelineLogger = (env: PipelineEnv, fields: LogFields = {}) => createLogger(fields, logLevelOf(env));

export type ChunkOutcome = "stored" | "redelivered" | "job-finished" | "unknown-job" | "not-planned" | "too-early";

/** Processes one chunk message (exported for tests and the recovery sweep). */
export async function processChunk(msg: ChunkMessage, env: PipelineEnv, log: Logger = pipelineLogger(env)): Promise<ChunkOutcome> {
  const db = await shardDb(env, msg.user_id);
  const job = await findJob(db, msg.user_id, msg.job_id);
  if (!job) return "unknown-job"; // deleted with its user, pruned, or not this user's job
  if (job.status === "done" || job.status === "failed") return "job-finished";
  if (msg.part >= job.plan[msg.stage]) return "not-planned";
  if (await chunkExists(db, msg.user_id, msg.job_id, msg.stage, msg.part)) {
    // Redelivered (or duplicated): nothing is recomputed; advancing again is harmless and covers
    // a consumer that stored the chunk but crashed before it could send the next stage.
    await advance(env, job);
    return "redelivered";
  }
  if (!dependenciesComplete(job.plan, await chunkCounts(db, msg.user_id, msg.job_id), msg.stage)) return "too-early";
  await touchJob(db, msg.user_id, msg.job_id, msg.stage);
  const out = await STAGE_HANDLERS[msg.stage]({ db, userId: msg.user_id, job, stage: msg.stage, part: msg.part });
  const row = insertChunk(db, msg.user_id, { jobId: job.id, stage: msg.stage, part: msg.part, result: out.result, data: out.data, cpuMs: Math.round(out.cpuMs * 100) / 100 });
  await db.batch([row, ...(out.statements ?? [])]);
  log.info("insights.chunk_done", { job_id: job.id, stage: msg.stage, part: msg.part, cpu_ms: Math.round(out.cpuMs) });
  recordMetric(env, "chunk_done", msg.stage, out.cpuMs);
  // The finalize chunk's statements mark the job done: its duration is known now.
  if (msg.stage === "finalize") recordMetric(env, "job_finished", job.trigger, Date.now() - job.createdAt);
  await advance(env, job);
  return "stored";
}

/** Aggregates the days of an `aggregate` message and stores them (replacing what was there). */
export async function processAggregate(msg: AggregateMessage, env: PipelineEnv): Promise<number> {
  const db = await shardDb(env, msg.user_id);
  const user = await userSettings(db, msg.user_id);
  if (!user) return 0;
  const days = [...new Set(msg.days.map(dayNumberOfDate))].sort((a, b) => a - b);
  const range = inputRange(user.timezone, days[0]!, days.at(-1)!);
  const inputs = await loadDayInputs(db, msg.user_id, range.start, range.end);
  const summaries = aggregateDays(user.timezone, days, inputs);
  return (await replaceDailySummaries(db, msg.user_id, summaries)).stored;
}

async function processMessage(body: PipelineMessage, env: PipelineEnv, log: Logger): Promise<string> {
  switch (body.kind) {
    case "chunk":
      return processChunk(body, env, log);
    case "aggregate":
      return `aggregated ${await processAggregate(body, env)}`;
    case "bridge_backfill":
      // The queue handler is given the Worker's whole env (worker/index.ts): the bridge key and the monitors too.
      return `bridge backfill ${await processBridgeBackfill(body, env as unknown as Bindings)}`;
    case "start":
      try {
        return (await startAnalysis(env, body.user_id, { trigger: body.trigger })).created ? "started" : "already-running";
      } catch (err) {
        // The account was deleted after the message was sent: nothing to start, nothing to retry.
        if (isAccountGone(err)) return "account-gone";
        throw err;
      }
  }
}

/** The consumer of the main queue. */
export async function handleQueue(batch: MessageBatch<unknown>, env: PipelineEnv): Promise<void> {
  if (batch.queue.endsWith("-dlq")) return handleDeadLetters(batch, env);
  const batchLog = pipelineLogger(env, { queue: batch.queue });
  for (const message of batch.messages) {
    if (isQueueProbe(message.body)) {
      message.ack();
      continue;
    }
    const log = batchLog.child({ message_id: message.id });
    const parsed = PipelineMessage.safeParse(message.body);
    if (!parsed.success) {
      log.warn("insights.bad_message", { issues: parsed.error.issues.slice(0, 3) });
      message.ack();
      continue;
    }
    const body = parsed.data;
    try {
      const outcome = await processMessage(body, env, log);
      if (outcome !== "stored") log.info("insights.message", { kind: body.kind, outcome, ...(body.kind === "chunk" ? { job_id: body.job_id, stage: body.stage, part: body.part } : { user_id: body.user_id }) });
      message.ack();
    } catch (err) {
      const delaySeconds = retryDelaySeconds(message.attempts);
      const error = err instanceof Error ? err.message : String(err);
      log.error("insights.message_failed", { kind: body.kind, attempts: message.attempts, retry_in_s: delaySeconds, error, ...(body.kind === "chunk" ? { job_id: body.job_id, stage: body.stage, part: body.part } : {}) });
      if (body.kind === "chunk") {
        const where = `${STAGE_LABELS[body.stage]} (${body.stage} part ${body.part + 1}), attempt ${message.attempts}`;
        await recordChunkError(await shardDb(env, body.user_id), body.user_id, body.job_id, `${where}: ${error}`).catch(() => undefined);
      }
      message.retry({ delaySeconds });
    }
  }
}

/**
 * The consumer of the dead-letter queue: a chunk that exhausted its retries fails its job, with
 * the last error recorded by the main consumer as the reason. Other messages are logged and dropped.
 */
export async function handleDeadLetters(batch: MessageBatch<unknown>, env: PipelineEnv): Promise<void> {
  const log = pipelineLogger(env, { queue: batch.queue });
  for (const message of batch.messages) {
    const parsed = PipelineMessage.safeParse(message.body);
    if (parsed.success && parsed.data.kind === "chunk") {
      const { user_id: userId, job_id: jobId, stage, part } = parsed.data;
      const db = await shardDb(env, userId);
      const job = await findJob(db, userId, jobId);
      if (job) {
        const detail = job.lastChunkError ?? `${STAGE_LABELS[stage]} (${stage} part ${part + 1})`;
        const failed = await markJobFailed(db, userId, jobId, `The analysis failed and was stopped after repeated attempts. Last error in ${detail}`);
        log.error("insights.job_failed", { job_id: jobId, stage, part, failed, message_id: message.id });
        if (failed) recordMetric(env, "job_failed", job.trigger, Date.now() - job.createdAt);
      }
    } else if (parsed.success && parsed.data.kind === "bridge_backfill") {
      await failBridgeBackfill(parsed.data, env);
      log.error("bridges.backfill_failed", { bridge_id: parsed.data.bridge_id, message_id: message.id });
    } else {
      log.error("insights.dead_letter", { message_id: message.id, body: parsed.success ? parsed.data : "unparseable" });
    }
    message.ack();
  }
}
