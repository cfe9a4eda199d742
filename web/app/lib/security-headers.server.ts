/**
 * @module security-headers.server
 * Security headers of every HTML page of the site (set in entry.server.tsx):
 * - a Content-Security-Policy with a fresh nonce per request: Remix's inline scripts (the
 *   hydration data, `<ScrollRestoration>`) carry it (root.tsx), so `script-src` needs neither
 *   `'unsafe-inline'` nor hashes; styles allow `'unsafe-inline'` because uPlot positions its
 *   canvas and legend with inline styles; `connect-src` names the API's origin over http(s) and
 *   ws(s) (the browser opens the live-alert WebSocket and uploads there); the service worker and
 *   the web manifest come from the site itself (`worker-src`/`manifest-src 'self'`);
 * - `frame-ancestors 'none'` plus `X-Frame-Options: DENY` (health data is never framed),
 *   `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`, a Permissions-Policy that
 *   turns off sensors the site never uses, and in production HSTS and `upgrade-insecure-requests`.
 */
import { bytesToBase64 } from "../../../vocabulary/bytes.ts";

/** 16 random bytes, base64: a CSP nonce (one per response, never reused). */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return bytesToBase64(bytes);
}

export interface SecurityHeaderOptions {
  nonce: string;
  /** The API's base URL as the browser reaches it (API_URL). */
  apiUrl: string;
  isProduction: boolean;
}

/** The API origin for fetch and for WebSockets (`http:` → `ws:`, `https:` → `wss:`). */
export function apiOrigins(apiUrl: string): string[] {
  try {
    const url = new URL(apiUrl);
    const ws = url.protocol === "https:" ? "wss:" : "ws:";
    return [url.origin, `${ws}//${url.host}`];
  } catch {
    return [];
  }
}

export function contentSecurityPolicy({ nonce, apiUrl, isProduction }: SecurityHeaderOptions): string {
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`],
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'"],
    // 'self' covers the dev server's own WebSocket (vite's hot reload) in current browsers.
    ["connect-src", "'self'", ...apiOrigins(apiUrl)],
    ["worker-src", "'self'"],
    ["manifest-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  if (isProduction) directives.push(["upgrade-insecure-requests"]);
  return directives.map((d) => d.join(" ")).join("; ");
}

/** Sets the headers on `headers` (the response headers Remix hands to entry.server). */
export function applySecurityHeaders(headers: Headers, options: SecurityHeaderOptions): void {
  headers.set("Content-Security-Policy", contentSecurityPolicy(options));
  headers.set("X-Frame-Options", "DENY");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "same-origin");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  // Browsers ignore HSTS over plain http; sending it only in production keeps localhost usable
  // on http for every port a developer may try.
  if (options.isProduction) headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
}
