/**
 * @module vocabulary/monitor
 * The contract between the Worker and the per-user GlucoseMonitor Durable Object that both sides
 * name: the request headers that carry the owner on a WebSocket upgrade, the readings the Worker
 * hands over and the owner every call carries. The object's RPC results live with the object
 * (durable/monitor-types.ts); the Worker reaches it only through its stub.
 */
import type { TrendDirection } from "./trend.ts";

/** The monitor keeps the last 24 hours of readings. */
export const MONITOR_WINDOW_MS = 24 * 3600 * 1000;

/** Headers of an upgrade forwarded to the object: the owner's internal and public id. */
export const OWNER_ID_HEADER = "x-glucolens-user-id";
export const OWNER_PUBLIC_ID_HEADER = "x-glucolens-public-id";
/** Set on a caregiver's feed: the follower's internal id (the socket is then read-only). */
export const FOLLOWER_ID_HEADER = "x-glucolens-follower-id";

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
