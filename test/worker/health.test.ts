import { describe, expect, it } from "vitest";
import { SELF } from "cloudflare:test";
import { api, BASE } from "./helpers.ts";

describe("health and docs", () => {
  it("GET /health answers 200 without auth", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: "ok" });
  });

  it("serves an OpenAPI 3.1 document covering every route group", async () => {
    const res = await api("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe("3.1.0");
    const paths = Object.keys(res.json.paths);
    for (const p of ["/api/v1/auth/register", "/api/v1/glucose/readings", "/api/v1/glucose/bulk", "/api/v1/meals", "/api/v1/body-metrics/{id}"]) {
      expect(paths).toContain(p);
    }
  });

  it("serves the interactive docs page", async () => {
    const res = await api("/docs");
    expect(res.status).toBe(200);
    expect(String(res.json)).toContain("swagger-ui");
    // Swagger UI's own files are bundled into the Worker, not loaded from a CDN.
    const bundle = await api("/docs/swagger-ui-bundle.js");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(bundle.headers.get("x-content-type-options")).toBe("nosniff");
    expect(String(bundle.json)).toContain("SwaggerUIBundle");
    const css = await api("/docs/swagger-ui.css");
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    expect(String(css.json)).toContain(".swagger-ui");
    const icon = await SELF.fetch(`${BASE}/docs/favicon-32x32.png`);
    expect(icon.headers.get("content-type")).toBe("image/png");
    expect([...new Uint8Array(await icon.arrayBuffer()).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    const missing = await api("/docs/nope.js");
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("not_found");
  });

  it("answers unknown routes with the error envelope", async () => {
    const res = await api("/api/v1/nope");
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("not_found");
  });
});
