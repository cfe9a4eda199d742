/**
 * @module worker/bridges/vendors/librelinkup
 * LibreLinkUp (the follower app's API), read from DiaKEM/libre-link-up-api-client (src/client.ts:
 * login, status 2 and 4, the redirect through `/llu/config/country` `regionalMap[region].lslApi`,
 * connections, graph) and timoschlueter/nightscout-librelink-up (src/index.ts: `product` and
 * `version` headers, `account-id` = SHA-256 of the user id, `FactoryTimestamp` as UTC,
 * `ValueInMgPerDl`; src/helpers/helpers.ts: TrendArrow 1–5):
 *
 * - every request carries `product: llu.android` and `version: 4.16.0` (older versions are
 *   refused with status 920 since October 2025);
 * - `POST /llu/auth/login` {email, password} answers HTTP 200 with `status` 0 (an authTicket and
 *   the user), 0 with `data.redirect` and `data.region` (log in again on that region's host),
 *   2 (wrong credentials: a refused login, not an outage) or 4 (terms to accept in the app);
 * - authenticated requests add `Authorization: Bearer <token>` and `account-id`; an expired token
 *   answers HTTP 401: log in again;
 * - `GET /llu/connections` lists the people followed (the first is used), and
 *   `GET /llu/connections/{patientId}/graph` gives the current measurement and ~12 hours of history.
 *
 * Values come in the follower's unit as `Value` and always in mg/dL as `ValueInMgPerDl`; times as
 * `FactoryTimestamp` (UTC) and `Timestamp` (the phone's local time), both `M/D/YYYY h:mm:ss AM`.
 */
import { sha256Hex } from "../../lib/crypto.ts";
import type { TrendDirection } from "../../../vocabulary/trend.ts";
import { loginRefused, outage, sessionExpired, unexpected, vendorFetch, type VendorResponse } from "../http.ts";
import { FIVE_MINUTES, userPassword, type BridgeReading, type VendorRequest, type VendorResult } from "./types.ts";

export const LLU_VERSION = "4.16.0";
export const LLU_PRODUCT = "llu.android";
/** nightscout-librelink-up src/constants/llu-api-endpoints.ts */
export const LLU_REGIONS = ["us", "eu", "eu2", "de", "fr", "jp", "ap", "au", "ae", "ca", "la", "ru"] as const;
const GLOBAL_HOST = "https://api.libreview.io";
/** Where a redirect may send us in production: LibreView's own hosts, https only. */
const OFFICIAL_HOST = /^https:\/\/api(-[a-z0-9]+)?\.libreview\.(io|ru)\/?$/;

/** nightscout-librelink-up helpers.ts mapTrendArrow: 1 SingleDown … 5 SingleUp. */
const TRENDS: Record<number, TrendDirection> = { 1: "SingleDown", 2: "FortyFiveDown", 3: "Flat", 4: "FortyFiveUp", 5: "SingleUp" };

/** `1/22/2024 3:04:05 PM` as UTC (FactoryTimestamp), or an ISO string; null when unreadable. */
export function parseLluTimestamp(s: unknown): number | null {
  if (typeof s !== "string") return null;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: ?([AP]M))?$/i.exec(s.trim());
  if (!m) {
    const t = Date.parse(s);
    return Number.isFinite(t) ? t : null;
  }
  let hour = Number(m[4]);
  const ampm = m[7]?.toUpperCase();
  if (ampm === "PM" && hour < 12) hour += 12;
  if (ampm === "AM" && hour === 12) hour = 0;
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), hour, Number(m[5]), Number(m[6]));
}

function toReading(item: Record<string, unknown> | undefined): BridgeReading | null {
  if (!item) return null;
  const time = parseLluTimestamp(item.FactoryTimestamp);
  const value = Number(item.ValueInMgPerDl);
  if (time === null || !Number.isFinite(value) || value <= 0) return null;
  return { time, value, trend: TRENDS[Number(item.TrendArrow)] ?? null };
}

const baseHeaders = { product: LLU_PRODUCT, version: LLU_VERSION, "cache-control": "no-cache", "user-agent": "GlucoLens bridge" };

function loginHost(req: VendorRequest): string {
  if (req.serverUrl) return req.serverUrl.replace(/\/+$/, "");
  return req.region && req.region !== "global" ? `https://api-${req.region}.libreview.io` : GLOBAL_HOST;
}

function statusOf(res: VendorResponse): number | null {
  const s = (res.json as { status?: unknown } | undefined)?.status;
  return typeof s === "number" ? s : null;
}

/** The redirect target from the country map; in production only LibreView's own https hosts. */
async function regionalHost(req: VendorRequest, host: string, region: string): Promise<string> {
  const url = `${host}/llu/config/country?country=DE`;
  const res = await vendorFetch(req.http, url, { headers: baseHeaders });
  const map = (res.json as { data?: { regionalMap?: Record<string, { lslApi?: unknown }> } } | undefined)?.data?.regionalMap;
  if (res.status !== 200 || !map) throw unexpected(url, res);
  const lslApi = map[region]?.lslApi;
  if (typeof lslApi !== "string") throw outage(`LibreLinkUp redirected to region "${region}", which its country map does not list`);
  if (!req.serverUrl && !OFFICIAL_HOST.test(lslApi)) throw outage(`LibreLinkUp redirected to ${lslApi}, which is not a LibreView host`);
  return lslApi.replace(/\/+$/, "");
}

