/**
 * @module worker/bridges/vendors/dexcom-share
 * Dexcom Share, as the publisher (the person wearing the sensor, not a follower), read from
 * pydexcom (gagebenne/pydexcom: pydexcom/const.py, pydexcom/dexcom.py) and
 * nightscout/share2nightscout-bridge (index.js):
 *
 * 1. `POST General/AuthenticatePublisherAccount` {accountName, password, applicationId} → the
 *    account id (a JSON string);
 * 2. `POST General/LoginPublisherAccountById` {accountId, password, applicationId} → the session
 *    id (a JSON string; all zeros means no session);
 * 3. `POST Publisher/ReadPublisherLatestGlucoseValues?sessionId=…&minutes=1…1440&maxCount=1…288`
 *    → `[{WT, ST, DT, Value, Trend}]`, newest first.
 *
 * Errors come as HTTP 500 with `{Code, Message}`: `SessionIdNotFound` / `SessionNotValid` mean log
 * in again; `AccountPasswordInvalid`, `SSO_AuthenticateAccountNotFound`,
 * `SSO_AuthenticateMaxAttemptsExceeded` and `SSO_InternalError` "Cannot Authenticate by …" are
 * a refused login, not an outage. Times come as `/Date(ms)/` (older servers, numeric trends
 * 0–9) or `Date(ms)` (newer, trend names); `WT` is UTC.
 */
import type { TrendDirection } from "../../../vocabulary/trend.ts";
import { loginRefused, outage, sessionExpired, unexpected, vendorFetch, type VendorResponse } from "../http.ts";
import { FIVE_MINUTES, userPassword, type BridgeReading, type VendorRequest, type VendorResult } from "./types.ts";

export const DEXCOM_REGIONS = ["us", "ous", "jp"] as const;
export type DexcomRegion = (typeof DEXCOM_REGIONS)[number];

/** pydexcom const.py DEXCOM_BASE_URLS / DEXCOM_APPLICATION_IDS (Japan: its own host and application id). */
export const DEXCOM_HOSTS: Record<DexcomRegion, string> = {
  us: "https://share2.dexcom.com",
  ous: "https://shareous1.dexcom.com",
  jp: "https://share.dexcom.jp",
};
export const DEXCOM_APPLICATION_IDS: Record<DexcomRegion, string> = {
  us: "d89443d2-327c-4a6f-89e5-496bbb0317db",
  ous: "d89443d2-327c-4a6f-89e5-496bbb0317db",
  jp: "d8665ade-9673-4e27-9ff6-92db4ce13d13",
};
const SERVICES = "/ShareWebServices/Services";
const NULL_SESSION = "00000000-0000-0000-0000-000000000000";
const MAX_MINUTES = 1440;
const MAX_COUNT = 288;

/** Numeric Share trends (pydexcom DEXCOM_TREND_DIRECTIONS: 0 None … 9 RateOutOfRange). */
const TREND_BY_NUMBER: (TrendDirection | null)[] = ["NONE", "DoubleUp", "SingleUp", "FortyFiveUp", "Flat", "FortyFiveDown", "SingleDown", "DoubleDown", "NOT COMPUTABLE", "RATE OUT OF RANGE"];
const TREND_BY_NAME: Record<string, TrendDirection> = {
  None: "NONE",
  DoubleUp: "DoubleUp",
  SingleUp: "SingleUp",
  FortyFiveUp: "FortyFiveUp",
  Flat: "Flat",
  FortyFiveDown: "FortyFiveDown",
  SingleDown: "SingleDown",
  DoubleDown: "DoubleDown",
  NotComputable: "NOT COMPUTABLE",
  RateOutOfRange: "RATE OUT OF RANGE",
};

/** `/Date(1691455258000)/`, `Date(1691455258000)` or with an offset `Date(1691455258000-0400)`: the ms are UTC. */
export function parseShareDate(s: unknown): number | null {
  if (typeof s !== "string") return null;
  const m = /^\/?Date\((-?\d+)(?:[+-]\d{4})?\)\/?$/.exec(s.trim());
  return m ? Number(m[1]) : null;
}

export function parseShareTrend(t: unknown): TrendDirection | null {
  if (typeof t === "number") return TREND_BY_NUMBER[t] ?? null;
  if (typeof t === "string") return TREND_BY_NAME[t] ?? (/^\d$/.test(t) ? (TREND_BY_NUMBER[Number(t)] ?? null) : null);
  return null;
}

