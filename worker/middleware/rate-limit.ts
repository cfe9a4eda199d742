/**
 * @module worker/middleware/rate-limit
 * Request rate limits per route group, per client IP and per user, with the Workers Rate
 * Limiting binding (`[[ratelimits]]` in wrangler.toml, simulated in memory by miniflare in
 * `wrangler dev` and the tests). Over a limit the answer is 429 with `Retry-After` and the error
 * envelope. The limits are the bindings' `simple = { limit, period }`: the binding reads them at
 * deploy time, so they are configuration in wrangler.toml rather than `[vars]` (docs/operations.md
 * lists them with production values). A binding that is not configured means "no limit".
 *
 * Groups (by path): `auth` (/api/v1/auth), `insights`, `export` (with /reports and /shared), and `ingest` for everything
 * else under /api/v1 (readings, records, alerts, Nightscout, webhooks, imports, uploaders).
 *
 * CGM uploaders are never throttled below one request per 30 s per device: a request that
 * carries an uploader credential (Nightscout `api-secret` / `?secret=` / `?token=`, or a signed webhook's user
 * and source) first spends the device's own allowance (RATE_LIMIT_UPLOADER_DEVICE, 2 per 60 s),
 * which no other limit can take away; only beyond it do the group's limits apply, with the device
 * counted as its own user.
 *
 * Failed logins are throttled separately and always (worker/repositories/throttle.ts).
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { recordMetric } from "../lib/metrics.ts";
import { bearerUserOf } from "./auth.ts";
import { NIGHTSCOUT_PATH } from "../nightscout/paths.ts";

export type RateLimitGroup = "auth" | "ingest" | "insights" | "export";

/** The `[[ratelimits]]` bindings of wrangler.toml (generated into Env). */
type LimiterName = Extract<keyof Env, `RATE_LIMIT_${string}`>;

/** Which binding limits each group, per IP and per user (auth routes are keyed by IP only). */
export const GROUP_LIMITERS: Record<RateLimitGroup, { ip: LimiterName; user?: LimiterName }> = {
  auth: { ip: "RATE_LIMIT_AUTH_IP" },
  ingest: { ip: "RATE_LIMIT_INGEST_IP", user: "RATE_LIMIT_INGEST_USER" },
  insights: { ip: "RATE_LIMIT_INSIGHTS_IP", user: "RATE_LIMIT_INSIGHTS_USER" },
  export: { ip: "RATE_LIMIT_EXPORT_IP", user: "RATE_LIMIT_EXPORT_USER" },
};

/** Every `[[ratelimits]]` binding uses `period = 60`; Retry-After counts to the window's end. */
export const RATE_LIMIT_PERIOD_S = 60;

export function groupOf(path: string): RateLimitGroup | null {
  if (!path.startsWith("/api/v1/")) return null;
  if (path.startsWith("/api/v1/auth/") || path === "/api/v1/auth") return "auth";
  if (path.startsWith("/api/v1/insights/") || path === "/api/v1/insights") return "insights";
  if (path.startsWith("/api/v1/export/") || path === "/api/v1/export") return "export";
  // Reports render a PDF per request: counted as exports.
  if (path.startsWith("/api/v1/reports/") || path.startsWith("/api/v1/shared/")) return "export";
  return "ingest";
}

/** Seconds until the current fixed window ends (at least 1). */
export function retryAfterSeconds(now = Date.now(), period = RATE_LIMIT_PERIOD_S): number {
  return Math.max(1, period - (Math.floor(now / 1000) % period));
}

const clientIp = (c: Context<AppEnv>) => c.req.header("cf-connecting-ip") ?? "unknown";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest, 0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const WEBHOOK_PATH = /^\/api\/v1\/webhooks\/cgm\/([^/]+)$/;

/**
 * The uploader device a request claims to come from, hashed (so no credential is kept as a
 * key), or null for other requests. The claim is checked later by the route's own auth; an
 * unverified claim can only spend that device's small allowance.
 */
export async function deviceKeyOf(c: Context<AppEnv>): Promise<string | null> {
  const path = c.req.path;
  if (NIGHTSCOUT_PATH.test(path) && !c.req.header("authorization")) {
    // Hex digests are case-insensitive (uploaders differ); a ?token= secret is not.
    const credential = (c.req.header("api-secret") ?? c.req.query("secret"))?.trim().toLowerCase() || c.req.query("token")?.trim();
    return credential ? `ns:${await sha256Hex(credential)}` : null;
  }
  const webhook = WEBHOOK_PATH.exec(path);
  const user = c.req.header("x-glucolens-user")?.trim();
  if (webhook && user) return `wh:${await sha256Hex(`${user}\n${webhook[1]}`)}`;
  return null;
}

/** The user of a valid bearer token (its internal id), or null: verified once per request, shared with requireAuth. */
async function bearerUser(c: Context<AppEnv>): Promise<string | null> {
  const user = await bearerUserOf(c);
  return user ? `u:${user.id}` : null;
}

function refuse(c: Context<AppEnv>, group: RateLimitGroup, scope: "ip" | "user"): never {
  const wait = retryAfterSeconds();
  c.get("log")?.warn("http.rate_limited", { group, scope, path: c.req.path, retry_after_s: wait });
  recordMetric(c.env, "rate_limited", `${group}.${scope}`);
  const who = scope === "ip" ? "this address" : "this account";
  throw new ApiError(429, "rate_limited", `Too many ${group} requests from ${who}; retry in ${wait} s`, [], { "Retry-After": String(wait) });
}

export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === "OPTIONS") return next(); // CORS preflights are answered before this
  const group = groupOf(c.req.path);
  if (!group) return next();
  const limiters = GROUP_LIMITERS[group];
  const env = c.env;

  const device = group === "ingest" ? await deviceKeyOf(c) : null;
  const allowance = env.RATE_LIMIT_UPLOADER_DEVICE as RateLimit | undefined;
  if (device && allowance && (await allowance.limit({ key: device })).success) return next();

  const userName = limiters.user;
  const userLimiter = userName ? (env[userName] as RateLimit | undefined) : undefined;
  // The token check (remembered for requireAuth) runs alongside the address's limit rather than
  // after it: one wait fewer before the route, which under load is one queue fewer to stand in.
  const userKey = userLimiter ? (device !== null ? Promise.resolve(device) : bearerUser(c)) : null;
  const ipLimiter = env[limiters.ip] as RateLimit | undefined;
  if (ipLimiter && !(await ipLimiter.limit({ key: `ip:${clientIp(c)}` })).success) refuse(c, group, "ip");

  const key = userKey && (await userKey);
  if (userLimiter && key && !(await userLimiter.limit({ key })).success) refuse(c, group, "user");
  return next();
});
