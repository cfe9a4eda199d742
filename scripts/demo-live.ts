/**
 * The demo account, made ready and kept live for `npm start` (never run in production: only the
 * local start script starts it).
 * 1. Analysis: when the account has no finished analysis, starts one over the API and waits for the
 *    real queue to finish it, so Insights and the dashboard's top insights are there on first login.
 * 2. Live readings: an uploader secret for the demo (kept in the state folder, STATE_DIR/demo-uploader.json, since
 *    a secret is shown only once), then a reading every DEMO_INTERVAL_S seconds (default 60) through the
 *    Nightscout entries route with `api-secret`, the path a CGM uploader takes, so the live value,
 *    trend, forecast cone and alerts move. Every DEMO_LOW_EVERY readings (default 45) the trace
 *    descends to about 60 mg/dL and recovers, so a low alert can be seen; the first descent starts at
 *    the third reading.
 *
 * Usage: tsx scripts/demo-live.ts --api URL --email E --password P (DEMO_LIVE=0: analysis only).
 * Prints "analysed" once the analysis is there; after that only problems.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    api: { type: "string", default: "http://127.0.0.1:8787" },
    email: { type: "string", default: "demo@glucolens.local" },
    password: { type: "string", default: "glucolens-demo" },
  },
});
const INTERVAL_S = Number(process.env.DEMO_INTERVAL_S ?? 60);
const LOW_EVERY = Number(process.env.DEMO_LOW_EVERY ?? 45);
const STATE_DIR = process.env.STATE_DIR ?? ".wrangler/state";
const SECRET_FILE = `${STATE_DIR}/demo-uploader.json`;
const DEVICE = "glucolens-demo";

async function api<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; json: T }> {
  const headers = { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers as Record<string, string>) };
  // A connection dropped before the answer is sent again, as an uploader does (entries are de-duplicated).
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${args.api}${path}`, { ...init, headers });
      return { status: res.status, json: (await res.json().catch(() => null)) as T };
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function signIn(): Promise<string> {
  const res = await api<{ access_token: string }>("/api/v1/auth/login", { method: "POST", body: JSON.stringify({ email: args.email, password: args.password }) });
  if (res.status !== 200) throw new Error(`demo login failed (${res.status})`);
  return res.json.access_token;
}

async function ensureAnalysis(token: string): Promise<void> {
  const dash = await api<{ job: unknown; insights: unknown[] }>("/api/v1/insights/dashboard", { token });
  if (dash.status === 200 && dash.json.job && dash.json.insights.length) return;
  const started = await api<{ job_id: string }>("/api/v1/insights/trigger-analysis", { method: "POST", token, body: "{}" });
  if (started.status !== 202) throw new Error(`could not start the demo analysis (${started.status})`);
  const until = Date.now() + 300_000;
  while (Date.now() < until) {
    const job = await api<{ status: string; error: string | null }>(`/api/v1/insights/jobs/${started.json.job_id}`, { token });
    if (job.json.status === "done") return;
    if (job.json.status === "failed") throw new Error(`the demo analysis failed: ${job.json.error}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the demo analysis did not finish within 5 minutes");
}

/** The demo's uploader secret: created once, then read back from the state folder. */
async function uploaderSecret(token: string): Promise<string> {
  if (existsSync(SECRET_FILE)) return (JSON.parse(readFileSync(SECRET_FILE, "utf8")) as { secret: string }).secret;
  const res = await api<{ secret?: string }>("/api/v1/uploaders", { method: "POST", token, body: JSON.stringify({ name: "Demo uploader (npm start)" }) });
  if (res.status !== 201 || !res.json.secret) throw new Error(`could not create the demo uploader (${res.status})`);
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(SECRET_FILE, JSON.stringify({ secret: res.json.secret }));
  return res.json.secret;
}

/** The newest reading's value, as a follower would read it (Nightscout entries are newest first). */
async function lastValue(apiSecret: string): Promise<number> {
  const res = await api<{ sgv?: number }[]>("/api/v1/entries.json?count=1", { headers: { "api-secret": apiSecret } });
  return res.json?.[0]?.sgv ?? 120;
}

/** Nightscout's direction names by the change over the last reading interval, in mg/dL per minute. */
function direction(perMinute: number): string {
  if (perMinute <= -3) return "DoubleDown";
  if (perMinute <= -2) return "SingleDown";
  if (perMinute <= -1) return "FortyFiveDown";
  if (perMinute < 1) return "Flat";
  if (perMinute < 2) return "FortyFiveUp";
  if (perMinute < 3) return "SingleUp";
  return "DoubleUp";
}

/** The next value: towards 60 mg/dL during a descent, otherwise a drift back to about 125. */
function nextValue(current: number, tick: number): number {
  const phase = (tick + LOW_EVERY - 3) % LOW_EVERY;
  const target = phase < 6 ? 60 : 125;
  const step = phase < 6 ? Math.max(-12, (target - current) / 2) : (target - current) * 0.25;
  const noise = Math.sin(tick * 1.7) * 3;
  return Math.round(Math.min(300, Math.max(45, current + step + noise)));
}

const token = await signIn();
await ensureAnalysis(token);
console.log("analysed");
if (process.env.DEMO_LIVE === "0" || INTERVAL_S <= 0) process.exit(0);

const apiSecret = createHash("sha1").update(await uploaderSecret(token)).digest("hex");
let value = await lastValue(apiSecret);
let tick = 0;
const send = async () => {
  tick += 1;
  const previous = value;
  value = nextValue(value, tick);
  const date = Date.now();
  const entry = { type: "sgv", sgv: value, date, dateString: new Date(date).toISOString(), direction: direction((value - previous) / (INTERVAL_S / 60)), device: DEVICE };
  try {
    const res = await api("/api/v1/entries", { method: "POST", headers: { "api-secret": apiSecret }, body: JSON.stringify([entry]) });
    if (res.status !== 200) console.error(`demo reading refused (${res.status})`);
  } catch (err) {
    console.error(`demo reading not sent: ${(err as Error).message}`);
  }
};
setInterval(send, INTERVAL_S * 1000);
await send();