/** Share records → readings (records without a valid time or value are skipped). */
export function parseShareRecords(records: unknown): BridgeReading[] {
  if (!Array.isArray(records)) return [];
  const out: BridgeReading[] = [];
  for (const r of records as Record<string, unknown>[]) {
    const time = parseShareDate(r?.WT) ?? parseShareDate(r?.ST);
    const value = typeof r?.Value === "number" ? r.Value : Number(r?.Value);
    if (time === null || !Number.isFinite(value) || value <= 0) continue;
    out.push({ time, value, trend: parseShareTrend(r.Trend) });
  }
  return out;
}

function baseUrl(req: VendorRequest): string {
  const region = (req.region ?? "us") as DexcomRegion;
  return `${(req.serverUrl ?? DEXCOM_HOSTS[region] ?? DEXCOM_HOSTS.us).replace(/\/+$/, "")}${SERVICES}`;
}

function classify(url: string, res: VendorResponse): Error {
  const body = (res.json ?? {}) as { Code?: unknown; Message?: unknown };
  const code = typeof body.Code === "string" ? body.Code : "";
  const message = typeof body.Message === "string" ? body.Message : "";
  if (code === "SessionIdNotFound" || code === "SessionNotValid") return sessionExpired(`Dexcom Share: ${code}`);
  if (code === "AccountPasswordInvalid" || code === "SSO_AuthenticateAccountNotFound" || code === "SSO_AuthenticatePasswordInvalid") {
    return loginRefused("Dexcom Share refused the username or password (AccountPasswordInvalid)");
  }
  if (code === "SSO_AuthenticateMaxAttemptsExceeded") return loginRefused("Dexcom Share locked the account after too many attempts (SSO_AuthenticateMaxAttemptsExceeded)");
  if (code === "SSO_InternalError" && /Cannot Authenticate by Account(Name|Id)/i.test(message)) return loginRefused(`Dexcom Share refused the login: ${message}`);
  if (code === "InvalidArgument" && /accountName|password/i.test(message)) return loginRefused(`Dexcom Share refused the login: ${message}`);
  return code ? outage(`Dexcom Share answered HTTP ${res.status} ${code}`) : unexpected(url, res);
}

async function post(req: VendorRequest, path: string, body: unknown): Promise<unknown> {
  const url = `${baseUrl(req)}/${path}`;
  const res = await vendorFetch(req.http, url, { method: "POST", body, headers: { "user-agent": "GlucoLens bridge" } });
  if (res.status === 200 && res.json !== undefined) return res.json;
  throw classify(url, res);
}

async function login(req: VendorRequest): Promise<string> {
  const { username, password } = userPassword(req.credentials);
  const applicationId = DEXCOM_APPLICATION_IDS[(req.region ?? "us") as DexcomRegion] ?? DEXCOM_APPLICATION_IDS.us;
  const accountId = await post(req, "General/AuthenticatePublisherAccount", { accountName: username, password, applicationId });
  if (typeof accountId !== "string" || accountId === NULL_SESSION) throw loginRefused("Dexcom Share found no account for this username");
  const sessionId = await post(req, "General/LoginPublisherAccountById", { accountId, password, applicationId });
  if (typeof sessionId !== "string" || sessionId === NULL_SESSION) throw loginRefused("Dexcom Share gave no session for this account");
  req.session.sessionId = sessionId;
  return sessionId;
}

/** Minutes and count to ask for: everything Share keeps (24 h) on the first poll, else since the newest reading plus a margin. */
export function shareWindow(since: number | null, now: number): { minutes: number; maxCount: number } {
  if (since === null) return { minutes: MAX_MINUTES, maxCount: MAX_COUNT };
  const minutes = Math.min(MAX_MINUTES, Math.max(10, Math.ceil((now - since) / 60_000) + 10));
  return { minutes, maxCount: Math.min(MAX_COUNT, Math.ceil(minutes / 5) + 2) };
}

export async function pollDexcomShare(req: VendorRequest): Promise<VendorResult> {
  const { minutes, maxCount } = shareWindow(req.since, req.now);
  const read = async (sessionId: string) => post(req, `Publisher/ReadPublisherLatestGlucoseValues?sessionId=${encodeURIComponent(sessionId)}&minutes=${minutes}&maxCount=${maxCount}`, {});
  let sessionId = typeof req.session.sessionId === "string" ? req.session.sessionId : await login(req);
  let records: unknown;
  try {
    records = await read(sessionId);
  } catch (err) {
    if (!(err instanceof Error && "failure" in err && err.failure === "session_expired")) throw err;
    sessionId = await login(req);
    records = await read(sessionId);
  }
  if (!Array.isArray(records)) throw outage("Dexcom Share answered without a list of readings");
  return { readings: parseShareRecords(records), cadenceMs: FIVE_MINUTES };
}
