/**
 * `npm run bench:load`: many uploaders at once against a private `wrangler dev` with fresh state
 * (test/support/local-platform.ts), with duplicates and unreliable clients:
 * - LOAD_UPLOADERS accounts (default 50) each send LOAD_READINGS readings (default 2,000) with
 *   POST /api/v1/glucose/bulk in batches of LOAD_BATCH (default 100), all uploaders at once;
 * - LOAD_DUP_RATE (default 10 %) of each batch's items are copies of readings already sent;
 * - some batches are re-sent after their answer (a lost response), and some are aborted
 *   mid-flight (the client gives up after a random few milliseconds) and re-sent until answered;
 * - ten of each uploader's readings are live ones (time = now) sent one by one between batches,
 *   alternately low (60 mg/dL, raising an alert) and normal (resolving it): POST sent → alert on
 *   the user's WebSocket is the alert latency. Rate and predicted-low rules are switched off.
 * Then checks, through the API only: every distinct reading stored exactly once (GET
 * /api/v1/glucose/readings paged), and the live monitor's window (GET /api/v1/alerts/state
 * readings_in_window) equal to what D1 holds for the last 24 hours.
 *
 * `runLoad` is also used by test/load/load.test.ts with smaller numbers.
 */
import { pathToFileURL } from "node:url";
import { WebSocket } from "ws";
import { newAccount, startPlatform } from "../test/support/local-platform.ts";

export interface LoadOptions {
  uploaders: number;
  readings: number;
  batch: number;
  dupRate: number;
  /** Share of batches re-sent after a successful answer. */
  resendRate: number;
  /** Share of batch attempts aborted mid-flight (then re-sent). */
  abortRate: number;
  liveAlerts: number;
  seed: number;
}

export interface LoadResult {
  uploaders: number;
  readings_distinct: number;
  items_sent: number;
  duplicates_sent: number;
  resends: number;
  aborted: number;
  other_retries: number;
  stored: number;
  stored_exactly_once: boolean;
  window_match: boolean;
  window_mismatches: string[];
  alerts_expected: number;
  alerts_received: number;
  alert_latency_ms: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
  /** Messages received on the sockets by type (alerts as alert:kind:repeat). */
  socket_messages: Record<string, number>;
  wall_s: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: a small seeded generator, so a run can be repeated exactly. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! * 10) / 10;
}

