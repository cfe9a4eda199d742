/**
 * `npm run bench:start-burst`: 50 users of `npm start` post a reading at the same instant; how long
 * until each one's alert arrives on its live socket, and does each arrive exactly once?
 *
 * The platform is `npm start` itself (test/support/npm-start.ts: the built Worker and site on Miniflare,
 * behind Miniflare's entry worker, as a newcomer runs it), started with its own state folder
 * (.tmp/start-burst-state, kept between runs so that later runs skip the demo's seeding; the
 * demo uploader is off), or an already running one (START_BURST_API=http://127.0.0.1:8787).
 *
 * Setup, not timed: USERS accounts (register), each with its alert rules (PUT /alerts/settings:
 * low at 70 mg/dL; rate-of-change and predicted-low off, since a jump from 110 to 62 would also set
 * them off), a WebSocket on /alerts/stream (waits for `hello`), one in-range reading so that every
 * Durable Object exists. Then every user posts
 * 62 mg/dL at one instant (one timer for all). Measured per user: POST sent → its `alert` message
 * received (p50/p95/p99/max), POST sent → 201; after a grace period, alerts per user (exactly one
 * expected: none missing, none twice, no other kind). The load average and the machine's steal
 * time are printed with the figures: the machine is shared.
 *
 * Environment: START_BURST_USERS (default 50), START_BURST_ROUNDS (default 3: each round a fresh
 * set of users on the same platform), START_BURST_API (attach instead of starting),
 * START_BURST_API_PORT / START_BURST_WEB_PORT (default 8803 / 8804), START_BURST_GRACE_MS (3000).
 * Target: p99 under 250 ms, every alert exactly once.
 */
import { Agent } from "node:http";
import { sendJson, type JsonAnswer } from "./http-json.ts";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { WebSocket } from "ws";
import { startNpmStart, type NpmStart } from "../test/support/npm-start.ts";

const USERS = Number(process.env.START_BURST_USERS ?? 50);
const ROUNDS = Number(process.env.START_BURST_ROUNDS ?? 3);
const GRACE_MS = Number(process.env.START_BURST_GRACE_MS ?? 3000);
const TARGET_P99_MS = 250;
const SETUP_CONCURRENCY = 8;

/**
 * A new connection per request: Miniflare's entry worker closes idle kept-alive connections, and a
 * reused one that it just closed resets (a local connect costs far less than the figures measured).
 * node:http costs the shared cores less than fetch.
 */
const agent = new Agent({ keepAlive: false, maxSockets: 256 });

/**
 * One request, sent again once when a reused keep-alive connection turns out to be closed by the
 * server (the race of Node's `request.reusedSocket`, as bench/alerts.ts does); a resent reading is
 * a duplicate the API refuses, never a second one.
 */
async function call(url: string, token: string | null, method: string, body?: unknown): Promise<{ status: number; json: any }> {
  try {
    return await callOnce(url, token, method, body);
  } catch (err) {
    if (!(err as { reusedSocket?: boolean }).reusedSocket) throw err;
    return await callOnce(url, token, method, body);
  }
}

function callOnce(url: string, token: string | null, method: string, body?: unknown): Promise<JsonAnswer> {
  return sendJson(url, method, token ? { authorization: `Bearer ${token}` } : {}, agent, body);
}

