/**
 * @module worker/insights/pipeline/messages
 * The Queue messages of the insights pipeline, parsed with zod at the consumer (a message is
 * input like any other). Bodies are small JSON objects; results never travel in messages, they are
 * stored in D1 and read back by the stages that need them.
 */
import { z } from "zod";
import { STAGES } from "./plan.ts";
import { BACKFILL_PHASES } from "../../db/schema-bridges.ts";

/** Days per aggregation message: a month of readings (~9,000) is one quick chunk. */
export const DAYS_PER_AGGREGATE_MESSAGE = 31;

const userId = z.number().int().positive();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** One chunk of an analysis job: stage `stage`, part `part` (0-based) of job `job_id`. */
export const ChunkMessage = z.object({
  kind: z.literal("chunk"),
  job_id: z.string().min(1).max(64),
  user_id: userId,
  stage: z.enum(STAGES),
  part: z.number().int().min(0).max(10_000),
});

/** Aggregate (or re-aggregate) these local days of one user. */
export const AggregateMessage = z.object({
  kind: z.literal("aggregate"),
  user_id: userId,
  days: z.array(isoDate).min(1).max(DAYS_PER_AGGREGATE_MESSAGE),
});

/** Start an analysis job for a user (the weekly cron sends one per active user). */
export const StartMessage = z.object({
  kind: z.literal("start"),
  user_id: userId,
  trigger: z.enum(["api", "cron"]),
});

/** One page of a Nightscout bridge's history: entries older than `before` (worker/bridges/backfill.ts). */
export const BridgeBackfillMessage = z.object({
  kind: z.literal("bridge_backfill"),
  user_id: userId,
  bridge_id: z.string().uuid(),
  before: z.number().int().positive(),
  /** The collection this page is of (absent: entries). */
  collection: z.enum(BACKFILL_PHASES).optional(),
});

/**
 * Sent by `GET /ready` to prove the queue accepts messages; the consumer acks it without work or
 * log line (worker/routes/health.ts). Not part of PipelineMessage: nothing else may send it.
 */
export const QUEUE_PROBE = { kind: "ready_probe" } as const;
export const isQueueProbe = (body: unknown) => typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === QUEUE_PROBE.kind;

export const PipelineMessage = z.discriminatedUnion("kind", [ChunkMessage, AggregateMessage, StartMessage, BridgeBackfillMessage]);

export type ChunkMessage = z.infer<typeof ChunkMessage>;
export type AggregateMessage = z.infer<typeof AggregateMessage>;
export type StartMessage = z.infer<typeof StartMessage>;
export type BridgeBackfillMessage = z.infer<typeof BridgeBackfillMessage>;
export type PipelineMessage = z.infer<typeof PipelineMessage>;

/** Where producers send (the binding's type, so tests can pass a recording queue). */
export type PipelineQueue = Pick<Queue<PipelineMessage>, "send" | "sendBatch">;

/** Sends messages in batches of at most 100 (the Queues limit per sendBatch). */
export async function sendAll(queue: PipelineQueue, messages: readonly PipelineMessage[], delaySeconds?: number): Promise<void> {
  for (let i = 0; i < messages.length; i += 100) {
    await queue.sendBatch(messages.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const, ...(delaySeconds ? { delaySeconds } : {}) })));
  }
}