async function call(url: string, token: string, method: string, body?: unknown, signal?: AbortSignal) {
  const res = await fetch(url, {
    method,
    signal,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json, retryAfter: res.headers.get("retry-after") };
}

interface Reading {
  time: number;
  value: number;
  source: string;
}

/** Sends until a 2xx answer: aborted attempts, 429/503 (after Retry-After) and lost connections are retried. */
async function sendUntilAnswered(url: string, token: string, body: unknown, abortChance: () => boolean, counts: { aborted: number; other: number }) {
  for (let attempt = 0; ; attempt++) {
    if (attempt > 200) throw new Error("gave up after 200 attempts");
    const ctrl = new AbortController();
    const abort = abortChance();
    const timer = abort ? setTimeout(() => ctrl.abort(), Math.floor(Math.random() * 15)) : undefined;
    try {
      const res = await call(url, token, "POST", body, ctrl.signal);
      clearTimeout(timer);
      if (res.status < 300) return res;
      if (res.status === 429 || res.status === 503) {
        counts.other++;
        await sleep(1000 * Number(res.retryAfter ?? 1));
        continue;
      }
      throw new Error(`POST answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
    } catch (err) {
      clearTimeout(timer);
      if ((err as Error).message?.startsWith("POST answered")) throw err;
      if (ctrl.signal.aborted) counts.aborted++;
      else {
        counts.other++;
        await sleep(200);
      }
    }
  }
}

export async function runLoad(base: string, o: LoadOptions): Promise<LoadResult> {
  const started = Date.now();
  const wsBase = base.replace(/^http/, "ws");
  const counts = { aborted: 0, other: 0, resends: 0, items: 0, dups: 0 };
  const latencies: number[] = [];
  let alertsReceived = 0;
  const messageTypes = new Map<string, number>();
  const now0 = Date.now();

  const users = await Promise.all(
    Array.from({ length: o.uploaders }, async (_, u) => {
      await sleep(u * 20);
      const token = await newAccount(base, `load${u}`);
      const put = await call(`${base}/api/v1/alerts/settings`, token, "PUT", { falling_fast: { enabled: false, rate: 3 }, rising_fast: { enabled: false, rate: 3 }, predicted_low: { enabled: false, minutes: 20 } });
      if (put.status !== 200) throw new Error(`settings: ${put.status} ${JSON.stringify(put.json)}`);
      const ticket = await call(`${base}/api/v1/alerts/ticket`, token, "POST");
      if (ticket.status !== 201) throw new Error(`ticket: ${ticket.status} ${JSON.stringify(ticket.json)}`);
      const ws = new WebSocket(`${wsBase}${ticket.json.url}`);
      const waiting = new Map<number, number>();
      ws.on("message", (data) => {
        const msg = JSON.parse(String(data));
        messageTypes.set(`${msg.type}${msg.alert ? `:${msg.alert.kind}:${msg.alert.repeat}` : ""}`, (messageTypes.get(`${msg.type}${msg.alert ? `:${msg.alert.kind}:${msg.alert.repeat}` : ""}`) ?? 0) + 1);
        if (msg.type === "alert" && msg.alert.kind === "low" && msg.alert.repeat === 0) {
          const sentAt = waiting.get(Date.parse(msg.alert.reading_time));
          alertsReceived++;
          if (sentAt !== undefined) latencies.push(performance.now() - sentAt);
        }
      });
      await new Promise<void>((resolve, reject) => {
        ws.once("error", reject);
        ws.once("message", () => resolve());
      });
      return { token, ws, waiting };
    }),
  );

  const distinct = new Array<number>(o.uploaders).fill(0);
  await Promise.all(
    users.map(async (user, u) => {
      const random = rng(o.seed + u);
      const historical = o.readings - o.liveAlerts;
      const readings: Reading[] = Array.from({ length: historical }, (_, k) => ({
        // Within the last 24 hours (so the live window holds every one), older than the live ones.
        time: now0 - 60_000 - (historical - k) * 30_000,
        value: 100 + Math.round(40 * Math.sin(k / 30)),
        source: "load-cgm",
      }));
      const batches = Math.ceil(historical / o.batch);
      const liveEvery = Math.max(1, Math.floor(batches / o.liveAlerts));
      let live = 0;
      for (let b = 0; b < batches; b++) {
        const fresh = readings.slice(b * o.batch, (b + 1) * o.batch);
        const sentBefore = readings.slice(0, b * o.batch);
        const items = [...fresh];
        for (let d = 0; d < Math.round(fresh.length * o.dupRate) && sentBefore.length + fresh.length > 1; d++) {
          const pool = sentBefore.length ? sentBefore : fresh;
          items.push(pool[Math.floor(random() * pool.length)]!);
        }
        counts.items += items.length;
        counts.dups += items.length - fresh.length;
        const body = { readings: items.map((r) => ({ time: r.time, value: r.value, unit: "mg/dL", source: r.source })) };
        await sendUntilAnswered(`${base}/api/v1/glucose/bulk`, user.token, body, () => random() < o.abortRate, counts);
        if (random() < o.resendRate) {
          counts.resends++;
          await sendUntilAnswered(`${base}/api/v1/glucose/bulk`, user.token, body, () => false, counts);
        }
        if (b % liveEvery === liveEvery - 1 && live < o.liveAlerts) {
          // Alternately a low (raises) and a normal reading (resolves), at real time.
          const time = Date.now();
          const value = live % 2 === 0 ? 60 : 110;
          if (value === 60) user.waiting.set(time, performance.now());
          await sendUntilAnswered(`${base}/api/v1/glucose/bulk`, user.token, { readings: [{ time, value, unit: "mg/dL", source: "load-live" }] }, () => false, counts);
          live++;
        }
      }
      while (live < o.liveAlerts) {
        const time = Date.now();
        const value = live % 2 === 0 ? 60 : 110;
        if (value === 60) user.waiting.set(time, performance.now());
        await sendUntilAnswered(`${base}/api/v1/glucose/bulk`, user.token, { readings: [{ time, value, unit: "mg/dL", source: "load-live" }] }, () => false, counts);
        live++;
        await sleep(5);
      }
      distinct[u] = historical + o.liveAlerts;
    }),
  );
  await sleep(1500);

  // Exactly once: page through every stored reading of each user.
  let stored = 0;
  let exactlyOnce = true;
  const windowMismatches: string[] = [];
  for (const [u, user] of users.entries()) {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let n = 0;
    do {
      const page = await call(`${base}/api/v1/glucose/readings?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, user.token, "GET");
      if (page.status !== 200) throw new Error(`list: ${page.status} ${JSON.stringify(page.json)}`);
      for (const r of page.json.items) {
        const key = `${r.time}|${r.source}`;
        if (seen.has(key)) exactlyOnce = false;
        seen.add(key);
        n++;
      }
      cursor = page.json.next_cursor ?? null;
    } while (cursor);
    stored += n;
    if (n !== distinct[u]) exactlyOnce = false;
    const state = await call(`${base}/api/v1/alerts/state`, user.token, "GET");
    const inD1Last24h = [...seen].filter((k) => Date.parse(k.split("|")[0]!) >= Date.now() - 24 * 3600_000).length;
    if (state.json.readings_in_window !== inD1Last24h) windowMismatches.push(`user ${u}: window ${state.json.readings_in_window}, D1 ${inD1Last24h}`);
    user.ws.close();
  }
  const sorted = latencies.sort((x, y) => x - y);
  return {
    uploaders: o.uploaders,
    readings_distinct: distinct.reduce((a, b) => a + b, 0),
    items_sent: counts.items + o.uploaders * o.liveAlerts,
    duplicates_sent: counts.dups,
    resends: counts.resends,
    aborted: counts.aborted,
    other_retries: counts.other,
    stored,
    stored_exactly_once: exactlyOnce && stored === distinct.reduce((a, b) => a + b, 0),
    window_match: windowMismatches.length === 0,
    window_mismatches: windowMismatches.slice(0, 5),
    alerts_expected: o.uploaders * Math.ceil(o.liveAlerts / 2),
    alerts_received: alertsReceived,
    alert_latency_ms: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) === undefined ? null : Math.round(sorted.at(-1)! * 10) / 10 },
    socket_messages: Object.fromEntries(messageTypes),
    wall_s: Math.round((Date.now() - started) / 100) / 10,
  };
}

export const defaultOptions = (): LoadOptions => ({
  uploaders: Number(process.env.LOAD_UPLOADERS ?? 50),
  readings: Number(process.env.LOAD_READINGS ?? 2000),
  batch: Number(process.env.LOAD_BATCH ?? 100),
  dupRate: Number(process.env.LOAD_DUP_RATE ?? 0.1),
  resendRate: Number(process.env.LOAD_RESEND_RATE ?? 0.05),
  abortRate: Number(process.env.LOAD_ABORT_RATE ?? 0.05),
  liveAlerts: Number(process.env.LOAD_LIVE ?? 10),
  seed: Number(process.env.LOAD_SEED ?? 7),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const options = defaultOptions();
  const platform = await startPlatform(Number(process.env.BENCH_PORT ?? 8790), "bench-load");
  try {
    const result = await runLoad(platform.url, options);
    console.log(JSON.stringify({ options, ...result, workerd_peak_mib: Math.round(platform.workerdPeakMiB()) }, null, 2));
    if (!result.stored_exactly_once || !result.window_match) process.exitCode = 1;
  } finally {
    await platform.stop();
  }
}
