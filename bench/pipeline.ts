/**
 * `npm run bench:pipeline`: one 90-day account (DAYS=… for another length, up to 180) (seed/synthetic.ts, uploaded over the public API)
 * analysed end to end through the local queue of a private `wrangler dev` (test/support/local-platform.ts):
 * POST /insights/trigger-analysis, then GET /insights/jobs/{id} every 100 ms until done.
 *
 * Reports: wall time from trigger to done (target < 20 s), the largest chunk's CPU time (measured
 * inside the chunk handler around the computation, `timings.largest_chunk_cpu_ms`), the job's total
 * chunk CPU, and the peak resident memory of workerd. Runs the analysis RUNS times on the same
 * account (a new job each time) and checks that the planted short-sleep effect is found.
 */
import { generateSynthetic } from "../seed/synthetic.ts";
import { localToUtc } from "../seed/local-time.ts";
import { startPlatform } from "../test/support/local-platform.ts";

const DAYS = Number(process.env.DAYS ?? 90);
const RUNS = Number(process.env.RUNS ?? 3);
const TZ = "Europe/Berlin";
const TARGET_MS = 20_000;

interface Job {
  job_id: string;
  status: string;
  progress: number;
  stage: string;
  error: string | null;
  chunks: { done: number; planned: number; plan: Record<string, number> };
  timings: { largest_chunk_cpu_ms: number; largest_chunk: string | null; total_cpu_ms: number };
}

async function call<T>(url: string, init: { token?: string; body?: unknown; method?: string } = {}): Promise<{ status: number; json: T }> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

function startOfToday(tz: string): number {
  const [y, m, d] = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date()).split("-").map(Number);
  return localToUtc(tz, y!, m!, d!, 0);
}

async function seedAccount(url: string): Promise<string> {
  const reg = await call<{ access_token: string }>(`${url}/api/v1/auth/register`, {
    body: { email: `pipeline-${crypto.randomUUID().slice(0, 8)}@bench.local`, password: "benchmark-password", name: "Pipeline bench", timezone: TZ, unit: "mg/dL" },
  });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.json)}`);
  const token = reg.json.access_token;
  const data = generateSynthetic({ days: DAYS, seed: 42, timezone: TZ, end: startOfToday(TZ) });
  const upload = async (path: string, key: string, items: unknown[], size: number) => {
    for (let i = 0; i < items.length; i += size) {
      const res = await call<{ rejected: unknown[] }>(`${url}${path}`, { token, body: { [key]: items.slice(i, i + size) } });
      if (res.status !== 200 || res.json.rejected.length) throw new Error(`${path} failed: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
    }
  };
  await upload("/api/v1/glucose/bulk", "readings", data.readings, 10_000);
  for (const [path, items] of [
    ["sleep", data.sleep],
    ["meals", data.meals],
    ["activities", data.activities],
    ["insulin", data.insulin],
    ["medications", data.medications],
  ] as const) {
    await upload(`/api/v1/${path}/bulk`, "items", items as unknown[], 2_000);
  }
  // The upload back-fills the daily summaries through the same queue: let that finish first.
  const until = Date.now() + 60_000;
  const first = new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date(startOfToday(TZ) - DAYS * 86_400_000 + 12 * 3_600_000));
  for (;;) {
    const daily = await call<{ items: unknown[] }>(`${url}/api/v1/insights/daily?start=${first}`, { token });
    if (daily.json.items.length >= DAYS || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, 2_000));
  return token;
}

async function analyse(url: string, token: string): Promise<{ wallMs: number; job: Job }> {
  const t0 = performance.now();
  const trigger = await call<{ job_id: string; already_running: boolean }>(`${url}/api/v1/insights/trigger-analysis`, { token, body: { period_days: DAYS } });
  if (trigger.status !== 202 || trigger.json.already_running) throw new Error(`trigger failed: ${trigger.status} ${JSON.stringify(trigger.json)}`);
  for (;;) {
    const job = (await call<Job>(`${url}/api/v1/insights/jobs/${trigger.json.job_id}`, { token })).json;
    if (job.status === "done" || job.status === "failed") {
      const wallMs = performance.now() - t0;
      if (job.status === "failed") throw new Error(`job failed: ${job.error}`);
      return { wallMs, job };
    }
    if (performance.now() - t0 > 120_000) throw new Error(`job still ${job.status} at ${job.stage} after 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const platform = await startPlatform(Number(process.env.BENCH_PORT ?? 8791), "pipeline");
try {
  const token = await seedAccount(platform.url);
  const runs: { wallMs: number; job: Job }[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await analyse(platform.url, token));

  const corr = await call<{ items: { factor: string; target: string; lag_days: number; significant: boolean; sentence: string }[] }>(`${platform.url}/api/v1/insights/correlations`, { token });
  const sleep = corr.json.items.find((i) => i.factor === "sleep_hours" && i.target === "mean_glucose" && i.lag_days === 1);
  if (!sleep?.significant) throw new Error("the planted short-sleep effect was not found");
  const causal = await call<{ method: string; links: { sentence: string }[] }>(`${platform.url}/api/v1/insights/causal`, { token });

  const last = runs.at(-1)!.job;
  const figures = {
    days: DAYS,
    readings: DAYS * 288,
    planned_chunks: last.chunks.planned,
    plan: last.chunks.plan,
    wall_ms_median: Math.round(median(runs.map((r) => r.wallMs))),
    wall_ms_all: runs.map((r) => Math.round(r.wallMs)),
    largest_chunk_cpu_ms_max: Math.max(...runs.map((r) => r.job.timings.largest_chunk_cpu_ms)),
    largest_chunk_cpu_ms_all: runs.map((r) => r.job.timings.largest_chunk_cpu_ms),
    largest_chunk_all: runs.map((r) => r.job.timings.largest_chunk),
    total_chunk_cpu_ms_all: runs.map((r) => Math.round(r.job.timings.total_cpu_ms)),
    workerd_peak_rss_mib: Math.round(platform.workerdPeakMiB()),
    client_peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(`Analysis of ${DAYS} days (${figures.readings} readings, ${figures.planned_chunks} chunks) through the local queue:`);
  console.log(`  wall time trigger → done: median ${figures.wall_ms_median} ms, runs ${figures.wall_ms_all.join(", ")} ms (target < ${TARGET_MS} ms)`);
  console.log(`  largest chunk CPU: ${figures.largest_chunk_cpu_ms_max} ms (${figures.largest_chunk_all.join(", ")}); total chunk CPU per job: ${figures.total_chunk_cpu_ms_all.join(", ")} ms`);
  console.log(`  peak memory: workerd ${figures.workerd_peak_rss_mib} MiB, client ${figures.client_peak_rss_mib} MiB`);
  console.log(`  found: ${sleep.sentence}`);
  for (const l of causal.json.links.slice(0, 3)) console.log(`  causal (${causal.json.method}): ${l.sentence}`);
  console.log(JSON.stringify(figures));
  if (figures.wall_ms_median > TARGET_MS) process.exitCode = 1;
} finally {
  await platform.stop();
}
