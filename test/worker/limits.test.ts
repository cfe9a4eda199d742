/**
 * Rate limits per route group: 429 + Retry-After + the error envelope when a limit is
 * exceeded, per IP and per user, for auth, ingestion, insights and exports; the uploader
 * allowance (never below one request per 30 s per device); CORS preflights never limited.
 *
 * The Worker's own fetch handler runs with the real env, except that its `[[ratelimits]]`
 * bindings are swapped for low ones (real miniflare rate limiters, declared only for this file
 * in vitest.worker.config.ts): the loose development limits of wrangler.toml stay in force for
 * every other test file.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../worker/index.ts";
import { retryAfterSeconds } from "../../worker/middleware/rate-limit.ts";
import { BASE, register, type Account } from "./helpers.ts";
import { userD1ByPublicId } from "./shard-helpers.ts";
import { uploader } from "./interop-helpers.ts";

/** The Worker's own fetch handler, called with an env of the test's choosing. */
const fetchWorker = worker.fetch as (request: Request, env: unknown, ctx: ExecutionContext) => Promise<Response>;

const testEnv = env as typeof env & { TEST_RATE_LIMIT_LOW: RateLimit; TEST_RATE_LIMIT_DEVICE: RateLimit };
/** Every route-group limit at 3 per minute, the device allowance at 2 per minute. */
const low = {
  ...env,
  RATE_LIMIT_AUTH_IP: testEnv.TEST_RATE_LIMIT_LOW,
  RATE_LIMIT_INGEST_IP: testEnv.TEST_RATE_LIMIT_LOW,
  RATE_LIMIT_INGEST_USER: testEnv.TEST_RATE_LIMIT_LOW,
  RATE_LIMIT_INSIGHTS_IP: testEnv.TEST_RATE_LIMIT_LOW,
  RATE_LIMIT_INSIGHTS_USER: testEnv.TEST_RATE_LIMIT_LOW,
  RATE_LIMIT_EXPORT_IP: testEnv.TEST_RATE_LIMIT_LOW,
  RATE_LIMIT_EXPORT_USER: testEnv.TEST_RATE_LIMIT_LOW,
  RATE_LIMIT_UPLOADER_DEVICE: testEnv.TEST_RATE_LIMIT_DEVICE,
};
const LIMIT = 3;

let ipCounter = 0;
/** An address no other test uses (the low limiters are shared by the whole file). */
const freshIp = () => `198.51.100.${++ipCounter}`;

async function call(path: string, init: { method?: string; ip?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "cf-connecting-ip": init.ip ?? freshIp(), ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`${BASE}${path}`, { method: init.method ?? (init.body === undefined ? "GET" : "POST"), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const ctx = createExecutionContext();
  const res = await fetchWorker(request, low, ctx);
  // Read first: a streamed body (exports) is written from waitUntil and waits for its reader.
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

function expectLimited(res: Awaited<ReturnType<typeof call>>) {
  expect(res.status, JSON.stringify(res.json)).toBe(429);
  const retry = Number(res.headers.get("retry-after"));
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(60);
  const { error, ...nightscout } = res.json;
  expect(error).toEqual({ code: "rate_limited", message: expect.stringMatching(/retry in \d+ s/), fields: [] });
  // Nightscout's routes also answer as its sendJSONStatus does; the others carry the envelope alone.
  expect([{}, { status: 429, message: error.message }]).toContainEqual(nightscout);
}

/**
 * The limiters count in fixed 60-second windows: start each test with at least 15 s of its
 * window left, so that no count resets half-way through an assertion.
 */
beforeEach(async () => {
  const left = retryAfterSeconds();
  if (left < 15) await new Promise((r) => setTimeout(r, left * 1000 + 250));
});

const reading = (i: number) => ({ time: Date.now() - i * 300_000, value: 100 + i, source: "limits-test" });

describe("rate limits per route group", () => {
  let user: Account;
  let other: Account;
  beforeEach(async () => {
    user = await register();
    other = await register();
  });

  it("auth: per address, 429 with Retry-After and the envelope; another address is unaffected", async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT; i++) {
      const res = await call("/api/v1/auth/login", { ip, body: { email: user.email, password: user.password } });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    }
    expectLimited(await call("/api/v1/auth/login", { ip, body: { email: user.email, password: user.password } }));
    expectLimited(await call("/api/v1/auth/register", { ip, body: {} }));
    expect((await call("/api/v1/auth/login", { body: { email: user.email, password: user.password } })).status).toBe(200);
  });

  it("ingestion: per user; the refused request stores nothing; another user is unaffected", async () => {
    for (let i = 0; i < LIMIT; i++) expect((await call("/api/v1/glucose/readings", { token: user.access, body: reading(i) })).status).toBe(201);
    const refused = await call("/api/v1/glucose/readings", { token: user.access, body: reading(LIMIT) });
    expectLimited(refused);
    expect(refused.json.error.message).toContain("this account");
    // Reads of the same group count too.
    expectLimited(await call("/api/v1/glucose/readings", { token: user.access }));
    expect((await call("/api/v1/glucose/readings", { token: other.access, body: reading(0) })).status).toBe(201);
    const stored = await (await userD1ByPublicId(user.id)).prepare("SELECT COUNT(*) AS n FROM glucose_readings r JOIN users u ON u.id = r.user_id WHERE u.public_id = ?").bind(user.id).first<{ n: number }>();
    expect(stored?.n).toBe(LIMIT);
  });

  it("ingestion: per address, across users", async () => {
    const ip = freshIp();
    const users = [user, other, user];
    for (const u of users) expect((await call("/api/v1/glucose/readings", { ip, token: u.access })).status).toBe(200);
    const refused = await call("/api/v1/glucose/readings", { ip, token: other.access });
    expectLimited(refused);
    expect(refused.json.error.message).toContain("this address");
  });

  it("insights: per user", async () => {
    for (let i = 0; i < LIMIT; i++) expect((await call("/api/v1/insights/daily", { token: user.access })).status).toBe(200);
    expectLimited(await call("/api/v1/insights/daily", { token: user.access }));
    expectLimited(await call("/api/v1/insights/trigger-analysis", { token: user.access, body: {} }));
    expect((await call("/api/v1/insights/daily", { token: other.access })).status).toBe(200);
  });

  it("exports: per user and per address", async () => {
    for (let i = 0; i < LIMIT; i++) expect((await call("/api/v1/export?format=json", { token: user.access })).status).toBe(200);
    expectLimited(await call("/api/v1/export?format=json", { token: user.access }));
    const ip = freshIp();
    for (let i = 0; i < LIMIT; i++) await call("/api/v1/export?format=json", { ip, token: other.access, headers: {} });
    expectLimited(await call("/api/v1/export?format=csv", { ip, token: (await register()).access }));
  });

  it("an invalid bearer token is limited by address only, and still answered 401 within the limit", async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT; i++) expect((await call("/api/v1/glucose/readings", { ip, token: "not-a-token" })).status).toBe(401);
    expectLimited(await call("/api/v1/glucose/readings", { ip, token: "not-a-token" }));
  });

  it("CORS preflights are never limited", async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT + 2; i++) {
      const res = await call("/api/v1/glucose/readings", { method: "OPTIONS", ip, headers: { origin: env.WEB_ORIGIN, "access-control-request-method": "POST" } });
      expect(res.status).toBe(204);
    }
  });
});

