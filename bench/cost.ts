/**
 * `npm run bench:cost`: what one typical user-day costs on Cloudflare, measured on the local
 * platform and priced at the published Workers Paid rates (bench/cost/prices.ts).
 *
 * COST_USERS users (default 20) each live one day in compressed time: the Worker's clock is set
 * to each simulated minute in turn (bench/cost/worker.ts), all users' requests of that minute are
 * sent together, and the next minute follows as soon as they are answered:
 * - an uploader (xDrip+) posts each reading, every 5 minutes, to `POST /api/v1/entries` with the
 *   SHA-1 `api-secret` of an uploader secret (xDrip+ NightscoutUploader.java doRESTUpload: a JSON
 *   array of entries); or, with `COST_SOURCE=dexcom-share|librelinkup|nightscout`, a cloud bridge
 *   instead: each reading appears at the vendor (the stand-ins of test/worker/bridge-standins, which
 *   speak the vendors' protocols) and the user's monitor polls it from its alarm, run when due on
 *   the simulated clock (bench/cost/worker.ts `/__cost/alarms`);
 * - a follower app polls every minute: xDrip+ follower (`COST_FOLLOWER=entries`, default):
 *   `GET /api/v1/entries.json?count=10&rr=…` with `api-secret` (xDrip+ cgm/nsfollow/NightscoutFollow.java
 *   work(): count = max(10, missed readings + 1)); or Nightguard (`COST_FOLLOWER=properties`):
 *   `GET /api/v2/properties`;
 * - the dashboard is open for one hour: the web app's loader calls (web/app/routes/_app._index.tsx),
 *   a ticket and the live WebSocket (`/api/v1/alerts/stream`), which receives that hour's readings;
 * - five records (a meal, two insulin doses, an activity, a night's sleep), each after refreshing
 *   the session's access token as the web app does;
 * - the 24 hourly Cron Triggers (one of them queues the aggregation of the day just lived, which
 *   the queue consumer runs) and the weekly analysis (run once, counted as 1/7 of a day), each
 *   started through the Worker's own `scheduled` handler as scripts/serve.ts does.
 *
 * Counted inside the Worker (bench/cost/worker.ts, bench/cost/meter.ts): Worker invocations,
 * Durable Object requests and their wall time, D1 rows read/written over every D1 binding, the
 * objects' SQLite rows, queue deliveries. Measured outside: workerd's CPU time (/proc) and the
 * SQLite files' bytes per table (dbstat via the sqlite3 command). Output: the figures, the cost per
 * user-month, how many such users the Free plan's daily limits hold and which limit binds, and one
 * JSON line at the end.
 *
 * Environment: COST_USERS, COST_FOLLOWER (entries|properties), COST_SOURCE (uploader, default |
 * dexcom-share | librelinkup | nightscout), COST_STATE_DIR (default .tmp/bench-cost-state),
 * BENCH_PORT (default 9510).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { Agent } from "node:http";
import { sendJson, type JsonAnswer } from "./http-json.ts";
import { join } from "node:path";
import { WebSocket } from "ws";
import { cpuSeconds, startBuiltPlatform, type Platform } from "../test/support/local-platform.ts";
import { startStandins, type Standins } from "../test/worker/bridge-standins/server.ts";
import type { Usage } from "./cost/usage.ts";
import { DAYS_PER_MONTH, FREE_DAILY, FREE_TOTAL, PAID, READ_ON, SOURCES } from "./cost/prices.ts";

const USERS = Number(process.env.COST_USERS ?? 20);
const FOLLOWER = process.env.COST_FOLLOWER ?? "entries";
const PORT = Number(process.env.BENCH_PORT ?? 9510);
const STATE_DIR = process.env.COST_STATE_DIR ?? ".tmp/bench-cost-state";
if (!Number.isInteger(USERS) || USERS < 1) throw new Error("COST_USERS must be a positive integer");
if (FOLLOWER !== "entries" && FOLLOWER !== "properties") throw new Error("COST_FOLLOWER must be entries or properties");
const SOURCES_OF_READINGS = ["uploader", "dexcom-share", "librelinkup", "nightscout"] as const;
type Source = (typeof SOURCES_OF_READINGS)[number];
const SOURCE = (process.env.COST_SOURCE ?? "uploader") as Source;
if (!SOURCES_OF_READINGS.includes(SOURCE)) throw new Error(`COST_SOURCE must be one of ${SOURCES_OF_READINGS.join(", ")}`);

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const HOURLY_CRON = "0 * * * *";
const WEEKLY_CRON = "30 4 * * 1";
const DASHBOARD_HOUR = 18;
/** Finished analyses kept per user (worker/pipeline/cron.ts KEEP_JOBS). */
const KEPT_ANALYSES = 5;

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
let clientRequests = 0;

