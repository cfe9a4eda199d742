/**
 * @module durable/monitor-types
 * What the GlucoseMonitor Durable Object's RPC methods answer. What the Worker hands to it (the
 * owner, the readings, the header names) is vocabulary/monitor.ts; the WebSocket messages and
 * wire shapes live in worker/schemas/alerts.ts.
 */
import type { Alert, AlertKind } from "../worker/schemas/alerts.ts";

export interface IngestSummary {
  /** Readings new to the window (not duplicates, not older than 24 hours). */
  added: number;
  /** Whether the newest of them could raise alerts (newer than any seen, within 10 minutes of now). */
  evaluated: boolean;
  /** Alert messages sent (raised or repeated). */
  alerts: number;
}

export type AckResult = { ok: true; alert: Alert } | { ok: false; reason: "not_found" };

export interface SnoozeResult {
  kind: AlertKind;
  minutes: number;
  /** epoch ms */
  until: number;
}
