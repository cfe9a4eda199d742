/**
 * `npm run bench:report`: the clinician AGP report of one 90-day account (DAYS=… for another
 * length; seed/synthetic.ts: 5-minute readings, meals and insulin, uploaded over the public API)
 * from a private `wrangler dev` (test/support/local-platform.ts, BENCH_PORT, default 8792).
 *
 * Reports the wall time of `GET /api/v1/reports/agp.pdf?days=90` (and `?days=14`) over RUNS
 * requests after one warm-up (the route's whole work: the D1 reads, the metrics and the PDF;
 * on an otherwise idle local workerd this is close to its CPU time), the PDF's size, the same
 * for the share link's JSON, and workerd's peak memory. Writes the 90-day PDF to
 * .tmp/report-90d.pdf so it can be looked at (`pdftoppm -png -r 80 .tmp/report-90d.pdf …`).
 *
 * Wall times depend on what else the machine runs, so the CPU time workerd spends per request
 * (user + system from /proc, the D1 reads in local SQLite included) is reported too: waiting
 * for a busy CPU does not count in it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { generateSynthetic } from "../seed/synthetic.ts";
import { localToUtc } from "../seed/local-time.ts";
import { cpuSeconds, startPlatform, type Platform } from "../test/support/local-platform.ts";

const DAYS = Number(process.env.DAYS ?? 90);
const RUNS = Number(process.env.RUNS ?? 10);
const TZ = "Europe/Berlin";

function startOfToday(tz: string): number {
  const [y, m, d] = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date()).split("-").map(Number);
  return localToUtc(tz, y!, m!, d!, 0);
}

async function call(url: string, init: { token?: string; body?: unknown } = {}) {
  const res = await fetch(url, {
    method: init.body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
}
const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));

async function seedAccount(url: string): Promise<string> {
  const reg = await call(`${url}/api/v1/auth/register`, {
    body: { email: `report-${crypto.randomUUID().slice(0, 8)}@bench.local`, password: "benchmark-password", name: "Report Bench", timezone: TZ, unit: "mg/dL" },
  });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status}`);
  const token = json(reg.bytes).access_token as string;
  const data = generateSynthetic({ days: DAYS, seed: 42, timezone: TZ, end: startOfToday(TZ) });
  const upload = async (path: string, key: string, items: unknown[], size: number) => {
    for (let i = 0; i < items.length; i += size) {
      const res = await call(`${url}${path}`, { token, body: { [key]: items.slice(i, i + size) } });
      if (res.status !== 200) throw new Error(`${path} failed: ${res.status} ${new TextDecoder().decode(res.bytes).slice(0, 300)}`);
    }
  };
  await upload("/api/v1/glucose/bulk", "readings", data.readings, 10_000);
  await upload("/api/v1/meals/bulk", "items", data.meals, 2_000);
  await upload("/api/v1/insulin/bulk", "items", data.insulin, 2_000);
  return token;
}

/** workerd's CPU seconds so far (all its processes). */
const workerdCpu = (p: Platform) => (p.processes?.() ?? []).filter((x) => x.name === "workerd").reduce((sum, x) => sum + (cpuSeconds(x.pid) ?? 0), 0);

async function timed(platform: Platform, url: string, token?: string) {
  await call(url, { token }); // warm-up
  const cpu0 = workerdCpu(platform);
  const times: number[] = [];
  let bytes = new Uint8Array();
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const res = await call(url, { token });
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    bytes = res.bytes;
  }
  const cpuMs = Math.round(((workerdCpu(platform) - cpu0) * 1000) / RUNS);
  times.sort((a, b) => a - b);
  return { median: Math.round(times[Math.floor(times.length / 2)]!), max: Math.round(times.at(-1)!), cpuMs, bytes };
}

const platform = await startPlatform(Number(process.env.BENCH_PORT ?? 8792), "report");
try {
  const token = await seedAccount(platform.url);
  const pdf90 = await timed(platform, `${platform.url}/api/v1/reports/agp.pdf?days=90`, token);
  const pdf14 = await timed(platform, `${platform.url}/api/v1/reports/agp.pdf?days=14`, token);
  const share = json((await call(`${platform.url}/api/v1/reports/shares`, { token, body: { days: 90 } })).bytes);
  const shared = await timed(platform, `${platform.url}/api/v1/shared/${share.token}/agp`);
  mkdirSync(".tmp", { recursive: true });
  writeFileSync(".tmp/report-90d.pdf", pdf90.bytes);
  const figures = {
    days: DAYS,
    readings: DAYS * 288,
    pdf_90d_ms_median: pdf90.median,
    pdf_90d_ms_max: pdf90.max,
    pdf_90d_bytes: pdf90.bytes.byteLength,
    pdf_90d_workerd_cpu_ms_per_request: pdf90.cpuMs,
    pdf_14d_ms_median: pdf14.median,
    pdf_14d_bytes: pdf14.bytes.byteLength,
    pdf_14d_workerd_cpu_ms_per_request: pdf14.cpuMs,
    shared_json_90d_ms_median: shared.median,
    shared_json_90d_bytes: shared.bytes.byteLength,
    shared_json_90d_workerd_cpu_ms_per_request: shared.cpuMs,
    workerd_peak_rss_mib: Math.round(platform.workerdPeakMiB()),
    load_average_1min: Number(loadavg()[0]!.toFixed(1)),
  };
  console.log(`AGP report of ${DAYS} days (${figures.readings} readings), ${RUNS} requests each after a warm-up:`);
  console.log(`  GET /reports/agp.pdf?days=90: median ${figures.pdf_90d_ms_median} ms, max ${figures.pdf_90d_ms_max} ms, workerd CPU ${figures.pdf_90d_workerd_cpu_ms_per_request} ms a request, ${(figures.pdf_90d_bytes / 1024).toFixed(1)} KiB`);
  console.log(`  GET /reports/agp.pdf?days=14: median ${figures.pdf_14d_ms_median} ms, workerd CPU ${figures.pdf_14d_workerd_cpu_ms_per_request} ms a request, ${(figures.pdf_14d_bytes / 1024).toFixed(1)} KiB`);
  console.log(`  GET /shared/{token}/agp (90 days, JSON): median ${figures.shared_json_90d_ms_median} ms, workerd CPU ${figures.shared_json_90d_workerd_cpu_ms_per_request} ms a request, ${(figures.shared_json_90d_bytes / 1024).toFixed(1)} KiB`);
  console.log(`  machine load average (1 min) ${figures.load_average_1min} on ${availableParallelism()} cores`);
  console.log(`  workerd peak memory ${figures.workerd_peak_rss_mib} MiB; the 90-day PDF is in .tmp/report-90d.pdf`);
  console.log(JSON.stringify(figures));
} finally {
  await platform.stop();
}