type Answer = JsonAnswer;

function call(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  clientRequests++;
  const once = () => sendJson(url, method, headers, agent, body);
  // A kept-alive connection the server closed as it was reused: send once more (Node's documented race).
  return once().catch((err: { reusedSocket?: boolean }) => (err.reusedSocket ? once() : Promise.reject(err)));
}

async function expectStatus(what: string, p: Promise<Answer>, ...ok: number[]): Promise<Answer> {
  const res = await p;
  if (!ok.includes(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
  return res;
}

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

interface User {
  index: number;
  publicId: string;
  /** The vendor account (or Nightscout site) the bridge follows; null for the uploader. */
  vendorAccount: string | null;
  token: string;
  refresh: string;
  apiSecret: string;
  failures: number;
  liveReadings: number;
}

async function setupUser(url: string, index: number): Promise<User> {
  const reg = await expectStatus(
    "register",
    call(`${url}/api/v1/auth/register`, "POST", {}, { email: `cost${index}-${crypto.randomUUID().slice(0, 8)}@bench.local`, password: "benchmark-password", name: `cost${index}`, timezone: "UTC", unit: "mg/dL" }),
    201,
  );
  const token = reg.json.access_token as string;
  const refresh = reg.json.refresh_token as string;
  const up = await expectStatus("uploader", call(`${url}/api/v1/uploaders`, "POST", { authorization: `Bearer ${token}` }, { name: "xDrip+" }), 201);
  const vendorAccount = SOURCE === "uploader" ? null : `cost${index}-${crypto.randomUUID().slice(0, 8)}`;
  if (vendorAccount) {
    await vendorControl({ username: vendorAccount, password: VENDOR_PASSWORD, token: VENDOR_PASSWORD });
    const body =
      SOURCE === "nightscout"
        ? { kind: "nightscout", server_url: `${standins!.nightscout}/site/${vendorAccount}`, token: VENDOR_PASSWORD }
        : { kind: SOURCE, username: vendorAccount, password: VENDOR_PASSWORD, server_url: SOURCE === "dexcom-share" ? standins!.dexcom : standins!.librelinkup };
    await expectStatus("bridge", call(`${url}/api/v1/bridges`, "POST", { authorization: `Bearer ${token}` }, body), 201);
  }
  return { index, publicId: reg.json.user.id as string, vendorAccount, token, refresh, apiSecret: await sha1Hex(up.json.secret as string), failures: 0, liveReadings: 0 };
}

// The vendors' side of a bridged user (stand-ins in this process, outside the Worker: not counted).
const VENDOR_PASSWORD = "vendor-password-1";
let standins: Standins | null = null;

async function vendorControl(body: Record<string, unknown>): Promise<void> {
  const base = SOURCE === "dexcom-share" ? standins!.dexcom : SOURCE === "librelinkup" ? standins!.librelinkup : standins!.nightscout;
  const res = await fetch(`${base}/__control`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`vendor stand-in: ${res.status}`);
}

/** Runs the monitors' alarms that are due on the simulated clock (the bridges' polls). */
async function dueAlarms(url: string, users: User[]): Promise<void> {
  await expectStatus("alarms", sendJson(`${url}/__cost/alarms?users=${users.map((u) => u.publicId).join(",")}`, "POST", {}, agent), 200);
}

/** A plausible day: 120 mg/dL with a meal bump and a slow wave; deterministic per user and time. */
function sgvAt(user: number, minute: number): number {
  const h = minute / 60;
  const meal = (center: number) => 60 * Math.exp(-(((h - center) / 1.2) ** 2));
  return Math.round(115 + 20 * Math.sin((minute + user * 37) / 200) + meal(8) + meal(13) + meal(19));
}

/** The SQLite files under the state directory, by kind (D1 databases, Durable Object storage). */
function sqliteFiles(dir: string): { kind: "d1" | "durable"; path: string }[] {
  const out: { kind: "d1" | "durable"; path: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".sqlite")) out.push({ kind: p.includes("D1DatabaseObject") ? "d1" : "durable", path: p });
    }
  };
  walk(join(dir, "v3"));
  return out;
}

