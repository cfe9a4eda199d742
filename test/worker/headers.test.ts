/**
 * Security headers and CORS of the API, and the refusal to serve on development
 * defaults in production.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index.ts";
import { API_CSP } from "../../worker/middleware/security-headers.ts";
import { api, BASE, register } from "./helpers.ts";

/** The Worker's own fetch handler, called with an env of the test's choosing. */
const fetchWorker = worker.fetch as (request: Request, env: unknown, ctx: ExecutionContext) => Promise<Response>;

function expectSecurityHeaders(headers: Headers) {
  expect(headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("referrer-policy")).toBe("no-referrer");
  expect(headers.get("x-frame-options")).toBe("DENY");
  expect(headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  expect(headers.get("x-request-id")).toMatch(/^[\w-]{8,}$/);
}

async function withEnv(path: string, overrides: Record<string, unknown>) {
  const ctx = createExecutionContext();
  const res = await fetchWorker(new Request(`${BASE}${path}`), { ...env, ...overrides }, ctx);
  const json = await res.json<any>();
  await waitOnExecutionContext(ctx);
  return { status: res.status, json };
}

describe("security headers", () => {
  it("are on JSON answers, success and error alike, and /api answers are not cached", async () => {
    const user = await register();
    for (const res of [await api("/api/v1/auth/me", { token: user.access }), await api("/api/v1/auth/me"), await api("/api/v1/nope"), await api("/health")]) {
      expectSecurityHeaders(res.headers);
      expect(res.headers.get("content-security-policy")).toBe(API_CSP);
    }
    expect((await api("/api/v1/auth/me", { token: user.access })).headers.get("cache-control")).toBe("no-store");
  });

  it("/docs allows its own files and exactly its inline script, by hash", async () => {
    const res = await api("/docs");
    expectSecurityHeaders(res.headers);
    const csp = res.headers.get("content-security-policy")!;
    const inline = [...String(res.json).matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline.length).toBe(1);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(inline[0])));
    const hash = btoa(String.fromCharCode(...digest));
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(csp).not.toContain("'unsafe-inline' ;");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it("CORS answers only the configured web origin", async () => {
    const preflight = (origin: string) => api("/api/v1/glucose/readings", { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" } });
    const allowed = await preflight(env.WEB_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(env.WEB_ORIGIN);
    expect(allowed.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const other = await preflight("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await api("/health", { headers: { origin: "https://evil.example" } });
    expect(simple.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("a simple request carries Vary: Origin with or without an Origin, and the allowed origin only from the web site", async () => {
    const user = await register();
    const post = (headers: Record<string, string>, minutesAgo: number) =>
      api("/api/v1/glucose/readings", { method: "POST", token: user.access, headers, body: { time: Date.now() - minutesAgo * 60_000, value: 120 } });
    const fromUploader = await post({}, 10);
    expect(fromUploader.status).toBe(201);
    expect(fromUploader.headers.get("vary")).toBe("Origin");
    expect(fromUploader.headers.get("access-control-allow-origin")).toBeNull();
    expect(fromUploader.headers.get("cache-control")).toBe("no-store");
    expectSecurityHeaders(fromUploader.headers);
    const fromSite = await post({ origin: env.WEB_ORIGIN }, 5);
    expect(fromSite.status).toBe(201);
    expect(fromSite.headers.get("access-control-allow-origin")).toBe(env.WEB_ORIGIN);
    expect(fromSite.headers.get("vary")).toBe("Origin");
    expect(fromSite.headers.get("cache-control")).toBe("no-store");
    const refused = await api("/api/v1/glucose/readings", { method: "POST", token: user.access, body: { time: Date.now(), value: "high" } });
    expect(refused.status).toBe(422);
    expect(refused.headers.get("vary")).toBe("Origin");
    expect(refused.headers.get("cache-control")).toBe("no-store");
    expectSecurityHeaders(refused.headers);
  });
});

describe("production configuration", () => {
  const production = { ENVIRONMENT: "production", JWT_SECRET: undefined, WEB_ORIGIN: "https://app.glucolens.example" };

  it("refuses every API request on the development defaults, naming the setting", async () => {
    const res = await withEnv("/api/v1/glucose/readings", production);
    expect(res.status).toBe(500);
    expect(res.json.error.code).toBe("misconfigured");
    expect(res.json.error.message).toContain("JWT_SECRET");
    const dev = await withEnv("/api/v1/glucose/readings", { ...production, JWT_SECRET: "glucolens-development-jwt-secret-not-for-production" });
    expect(dev.json.error.message).toContain("JWT_SECRET");
    const http = await withEnv("/api/v1/glucose/readings", { ...production, JWT_SECRET: "x".repeat(48), WEB_ORIGIN: "http://localhost:8788" });
    expect(http.json.error.message).toContain("WEB_ORIGIN");
  });

  it("serves when the secrets are set (401 without a token, as usual)", async () => {
    const res = await withEnv("/api/v1/glucose/readings", { ...production, JWT_SECRET: "a-real-secret-".repeat(4) });
    expect(res.status).toBe(401);
  });
});
