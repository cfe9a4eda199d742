/**
 * Faults that need a real process and real files, against a private wrangler dev:
 * - the Worker killed (SIGKILL) while a 10,000-reading bulk upload is in flight, started again on
 *   the same state: the client's retry completes and every reading is stored exactly once;
 * - D1 unavailable: the local D1 SQLite file is locked by another process (an exclusive SQLite
 *   transaction held by python3's sqlite3) for a few seconds: writes answer 503 with
 *   Retry-After in the error envelope, nothing is half-written, and the retry stores everything.
 * Run: npx vitest run --config vitest.load.config.ts test/load/faults-http.test.ts
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newAccount } from "../support/local-platform.ts";
import { freshMigratedState } from "../support/migrated-state.ts";
import { d1Files, wranglerDev, type Dev } from "./wrangler-dev.ts";

const PORT = Number(process.env.FAULTS_TEST_PORT ?? 8863);
const dev: Dev = wranglerDev(PORT, ".tmp/faults-http-state");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  freshMigratedState(dev.stateDir);
  await dev.start();
});
afterAll(async () => {
  await dev.kill();
});

const readings = (n: number, t0: number, source: string) => ({ readings: Array.from({ length: n }, (_, i) => ({ time: t0 + i * 60_000, value: 90 + (i % 50), unit: "mg/dL", source })) });

async function post(path: string, token: string, body: unknown, signal?: AbortSignal) {
  const res = await fetch(`${dev.url}${path}`, { method: "POST", signal, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get("retry-after"), json: text ? JSON.parse(text) : null };
}

async function count(token: string, source: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const res = await fetch(`${dev.url}/api/v1/glucose/readings?limit=10000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await res.json()) as { items: { source: string }[]; next_cursor: string | null };
    n += page.items.filter((r) => r.source === source).length;
    cursor = page.next_cursor;
  } while (cursor);
  return n;
}

/** Retries until answered, as an uploader does: lost connections and 503s (after Retry-After). */
async function postUntilAnswered(path: string, token: string, body: unknown) {
  const seen: number[] = [];
  for (let i = 0; i < 120; i++) {
    try {
      const res = await post(path, token, body);
      seen.push(res.status);
      if (res.status < 300) return { res, seen };
      if (res.status === 503 || res.status === 429) {
        await sleep(1000 * Number(res.retryAfter ?? 1));
        continue;
      }
      return { res, seen };
    } catch {
      seen.push(0);
      await sleep(500);
    }
  }
  throw new Error(`never answered: ${seen.join(",")}`);
}

describe("Worker restarted during a bulk upload", () => {
  it("the retry completes and stores every reading exactly once", async () => {
    const token = await newAccount(dev.url, "restart");
    const body = readings(10_000, Date.UTC(2026, 0, 1), "restart-cgm");
    // The first attempt is cut off by the kill; its answer never arrives.
    const first = post("/api/v1/glucose/bulk", token, body).then(
      (r) => r.status,
      () => 0,
    );
    await sleep(150);
    await dev.kill();
    const firstStatus = await first;
    await dev.start();
    const { res, seen } = await postUntilAnswered("/api/v1/glucose/bulk", token, body);
    console.log(`restart: first attempt ${firstStatus || "cut off"}, retry statuses ${seen.join(",")}, answer ${JSON.stringify({ inserted: res.json.inserted, duplicates: res.json.duplicates })}`);
    expect(res.status).toBe(200);
    expect(res.json.inserted + res.json.duplicates).toBe(10_000);
    expect(await count(token, "restart-cgm")).toBe(10_000);
  });
});

describe("D1 unavailable (its SQLite file locked by another process)", () => {
  it("answers 503 with Retry-After in the envelope, writes nothing half, and the retry stores everything", async () => {
    const token = await newAccount(dev.url, "locked");
    const files = d1Files(dev.stateDir);
    expect(files.length).toBeGreaterThan(0);
    // Hold an exclusive transaction on every D1 file for 4 s (what a stuck writer or an
    // overloaded storage node looks like to the Worker: SQLITE_BUSY, "database is locked").
    const script = `import sqlite3,sys,time
cs=[sqlite3.connect(f, timeout=0, isolation_level=None) for f in sys.argv[1:]]
for c in cs: c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(4)
for c in cs: c.execute("ROLLBACK")
print("released", flush=True)`;
    const locker = spawn("python3", ["-c", script, ...files], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    locker.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    while (!out.includes("locked")) await sleep(20);
    const body = readings(500, Date.UTC(2026, 1, 1), "locked-cgm");
    const during = await post("/api/v1/glucose/bulk", token, body);
    const stillLocked = !out.includes("released");
    console.log(`locked: answered ${during.status} Retry-After ${during.retryAfter} ${JSON.stringify(during.json).slice(0, 200)} (lock still held: ${stillLocked})`);
    await new Promise((r) => locker.once("exit", r));
    expect(stillLocked, "the request was answered while the file was locked").toBe(true);
    expect(during.status).toBe(503);
    expect(Number(during.retryAfter)).toBeGreaterThan(0);
    expect(during.json.error).toMatchObject({ code: "unavailable", message: expect.any(String), fields: [{ path: "database", message: expect.any(String) }] });
    // Nothing of the refused request was written.
    expect(await count(token, "locked-cgm")).toBe(0);
    const { res } = await postUntilAnswered("/api/v1/glucose/bulk", token, body);
    expect(res.status).toBe(200);
    expect(res.json.inserted).toBe(500);
    expect(await count(token, "locked-cgm")).toBe(500);
  });
});