describe("uploader allowance", () => {
  const entry = (i: number) => ({ type: "sgv", sgv: 100 + i, date: Date.now() - i * 60_000, device: "xDrip-limits", direction: "Flat" });

  it("a device gets its two requests a minute even when its address and account are exhausted", async () => {
    const owner = await register();
    const up = await uploader(owner.access);
    const ip = freshIp();
    // Somebody else behind the same address (a carrier's NAT) uses up the address's limit, and
    // the owner's own web session uses up the account's.
    for (let i = 0; i < LIMIT; i++) await call("/api/v1/glucose/readings", { ip, token: (await register()).access });
    for (let i = 0; i < LIMIT; i++) await call("/api/v1/glucose/readings", { token: owner.access });
    expectLimited(await call("/api/v1/glucose/readings", { ip, token: owner.access }));

    for (let i = 0; i < 2; i++) {
      const res = await call("/api/v1/entries", { ip, headers: { "api-secret": up.apiSecret }, body: [entry(i)] });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    }
    // Beyond the allowance the address's limit applies again.
    expectLimited(await call("/api/v1/entries", { ip, headers: { "api-secret": up.apiSecret }, body: [entry(2)] }));
    const stored = await (await userD1ByPublicId(owner.id)).prepare("SELECT COUNT(*) AS n FROM glucose_readings r JOIN users u ON u.id = r.user_id WHERE u.public_id = ?").bind(owner.id).first<{ n: number }>();
    expect(stored?.n).toBe(2);
  });

  it("each device has its own allowance, whatever case its api-secret is sent in", async () => {
    const owner = await register();
    const [a, b] = [await uploader(owner.access, "phone"), await uploader(owner.access, "watch")];
    const ip = freshIp();
    for (let i = 0; i < LIMIT; i++) await call("/api/v1/glucose/readings", { ip, token: owner.access });
    expect((await call("/api/v1/entries", { ip, headers: { "api-secret": a.apiSecret }, body: [entry(10)] })).status).toBe(200);
    expect((await call("/api/v1/entries", { ip, headers: { "api-secret": a.apiSecret.toUpperCase() }, body: [entry(11)] })).status).toBe(200);
    expectLimited(await call("/api/v1/entries", { ip, headers: { "api-secret": a.apiSecret }, body: [entry(12)] }));
    expect((await call("/api/v1/entries", { ip, headers: { "api-secret": b.apiSecret }, body: [entry(13)] })).status).toBe(200);
  });
});

describe("loose development defaults", () => {
  it("wrangler.toml's limits let a burst of registrations and readings from one address through", async () => {
    // The same handler with the configured (development) bindings: 30 accounts and 60 readings.
    const ip = freshIp();
    const tokens: string[] = [];
    for (let i = 0; i < 30; i++) {
      const req = new Request(`${BASE}/api/v1/auth/register`, { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": ip }, body: JSON.stringify({ email: `burst-${i}-${crypto.randomUUID().slice(0, 6)}@example.com`, password: "correct horse battery", name: "Burst", timezone: "UTC", unit: "mg/dL" }) });
      const res = await fetchWorker(req, env, createExecutionContext());
      expect(res.status).toBe(201);
      tokens.push(((await res.json()) as { access_token: string }).access_token);
    }
    for (const [i, token] of [...tokens, ...tokens].entries()) {
      const req = new Request(`${BASE}/api/v1/glucose/readings`, { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": ip, authorization: `Bearer ${token}` }, body: JSON.stringify(reading(i)) });
      const ctx = createExecutionContext();
      expect((await fetchWorker(req, env, ctx)).status).toBe(201);
      await waitOnExecutionContext(ctx);
    }
  });
});
