/**
 * @module durable/monitor-types
 * Types shared by the Worker and the GlucoseMonitor Durable Object (its RPC surface). The
 * WebSocket messages and wire shapes live in worker/schemas/alerts.ts.
 */
import type { TrendDirection } from "../worker/lib/trend.ts";
import type { Alert, AlertKind } from "../worker/schemas/alerts.ts";

/** The monitor keeps the last 24 hours of readings. */
export const MONITOR_WINDOW_MS = 24 * 3600 * 1000;

export interface MonitorReading {
  /** epoch ms */
  time: number;
  /** mg/dL */
  value: number;
  source: string;
  trend: TrendDirection | null;
}

/**
 * Who the object belongs to. The object is named by the public id; it needs the internal id to
 * load the user's rules and write alert history to D1, also from an alarm when no request is
 * around, so every call from the Worker carries both and the object keeps them in its storage.
 */
export interface MonitorOwner {
  userId: number;
  publicId: string;
  /** The Worker request on whose behalf the object is called: its log lines carry this id. */
  requestId?: string;
}

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
