/**
 * @module worker/bridges/vendors/types
 * What every vendor client takes and gives. A client is a pure protocol: it logs in when its
 * session (a JSON object the poller keeps in the user's Durable Object) has no token, fetches
 * readings since `since`, and throws a BridgeError (worker/bridges/http.ts) on failure.
 */
import type { TrendDirection } from "../../../vocabulary/trend.ts";
import type { BridgeCredentials } from "../crypto.ts";
import type { VendorHttp } from "../http.ts";

export const BRIDGE_KINDS = ["dexcom-share", "librelinkup", "nightscout"] as const;
export type BridgeKind = (typeof BRIDGE_KINDS)[number];

export interface BridgeReading {
  /** epoch ms (UTC) */
  time: number;
  /** mg/dL */
  value: number;
  trend: TrendDirection | null;
}

export interface VendorRequest {
  http: VendorHttp;
  region: string | null;
  /** Development only (or a Nightscout site): the base URL in place of the vendor's official host. */
  serverUrl: string | null;
  credentials: BridgeCredentials;
  /** Tokens and ids from earlier polls; the client changes it in place, the poller stores it. */
  session: Record<string, unknown>;
  /** Newest reading time already imported, or null on the first poll (backfill: all the vendor keeps). */
  since: number | null;
  now: number;
}

export interface VendorResult {
  readings: BridgeReading[];
  /** How often the vendor gets a new reading (5 minutes; 1 minute for Libre 3). */
  cadenceMs: number;
  /** A Nightscout site's other collections, as the site answered them. */
  documents?: NightscoutDocuments;
  /** Session changes that hold only once the result is stored (a history position), applied by the poller then. */
  commit?: () => void;
}

export interface NightscoutDocuments {
  treatments: unknown[];
  devicestatus: unknown[];
  profiles: unknown[];
  /** Ids (`_id` or `identifier`) the site deleted, as its API v3 history tells them. */
  deleted?: { treatments: string[]; devicestatus: string[] };
}

export const FIVE_MINUTES = 5 * 60_000;

/** username/password credentials, or a protocol error naming what is missing. */
export function userPassword(c: BridgeCredentials): { username: string; password: string } {
  if ("username" in c) return c;
  throw new Error("this bridge kind logs in with a username and password");
}
