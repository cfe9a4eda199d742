/**
 * @module worker/services/monitor
 * The bridge from ingestion to the user's live monitor (one Durable Object per user, named by the
 * user's public id). Readings are handed over only after D1 has stored them.
 */
import type { Context } from "hono";
import type { AppEnv, Bindings } from "../env.ts";
import type { NewReading } from "../repositories/readings.ts";
import { MONITOR_WINDOW_MS, type MonitorReading } from "../../durable/monitor-types.ts";

export const monitorStub = (env: Bindings, publicId: string) => env.GLUCOSE_MONITOR.get(env.GLUCOSE_MONITOR.idFromName(publicId));

/**
 * Sends the readings that fall inside the monitor's window to the user's Durable Object. The
 * call is not awaited by the response (waitUntil), so a slow object never delays the upload;
 * the object itself ignores old and duplicate readings.
 */
export function notifyMonitor(c: Context<AppEnv>, readings: NewReading[]): void {
  const since = Date.now() - MONITOR_WINDOW_MS;
  const recent: MonitorReading[] = [];
  for (const x of readings) if (x.time >= since) recent.push({ time: x.time, value: x.value, source: x.source, trend: x.trend });
  if (!recent.length) return;
  const stub = monitorStub(c.env, c.get("user").publicId);
  c.executionCtx.waitUntil(
    stub.ingest(recent).catch((err: unknown) => console.error(JSON.stringify({ level: "error", event: "monitor.ingest_failed", error: String(err) }))),
  );
}

/** Clears the user's Durable Object (account deletion). */
export async function deleteMonitorState(env: Bindings, publicId: string): Promise<void> {
  await monitorStub(env, publicId).reset();
}
