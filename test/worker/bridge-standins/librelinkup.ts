/**
 * A local LibreLinkUp stand-in as DiaKEM/libre-link-up-api-client (src/client.ts) and
 * timoschlueter/nightscout-librelink-up (src/index.ts) read the API: every region served under
 * `/r/<region>` of this one server, `/llu/config/country` answering a `regionalMap` whose
 * `lslApi` points back here, a login on the wrong region answered `{redirect: true, region}`, a
 * wrong password answered `status: 2` inside HTTP 200, clients below version 4.16.0 refused with
 * status 920, authenticated requests refused without `account-id` = SHA-256 of the user id, an
 * expired token answered HTTP 401, and values in the follower's unit (`Value`, mmol/L here) next
 * to `ValueInMgPerDl`, times as `FactoryTimestamp` (UTC) and `Timestamp` (phone local, +2 h here).
 */
import { json, readBody, sha256Hex, type Control, type StandinReading } from "./common.ts";

export const LLU_STANDIN_REGIONS = ["us", "eu", "eu2", "de", "fr", "jp", "ap", "au", "ae", "ca"];

interface Account {
  email: string;
  password: string;
  userId: string;
  patientId: string;
  region: string;
  readings: StandinReading[];
  mode: "ok" | "outage" | "hang";
  logins: number;
  redirects: number;
  graphs: number;
}

const accounts = new Map<string, Account>();
const tokens = new Map<string, { account: Account; expires: number }>();

export const lluControl: Control = {
  upsert(body) {
    const email = String(body.username);
    const a: Account = accounts.get(email) ?? { email, password: "", userId: crypto.randomUUID(), patientId: crypto.randomUUID(), region: "eu", readings: [], mode: "ok", logins: 0, redirects: 0, graphs: 0 };
    if (body.password !== undefined) a.password = String(body.password);
    if (body.region !== undefined) a.region = String(body.region);
    if (body.mode !== undefined) a.mode = body.mode as Account["mode"];
    if (Array.isArray(body.readings)) a.readings = [...a.readings, ...(body.readings as StandinReading[])];
    if (body.expire_tokens) for (const t of tokens.values()) if (t.account === a) t.expires = 0;
    accounts.set(email, a);
    return { username: email, logins: a.logins, redirects: a.redirects, graphs: a.graphs };
  },
};

/** `M/D/YYYY h:mm:ss AM` as LibreLinkUp writes it. */
function lluTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

const ARROWS: Record<string, number> = { SingleDown: 1, FortyFiveDown: 2, Flat: 3, FortyFiveUp: 4, SingleUp: 5 };
const item = (r: StandinReading) => ({
  FactoryTimestamp: lluTime(r.time),
  Timestamp: lluTime(r.time + 2 * 3600_000),
  type: 0,
  ValueInMgPerDl: r.value,
  Value: Math.round((r.value / 18.016) * 10) / 10,
  TrendArrow: ARROWS[r.trend ?? "Flat"] ?? 3,
  MeasurementColor: 1,
  GlucoseUnits: 0,
  isHigh: false,
  isLow: false,
});

function versionOk(v: string | null): boolean {
  const [a = 0, b = 0] = (v ?? "0").split(".").map(Number);
  return a > 4 || (a === 4 && b >= 16);
}

export async function libreLinkUp(request: Request, path: string, base: string): Promise<Response> {
  const m = /^(?:\/r\/([a-z0-9]+))?(\/llu\/.*)$/.exec(path);
  if (!m) return json({ message: "not found" }, 404);
  const region = m[1] ?? null;
  const route = m[2]!;
  if (request.headers.get("product") !== "llu.android" && request.headers.get("product") !== "llu.ios") return json({ status: 920, data: { message: "product header missing" } }, 403);
  if (!versionOk(request.headers.get("version"))) return json({ status: 920, data: { minimumVersion: "4.16.0" } }, 403);
  if (route === "/llu/config/country") {
    const regionalMap = Object.fromEntries(LLU_STANDIN_REGIONS.map((r) => [r, { lslApi: `${base}/r/${r}`, socketHub: `${base}/r/${r}` }]));
    return json({ status: 0, data: { regionalMap } });
  }
  if (route === "/llu/auth/login" && request.method === "POST") {
    const body = (await readBody(request)) as { email?: string; password?: string };
    const a = accounts.get(String(body.email));
    if (!a || a.password !== body.password) {
      if (a) a.logins++;
      return json({ status: 2, error: { message: "notAuthenticated" } });
    }
    if (a.mode === "hang") return new Promise<Response>(() => undefined);
    if (a.mode === "outage") return new Response("upstream connect error", { status: 502 });
    a.logins++;
    if (region !== a.region) {
      a.redirects++;
      return json({ status: 0, data: { redirect: true, region: a.region } });
    }
    const token = crypto.randomUUID();
    const expires = Date.now() + 3600_000;
    tokens.set(token, { account: a, expires });
    return json({ status: 0, data: { user: { id: a.userId, email: a.email, country: "DE" }, authTicket: { token, expires: Math.floor(expires / 1000), duration: 3600000 } } });
  }
  const auth = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "");
  const t = auth ? tokens.get(auth[1]!) : undefined;
  if (!t || t.expires <= Date.now()) return json({ message: "invalid or expired jwt" }, 401);
  const a = t.account;
  if (request.headers.get("account-id") !== (await sha256Hex(a.userId))) return json({ status: 403, error: { message: "missing or wrong account-id" } }, 403);
  if (region !== a.region) return json({ message: "wrong region" }, 401);
  if (a.mode === "hang") return new Promise<Response>(() => undefined);
  if (a.mode === "outage") return new Response("upstream connect error", { status: 502 });
  const sorted = [...a.readings].sort((x, y) => x.time - y.time).filter((r) => r.time >= Date.now() - 12 * 3600_000);
  const current = sorted.at(-1);
  const connection = { id: a.patientId, patientId: a.patientId, firstName: "Test", lastName: "Patient", glucoseMeasurement: current ? item(current) : null };
  if (route === "/llu/connections") return json({ status: 0, data: [connection] });
  if (route === `/llu/connections/${a.patientId}/graph`) {
    a.graphs++;
    return json({ status: 0, data: { connection, activeSensors: [], graphData: sorted.slice(0, -1).map(item) } });
  }
  return json({ message: "not found" }, 404);
}
