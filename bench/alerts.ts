/**
 * `npm run bench:alerts`: the live monitor under load, against a private `wrangler dev` with
 * fresh state (bench/local-platform.ts).
 *
 * USERS accounts each hold one open WebSocket (the `ws` package: Node 20 has no global
 * WebSocket) and post one reading per second for SECONDS seconds over HTTP, spread evenly over
 * each second. Every tenth reading of a user crosses a threshold (alternately 62 mg/dL, low, and
 * 210 mg/dL, high); the others are 100–106 mg/dL, so each crossing reading raises exactly one
 * alert and the next reading resolves it. Rate-of-change and predicted-low alerts are switched off
 * for the run (PUT /api/v1/alerts/settings), since one reading per second with 60 mg/dL jumps
 * would set them off in ways that are correct but not countable; the no-data alert stays on and
 * never fires in a run.
 *
 * Measured: reading POST sent → its alert received on the socket (p50/p95/p99/max); alerts
 * expected vs received exactly once (missing, duplicated, unexpected); readings lost (posted and
 * acknowledged with 201 vs stored in D1, and vs `reading` messages on the socket); POST latency.
 * Target (issue): p99 under 25 ms on a 2-core machine, every alert exactly once, no reading lost.
 *
 * Environment: ALERT_BENCH_USERS (default 200), ALERT_BENCH_SECONDS (default 60),
 * ALERT_BENCH_GRACE_MS (wait for late alerts after the last post, default 3000), BENCH_PORT.
 */
import { WebSocket } from "ws";
import { newAccount, startPlatform } from "./local-platform.ts";

const USERS = Number(process.env.ALERT_BENCH_USERS ?? 200);
const SECONDS = Number(process.env.ALERT_BENCH_SECONDS ?? 60);
const GRACE_MS = Number(process.env.ALERT_BENCH_GRACE_MS ?? 3000);
const SETUP_CONCURRENCY = 8;
const CROSS_EVERY = 10;

interface User {
  index: number;
  token: string;
  ws: WebSocket;
  posted: number;
  postErrors: number;
  readingMessages: number;
  socketErrors: number;
  closed: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (x: number | null, digits = 1) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

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

async function call(url: string, token: string, method: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as any) : null };
}

/** Value of reading k of user i: every tenth crosses a threshold, alternately low and high. */
function valueOf(i: number, k: number): { value: number; crossing: boolean } {
  const n = k + i;
  if (n % CROSS_EVERY === CROSS_EVERY - 1) return { value: Math.floor(n / CROSS_EVERY) % 2 ? 210 : 62, crossing: true };
  return { value: 100 + (n % 7), crossing: false };
}

// --------------------------------------------------------------------------------------------