async function pool<T>(n: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** Total and steal CPU ticks of the machine (/proc/stat), for the share other guests took. */
function machineTicks(): { total: number; steal: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { total: f.slice(0, 8).reduce((a, b) => a + b, 0), steal: f[7] ?? 0 };
}

interface User {
  token: string;
  ws: WebSocket;
  /** Alert messages received after the burst, with their kind and when (performance.now). */
  alerts: { kind: string; at: number }[];
}

async function setUpUser(api: string, roundNo: number, i: number): Promise<User> {
  const reg = await call(`${api}/api/v1/auth/register`, null, "POST", { email: `burst${roundNo}-${i}-${crypto.randomUUID().slice(0, 8)}@bench.local`, password: "start burst password", name: `Burst ${i}`, timezone: "UTC", unit: "mg/dL" });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.json)}`);
  const token = reg.json.access_token as string;
  const put = await call(`${api}/api/v1/alerts/settings`, token, "PUT", {
    low: { enabled: true, value: 70 },
    falling_fast: { enabled: false, rate: 3 },
    rising_fast: { enabled: false, rate: 3 },
    predicted_low: { enabled: false, minutes: 20 },
  });
  if (put.status !== 200) throw new Error(`alert settings: ${put.status} ${JSON.stringify(put.json)}`);
  const ticket = await call(`${api}/api/v1/alerts/ticket`, token, "POST");
  if (ticket.status !== 201) throw new Error(`ticket: ${ticket.status} ${JSON.stringify(ticket.json)}`);
  const ws = new WebSocket(`${api.replace(/^http/, "ws")}${ticket.json.url}`);
  const user: User = { token, ws, alerts: [] };
  await new Promise<void>((resolve, reject) => {
    ws.once("error", reject);
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { type: string; alert?: { kind: string } };
      if (msg.type === "hello") resolve();
      else if (msg.type === "alert") user.alerts.push({ kind: msg.alert?.kind ?? "?", at: performance.now() });
    });
  });
  // One in-range reading a minute ago: the user's Durable Object exists and its code paths ran.
  const warm = await call(`${api}/api/v1/glucose/readings`, token, "POST", { time: Date.now() - 60_000, value: 110, source: "bench" });
  if (warm.status !== 201) throw new Error(`warm-up reading: ${warm.status} ${JSON.stringify(warm.json)}`);
  return user;
}

async function burstRound(api: string, r: number) {
  const users = await pool(USERS, SETUP_CONCURRENCY, (i) => setUpUser(api, r, i));
  await new Promise((res) => setTimeout(res, 500));
  for (const u of users) u.alerts.length = 0;

  const load = loadavg()[0]!;
  const ticks0 = machineTicks();
  const sentAt: number[] = [];
  const answeredMs: number[] = [];
  const statuses: number[] = [];
  // One timer fires every POST: the same instant, as far as one Node thread can send 50 requests.
  await new Promise<void>((done) =>
    setTimeout(() => {
      const time = Date.now();
      let left = users.length;
      users.forEach((u, i) => {
        sentAt[i] = performance.now();
        call(`${api}/api/v1/glucose/readings`, u.token, "POST", { time, value: 62, source: "bench" })
          .then((res) => {
            statuses[i] = res.status;
            answeredMs[i] = performance.now() - sentAt[i]!;
          })
          .catch(() => (statuses[i] = 0))
          .finally(() => --left === 0 && done());
      });
    }, 200),
  );
  await new Promise((res) => setTimeout(res, GRACE_MS));
  const ticks1 = machineTicks();

  const latencies: number[] = [];
  let missing = 0;
  let twice = 0;
  let otherKinds = 0;
  users.forEach((u, i) => {
    const lows = u.alerts.filter((a) => a.kind === "low");
    otherKinds += u.alerts.length - lows.length;
    if (lows.length === 0) missing++;
    if (lows.length > 1) twice++;
    if (lows[0]) latencies.push(lows[0].at - sentAt[i]!);
  });
  for (const u of users) u.ws.close();
  latencies.sort((a, b) => a - b);
  answeredMs.sort((a, b) => a - b);
  const ok = statuses.filter((s) => s === 201).length;
  const steal = ticks1.total > ticks0.total ? (100 * (ticks1.steal - ticks0.steal)) / (ticks1.total - ticks0.total) : 0;
  const f = (x: number) => x.toFixed(0).padStart(5);
  console.log(
    `round ${r}: ${USERS} POSTs at one instant → alert on the socket p50 ${f(percentile(latencies, 50))} ms, p95 ${f(percentile(latencies, 95))} ms, p99 ${f(percentile(latencies, 99))} ms, max ${f(latencies.at(-1) ?? NaN)} ms` +
      ` | POST → 201 p50 ${f(percentile(answeredMs, 50))} ms, p99 ${f(percentile(answeredMs, 99))} ms` +
      ` | 201s ${ok}/${USERS}, alerts exactly once ${USERS - missing - twice}/${USERS} (missing ${missing}, twice ${twice}, other kinds ${otherKinds})` +
      ` | load ${load.toFixed(1)}, steal ${steal.toFixed(0)} %`,
  );
  return { p99: percentile(latencies, 99), exactlyOnce: USERS - missing - twice === USERS && otherKinds === 0 && ok === USERS };
}

let platform: NpmStart | null = null;
let api = process.env.START_BURST_API;
if (!api) {
  console.log("Starting npm start (state in .tmp/start-burst-state, demo uploader off)…");
  platform = await startNpmStart({
    apiPort: Number(process.env.START_BURST_API_PORT ?? 8803),
    webPort: Number(process.env.START_BURST_WEB_PORT ?? 8804),
    name: "start-burst",
    keepState: true,
    env: { DEMO_LIVE: "0" },
  });
  console.log(`npm start was running after ${platform.startSeconds.toFixed(0)} s`);
  api = platform.api;
}
console.log(`${USERS} users × ${ROUNDS} rounds against ${api}; target p99 < ${TARGET_P99_MS} ms, every alert exactly once`);
const results = [];
try {
  for (let r = 1; r <= ROUNDS; r++) results.push(await burstRound(api, r));
} finally {
  agent.destroy();
  await platform?.stop();
}
const met = results.every((x) => x.p99 < TARGET_P99_MS && x.exactlyOnce);
console.log(met ? "✓ every round met the target" : "✗ a round missed the target");
process.exit(met ? 0 : 1);
