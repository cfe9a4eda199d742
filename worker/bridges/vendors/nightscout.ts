/**
 * @module worker/bridges/vendors/nightscout
 * An existing Nightscout site as a source, through its API v1 (nightscout/cgm-remote-monitor
 * lib/api/entries/index.js and lib/authorization/index.js): `GET /api/v1/entries/sgv.json` with
 * `find[date][$gt]`/`find[date][$lt]` and `count`, newest first. The credential is either an
 * access token (sent as `?token=`) or the API secret (sent as its SHA-1 in the `api-secret`
 * header); which one works is found on the first request and kept in the session. A site that
 * answers 401 to both has refused the credential. Each poll also fetches the site's treatments,
 * device statuses and profiles (fetchDocuments). A site open to readers needs neither, and
 * still gets the token.
 */
import type { TrendDirection } from "../../../vocabulary/trend.ts";
import { TREND_DIRECTIONS } from "../../../vocabulary/trend.ts";
import { loginRefused, unexpected, vendorFetch } from "../http.ts";
import { FIVE_MINUTES, type BridgeReading, type NightscoutDocuments, type VendorRequest, type VendorResult } from "./types.ts";

/** Entries per page of the history (backfill through the queue) and per poll. */
export const NS_PAGE = 1000;
const POLL_COUNT = 100;
/** Nightscout keeps no 24-hour limit: the first poll takes the last day, the queue the rest. */
const FIRST_POLL_MS = 24 * 3600_000;

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function tokenOf(req: Pick<VendorRequest, "credentials">): string {
  return "token" in req.credentials ? req.credentials.token : "";
}

export function parseEntries(items: unknown): BridgeReading[] {
  if (!Array.isArray(items)) return [];
  const out: BridgeReading[] = [];
  for (const e of items as Record<string, unknown>[]) {
    if (!e || (e.type !== undefined && e.type !== "sgv")) continue;
    const time = typeof e.date === "number" ? e.date : typeof e.dateString === "string" ? Date.parse(e.dateString) : NaN;
    const value = Number(e.sgv);
    if (!Number.isFinite(time) || !Number.isFinite(value) || value < 20 || value > 1000) continue;
    const direction = typeof e.direction === "string" && (TREND_DIRECTIONS as readonly string[]).includes(e.direction) ? (e.direction as TrendDirection) : null;
    out.push({ time, value, trend: direction });
  }
  return out;
}

export type NsRequest = Pick<VendorRequest, "http" | "serverUrl" | "credentials" | "session">;

/**
 * GET a v1 path of the site as JSON, with the token or the API secret (whichever the session
 * found working; both in turn the first time). A 401 or 403 to both is a refused login.
 */
async function nsGet(req: NsRequest, path: string, params: URLSearchParams): Promise<unknown[]> {
  const base = (req.serverUrl ?? "").replace(/\/+$/, "");
  const token = tokenOf(req);
  const modes = req.session.auth === "secret" ? (["secret"] as const) : req.session.auth === "token" ? (["token"] as const) : (["token", "secret"] as const);
  for (const mode of modes) {
    const p = new URLSearchParams(params);
    const headers: Record<string, string> = { "user-agent": "GlucoLens bridge" };
    if (mode === "token" && token) p.set("token", token);
    if (mode === "secret") headers["api-secret"] = await sha1Hex(token);
    const url = `${base}${path}?${p}`;
    const res = await vendorFetch(req.http, url, { headers });
    if (res.status === 401 || res.status === 403) continue;
    if (res.status !== 200 || !Array.isArray(res.json)) throw unexpected(url, res);
    req.session.auth = mode;
    return res.json as unknown[];
  }
  delete req.session.auth;
  throw loginRefused("The Nightscout site refused the token or API secret (HTTP 401)");
}

/** One page of sgv entries in (after, before), newest first. */
export async function fetchEntries(req: NsRequest, q: { after?: number; before?: number; count: number }): Promise<BridgeReading[]> {
  const params = new URLSearchParams({ count: String(q.count) });
  if (q.after !== undefined) params.set("find[date][$gt]", String(q.after));
  if (q.before !== undefined) params.set("find[date][$lt]", String(q.before));
  return parseEntries(await nsGet(req, "/api/v1/entries/sgv.json", params));
}

/** Documents per collection and poll (the first poll takes the last day). */
const DOC_COUNT = { treatments: 500, devicestatus: 300, profile: 10 };

/**
 * Treatments and device statuses created since `after`, and the latest profiles, as the site
 * answers them (cgm-remote-monitor lib/api/treatments and lib/api/devicestatus: `find[created_at][$gte]`
 * with an ISO date, `count`; lib/api/profile: the stored profiles, newest first). Stored through
 * the platform's own v1 upserts (worker/bridges/nightscout-documents.ts).
 */
export async function fetchDocuments(req: NsRequest, after: number): Promise<NightscoutDocuments> {
  const since = (count: number) => new URLSearchParams({ count: String(count), "find[created_at][$gte]": new Date(after).toISOString() });
  const treatments = await nsGet(req, "/api/v1/treatments.json", since(DOC_COUNT.treatments));
  const devicestatus = await nsGet(req, "/api/v1/devicestatus.json", since(DOC_COUNT.devicestatus));
  const profiles = await fetchProfiles(req, DOC_COUNT.profile);
  return { treatments, devicestatus, profiles };
}

/**
 * One page of the site's treatments or device statuses created at or before `before`, newest first
 * (lib/server/treatments.js and devicestatus.js list: sorted by `created_at` descending, `count` as
 * the limit; the `find[created_at]` date in the query replaces the default of the last days). At
 * or before, not strictly before: documents sharing the page's oldest time are fetched again on the
 * next page, and the upsert by `_id` stores them once.
 */
export async function fetchDocumentsBefore(req: NsRequest, collection: "treatments" | "devicestatus", before: number, count: number): Promise<unknown[]> {
  const params = new URLSearchParams({ count: String(count), "find[created_at][$lte]": new Date(before).toISOString() });
  return nsGet(req, `/api/v1/${collection}.json`, params);
}

/** The site's stored profiles, newest `startDate` first, up to `count` (lib/api/profile `/profile`, ctx.profile.list). */
export async function fetchProfiles(req: NsRequest, count: number): Promise<unknown[]> {
  return nsGet(req, "/api/v1/profile.json", new URLSearchParams({ count: String(count) }));
}

export async function pollNightscout(req: VendorRequest): Promise<VendorResult> {
  const after = req.since === null ? req.now - FIRST_POLL_MS : req.since - 10 * 60_000;
  const readings = await fetchEntries(req, { after, count: req.since === null ? 24 * 12 * 5 : POLL_COUNT });
  const documents = await fetchDocuments(req, req.since === null ? req.now - FIRST_POLL_MS : req.since - 60 * 60_000);
  return { readings, cadenceMs: FIVE_MINUTES, documents };
}