async function login(req: VendorRequest): Promise<void> {
  const { username, password } = userPassword(req.credentials);
  let host = typeof req.session.host === "string" ? req.session.host : loginHost(req);
  for (let hop = 0; hop < 3; hop++) {
    const url = `${host}/llu/auth/login`;
    const res = await vendorFetch(req.http, url, { method: "POST", headers: baseHeaders, body: { email: username, password } });
    const status = statusOf(res);
    const data = (res.json as { data?: Record<string, unknown> } | undefined)?.data;
    if (res.status === 200 && status === 2) throw loginRefused("LibreLinkUp refused the email or password (status 2)");
    if (res.status === 200 && status === 4) throw loginRefused("LibreLinkUp needs the terms accepted in its app first (status 4)");
    if (status === 920) throw outage(`LibreLinkUp refused client version ${LLU_VERSION} (status 920)`);
    if (res.status === 200 && status === 0 && data?.redirect === true && typeof data.region === "string") {
      host = await regionalHost(req, host, data.region);
      continue;
    }
    const ticket = data?.authTicket as { token?: unknown; expires?: unknown } | undefined;
    const userId = (data?.user as { id?: unknown } | undefined)?.id;
    if (res.status === 200 && status === 0 && typeof ticket?.token === "string" && typeof userId === "string") {
      req.session.host = host;
      req.session.token = ticket.token;
      req.session.expires = typeof ticket.expires === "number" ? ticket.expires * 1000 : null;
      req.session.accountId = await sha256Hex(userId);
      return;
    }
    throw unexpected(url, res);
  }
  throw outage("LibreLinkUp redirected more than twice");
}

async function authedGet(req: VendorRequest, path: string): Promise<unknown> {
  const url = `${req.session.host as string}${path}`;
  const res = await vendorFetch(req.http, url, { headers: { ...baseHeaders, authorization: `Bearer ${req.session.token as string}`, "account-id": req.session.accountId as string } });
  if (res.status === 401) throw sessionExpired("LibreLinkUp: the token has expired");
  const status = statusOf(res);
  if (res.status === 200 && status === 0) return (res.json as { data?: unknown }).data;
  if (status === 920) throw outage(`LibreLinkUp refused client version ${LLU_VERSION} (status 920)`);
  throw unexpected(url, res);
}

async function readGraph(req: VendorRequest): Promise<Record<string, unknown>> {
  if (typeof req.session.patientId !== "string") {
    const connections = await authedGet(req, "/llu/connections");
    const first = Array.isArray(connections) ? (connections[0] as { patientId?: unknown } | undefined) : undefined;
    if (typeof first?.patientId !== "string") throw outage("LibreLinkUp: this account follows nobody yet (accept the follower invitation in the LibreLinkUp app)");
    req.session.patientId = first.patientId;
  }
  const graph = await authedGet(req, `/llu/connections/${encodeURIComponent(req.session.patientId as string)}/graph`);
  if (!graph || typeof graph !== "object") throw outage("LibreLinkUp answered the graph without data");
  return graph as Record<string, unknown>;
}

export async function pollLibreLinkUp(req: VendorRequest): Promise<VendorResult> {
  const expired = typeof req.session.expires === "number" && req.session.expires <= req.now + 60_000;
  if (typeof req.session.token !== "string" || expired) await login(req);
  let graph: Record<string, unknown>;
  try {
    graph = await readGraph(req);
  } catch (err) {
    if (!(err instanceof Error && "failure" in err && err.failure === "session_expired")) throw err;
    await login(req);
    graph = await readGraph(req);
  }
  const readings: BridgeReading[] = [];
  for (const item of Array.isArray(graph.graphData) ? (graph.graphData as Record<string, unknown>[]) : []) {
    const r = toReading(item);
    if (r) readings.push(r);
  }
  const current = toReading((graph.connection as { glucoseMeasurement?: Record<string, unknown> } | undefined)?.glucoseMeasurement);
  if (current) readings.push(current);
  return { readings, cadenceMs: cadence(req, current?.time ?? null) };
}

/**
 * Libre 3 sends a value a minute, Libre 2 every 5 minutes: the cadence is what the current
 * measurement actually does: polled each minute until two values have been seen, then each
 * minute only while the value moves by at most 90 s at a time (a Libre 3).
 */
function cadence(req: VendorRequest, currentAt: number | null): number {
  const previous = typeof req.session.currentAt === "number" ? req.session.currentAt : null;
  if (currentAt !== null && currentAt !== previous) {
    req.session.currentStep = previous === null ? null : currentAt - previous;
    req.session.currentAt = currentAt;
  }
  const step = typeof req.session.currentStep === "number" ? req.session.currentStep : null;
  return step === null || step <= 90_000 ? 60_000 : FIVE_MINUTES;
}
