/**
 * Helpers for the insights pipeline tests: seeding an account directly through the repositories,
 * a queue that records what the pipeline sends, and driving the real consumer (`worker.queue`)
 * with `createMessageBatch` until nothing is left to deliver.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { expect } from "vitest";
import { localToUtc } from "../../seed/local-time.ts";
import { generateSynthetic, type SyntheticData } from "../../seed/synthetic.ts";
import worker from "../../worker/index.ts";
import type { PipelineEnv } from "../../worker/insights/pipeline/jobs.ts";
import type { PipelineMessage } from "../../worker/insights/pipeline/messages.ts";
import { activityKind } from "../../worker/records/activities.ts";
import { insulinKind } from "../../worker/records/insulin.ts";
import type { RecordKind } from "../../worker/records/kind.ts";
import { mealKind } from "../../worker/records/meals.ts";
import { medicationKind } from "../../worker/records/medications.ts";
import { sleepKind } from "../../worker/records/sleep.ts";
import { insertReadings } from "../../worker/repositories/readings.ts";
import { insertRecords } from "../../worker/repositories/records.ts";
import { register, type Account } from "./helpers.ts";
import { shardEnv, userDb } from "./shard-helpers.ts";

export const QUEUE = "glucolens-insights";
export const DLQ = "glucolens-insights-dlq";

/** A queue binding that keeps what is sent, so a test decides when and how it is delivered. */
export class RecordingQueue {
  sent: PipelineMessage[] = [];
  async send(body: PipelineMessage): Promise<void> {
    this.sent.push(structuredClone(body));
  }
  async sendBatch(messages: Iterable<MessageSendRequest<PipelineMessage>>): Promise<void> {
    for (const m of messages) this.sent.push(structuredClone(m.body));
  }
  take(): PipelineMessage[] {
    return this.sent.splice(0);
  }
}

export function pipelineEnv(): { penv: PipelineEnv; queue: RecordingQueue } {
  const queue = new RecordingQueue();
  return { penv: { ...shardEnv(), INSIGHTS_QUEUE: queue as unknown as PipelineEnv["INSIGHTS_QUEUE"] }, queue };
}

let messageCounter = 0;

/**
 * Delivers messages to the real consumer as one batch; returns the acks and retries, and the
 * options each `retry()` was called with (the pool's result does not report `delaySeconds`).
 */
export async function deliver(penv: PipelineEnv, messages: PipelineMessage[], options: { queue?: string; attempts?: number } = {}) {
  const batch = createMessageBatch<PipelineMessage>(
    options.queue ?? QUEUE,
    messages.map((body) => ({ id: `msg-${++messageCounter}`, timestamp: new Date(), attempts: options.attempts ?? 1, body })),
  );
  const retryOptions: (QueueRetryOptions | undefined)[] = [];
  // The consumer only reads `queue` and `messages`; each message's retry() is observed, then forwarded.
  const observed = {
    queue: batch.queue,
    messages: batch.messages.map((m) => ({
      id: m.id,
      timestamp: m.timestamp,
      attempts: m.attempts,
      body: m.body,
      ack: () => m.ack(),
      retry: (o?: QueueRetryOptions) => {
        retryOptions.push(o);
        m.retry(o);
      },
    })),
    ackAll: () => batch.ackAll(),
    retryAll: (o?: QueueRetryOptions) => batch.retryAll(o),
  } as unknown as MessageBatch<PipelineMessage>;
  const ctx = createExecutionContext();
  await worker.queue(observed, penv as unknown as Env, ctx);
  return { ...(await getQueueResult(batch, ctx)), retryOptions };
}

/**
 * Delivers everything the pipeline sends until it sends nothing more. `shuffle` reorders each
 * round, `duplicate` delivers every message twice (as a redelivery would), `batchSize` splits rounds.
 */
export async function drain(penv: PipelineEnv, queue: RecordingQueue, options: { shuffle?: () => number; duplicate?: boolean; batchSize?: number } = {}) {
  let rounds = 0;
  const delivered: PipelineMessage[] = [];
  for (;;) {
    let messages = queue.take();
    if (!messages.length) break;
    if (options.duplicate) messages = messages.flatMap((m) => [m, structuredClone(m)]);
    if (options.shuffle) {
      for (let i = messages.length - 1; i > 0; i--) {
        const j = Math.floor(options.shuffle() * (i + 1));
        [messages[i], messages[j]] = [messages[j]!, messages[i]!];
      }
    }
    const size = options.batchSize ?? 4;
    for (let i = 0; i < messages.length; i += size) {
      const result = await deliver(penv, messages.slice(i, i + size));
      expect(result.retryMessages, "no chunk may fail").toEqual([]);
      expect(result.explicitAcks.length).toBe(Math.min(size, messages.length - i));
    }
    delivered.push(...messages);
    if (++rounds > 50) throw new Error("drain: the pipeline kept sending messages");
  }
  return delivered;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function internalId(email: string): Promise<number> {
  const row = await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first<{ id: number }>();
  if (!row) throw new Error(`no user ${email}`);
  return row.id;
}

async function insertKind(userId: number, kind: RecordKind, items: readonly unknown[]) {
  const rows = items.map((item) => kind.toRow(kind.input.parse(item)));
  const db = await userDb(userId);
  for (let i = 0; i < rows.length; i += 500) await insertRecords(db, userId, kind, rows.slice(i, i + 500));
}

/** Stores synthetic data for a user directly through the repositories. */
export async function store(userId: number, data: Partial<SyntheticData>) {
  const db = await userDb(userId);
  if (data.readings?.length) {
    for (let i = 0; i < data.readings.length; i += 10_000) await insertReadings(db, userId, data.readings.slice(i, i + 10_000));
  }
  await insertKind(userId, sleepKind, data.sleep ?? []);
  await insertKind(userId, mealKind, data.meals ?? []);
  await insertKind(userId, activityKind, data.activities ?? []);
  await insertKind(userId, insulinKind, data.insulin ?? []);
  await insertKind(userId, medicationKind, data.medications ?? []);
}

/** Start of today in `tz` (the end of every analysis period). */
export function startOfToday(tz: string): number {
  const now = new Date();
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(now).split("-").map(Number);
  return localToUtc(tz, parts[0]!, parts[1]!, parts[2]!, 0);
}

/** Registers an account and fills it with `days` of synthetic data ending at the start of today. */
export async function seededAccount(days: number, options: { seed?: number; timezone?: string; unit?: "mg/dL" | "mmol/L" } = {}): Promise<{ account: Account; userId: number; data: SyntheticData }> {
  const timezone = options.timezone ?? "Europe/Berlin";
  const account = await register({ timezone, unit: options.unit ?? "mg/dL" });
  const userId = await internalId(account.email);
  const data = generateSynthetic({ days, seed: options.seed ?? 42, timezone, end: startOfToday(timezone) });
  await store(userId, data);
  return { account, userId, data };
}
