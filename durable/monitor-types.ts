/**
 * @module durable/monitor-types
 * Types shared by the Worker and the GlucoseMonitor Durable Object.
 */
import type { TrendDirection } from "../worker/lib/trend.ts";

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

export interface MonitorState {
  current: MonitorReading | null;
  readings_in_window: number;
  minutes_since_last: number | null;
}