type Bytes = Record<string, number>;

/** Bytes in use (pages less their unused space) per table, indexes counted with their table, over all files of a kind. */
function bytesByTable(dir: string): { d1: Bytes; durable: Bytes; files: { d1: number; durable: number } } {
  const out = { d1: {} as Bytes, durable: {} as Bytes, files: { d1: 0, durable: 0 } };
  for (const { kind, path } of sqliteFiles(dir)) {
    const res = spawnSync(
      "sqlite3",
      ["-readonly", "-json", path, "SELECT coalesce(s.tbl_name, d.name) AS tbl, SUM(d.pgsize - d.unused) AS bytes FROM dbstat d LEFT JOIN sqlite_schema s ON s.name = d.name GROUP BY tbl"],
      { encoding: "utf8" },
    );
    if (res.status !== 0) throw new Error(`sqlite3 ${path}: ${res.stderr}`);
    out.files[kind] += statSync(path).size;
    for (const row of JSON.parse(res.stdout || "[]") as { tbl: string; bytes: number }[]) out[kind][row.tbl] = (out[kind][row.tbl] ?? 0) + row.bytes;
  }
  return out;
}

const minus = (a: Bytes, b: Bytes): Bytes => Object.fromEntries(Object.keys(a).map((k) => [k, a[k]! - (b[k] ?? 0)]));
const sum = (b: Bytes) => Object.values(b).reduce((s, x) => s + x, 0);

async function readUsage(url: string): Promise<Usage> {
  return (await expectStatus("usage", call(`${url}/__cost/usage`, "GET", {}), 200)).json as Usage;
}

function usageDelta(a: Usage, b: Usage): Usage {
  const d = (x: Record<string, unknown>, y: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(x).map(([k, v]) => [k, typeof v === "number" ? v - ((y[k] as number) ?? 0) : d(v as Record<string, unknown>, (y[k] as Record<string, unknown>) ?? {})]));
  return d(b as unknown as Record<string, unknown>, a as unknown as Record<string, unknown>) as unknown as Usage;
}

function workerdCpu(platform: Platform): number {
  return (platform.processes?.() ?? []).filter((p) => p.name === "workerd").reduce((s, p) => s + (cpuSeconds(p.pid) ?? 0), 0);
}

async function cron(url: string, expression: string, time: number): Promise<void> {
  await expectStatus(`cron ${expression}`, call(`${url}/__cost/scheduled?cron=${encodeURIComponent(expression)}&time=${time}`, "POST", {}), 200);
}