const platform = await startPlatform(Number(process.env.BENCH_PORT ?? 8791), "bench-alerts");
const wsBase = platform.url.replace(/^http/, "ws");
try {
  console.log(`Setting up ${USERS} users with a WebSocket each…`);
  /** key `${user}:${reading time}` → when the POST was sent (performance.now) */
  const expected = new Map<string, number>();
  const received = new Map<string, { at: number; count: number; raisedMs: number; pushMs: number }>();
  /** key → when the POST's response arrived (performance.now) */
  const responded = new Map<string, number>();
  const unexpected: string[] = [];
  /** Close codes of sockets that closed before the end (for example when wrangler dev reloads changed sources). */
  const closes: string[] = [];

  const users = await pool(USERS, SETUP_CONCURRENCY, async (index): Promise<User> => {
    const token = await newAccount(platform.url, `alerts${index}`);
    const put = await call(`${platform.url}/api/v1/alerts/settings`, token, "PUT", {
      falling_fast: { enabled: false, rate: 3 },
      rising_fast: { enabled: false, rate: 3 },
      predicted_low: { enabled: false, minutes: 20 },
    });
    if (put.status !== 200) throw new Error(`settings: ${put.status} ${JSON.stringify(put.json)}`);
    const ticket = await call(`${platform.url}/api/v1/alerts/ticket`, token, "POST");
    if (ticket.status !== 201) throw new Error(`ticket: ${ticket.status} ${JSON.stringify(ticket.json)}`);
    const ws = new WebSocket(`${wsBase}${ticket.json.url}`);
    const user: User = { index, token, ws, posted: 0, postErrors: 0, readingMessages: 0, socketErrors: 0, closed: false };
    await new Promise<void>((resolve, reject) => {
      ws.once("error", reject);
      ws.on("message", (data) => {
        const at = performance.now();
        const wall = Date.now();
        const msg = JSON.parse(String(data)) as { type: string; alert?: { reading_time: string | null; time: string } };
        if (msg.type === "hello") return resolve();
        if (msg.type === "reading") user.readingMessages++;
        else if (msg.type === "alert") {
          const readingTime = msg.alert?.reading_time ? Date.parse(msg.alert.reading_time) : null;
          const key = `${index}:${readingTime ?? "none"}`;
          if (!expected.has(key)) unexpected.push(key);
          const seen = received.get(key);
          // Wall-clock split (same host, ms resolution): reading stamped by the client → alert raised
          // in the Durable Object (its `time`) → alert received here.
          const raisedAt = msg.alert ? Date.parse(msg.alert.time) : wall;
          if (seen) seen.count++;
          else received.set(key, { at, count: 1, raisedMs: readingTime === null ? 0 : raisedAt - readingTime, pushMs: wall - raisedAt });
        }
      });
    });
    ws.on("error", () => user.socketErrors++);
    ws.on("close", (code, reason) => {
      user.closed = true;
      closes.push(`${code} ${String(reason)}`.trim());
    });
    return user;
  });

  // Warm-up: one normal reading per user, outside the measured window, so that every object is
  // created and every code path compiled before timing starts.
  const warmTime = Date.now() - 60_000;
  await pool(USERS, SETUP_CONCURRENCY * 2, (i) => call(`${platform.url}/api/v1/glucose/readings`, users[i]!.token, "POST", { time: warmTime, value: 110, source: "bench" }));
  await sleep(500);
  for (const u of users) u.readingMessages = 0;

  console.log(`Running: ${USERS} users × ${SECONDS} s, one reading per user per second, 1 in ${CROSS_EVERY} crossing a threshold…`);
  const postMs: number[] = [];
  const errorSamples: string[] = [];
  const noteError = (what: string) => {
    if (errorSamples.length < 5) errorSamples.push(what);
  };
  let slipMs = 0;
  const runStart = Date.now();
  const t0 = performance.now() + 200;
  await Promise.all(
    users.map(async (u) => {
      const offset = (u.index * 1000) / USERS;
      for (let k = 0; k < SECONDS; k++) {
        const due = t0 + offset + k * 1000;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        else slipMs = Math.max(slipMs, -wait);
        const { value, crossing } = valueOf(u.index, k);
        const time = Date.now();
        const sentAt = performance.now();
        if (crossing) expected.set(`${u.index}:${time}`, sentAt);
        try {
          const res = await call(`${platform.url}/api/v1/glucose/readings`, u.token, "POST", { time, value, source: "bench" });
          postMs.push(performance.now() - sentAt);
          if (crossing) responded.set(`${u.index}:${time}`, performance.now());
          if (res.status === 201) u.posted++;
          else {
            u.postErrors++;
            noteError(`${res.status} ${JSON.stringify(res.json).slice(0, 200)}`);
            if (crossing) expected.delete(`${u.index}:${time}`);
          }
        } catch (err) {
          u.postErrors++;
          noteError(String(err));
          if (crossing) expected.delete(`${u.index}:${time}`);
        }
      }
    }),
  );
  await sleep(GRACE_MS);

  // Readings in D1 per user, for the run's window (the warm-up reading lies before it).
  const stored = await pool(USERS, SETUP_CONCURRENCY * 2, async (i) => {
    const res = await call(`${platform.url}/api/v1/glucose/readings?start=${runStart}&end=${Date.now() + 60_000}&limit=10000`, users[i]!.token, "GET");
    return (res.json?.items?.length as number) ?? 0;
  });
  const closedEarly = users.filter((u) => u.closed).length;
  const earlyCloseCodes = [...new Set(closes)];
  for (const u of users) u.ws.close(1000, "done");

  const latencies: number[] = [];
  const raisedMs: number[] = [];
  const pushMs: number[] = [];
  let missing = 0;
  let duplicated = 0;
  let beforeResponse = 0;
  for (const [key, sentAt] of expected) {
    const r = received.get(key);
    if (!r) missing++;
    else {
      latencies.push(r.at - sentAt);
      raisedMs.push(r.raisedMs);
      pushMs.push(r.pushMs);
      if (r.at <= (responded.get(key) ?? Infinity)) beforeResponse++;
      if (r.count > 1) duplicated++;
    }
  }
  for (const xs of [latencies, raisedMs, pushMs]) xs.sort((a, b) => a - b);
  postMs.sort((a, b) => a - b);
  const posted = users.reduce((s, u) => s + u.posted, 0);
  const storedTotal = stored.reduce((s, n) => s + n, 0);
  const readingMessages = users.reduce((s, u) => s + u.readingMessages, 0);
  const figures = {
    users: USERS,
    seconds: SECONDS,
    readings_posted: posted,
    post_errors: users.reduce((s, u) => s + u.postErrors, 0),
    post_error_samples: errorSamples,
    readings_stored_d1: storedTotal,
    readings_lost: posted - storedTotal,
    reading_messages_received: readingMessages,
    reading_messages_missing: posted - readingMessages,
    alerts_expected: expected.size,
    alerts_received_once: expected.size - missing - duplicated,
    alerts_missing: missing,
    alerts_duplicated: duplicated,
    alerts_unexpected: unexpected.length,
    alert_latency_ms: {
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? null),
    },
    alert_split_ms: {
      reading_to_raised_p50: percentile(raisedMs, 50),
      reading_to_raised_p99: percentile(raisedMs, 99),
      raised_to_received_p50: percentile(pushMs, 50),
      raised_to_received_p99: percentile(pushMs, 99),
    },
    alerts_before_post_response: beforeResponse,
    post_latency_ms: { p50: round(percentile(postMs, 50)), p99: round(percentile(postMs, 99)) },
    schedule_slip_ms_max: Math.round(slipMs),
    sockets_closed_early: closedEarly,
    early_close_codes: earlyCloseCodes,
    socket_errors: users.reduce((s, u) => s + u.socketErrors, 0),
    workerd_peak_rss_mib: Math.round(platform.workerdPeakMiB()),
    client_peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  const l = figures.alert_latency_ms;
  console.log(`Reading POST → alert on the socket: p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms (target p99 < 25 ms)`);
  const split = figures.alert_split_ms;
  console.log(
    `  split (wall clock, ms): reading → raised in the object p50 ${split.reading_to_raised_p50} / p99 ${split.reading_to_raised_p99}; raised → received p50 ${split.raised_to_received_p50} / p99 ${split.raised_to_received_p99}; ${beforeResponse} of ${latencies.length} alerts arrived before their POST's response`,
  );
  console.log(
    `Alerts: ${figures.alerts_expected} expected, ${figures.alerts_received_once} received exactly once, ${missing} missing, ${duplicated} duplicated, ${figures.alerts_unexpected} unexpected`,
  );
  console.log(
    `Readings: ${posted} acknowledged (201), ${storedTotal} in D1 (${figures.readings_lost} lost), ${readingMessages} reading messages on the sockets; ${figures.post_errors} POST errors`,
  );
  console.log(`POST latency: p50 ${figures.post_latency_ms.p50} ms, p99 ${figures.post_latency_ms.p99} ms; client schedule slip up to ${figures.schedule_slip_ms_max} ms`);
  console.log(`Peak memory: workerd ${figures.workerd_peak_rss_mib} MiB, client ${figures.client_peak_rss_mib} MiB`);
  console.log(JSON.stringify(figures));
} finally {
  await platform.stop();
}
