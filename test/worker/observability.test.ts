/**
 * Observability: `/ready` and its shape, structured log lines carrying the request id
 * (HTTP, queue consumer), counters through the optional Analytics Engine binding, and Sentry
 * staying off without a DSN.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import * as Sentry from "@sentry/cloudflare";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../worker/index.ts";
import { createLogger } from "../../worker/lib/log.ts";
import { QUEUE_PROBE } from "../../worker/insights/pipeline/messages.ts";
import { api, BASE, register } from "./helpers.ts";

/** The Worker's own fetch handler, called with an env of the test's choosing. */
const fetchWorker = worker.fetch as (request: Request, env: unknown, ctx: ExecutionContext) => Promise<Response>;

async function fetchWith(path: string, overrides: Record<string, unknown>, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await fetchWorker(new Request(`${BASE}${path}`, init), { ...env, ...overrides }, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

/** Parsed JSON lines written through console.log/warn/error while `run` runs. */
async function captureLogs(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const spies = (["log", "warn", "error"] as const).map((m) => vi.spyOn(console, m).mockImplementation((line: unknown) => void lines.push(String(line))));
  try {
    await run();
  } finally {
    for (const s of spies) s.mockRestore();
  }
  return lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

afterEach(() => vi.restoreAllMocks());

describe("GET /ready", () => {
  it("answers 200 with every check when D1 and the queue are reachable", async () => {
    const res = await api("/ready");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.json).toEqual({
      status: "ready",
      checks: { d1: { ok: true, ms: expect.any(Number) }, queue: { ok: true, ms: expect.any(Number) }, config: { ok: true } },
      failed: [],
    });
  });

  it("answers 503 naming D1 when it cannot be queried", async () => {
    // A D1 binding whose every query fails, as when the database is unreachable.
    const broken = { prepare: () => ({ first: () => Promise.reject(new Error("D1_ERROR: network connection lost")) }) };
    const res = await fetchWith("/ready", { DB: broken });
    expect(res.status).toBe(503);
    expect(res.json.status).toBe("unavailable");
    expect(res.json.failed).toEqual(["d1"]);
    expect(res.json.checks.d1).toMatchObject({ ok: false, error: expect.stringContaining("network connection lost") });
  });

  it("answers 503 naming the configuration in production on development defaults", async () => {
    const res = await fetchWith("/ready", { ENVIRONMENT: "production" });
    expect(res.status).toBe(503);
    expect(res.json.failed).toEqual(["config"]);
    expect(res.json.checks.config.error).toContain("JWT_SECRET");
    expect(res.json.checks.config.error).not.toContain("glucolens-development"); // names, never values
  });

  it("is in the OpenAPI document next to /health", async () => {
    const doc = await api("/openapi.json");
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(["/health", "/ready"]));
  });

  it("the queue consumer acks the readiness probe without work or log line", async () => {
    const batch = createMessageBatch("glucolens-insights", [{ id: "probe-1", timestamp: new Date(), attempts: 1, body: QUEUE_PROBE }]);
    const ctx = createExecutionContext();
    const lines = await captureLogs(() => worker.queue(batch as never, env, ctx));
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["probe-1"]);
    expect(lines).toEqual([]);
  });
});

describe("structured logs", () => {
  it("every line is JSON with time, level, event and the request id answered to the client", async () => {
    const requestId = `test-${crypto.randomUUID()}`;
    const lines = await captureLogs(() =>
      fetchWith("/ready", { DB: { prepare: () => ({ first: () => Promise.reject(new Error("down")) }) } }, { headers: { "x-request-id": requestId } }).then((res) => {
        expect(res.headers.get("x-request-id")).toBe(requestId);
      }),
    );
    const line = lines.find((l) => l.event === "health.not_ready");
    expect(line).toMatchObject({ level: "error", request_id: requestId, failed: ["d1"], time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it("a request without an id gets one, the same in its header and its lines", async () => {
    // The low test limiter (3 a minute) in place of the auth one, from an address of this test only.
    const limiterEnv = { RATE_LIMIT_AUTH_IP: (env as unknown as { TEST_RATE_LIMIT_LOW: RateLimit }).TEST_RATE_LIMIT_LOW };
    const init = { method: "POST", headers: { "cf-connecting-ip": "203.0.113.77" } };
    for (let i = 0; i < 3; i++) await fetchWith("/api/v1/auth/login", limiterEnv, init);
    let header: string | null = null;
    const lines = await captureLogs(async () => {
      header = (await fetchWith("/api/v1/auth/login", limiterEnv, init)).headers.get("x-request-id");
    });
    expect(header).toBeTruthy();
    expect(lines.find((l) => l.event === "http.rate_limited")).toMatchObject({ level: "warn", request_id: header, group: "auth", scope: "ip" });
  });

  it("queue consumer lines carry a batch request id and the message id", async () => {
    const batch = createMessageBatch("glucolens-insights", [{ id: "bad-1", timestamp: new Date(), attempts: 1, body: { kind: "nonsense" } }]);
    const ctx = createExecutionContext();
    const lines = await captureLogs(() => worker.queue(batch as never, env, ctx));
    await getQueueResult(batch, ctx);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warn", event: "insights.bad_message", message_id: "bad-1", queue: "glucolens-insights", request_id: expect.any(String) });
  });

  it("child loggers keep the request id; fields cannot overwrite it; levels below the minimum are dropped", async () => {
    const lines = await captureLogs(async () => {
      const log = createLogger({ request_id: "r-1" }, "info");
      log.child({ job_id: "j" }).info("a", { request_id: "spoofed" });
      log.debug("hidden");
      log.error("b", { error: "x" });
    });
    expect(lines.map((l) => [l.event, l.request_id, l.level])).toEqual([
      ["a", "r-1", "info"],
      ["b", "r-1", "error"],
    ]);
  });
});

describe("metrics", () => {
  it("counts ingested readings into the METRICS dataset when it is bound, without user data", async () => {
    const points: AnalyticsEngineDataPoint[] = [];
    // Analytics Engine cannot be read back locally: a recording dataset stands in for the binding.
    const METRICS = { writeDataPoint: (p: AnalyticsEngineDataPoint) => void points.push(p) };
    const user = await register();
    const body = JSON.stringify({ readings: [0, 1, 2].map((i) => ({ time: Date.now() - i * 300_000, value: 110 + i, source: "metrics-test" })) });
    const res = await fetchWith("/api/v1/glucose/bulk", { METRICS }, { method: "POST", body, headers: { authorization: `Bearer ${user.access}`, "content-type": "application/json" } });
    expect(res.status).toBe(200);
    expect(points).toContainEqual({ indexes: ["readings_ingested"], blobs: ["readings_ingested", "glucose"], doubles: [3] });
    expect(JSON.stringify(points)).not.toContain(user.id);
  });

  it("ingestion works without the binding (the default)", async () => {
    expect("METRICS" in env).toBe(false);
    const user = await register();
    const res = await api("/api/v1/glucose/readings", { token: user.access, body: { time: Date.now(), value: 100, source: "metrics-test" } });
    expect(res.status).toBe(201);
  });
});

describe("Sentry", () => {
  it("stays off without SENTRY_DSN: no client is initialised by requests", async () => {
    expect((env as { SENTRY_DSN?: string }).SENTRY_DSN).toBeUndefined();
    await api("/health");
    await api("/api/v1/nope");
    expect(Sentry.isInitialized()).toBe(false);
    expect(Sentry.getClient()).toBeUndefined();
  });
});