/** Waits until the queue consumer has gone quiet (no delivery and no D1 statement for 4 s), at most 10 minutes. */
async function drain(url: string): Promise<void> {
  let last = "";
  let quietSince = Date.now();
  const until = Date.now() + 10 * MIN;
  while (Date.now() < until) {
    const u = await readUsage(url);
    const key = `${u.queue.delivered}:${u.d1.statements}`;
    if (key !== last) {
      last = key;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > 4000) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the queue did not drain within 10 minutes");
}

/**
 * A fresh access token (15 minutes of simulated time each), as the web app's session refresh gets
 * one; `counted: false` for a token the bench itself needs after the day (not a client request).
 */
async function bearer(url: string, u: User, counted = true): Promise<Record<string, string>> {
  const refresh = `${url}/api/v1/auth/refresh`;
  const body = { refresh_token: u.refresh };
  const res = await expectStatus("refresh", counted ? call(refresh, "POST", {}, body) : sendJson(refresh, "POST", {}, agent, body), 200);
  u.token = res.json.access_token as string;
  u.refresh = res.json.refresh_token as string;
  return { authorization: `Bearer ${u.token}` };
}

async function setClock(url: string, t: number): Promise<void> {
  await expectStatus("clock", call(`${url}/__cost/clock?t=${t}`, "POST", {}), 200);
}

/** The dashboard's hour: the loader's calls, a ticket and the live socket until `close()`. */
async function openDashboard(url: string, u: User, now: number): Promise<() => void> {
  const auth = await bearer(url, u);
  const iso = (ms: number) => new Date(ms).toISOString();
  const window = `start=${iso(now - 3 * HOUR)}&end=${iso(now)}`;
  const loads = [
    `/api/v1/glucose/readings?start=${iso(now - 24 * HOUR)}&end=${iso(now)}`,
    `/api/v1/meals?${window}`,
    `/api/v1/insulin?${window}`,
    `/api/v1/activities?start=${iso(now - 27 * HOUR)}&end=${iso(now)}`,
    `/api/v1/sleep?start=${iso(now - 27 * HOUR)}&end=${iso(now)}`,
    "/api/v1/insights/dashboard?period_days=14",
    "/api/v1/glucose/forecast?horizon=60",
    "/api/v1/glucose/iob-cob",
  ];
  await Promise.all(loads.map((path) => call(`${url}${path}`, "GET", auth)));
  const ticket = await expectStatus("ticket", call(`${url}/api/v1/alerts/ticket`, "POST", auth), 201);
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}${ticket.json.url}`);
  await new Promise<void>((resolve, reject) => {
    ws.once("error", reject);
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { type: string };
      if (msg.type === "hello") resolve();
      else if (msg.type === "reading") u.liveReadings++;
    });
  });
  return () => ws.close(1000, "dashboard closed");
}

/** The five records of the day, at the minutes they are logged. */
function recordsAt(minute: number, day0: number): { path: string; body: unknown }[] {
  const iso = (m: number) => new Date(day0 + m * MIN).toISOString();
  const all: Record<number, { path: string; body: unknown }> = {
    [7 * 60 + 30]: { path: "/api/v1/sleep", body: { start: iso(-90), end: iso(7 * 60), quality: 4 } },
    [8 * 60]: { path: "/api/v1/meals", body: { time: iso(8 * 60), carbs: 45, description: "Porridge" } },
    [8 * 60 + 1]: { path: "/api/v1/insulin", body: { time: iso(8 * 60), units: 4.5, kind: "bolus" } },
    [17 * 60]: { path: "/api/v1/activities", body: { start: iso(16 * 60), end: iso(17 * 60), type: "walking", intensity: "moderate" } },
    [19 * 60]: { path: "/api/v1/insulin", body: { time: iso(19 * 60), units: 6, kind: "bolus" } },
  };
  return all[minute] ? [all[minute]] : [];
}

async function liveDay(url: string, users: User[], day0: number): Promise<void> {
  const closers: (() => void)[] = [];
  for (let minute = 0; minute < 24 * 60; minute++) {
    const at = day0 + minute * MIN;
    await setClock(url, at);
    if (minute % 60 === 0 && minute >= 4 * 60) await cron(url, HOURLY_CRON, at);
    if (minute === DASHBOARD_HOUR * 60) closers.push(...(await Promise.all(users.map((u) => openDashboard(url, u, at)))));
    if (minute === (DASHBOARD_HOUR + 1) * 60) {
      await new Promise((r) => setTimeout(r, 300));
      for (const close of closers.splice(0)) close();
    }
    await Promise.all(
      users.map(async (u) => {
        const ns = { "api-secret": u.apiSecret };
        const jobs: Promise<Answer>[] = [];
        if (minute % 5 === 0 && u.vendorAccount) {
          await vendorControl({ username: u.vendorAccount, readings: [{ time: at, value: sgvAt(u.index, minute), trend: "Flat" }] });
        } else if (minute % 5 === 0) {
          const sgv = sgvAt(u.index, minute);
          const entry = { device: "xDrip-DexcomG6", date: at, dateString: new Date(at).toISOString(), sgv, delta: sgv - sgvAt(u.index, minute - 5), direction: "Flat", type: "sgv", filtered: sgv * 1000, unfiltered: sgv * 1000, rssi: 100, noise: 1, sysTime: new Date(at).toISOString() };
          jobs.push(call(`${url}/api/v1/entries`, "POST", ns, [entry]));
        }
        jobs.push(FOLLOWER === "entries" ? call(`${url}/api/v1/entries.json?count=10&rr=${at}`, "GET", ns) : call(`${url}/api/v2/properties`, "GET", ns));
        for (const r of recordsAt(minute, day0)) jobs.push(call(`${url}${r.path}`, "POST", await bearer(url, u), r.body));
        for (const res of await Promise.all(jobs)) if (res.status >= 300) u.failures++;
      }),
    );
    if (SOURCE !== "uploader") await dueAlarms(url, users);
  }
}

/** Readings the bridges stored per user (the bridge rows' counts, read after the day). */
async function bridgedReadings(url: string, users: User[]): Promise<number> {
  let total = 0;
  for (const u of users) {
    const list = await expectStatus("bridges", sendJson(`${url}/api/v1/bridges`, "GET", await bearer(url, u, false), agent), 200);
    total += (list.json.items as { readings_imported: number }[]).reduce((s, b) => s + b.readings_imported, 0);
  }
  return total / users.length;
}

const fmt = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const usd = (x: number) => `$${x < 0.01 ? x.toFixed(5) : x.toFixed(4)}`;

// --------------------------------------------------------------------------------------------

if (SOURCE !== "uploader") standins = await startStandins();
const platform = await startBuiltPlatform(PORT, "bench-cost", STATE_DIR, { SERVE_DIRECT: "1" }, "bench/cost/worker.ts");
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void platform.stop().finally(() => process.exit(130)));
try {
  const url = platform.url;
  console.log(`Platform: the built Worker (bench/cost/worker.ts) on Miniflare at ${url}, state in ${platform.stateDir}`);
  // The day lived: tomorrow (UTC), on the simulated clock (bench/cost/worker.ts), so that the
  // objects' alarms lie ahead of the real clock and fire only when the code means them to.
  const day0 = Math.ceil(Date.now() / DAY) * DAY + DAY;
  await setClock(url, day0 - 10 * MIN);
  const bytes0 = bytesByTable(platform.stateDir);
  console.log(`Setting up ${USERS} users (account, xDrip+ uploader secret${SOURCE === "uploader" ? "" : `, a ${SOURCE} bridge to the local stand-in`})…`);
  const users: User[] = [];
  for (let i = 0; i < USERS; i++) users.push(await setupUser(url, i));
  const bytes1 = bytesByTable(platform.stateDir);

  const usage0 = await readUsage(url);
  const cpu0 = workerdCpu(platform);
  const requests0 = clientRequests;
  const started = performance.now();
  console.log(`Living ${new Date(day0).toISOString().slice(0, 10)} (simulated clock) for ${USERS} users (readings from: ${SOURCE}; follower: ${FOLLOWER})…`);
  await liveDay(url, users, day0);
  // The hourly crons after the day; the one at 03:00 queues this day's aggregation.
  for (let h = 24; h <= 27; h++) {
    await setClock(url, day0 + h * HOUR);
    await cron(url, HOURLY_CRON, day0 + h * HOUR);
  }
  await drain(url);
  const usage1 = await readUsage(url);
  const cpu1 = workerdCpu(platform);
  const dayRequests = clientRequests - requests0;
  const dayWallSeconds = (performance.now() - started) / 1000;
  const bytes2 = bytesByTable(platform.stateDir);
  console.log(`Weekly analysis for every user…`);
  await setClock(url, day0 + 28 * HOUR + 30 * MIN);
  await cron(url, WEEKLY_CRON, day0 + 28 * HOUR + 30 * MIN);
  await drain(url);
  const usage2 = await readUsage(url);
  const cpu2 = workerdCpu(platform);
  const bytes3 = bytesByTable(platform.stateDir);

  // Per user-day: the day itself plus 1/7 of the weekly analysis.
  const day = usageDelta(usage0, usage1);
  const week = usageDelta(usage1, usage2);
  const perDay = (f: (u: Usage) => number) => (f(day) + f(week) / 7) / USERS;
  const workerInvocations = perDay((u) => u.worker.fetch + u.worker.scheduled + u.worker.queueBatches);
  const cpuMs = (((cpu1 - cpu0) + (cpu2 - cpu1) / 7) * 1000) / USERS;
  const doRequests = perDay((u) => u.durable.calls + u.durable.alarms + u.durable.webSocketMessages / PAID.webSocketMessagesPerRequest);
  const doWallMs = perDay((u) => u.durable.callWallMs + u.durable.handlerWallMs);
  const doGbSeconds = (doWallMs / 1000) * PAID.durableObjectGb;
  const d1Read = perDay((u) => u.d1.rowsRead);
  const d1Written = perDay((u) => u.d1.rowsWritten);
  const doSqlRead = perDay((u) => u.durableSql.rowsRead);
  const doSqlWritten = perDay((u) => u.durableSql.rowsWritten);
  const queueOps = perDay((u) => 3 * u.queue.delivered - 2 * u.queue.retried);
  const fixedBytes = { d1: minus(bytes1.d1, bytes0.d1), durable: minus(bytes1.durable, bytes0.durable) };
  const dayBytes = { d1: minus(bytes2.d1, bytes1.d1), durable: minus(bytes2.durable, bytes1.durable) };
  // An analysis's results are kept for the user's last KEEP_JOBS (5) jobs, then pruned: bounded, not growing by day.
  const weekBytes = { d1: minus(bytes3.d1, bytes2.d1), durable: minus(bytes3.durable, bytes2.durable) };
  const perUser = (b: Bytes) => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== 0).map(([k, v]) => [k, Math.round(v / USERS)]));
  const d1BytesYear = (sum(fixedBytes.d1) + 365 * sum(dayBytes.d1) + KEPT_ANALYSES * sum(weekBytes.d1)) / USERS;
  const doBytesYear = (sum(fixedBytes.durable) + 365 * sum(dayBytes.durable) + KEPT_ANALYSES * sum(weekBytes.durable)) / USERS;
  const labels = Object.keys({ ...day.byLabel, ...week.byLabel })
    .map((label) => {
      const of = (u: Usage, k: "invocations" | "rowsRead" | "rowsWritten") => u.byLabel[label]?.[k] ?? 0;
      const per = (k: "invocations" | "rowsRead" | "rowsWritten") => (of(day, k) + of(week, k) / 7) / USERS;
      return { label, invocations: per("invocations"), rowsRead: per("rowsRead"), rowsWritten: per("rowsWritten") };
    })
    .sort((a, b) => b.rowsWritten * 1000 + b.rowsRead - (a.rowsWritten * 1000 + a.rowsRead));

  // Cost per user-month at the marginal rates (included usage and the $5 minimum left out).
  const m = DAYS_PER_MONTH;
  const cost = {
    worker_requests: (workerInvocations * m * PAID.workerRequestsPerM) / 1e6,
    worker_cpu: (cpuMs * m * PAID.workerCpuMsPerM) / 1e6,
    durable_requests: (doRequests * m * PAID.durableRequestsPerM) / 1e6,
    durable_duration: (doGbSeconds * m * PAID.durableGbSecondsPerM) / 1e6,
    d1_rows_read: ((d1Read + doSqlRead) * m * PAID.d1RowsReadPerM) / 1e6,
    d1_rows_written: ((d1Written + doSqlWritten) * m * PAID.d1RowsWrittenPerM) / 1e6,
    // Storage after a year of data, per month.
    storage_after_a_year: (d1BytesYear / 1e9) * PAID.d1StorageGbMonth + (doBytesYear / 1e9) * PAID.durableStorageGbMonth,
    queue_ops: (queueOps * m * PAID.queueOpsPerM) / 1e6,
  };
  const total = Object.values(cost).reduce((s, x) => s + x, 0);
  const dominant = Object.entries(cost).sort((a, b) => b[1] - a[1])[0]!;
  // How many such users the Free plan's daily limits hold, and which binds.
  const free = {
    worker_requests: FREE_DAILY.workerRequests / workerInvocations,
    durable_requests: FREE_DAILY.durableRequests / doRequests,
    durable_duration: FREE_DAILY.durableGbSeconds / Math.max(doGbSeconds, 1e-9),
    d1_rows_read: FREE_DAILY.d1RowsRead / (d1Read + doSqlRead),
    d1_rows_written: FREE_DAILY.d1RowsWritten / (d1Written + doSqlWritten),
    queue_ops: FREE_DAILY.queueOps / Math.max(queueOps, 1e-9),
    d1_storage_one_year: (FREE_TOTAL.d1StorageGb * 1e9) / d1BytesYear,
  };
  const binding = Object.entries(free).sort((a, b) => a[1] - b[1])[0]!;
  const failures = users.reduce((s, u) => s + u.failures, 0);
  const bridged = SOURCE === "uploader" ? null : await bridgedReadings(url, users);
  const liveReadings = users.reduce((s, u) => s + u.liveReadings, 0) / USERS;

  console.log(`\nOne user-day (${USERS} users, readings from ${SOURCE}, ${fmt(dayRequests)} client requests in ${fmt(dayWallSeconds)} s; ${failures} answered ≥ 300; ${fmt(liveReadings, 1)} live readings per dashboard hour):`);
  if (bridged) console.log(`  Bridged readings       ${fmt(bridged, 1)} stored per user (288 made at the vendor)`);
  console.log(`  Worker invocations     ${fmt(workerInvocations, 1)} (HTTP ${fmt(perDay((u) => u.worker.fetch), 1)}, cron ${fmt(perDay((u) => u.worker.scheduled), 2)}, queue batches ${fmt(perDay((u) => u.worker.queueBatches), 2)})`);
  console.log(`  workerd CPU            ${fmt(cpuMs)} ms (${fmt(cpuMs / workerInvocations, 2)} ms per invocation; the whole workerd process: the Worker, the objects and the local D1 simulator, so an upper bound)`);
  console.log(`  Durable Object reqs    ${fmt(doRequests, 1)} (stub calls ${fmt(perDay((u) => u.durable.calls), 1)}: ${Object.entries(day.durable.byMethod).filter(([, n]) => n).map(([k, n]) => `${k} ${fmt(n / USERS, 1)}`).join(", ")}; WebSocket messages in ${fmt(perDay((u) => u.durable.webSocketMessages), 1)} at 20:1; alarms ${fmt(perDay((u) => u.durable.alarms), 1)})`);
  console.log(`  Durable Object time    ${fmt(doWallMs)} ms wall (each stub call's time to its answer plus each handler's, summed: calls × measured time) = ${fmt(doGbSeconds, 3)} GB-s at 128 MB`);
  console.log(`  D1 rows                ${fmt(d1Read)} read, ${fmt(d1Written)} written (${fmt(perDay((u) => u.d1.statements))} statements, every D1 binding)`);
  console.log(`  Object SQLite rows     ${fmt(doSqlRead)} read, ${fmt(doSqlWritten)} written (${fmt(perDay((u) => u.durableSql.statements))} statements)`);
  console.log(`  Queue operations       ${fmt(queueOps, 1)} (${fmt(perDay((u) => u.queue.delivered), 2)} messages × write, read, delete)`);
  console.log(`  Stored bytes per user  D1 ${fmt(sum(fixedBytes.d1) / USERS)} once + ${fmt(sum(dayBytes.d1) / USERS)} a day; objects ${fmt(sum(fixedBytes.durable) / USERS)} once + ${fmt(sum(dayBytes.durable) / USERS)} a day (a year: ${fmt(d1BytesYear / 1e6, 2)} MB D1, ${fmt(doBytesYear / 1e6, 2)} MB objects)`);
  console.log(`    D1 per table, a day:  ${Object.entries(perUser(dayBytes.d1)).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}`);
  console.log(`    D1 per analysis kept: ${fmt(sum(weekBytes.d1) / USERS)} (${KEPT_ANALYSES} kept)`);
  console.log(`  The day alone / the weekly analysis (whole, per user): queue messages ${fmt(day.queue.delivered / USERS, 1)} / ${fmt(week.queue.delivered / USERS, 1)}; workerd CPU ${fmt(((cpu1 - cpu0) * 1000) / USERS)} / ${fmt(((cpu2 - cpu1) * 1000) / USERS)} ms; D1 rows written ${fmt(day.d1.rowsWritten / USERS)} / ${fmt(week.d1.rowsWritten / USERS)}`);
  console.log(`  D1 by what ran it, per user-day (invocations, rows read, rows written):`);
  for (const l of labels.slice(0, 14)) console.log(`    ${l.label.padEnd(44)} ${fmt(l.invocations, 1).padStart(8)} ${fmt(l.rowsRead).padStart(9)} ${fmt(l.rowsWritten, 1).padStart(8)}`);
  console.log(`\nCost per user-month at Workers Paid rates (read ${READ_ON}; included usage and the $${PAID.monthlyMinimum} minimum left out):`);
  for (const [k, v] of Object.entries(cost)) console.log(`  ${k.padEnd(22)} ${usd(v)}`);
  console.log(`  ${"total".padEnd(22)} ${usd(total)} (goal ≤ $0.02: ${total <= 0.02 ? "met" : "NOT met"}; largest: ${dominant[0]})`);
  console.log(`\nWorkers Free plan (daily limits): ${fmt(Math.floor(binding[1]))} such users; the binding limit is ${binding[0]} (goal ≥ 25: ${binding[1] >= 25 ? "met" : "NOT met"})`);
  console.log(`  ${Object.entries(free).map(([k, v]) => `${k} ${fmt(Math.floor(v))}`).join(", ")}; CPU: ${FREE_TOTAL.workerCpuMsPerInvocation} ms per invocation is a per-request cap, not measured here`);
  console.log(`Sources (read ${READ_ON}): ${Object.values(SOURCES).join(" ")}`);
  const figures = {
    users: USERS,
    follower: FOLLOWER,
    source: SOURCE,
    ...(bridged ? { bridged_readings_per_user_day: bridged } : {}),
    per_user_day: {
      worker_invocations: Math.round(workerInvocations * 10) / 10,
      workerd_cpu_ms: Math.round(cpuMs),
      durable_requests: Math.round(doRequests * 10) / 10,
      durable_wall_ms: Math.round(doWallMs),
      d1_statements: Math.round(perDay((u) => u.d1.statements)),
      d1_rows_read: Math.round(d1Read),
      d1_rows_written: Math.round(d1Written),
      durable_sql_rows_read: Math.round(doSqlRead),
      durable_sql_rows_written: Math.round(doSqlWritten),
      queue_ops: Math.round(queueOps * 100) / 100,
      d1_bytes: Math.round(sum(dayBytes.d1) / USERS),
      durable_bytes: Math.round(sum(dayBytes.durable) / USERS),
    },
    per_user_once_bytes: { d1: perUser(fixedBytes.d1), durable: perUser(fixedBytes.durable) },
    per_user_day_bytes: { d1: perUser(dayBytes.d1), durable: perUser(dayBytes.durable) },
    per_user_analysis_bytes: { d1: perUser(weekBytes.d1), durable: perUser(weekBytes.durable) },
    d1_by_label_per_user_day: Object.fromEntries(labels.map((l) => [l.label, { invocations: Math.round(l.invocations * 100) / 100, rows_read: Math.round(l.rowsRead), rows_written: Math.round(l.rowsWritten * 10) / 10 }])),
    cost_per_user_month_usd: { ...Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, Math.round(v * 1e6) / 1e6])), total: Math.round(total * 1e6) / 1e6 },
    free_plan_users: Math.floor(binding[1]),
    free_plan_binding_limit: binding[0],
    failures,
    prices_read_on: READ_ON,
  };
  console.log(JSON.stringify(figures));
  // COST_LOG=1: the serving process's last output (the Worker's and the objects' warnings and errors).
  if (process.env.COST_LOG === "1") console.log(platform.logTail());
} catch (err) {
  console.error(`The serving process's last output:\n${platform.logTail()}`);
  throw err;
} finally {
  agent.destroy();
  await platform.stop();
  await standins?.close();
}
