import { describe, expect, it } from "vitest";
import { apiOrigins, applySecurityHeaders, contentSecurityPolicy, createNonce } from "./security-headers.server.ts";

const directives = (csp: string) => new Map(csp.split("; ").map((d) => { const [name, ...values] = d.split(" "); return [name!, values] as const; }));

describe("web security headers", () => {
  it("nonces are fresh base64 of 16 bytes", () => {
    const a = createNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(createNonce()).not.toBe(a);
  });

  it("scripts only from the site or with this response's nonce; never unsafe-inline or eval", () => {
    const csp = directives(contentSecurityPolicy({ nonce: "abc123", apiUrl: "http://localhost:8787", isProduction: false }));
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-abc123'"]);
    expect([...csp.values()].flat()).not.toContain("'unsafe-eval'");
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    // uPlot sets inline styles; the service worker and the manifest are the site's own.
    expect(csp.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get("worker-src")).toEqual(["'self'"]);
    expect(csp.get("manifest-src")).toEqual(["'self'"]);
  });

  it("connect-src allows the API over http and WebSocket, matching its scheme", () => {
    expect(directives(contentSecurityPolicy({ nonce: "n", apiUrl: "http://localhost:8787", isProduction: false })).get("connect-src")).toEqual(["'self'", "http://localhost:8787", "ws://localhost:8787"]);
    expect(apiOrigins("https://api.glucolens.app/")).toEqual(["https://api.glucolens.app", "wss://api.glucolens.app"]);
    expect(apiOrigins("not a url")).toEqual([]);
  });

  it("sets every header; HSTS and upgrade-insecure-requests in production only", () => {
    const dev = new Headers();
    applySecurityHeaders(dev, { nonce: "n", apiUrl: "http://localhost:8787", isProduction: false });
    expect(dev.get("x-frame-options")).toBe("DENY");
    expect(dev.get("x-content-type-options")).toBe("nosniff");
    expect(dev.get("referrer-policy")).toBe("same-origin");
    expect(dev.get("permissions-policy")).toContain("camera=()");
    expect(dev.get("strict-transport-security")).toBeNull();
    expect(dev.get("content-security-policy")).not.toContain("upgrade-insecure-requests");

    const prod = new Headers();
    applySecurityHeaders(prod, { nonce: "n", apiUrl: "https://api.glucolens.app", isProduction: true });
    expect(prod.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    expect(prod.get("content-security-policy")).toContain("upgrade-insecure-requests");
    expect(prod.get("content-security-policy")).toContain("connect-src 'self' https://api.glucolens.app wss://api.glucolens.app");
  });
});
