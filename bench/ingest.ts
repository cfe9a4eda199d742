/**
 * `npm run bench`: ingestion and read-back of 90 days of 5-minute CGM data (25,920 readings)
 * over HTTP into local D1, as a client would send it (bulk requests of up to 10,000), plus the
 * storage cost per reading. Runs its own `wrangler dev` with fresh state (test/support/local-platform.ts).
 * Targets (foundation issue): ingest < 1 s end to end, read-back < 100 ms, ≤ 48 bytes/reading.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { newAccount, startPlatform } from "../test/support/local-platform.ts";

const DAYS = 90;
const N = DAYS * 288;
const BATCH = 10_000;
const RUNS = 5;
const start = Date.UTC(2025, 0, 1);

function readings(seed: number) {
  return Array.from({ length: N }, (_, i) => ({
    time: start + i * 300_000,
    value: Math.round(120 + 45 * Math.sin(i / 40 + seed) + 15 * Math.sin(i / 7)),
    source: "dexcom-g7",
    trend: "Flat",
  }));
}

async function post(url: string, token: string, body: unknown) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const json = (await res.json()) as { inserted: number; duplicates: number };
  if (res.status !== 200) throw new Error(`bulk failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function ingest(url: string, token: string, data: ReturnType<typeof readings>) {
  const t0 = performance.now();
  let inserted = 0;
  for (let i = 0; i < data.length; i += BATCH) inserted += (await post(`${url}/api/v1/glucose/bulk`, token, { readings: data.slice(i, i + BATCH) })).inserted;
  return { ms: performance.now() - t0, inserted };
}

async function readBack(url: string, token: string) {
  const t0 = performance.now();
  let n = 0;
  let cursor: string | null = null;
  do {
    const q = `start=${start}&end=${start + DAYS * 86_400_000}&limit=10000${cursor ? `&cursor=${cursor}` : ""}`;
    const page = (await (await fetch(`${url}/api/v1/glucose/readings?${q}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: unknown[]; next_cursor: string | null };
    n += page.items.length;
    cursor = page.next_cursor;
  } while (cursor);
  return { ms: performance.now() - t0, n };
}

/** The whole range in one request, as chart-ready columns (GET /glucose/series). */
async function readSeries(url: string, token: string) {
  const t0 = performance.now();
  const res = (await (await fetch(`${url}/api/v1/glucose/series?start=${start}&end=${start + DAYS * 86_400_000}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { count: number };
  return { ms: performance.now() - t0, n: res.count };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function bytesPerReading(stateDir: string): { bytes: number; rows: number } {
  const dir = join(stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")!;
  // dbstat counts every page of the table (a WITHOUT ROWID table is its own primary-key index).
  const script = `import sqlite3,sys
c=sqlite3.connect('file:'+sys.argv[1]+'?mode=ro',uri=True)
size=c.execute("select coalesce(sum(pgsize),0) from dbstat where name='glucose_readings' or tbl_name='glucose_readings'").fetchone()[0] if False else c.execute("select coalesce(sum(d.pgsize),0) from dbstat d join sqlite_schema s on s.name=d.name where s.tbl_name='glucose_readings'").fetchone()[0]
rows=c.execute('select count(*) from glucose_readings').fetchone()[0]
print(size, rows)`;
  const [bytes, rows] = execFileSync("python3", ["-c", script, join(dir, file)], { encoding: "utf8" }).trim().split(" ").map(Number);
  return { bytes: bytes!, rows: rows! };
}

const platform = await startPlatform();
try {
  // Warm-up: the first requests compile code paths and create the first pages.
  await ingest(platform.url, await newAccount(platform.url, "warmup"), readings(99));

  const ingestMs: number[] = [];
  const ingestParallelMs: number[] = [];
  const readMs: number[] = [];
  const seriesMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const token = await newAccount(platform.url, `run${run}`);
    const data = readings(run);
    const r = await ingest(platform.url, token, data);
    if (r.inserted !== N) throw new Error(`expected ${N} inserted, got ${r.inserted}`);
    ingestMs.push(r.ms);
    const back = await readBack(platform.url, token);
    if (back.n !== N) throw new Error(`expected ${N} read back, got ${back.n}`);
    readMs.push(back.ms);
    const series = await readSeries(platform.url, token);
    if (series.n !== N) throw new Error(`expected ${N} in the series, got ${series.n}`);
    seriesMs.push(series.ms);
    // Same data again, three requests in parallel: all duplicates, nothing stored twice.
    const t0 = performance.now();
    const dup = await Promise.all([0, 1, 2].map((k) => post(`${platform.url}/api/v1/glucose/bulk`, token, { readings: data.slice(k * BATCH, (k + 1) * BATCH) })));
    ingestParallelMs.push(performance.now() - t0);
    if (dup.some((d) => d.inserted !== 0)) throw new Error("a re-upload stored duplicates");
  }
  const storage = bytesPerReading(platform.stateDir);
  const ms = median(ingestMs);
  const figures = {
    readings: N,
    ingest_ms_median: Math.round(ms),
    ingest_ms_all: ingestMs.map(Math.round),
    readings_per_second: Math.round(N / (ms / 1000)),
    reupload_parallel_ms_median: Math.round(median(ingestParallelMs)),
    read_back_90_days_ms_median: Math.round(median(readMs)),
    read_back_ms_all: readMs.map(Math.round),
    read_back_series_ms_median: Math.round(median(seriesMs)),
    read_back_series_ms_all: seriesMs.map(Math.round),
    bytes_per_reading: Number((storage.bytes / storage.rows).toFixed(1)),
    table_bytes: storage.bytes,
    table_rows: storage.rows,
    workerd_peak_rss_mib: Math.round(platform.workerdPeakMiB()),
    client_peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(`Ingest 90 days (${N} readings, ${Math.ceil(N / BATCH)} bulk requests): median ${figures.ingest_ms_median} ms (${figures.readings_per_second} readings/s; target < 1000 ms)`);
  console.log(`Read back 90 days as reading objects (3 pages of 10,000): median ${figures.read_back_90_days_ms_median} ms`);
  console.log(`Read back 90 days as one chart series (GET /glucose/series): median ${figures.read_back_series_ms_median} ms (target < 100 ms)`);
  console.log(`Storage: ${figures.bytes_per_reading} bytes per reading, table plus indexes (target ≤ 48)`);
  console.log(`Peak memory: workerd ${figures.workerd_peak_rss_mib} MiB, client ${figures.client_peak_rss_mib} MiB`);
  console.log(JSON.stringify(figures));
} finally {
  await platform.stop();
}
