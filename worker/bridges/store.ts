/**
 * @module worker/bridges/store
 * How bridged readings are stored: the steps of the one ingestion path (worker/services/ingest.ts
 * storeReadings: the live monitor hears first, then D1 de-duplicated by (time, source), then the
 * insights back-fill of past days) taken outside an HTTP request (the user's Durable Object, or
 * the queue consumer for a Nightscout history), plus one rule of their own: a reading that
 * another path already stored (same mg/dL, time within a minute: an uploader posting the same
 * sensor value) is not stored again. When the other path's copy arrives later, the bridge's copy
 * is removed on the next poll that sees both, so the same value is kept once.
 */
import type { Bindings } from "../env.ts";
import { shardFor, type ShardEnv } from "../db/shards.ts";
import { recordMetric } from "../lib/metrics.ts";
import { scheduleBackfill } from "../insights/pipeline/backfill.ts";
import { insertReadings, sourceIds, type NewReading } from "../repositories/readings.ts";
import { MONITOR_WINDOW_MS, type MonitorReading } from "../../vocabulary/monitor.ts";
import type { BridgeKind, BridgeReading } from "./vendors/types.ts";

/** Readings within this of each other with the same value are the same reading. */
export const SAME_READING_MS = 60_000;

/** The source name bridged readings are stored under (one per kind). */
export const bridgeSource = (kind: BridgeKind) => `bridge:${kind}`;

export interface StoreOutcome {
  inserted: number;
  /** Left out because another path already had them. */
  matched: number;
  /** The bridge's own earlier copies removed because another path's copy has arrived since. */
  removed: number;
}

/**
 * Stores one poll's readings for the user. `notify` hands the recent ones to the live monitor
 * (the Durable Object calls its own ingest; the queue consumer calls the object by RPC).
 */
export async function storeBridgedReadings(
  env: ShardEnv & Pick<Bindings, "INSIGHTS_QUEUE" | "METRICS">,
  ctx: Pick<ExecutionContext, "waitUntil">,
  userId: number,
  kind: BridgeKind,
  readings: readonly BridgeReading[],
  notify: (recent: MonitorReading[]) => unknown,
): Promise<StoreOutcome> {
  const outcome: StoreOutcome = { inserted: 0, matched: 0, removed: 0 };
  if (!readings.length) return outcome;
  const { db, d1 } = await shardFor(env, userId);
  const source = bridgeSource(kind);
  const ownId = (await sourceIds(db, userId, [source])).get(source)!;
  let min = Infinity;
  let max = -Infinity;
  for (const r of readings) {
    min = Math.min(min, r.time);
    max = Math.max(max, r.time);
  }
  const { results } = await d1.prepare(
    "SELECT time, source_id AS sourceId, value_tenths AS tenths FROM glucose_readings WHERE user_id = ?1 AND time BETWEEN ?2 AND ?3 ORDER BY time",
  )
    .bind(userId, min - SAME_READING_MS, max + SAME_READING_MS)
    .all<{ time: number; sourceId: number; tenths: number }>();
  const others = results.filter((r) => r.sourceId !== ownId);
  const own = results.filter((r) => r.sourceId === ownId);
  const twin = (time: number, mgdl: number) => others.some((o) => Math.abs(o.time - time) <= SAME_READING_MS && Math.round(o.tenths / 10) === Math.round(mgdl));

  const fresh: NewReading[] = [];
  const seen = new Set<number>();
  for (const r of readings) {
    if (seen.has(r.time)) continue;
    seen.add(r.time);
    if (twin(r.time, r.value)) outcome.matched++;
    else fresh.push({ time: r.time, value: r.value, source, trend: r.trend });
  }
  const stale = own.filter((o) => twin(o.time, o.tenths / 10));
  if (stale.length) {
    await d1.batch(stale.map((o) => d1.prepare("DELETE FROM glucose_readings WHERE user_id = ?1 AND time = ?2 AND source_id = ?3").bind(userId, o.time, ownId)));
    outcome.removed = stale.length;
  }
  if (!fresh.length) return outcome;
  const since = Date.now() - MONITOR_WINDOW_MS;
  const recent = fresh.filter((x) => x.time >= since).map((x) => ({ time: x.time, value: x.value, source: x.source, trend: x.trend }));
  if (recent.length) notify(recent);
  outcome.inserted = await insertReadings(db, userId, fresh);
  recordMetric(env, "readings_ingested", "bridges", outcome.inserted);
  if (outcome.inserted) scheduleBackfill(env, ctx, userId, fresh.map((x) => x.time));
  return outcome;
}
