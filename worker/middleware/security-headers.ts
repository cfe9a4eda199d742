/**
 * @module worker/middleware/security-headers
 * Security headers of every API response (hono/secure-headers does the work):
 * - `Content-Security-Policy`: JSON needs nothing, so `default-src 'none'` and
 *   `frame-ancestors 'none'`; the Swagger UI page at /docs gets `'self'` plus the SHA-256 of its
 *   inline bootstrap script, computed from the page itself (so an edit of the page cannot
 *   silently break it or widen the policy to `'unsafe-inline'`);
 * - `Strict-Transport-Security` (two years, subdomains), `X-Content-Type-Options: nosniff`,
 *   `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`;
 * - `Cache-Control: no-store` on /api responses that set no caching of their own: they carry
 *   health data, which no shared or browser cache should keep.
 * CORS stays in worker/app.ts (only the configured WEB_ORIGIN).
 */
import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../env.ts";
import { bytesToBase64 } from "../../vocabulary/bytes.ts";
import { setResponseHeader } from "../lib/response-headers.ts";

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const headers = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  strictTransportSecurity: "max-age=63072000; includeSubDomains",
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  // The web site's browser code reads API responses cross-origin (CORS allows it); CORP would not
  // stop that but would stop embedding docs assets elsewhere, which nobody needs: leave it off.
  crossOriginResourcePolicy: false,
});

const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;
const docsHashes = new Map<string, string>();

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return bytesToBase64(digest);
}

/** The CSP of an HTML page served by the API (only /docs): its inline scripts by hash. */
export async function docsCsp(html: string): Promise<string> {
  let sources = docsHashes.get(html);
  if (sources === undefined) {
    const hashes = await Promise.all([...html.matchAll(INLINE_SCRIPT)].map((m) => sha256Base64(m[1]!)));
    sources = hashes.map((h) => `'sha256-${h}'`).join(" ");
    docsHashes.clear(); // one page; a changed page replaces the entry
    docsHashes.set(html, sources);
  }
  return `default-src 'none'; script-src 'self' ${sources}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;
}

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await headers(c, next);
  if (c.res.status === 101) return; // a WebSocket upgrade: nothing to cache or render
  if (c.req.path.startsWith("/api/") && !c.res.headers.has("cache-control")) setResponseHeader(c, "Cache-Control", "no-store");
  if (c.req.path === "/docs" && c.res.headers.get("content-type")?.startsWith("text/html")) {
    setResponseHeader(c, "Content-Security-Policy", await docsCsp(await c.res.clone().text()));
  }
});
