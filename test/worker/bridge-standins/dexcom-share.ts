/**
 * A local Dexcom Share stand-in speaking the protocol as pydexcom (pydexcom/dexcom.py, const.py)
 * and share2nightscout-bridge read it: publisher login in two steps, sessions, the latest values
 * with `/Date(ms)/` + numeric trends ("old") or `Date(ms)` + trend names ("new"), and errors as
 * HTTP 500 `{Code, Message}`. Accounts are keyed by username, so test files sharing the server
 * never meet. Fetch-style handler (Request → Response), served over real HTTP by server.ts.
 */
import { json, readBody, type Control, type StandinReading } from "./common.ts";

const APP_IDS = new Set(["d89443d2-327c-4a6f-89e5-496bbb0317db", "d8665ade-9673-4e27-9ff6-92db4ce13d13"]);
const TREND_NAMES = ["None", "DoubleUp", "SingleUp", "FortyFiveUp", "Flat", "FortyFiveDown", "SingleDown", "DoubleDown", "NotComputable", "RateOutOfRange"];

interface Account {
  username: string;
  password: string;
  accountId: string;
  format: "old" | "new";
  readings: StandinReading[];
  logins: number;
  reads: number;
  /** outage: HTTP 503 to everything; hang: never answers. */
  mode: "ok" | "outage" | "hang";
}

const accounts = new Map<string, Account>();
const byId = new Map<string, Account>();
const sessions = new Map<string, Account>();
const shareError = (code: string, message: string) => json({ Code: code, Message: message, SubCode: "<OnlyDefaultSubCode>", TypeName: "FaultException" }, 500);

export const dexcomControl: Control = {
  upsert(body) {
    const username = String(body.username);
    const old = accounts.get(username);
    const a: Account = old ?? { username, password: "", accountId: crypto.randomUUID(), format: "old", readings: [], logins: 0, reads: 0, mode: "ok" };
    if (body.password !== undefined) a.password = String(body.password);
    if (body.mode !== undefined) a.mode = body.mode as Account["mode"];
    if (body.format !== undefined) a.format = body.format as Account["format"];
    if (Array.isArray(body.readings)) a.readings = [...a.readings, ...(body.readings as StandinReading[])];
    if (body.expire_sessions) for (const [id, acc] of sessions) if (acc === a) sessions.delete(id);
    accounts.set(username, a);
    byId.set(a.accountId, a);
    return { username, logins: a.logins, reads: a.reads, sessions: [...sessions.values()].filter((x) => x === a).length };
  },
};

/** An outage (503 from the load balancer, not JSON) or a vendor that never answers. */
function unavailable(a: Account): Promise<Response> | Response {
  if (a.mode === "hang") return new Promise<Response>(() => undefined);
  return new Response("<html><body>Service Unavailable</body></html>", { status: 503, headers: { "content-type": "text/html" } });
}

export async function dexcomShare(request: Request, path: string): Promise<Response> {
  const body = (await readBody(request)) as Record<string, unknown>;
  if (path === "/ShareWebServices/Services/General/AuthenticatePublisherAccount") {
    if (!APP_IDS.has(String(body.applicationId))) return shareError("InvalidArgument", "applicationId");
    const a = accounts.get(String(body.accountName));
    if (!a) return shareError("SSO_AuthenticateAccountNotFound", "Account not found");
    if (a.mode !== "ok") return unavailable(a);
    a.logins++;
    if (a.password !== body.password) return shareError("AccountPasswordInvalid", "Publisher account password failed");
    return json(a.accountId);
  }
  if (path === "/ShareWebServices/Services/General/LoginPublisherAccountById") {
    const a = byId.get(String(body.accountId));
    if (!a || a.password !== body.password) return shareError("AccountPasswordInvalid", "Publisher account password failed");
    const id = crypto.randomUUID();
    sessions.set(id, a);
    return json(id);
  }
  if (path === "/ShareWebServices/Services/Publisher/ReadPublisherLatestGlucoseValues") {
    const q = new URL(request.url).searchParams;
    const a = sessions.get(q.get("sessionId") ?? "");
    if (!a) return shareError("SessionIdNotFound", "Session ID not found");
    if (a.mode !== "ok") return unavailable(a);
    const minutes = Number(q.get("minutes"));
    const maxCount = Number(q.get("maxCount"));
    if (!(minutes >= 1 && minutes <= 1440) || !(maxCount >= 1 && maxCount <= 288)) return shareError("InvalidArgument", "minutes/maxCount");
    a.reads++;
    const since = Date.now() - minutes * 60_000;
    const items = a.readings
      .filter((r) => r.time >= since)
      .sort((x, y) => y.time - x.time)
      .slice(0, maxCount)
      .map((r) => {
        const trend = ["None", "DoubleUp", "SingleUp", "FortyFiveUp", "Flat", "FortyFiveDown", "SingleDown", "DoubleDown"].indexOf(r.trend ?? "Flat");
        return a.format === "old"
          ? { WT: `/Date(${r.time})/`, ST: `/Date(${r.time})/`, DT: `/Date(${r.time}+0000)/`, Value: r.value, Trend: trend }
          : { WT: `Date(${r.time})`, ST: `Date(${r.time})`, DT: `Date(${r.time}+0000)`, Value: r.value, Trend: TREND_NAMES[trend] };
      });
    return json(items);
  }
  return json({ Code: "NotFound" }, 404);
}
