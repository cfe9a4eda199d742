/**
 * @module worker/services/ingest
 * The one path by which readings are stored, whoever sends them (the native glucose routes,
 * Nightscout uploads, CGM webhooks, file imports): the user's live monitor is told as the D1
 * insert (de-duplicated by (time, source)) starts, so alerts never wait for D1; the caller is
 * answered once D1 has the readings; new readings of past days queue the insights back-fill.
 */
import type { Context } from "hono";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { scheduleBackfill } from "../insights/pipeline/backfill.ts";
import { insertReadings, type NewReading } from "../repositories/readings.ts";
import { recordMetric } from "../lib/metrics.ts";
import { notifyMonitor } from "../monitor/client.ts";

/** Stores readings for c.get("user"); returns how many were new (the rest were duplicates). */
export async function storeReadings(c: Context<AppEnv>, readings: NewReading[]): Promise<number> {
  if (!readings.length) return 0;
  const userId = c.get("user").id;
  // As the single-reading POST does: the live monitor hears of the readings as the D1 write
  // starts (it ignores readings it already holds, so a retried upload raises nothing twice).
  notifyMonitor(c, readings);
  const inserted = await insertReadings(await userDb(c), userId, readings);
  // Labelled by route group (entries, webhooks, imports), never by user.
  recordMetric(c.env, "readings_ingested", c.req.path.split("/")[3] ?? "other", inserted);
  if (inserted) scheduleBackfill(c.env, c.executionCtx, userId, readings.map((x) => x.time));
  return inserted;
}
