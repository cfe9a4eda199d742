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
 *
 * Where the site has API v3 (lib/api3: `/api/v3/version` answers an apiVersion 3.x) and the
 * credential is a token (v3 takes no API secret), treatments and device statuses come from its
 * history instead (`/{collection}/history/{lastModified}`, lib/api3/generic/history): every
 * document created or changed since the last poll, in srvModified order, and the deleted ones
 * (`isValid: false`), so an edit or a deletion of an older document on the site reaches the copy
 * too. A 5xx or 429 is an outage as on v1; any other answer from v3 (404, 401, not JSON) drops
 * back to v1 for the session.
 */
import type { TrendDirection } from "../../../vocabulary/trend.ts";
import { TREND_DIRECTIONS } from "../../../vocabulary/trend.ts";
import { OBJECT_ID } from "../../nightscout/ids.ts";
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

/** The site's URL without a trailing slash, to which API paths are appended. */
const siteBase = (req: NsRequest) => (req.serverUrl ?? "").replace(/\/+$/, "");

/**
 * GET a v1 path of the site as JSON, with the token or the API secret (whichever the session
 * found working; both in turn the first time). A 401 or 403 to both is a refused login.
 */
async function nsGet(req: NsRequest, path: string, params: URLSearchParams): Promise<unknown[]> {
  const base = siteBase(req);
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

/** Documents per API v3 history page, and pages per collection and poll (the next poll goes on). */
const V3_PAGE = 1000;
const V3_PAGES = 5;
const V3_COLLECTIONS = ["treatments", "devicestatus"] as const;
/** Fields API v3 adds to a document (lib/api3/generic/create/insert.js, patch); the v1 upserts keep their own. */
const V3_SERVER_FIELDS = ["identifier", "srvCreated", "srvModified", "isValid", "isReadOnly", "subject", "modifiedBy", "_id"];

type V3Session = { v3?: boolean; v3Modified?: Partial<Record<(typeof V3_COLLECTIONS)[number], number>> };

/** Whether the site answers API v3 to the token (asked once per session). */
async function hasV3(req: NsRequest): Promise<boolean> {
  const session = req.session as V3Session;
  if (typeof session.v3 === "boolean") return session.v3;
  const token = tokenOf(req);
  if (!token || req.session.auth === "secret") return false;
  const url = `${siteBase(req)}/api/v3/version?${new URLSearchParams({ token })}`;
  const res = await vendorFetch(req.http, url, { headers: { "user-agent": "GlucoLens bridge" } });
  if (res.status >= 500 || res.status === 429) throw unexpected(url, res);
  const version = (res.json as { result?: { apiVersion?: unknown } } | undefined)?.result?.apiVersion;
  session.v3 = res.status === 200 && typeof version === "string" && version.startsWith("3.");
  return session.v3;
}

/** A v3 document as a v1 upsert takes it: its identifier as `_id` (24 hex) or `identifier`, without v3's server fields. */
function fromV3(doc: Record<string, unknown>): Record<string, unknown> {
  const out = { ...doc };
  for (const f of V3_SERVER_FIELDS) delete out[f];
  const id = typeof doc.identifier === "string" ? doc.identifier : typeof doc["_id"] === "string" ? doc["_id"] : null;
  if (id) Object.assign(out, OBJECT_ID.test(id) ? { _id: id } : { identifier: id });
  return out;
}

/**
 * The collection's history since `lastModified` (srvModified, exclusive), up to V3_PAGES pages:
 * the documents to store, the ids deleted, and the newest srvModified seen. Null when v3 answers
 * anything but a result list (the caller uses v1).
 */
async function fetchHistory(req: NsRequest, collection: (typeof V3_COLLECTIONS)[number], lastModified: number) {
  const base = siteBase(req);
  const stored: Record<string, unknown>[] = [];
  const deleted: string[] = [];
  let newest = lastModified;
  for (let page = 0; page < V3_PAGES; page++) {
    const url = `${base}/api/v3/${collection}/history/${newest}?${new URLSearchParams({ limit: String(V3_PAGE), token: tokenOf(req) })}`;
    const res = await vendorFetch(req.http, url, { headers: { "user-agent": "GlucoLens bridge" } });
    // A site in trouble is an outage (backed off), not a site without v3.
    if (res.status >= 500 || res.status === 429) throw unexpected(url, res);
    const result = (res.json as { result?: unknown } | undefined)?.result;
    if (res.status !== 200 || !Array.isArray(result)) return null;
    for (const doc of result as Record<string, unknown>[]) {
      if (!doc || typeof doc !== "object") continue;
      const modified = Number(doc.srvModified);
      if (Number.isFinite(modified) && modified > newest) newest = modified;
      const id = typeof doc.identifier === "string" ? doc.identifier : null;
      if (doc.isValid === false) {
        if (id) deleted.push(id);
      } else stored.push(fromV3(doc));
    }
    if (result.length < V3_PAGE) break;
  }
  return { stored, deleted, newest };
}

/**
 * Treatments and device statuses through API v3's history, or null when the site has none (or
 * stopped answering it): then the session uses v1 from here on.
 */
async function fetchDocumentsV3(req: NsRequest, start: number): Promise<(NightscoutDocuments & { commit: () => void }) | null> {
  if (!(await hasV3(req))) return null;
  const session = req.session as V3Session;
  const since = { ...session.v3Modified };
  const found = [];
  for (const collection of V3_COLLECTIONS) {
    const history = await fetchHistory(req, collection, since[collection] ?? start);
    if (!history) {
      session.v3 = false;
      return null;
    }
    found.push(history);
    since[collection] = history.newest;
  }
  const [treatments, devicestatus] = found as [NonNullable<Awaited<ReturnType<typeof fetchHistory>>>, NonNullable<Awaited<ReturnType<typeof fetchHistory>>>];
  return {
    treatments: treatments.stored,
    devicestatus: devicestatus.stored,
    profiles: await fetchProfiles(req, DOC_COUNT.profile),
    deleted: { treatments: treatments.deleted, devicestatus: devicestatus.deleted },
    // The history position moves on once these are stored.
    commit: () => void (session.v3Modified = since),
  };
}

export async function pollNightscout(req: VendorRequest): Promise<VendorResult> {
  const after = req.since === null ? req.now - FIRST_POLL_MS : req.since - 10 * 60_000;
  const readings = await fetchEntries(req, { after, count: req.since === null ? 24 * 12 * 5 : POLL_COUNT });
  const start = req.since === null ? req.now - FIRST_POLL_MS : req.since - 60 * 60_000;
  const v3 = await fetchDocumentsV3(req, start);
  if (v3) {
    const { commit, ...documents } = v3;
    return { readings, cadenceMs: FIVE_MINUTES, documents, commit };
  }
  return { readings, cadenceMs: FIVE_MINUTES, documents: await fetchDocuments(req, start) };
}
