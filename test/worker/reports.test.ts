/**
 * The clinician AGP report and its share links inside workerd: `GET /reports/agp.pdf` (status,
 * headers, 401, 422 naming `days`, two A4 pages read back with pdf-lib, the numbers on the page
 * equal to `GET /insights/agp` for the same days, the user's unit, isolation) and share links
 * (`/reports/shares`: created with a 256-bit token stored hashed, opened without an account as
 * JSON and PDF, reaching nothing else, every open logged, 410 after expiry and after revocation,
 * isolation between users, OpenAPI entries).
 *
 * Layout references: Battelino et al., Diabetes Care 2019;42:1593–1603 (the consensus AGP
 * report); Klonoff et al., J Diabetes Sci Technol 2023;17(5):1226–1242 (GRI and its grid). The
 * metric values themselves are checked against iglu in analytics/cgm/iglu-reference.test.ts.
 */
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../worker/lib/crypto.ts";
import { api, BASE, expectFieldError, register } from "./helpers.ts";
import { operations } from "./openapi-operations.ts";
import { readPdf } from "./pdf-helpers.ts";
import { seededAccount } from "./pipeline-helpers.ts";

const A4 = { width: 595.28, height: 841.89 };
const pct = (x: number) => `${x.toFixed(1)} %`;

async function pdf(path: string, token?: string) {
  const res = await SELF.fetch(`${BASE}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes };
}

/** The strings the report must show for the API's metrics (formatted as the report formats them). */
function expectedStrings(m: Record<string, any>, unit: "mg/dL" | "mmol/L") {
  return [
    `${m.mean.toFixed(unit === "mmol/L" ? 1 : 0)} ${unit}`,
    pct(m.gmi_percent),
    pct(m.cv_percent),
    pct(m.active_percent),
    pct(m.in_range_percent),
    pct(m.tight_range_percent),
    pct(m.below_54_percent),
    pct(m.above_250_percent),
    pct(Math.max(0, m.above_180_percent - m.above_250_percent)),
    pct(Math.max(0, m.below_70_percent - m.below_54_percent)),
    `${m.gri.toFixed(1)} (zone ${m.gri_zone})`,
  ];
}

describe("GET /reports/agp.pdf", () => {
  it("401 without a token, 422 naming days for anything but 14, 30 or 90", async () => {
    expect((await api("/api/v1/reports/agp.pdf")).status).toBe(401);
    const a = await register();
    for (const days of ["7", "0", "abc", "14.5", "91", ""]) expectFieldError(await api(`/api/v1/reports/agp.pdf?days=${days}`, { token: a.access }), 422, "days");
  });

  it("two A4 pages whose numbers are the API's /insights/agp for the same days; 30 days; the insulin and meal summary", async () => {
    const { account } = await seededAccount(35, { seed: 7 });
    const { res, bytes } = await pdf("/api/v1/reports/agp.pdf", account.access);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="agp-report-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.pdf"$/);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Number(res.headers.get("content-length"))).toBe(bytes.byteLength);
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");

    // The same data gives the same bytes (no clock, no random names in the file).
    expect((await pdf("/api/v1/reports/agp.pdf", account.access)).bytes).toEqual(bytes);

    const doc = await readPdf(bytes);
    expect(doc.pages).toHaveLength(2);
    for (const p of doc.pages) expect([Math.round(p.width), Math.round(p.height)]).toEqual([Math.round(A4.width), Math.round(A4.height)]);
    const [one, two] = doc.pages as [(typeof doc.pages)[0], (typeof doc.pages)[0]];
    expect(one.strings).toContain("AGP Report: Continuous Glucose Monitoring");
    expect(one.strings).toContain("Test User");
    expect(one.strings.some((s) => s.endsWith("(14 days)"))).toBe(true);

    const agp = (await api("/api/v1/insights/agp?days=14", { token: account.access })).json;
    const m = agp.metrics;
    expect(m).not.toBeNull();
    for (const s of expectedStrings(m, "mg/dL")) expect(one.strings, s).toContain(s);
    expect(one.strings).toContain("14 of 14");
    // The daily profiles: the most recent 14 days, one label each.
    expect(one.strings.filter((s) => /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}$/.test(s))).toHaveLength(14);
    // Page 2: the GRI grid's numbers and the summary of the meal and insulin records.
    expect(two.strings).toEqual(expect.arrayContaining([m.gri.toFixed(1), `Zone ${m.gri_zone}`, pct(m.gri_hypo), pct(m.gri_hyper), "Insulin and meals".toUpperCase()]));
    expect(two.strings.some((s) => / g a day$/.test(s))).toBe(true);
    expect(two.strings.some((s) => / units a day$/.test(s))).toBe(true);

    const thirty = await pdf("/api/v1/reports/agp.pdf?days=30", account.access);
    const t = await readPdf(thirty.bytes);
    const agp30 = (await api("/api/v1/insights/agp?days=30", { token: account.access })).json;
    for (const s of expectedStrings(agp30.metrics, "mg/dL")) expect(t.pages[0]!.strings, s).toContain(s);
    expect(t.pages[0]!.strings.some((s) => s.endsWith("(30 days)"))).toBe(true);
    // A 35-day report stays small: vector drawing and the standard fonts only.
    expect(thirty.bytes.byteLength).toBeLessThan(200_000);
  });

  it("in mmol/L for a mmol/L user; a name outside the standard fonts' characters still renders", async () => {
    const { account } = await seededAccount(15, { seed: 3, unit: "mmol/L" });
    expect((await api("/api/v1/auth/me", { method: "PATCH", token: account.access, body: { name: "Łukasz 李" } })).status).toBe(200);
    const { res, bytes } = await pdf("/api/v1/reports/agp.pdf", account.access);
    expect(res.status).toBe(200);
    const [one] = (await readPdf(bytes)).pages;
    const agp = (await api("/api/v1/insights/agp?days=14", { token: account.access })).json;
    expect(agp.unit).toBe("mmol/L");
    for (const s of expectedStrings(agp.metrics, "mmol/L")) expect(one!.strings, s).toContain(s);
    expect(one!.strings).toContain("?ukasz ?");
    expect(one!.strings).toContain("3.9");
    expect(one!.strings).toContain("10.0");
  });

  it("shows only the caller's data; an account without readings gets an honest empty report", async () => {
    const { account: a } = await seededAccount(15, { seed: 11 });
    expect((await api("/api/v1/auth/me", { method: "PATCH", token: a.access, body: { name: "Alice Owner" } })).status).toBe(200);
    const b = await register({ name: "Bob Other" });
    const { res, bytes } = await pdf("/api/v1/reports/agp.pdf", b.access);
    expect(res.status).toBe(200);
    const doc = await readPdf(bytes);
    const all = doc.pages.flatMap((p) => p.strings);
    expect(all).toContain("Bob Other");
    expect(all).not.toContain("Alice Owner");
    expect(all).toContain("No readings in this period.");
    expect(all).toContain("Too few readings in this period for the statistics.");
    expect(all).toContain("No meal or insulin records in this period.");
    expect(all).toContain("0 of 14");
  });
});

describe("report share links", () => {
  it("401 without a token on every /reports/shares route; 422 naming the field", async () => {
    expect((await api("/api/v1/reports/shares", { method: "POST", body: {} })).status).toBe(401);
    expect((await api("/api/v1/reports/shares")).status).toBe(401);
    expect((await api(`/api/v1/reports/shares/${crypto.randomUUID()}`, { method: "DELETE" })).status).toBe(401);
    const a = await register();
    for (const [body, field] of [
      [{ days: 7 }, "days"],
      [{ days: "14" }, "days"],
      [{ expires_in_days: 0 }, "expires_in_days"],
      [{ expires_in_days: 91 }, "expires_in_days"],
      [{ expires_in_days: 1.5 }, "expires_in_days"],
      [{ expires_in_days: "7" }, "expires_in_days"],
    ] as const) {
      expectFieldError(await api("/api/v1/reports/shares", { token: a.access, body }), 422, field);
    }
    expect((await api("/api/v1/reports/shares", { token: a.access, body: { days: 14, user_id: 1 } })).status).toBe(422);
    expectFieldError(await api("/api/v1/reports/shares/not-a-uuid", { method: "DELETE", token: a.access }), 422, "param.id");
    expect((await api("/api/v1/reports/shares", { token: a.access })).json.items).toEqual([]);
  });

  it("opens the report without an account (JSON = the API's numbers, PDF), logs each open, stores only the token's hash", async () => {
    const { account } = await seededAccount(16, { seed: 5 });
    const before = Date.now();
    const created = await api("/api/v1/reports/shares", { token: account.access, body: { days: 14, expires_in_days: 7 } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const { id, token, url, expires_at } = created.json;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(url).toBe(`${env.WEB_ORIGIN}/share/${token}`);
    expect(Date.parse(expires_at) - before).toBeGreaterThanOrEqual(7 * 86_400_000 - 1000);
    expect(Date.parse(expires_at) - before).toBeLessThanOrEqual(7 * 86_400_000 + 60_000);
    // Stored hashed: the row holds SHA-256(token), and no column of any row holds the token.
    const row = await env.DB.prepare("SELECT * FROM report_shares WHERE id = ?").bind(id).first<Record<string, unknown>>();
    expect(row!.token_hash).toBe(await sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);
    // The default body: 14 days, 14 days to expiry.
    const dflt = await api("/api/v1/reports/shares", { token: account.access, method: "POST" });
    expect(dflt.status).toBe(201);
    expect(dflt.json.days).toBe(14);
    expect(Math.round((Date.parse(dflt.json.expires_at) - Date.now()) / 86_400_000)).toBe(14);

    const shared = await api(`/api/v1/shared/${token}/agp`);
    expect(shared.status, JSON.stringify(shared.json)).toBe(200);
    const own = (await api("/api/v1/insights/agp?days=14", { token: account.access })).json;
    expect(shared.json.agp.metrics).toEqual(own.metrics);
    expect(shared.json.agp.p50).toEqual(own.p50);
    expect(shared.json).toMatchObject({ patient: { name: "Test User" }, unit: "mg/dL", days: 14, days_with_data: 14 });
    expect(shared.json.daily).toHaveLength(14);
    expect(shared.json.therapy.days_with_meals).toBeGreaterThan(0);

    const file = await pdf(`/api/v1/shared/${token}/agp.pdf`);
    expect(file.res.status).toBe(200);
    expect(file.res.headers.get("content-type")).toBe("application/pdf");
    expect(file.res.headers.get("content-disposition")).toMatch(/^inline; /);
    const doc = await readPdf(file.bytes);
    expect(doc.pages).toHaveLength(2);
    for (const s of expectedStrings(own.metrics, "mg/dL")) expect(doc.pages[0]!.strings, s).toContain(s);
    const t = shared.json.therapy;
    expect(doc.pages[1]!.strings).toContain(`${t.carbs_g_per_day.toFixed(1)} g a day`);
    expect(doc.pages[1]!.strings).toContain(`${t.total_units_per_day.toFixed(1)} units a day`);

    const list = await api("/api/v1/reports/shares", { token: account.access });
    expect(list.json.items.map((s: { id: string }) => s.id)).toEqual([dflt.json.id, id]);
    expect(list.json.items[1]).toMatchObject({ id, days: 14, status: "active", opens: 2, revoked_at: null, last_opened_at: expect.any(String) });
    expect(JSON.stringify(list.json)).not.toContain(token);
    const log = await api(`/api/v1/reports/shares/${id}/access-log`, { token: account.access });
    expect(log.status).toBe(200);
    expect(log.json.items.map((e: { resource: string; status: number }) => [e.resource, e.status])).toEqual([
      ["agp.pdf", 200],
      ["agp", 200],
    ]);
    const page = await api(`/api/v1/reports/shares/${id}/access-log?limit=1`, { token: account.access });
    expect(page.json.items).toHaveLength(1);
    const next = await api(`/api/v1/reports/shares/${id}/access-log?limit=1&cursor=${page.json.next_cursor}`, { token: account.access });
    expect(next.json.items.map((e: { resource: string }) => e.resource)).toEqual(["agp"]);
    expect(next.json.next_cursor).toBeNull();
  });

  it("reaches nothing else: the token as a bearer, api-secret or ?token= on every route is refused, other paths under it 404", async () => {
    const { account } = await seededAccount(3, { seed: 9 });
    const { token } = (await api("/api/v1/reports/shares", { token: account.access, body: {} })).json;
    const { ops } = await operations();
    const gets = ops.filter((op) => op.method === "GET" && !op.path.startsWith("/api/v1/shared/") && op.path.startsWith("/api/v1/"));
    expect(gets.length).toBeGreaterThan(30);
    const reached: string[] = [];
    for (const op of gets) {
      const url = op.path.replace(/\{[^}]+\}/g, "1");
      for (const init of [{ token }, { headers: { "api-secret": token } }]) {
        const res = await api(url, init);
        if (res.status < 300) reached.push(`${url} ${JSON.stringify(init).slice(0, 20)} → ${res.status}`);
      }
      const res = await api(`${url}${url.includes("?") ? "&" : "?"}token=${token}`);
      if (res.status < 300) reached.push(`${url}?token → ${res.status}`);
    }
    // Public routes answer without any credential; nothing else may. Nightscout's verifyauth answers
    // 200 to anyone, saying UNAUTHORIZED for a credential it does not know.
    const publicPaths = ["/api/v1/push/vapid-public-key", "/api/v1/status.json", "/api/v1/status", "/api/v1/verifyauth"];
    expect(reached.filter((r) => !publicPaths.some((p) => r.startsWith(p)))).toEqual([]);
    for (const path of ["glucose/readings", "insights/agp", "export", "agp.json", "reports/shares", "agp/../../glucose/readings", ""]) {
      expect((await api(`/api/v1/shared/${token}/${path}`)).status, path).toBe(404);
    }
    expect((await api(`/api/v1/shared/${token}/agp`, { method: "DELETE" })).status).toBe(404);
  });

  it("an unknown token is 404; an expired or revoked link is 410 naming why, logged; revoking twice 404", async () => {
    const { account } = await seededAccount(2, { seed: 13 });
    for (const bad of ["x".repeat(43), "short", "A".repeat(44)]) {
      const res = await api(`/api/v1/shared/${bad}/agp`);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
    const a = (await api("/api/v1/reports/shares", { token: account.access, body: { expires_in_days: 1 } })).json;
    const b = (await api("/api/v1/reports/shares", { token: account.access, body: { days: 90 } })).json;
    expect((await api(`/api/v1/shared/${a.token}/agp`)).status).toBe(200);
    // Expiry: the stored expiry moved into the past stands for a clock a day later.
    await env.DB.prepare("UPDATE report_shares SET expires_at = ? WHERE id = ?").bind(Date.now() - 1, a.id).run();
    for (const path of ["agp", "agp.pdf"]) expectFieldError(await api(`/api/v1/shared/${a.token}/${path}`), 410, "token");
    const expired = await api(`/api/v1/shared/${a.token}/agp`);
    expect(expired.json.error).toMatchObject({ code: "share_link_gone", fields: [{ path: "token", message: "has expired" }] });

    const shared90 = await api(`/api/v1/shared/${b.token}/agp`);
    expect(shared90.json.days).toBe(90);
    expect((await api(`/api/v1/reports/shares/${b.id}`, { method: "DELETE", token: account.access })).status).toBe(204);
    const revoked = await api(`/api/v1/shared/${b.token}/agp.pdf`);
    expect(revoked.status).toBe(410);
    expect(revoked.json.error.fields).toEqual([{ path: "token", message: "has been revoked" }]);
    expect((await api(`/api/v1/reports/shares/${b.id}`, { method: "DELETE", token: account.access })).status).toBe(404);

    const items = (await api("/api/v1/reports/shares", { token: account.access })).json.items;
    expect(items.find((s: { id: string }) => s.id === a.id)).toMatchObject({ status: "expired", opens: 1 });
    expect(items.find((s: { id: string }) => s.id === b.id)).toMatchObject({ status: "revoked", opens: 1, revoked_at: expect.any(String) });
    const logA = (await api(`/api/v1/reports/shares/${a.id}/access-log`, { token: account.access })).json.items;
    expect(logA.map((e: { resource: string; status: number }) => [e.resource, e.status])).toEqual([
      ["agp", 410],
      ["agp.pdf", 410],
      ["agp", 410],
      ["agp", 200],
    ]);
  });

  it("isolation: another user can neither list, revoke nor read the log of a link; each link opens only its owner's report", async () => {
    const { account: a } = await seededAccount(3, { seed: 21 });
    const { account: b } = await seededAccount(3, { seed: 22 });
    expect((await api("/api/v1/auth/me", { method: "PATCH", token: a.access, body: { name: "Alice Owner" } })).status).toBe(200);
    expect((await api("/api/v1/auth/me", { method: "PATCH", token: b.access, body: { name: "Bob Other" } })).status).toBe(200);
    const sa = (await api("/api/v1/reports/shares", { token: a.access, body: {} })).json;
    const sb = (await api("/api/v1/reports/shares", { token: b.access, body: {} })).json;
    expect((await api(`/api/v1/reports/shares/${sa.id}`, { method: "DELETE", token: b.access })).status).toBe(404);
    expect((await api(`/api/v1/reports/shares/${sa.id}/access-log`, { token: b.access })).status).toBe(404);
    expect((await api("/api/v1/reports/shares", { token: b.access })).json.items.map((s: { id: string }) => s.id)).toEqual([sb.id]);
    const ra = await api(`/api/v1/shared/${sa.token}/agp`);
    const rb = await api(`/api/v1/shared/${sb.token}/agp`);
    expect(ra.json.patient.name).toBe("Alice Owner");
    expect(rb.json.patient.name).toBe("Bob Other");
    expect(ra.json.agp.metrics).toEqual((await api("/api/v1/insights/agp?days=14", { token: a.access })).json.metrics);
    expect(rb.json.agp.metrics).not.toEqual(ra.json.agp.metrics);
    // A's link still works after B's attempt to revoke it; deleting A's account removes the link.
    expect((await api(`/api/v1/shared/${sa.token}/agp`)).status).toBe(200);
    expect((await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: a.password } })).status).toBe(204);
    expect((await api(`/api/v1/shared/${sa.token}/agp`)).status).toBe(404);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM report_shares WHERE id = ?").bind(sa.id).first<{ n: number }>())!.n).toBe(0);
  });

  it("is documented in OpenAPI with every status, a response schema and security", async () => {
    const doc = (await api("/openapi.json")).json;
    const op = (path: string, method: string) => doc.paths[path]?.[method];
    expect(Object.keys(op("/api/v1/reports/agp.pdf", "get").responses)).toEqual(expect.arrayContaining(["200", "401", "422", "429"]));
    expect(op("/api/v1/reports/agp.pdf", "get").responses["200"].content["application/pdf"]).toBeDefined();
    expect(Object.keys(op("/api/v1/reports/shares", "post").responses)).toEqual(expect.arrayContaining(["201", "400", "401", "422"]));
    expect(Object.keys(op("/api/v1/reports/shares/{id}", "delete").responses)).toEqual(expect.arrayContaining(["204", "401", "404", "422"]));
    for (const [path, method] of [
      ["/api/v1/reports/agp.pdf", "get"],
      ["/api/v1/reports/shares", "post"],
      ["/api/v1/reports/shares", "get"],
      ["/api/v1/reports/shares/{id}", "delete"],
      ["/api/v1/reports/shares/{id}/access-log", "get"],
    ]) {
      expect(op(path!, method!).security, `${method} ${path}`).toEqual([{ Bearer: [] }]);
    }
    for (const path of ["/api/v1/shared/{token}/agp", "/api/v1/shared/{token}/agp.pdf"]) {
      expect(op(path, "get").security).toEqual([]);
      expect(Object.keys(op(path, "get").responses)).toEqual(expect.arrayContaining(["200", "404", "410"]));
    }
    expect(op("/api/v1/reports/shares", "post").responses["201"].content["application/json"].schema).toBeDefined();
  });
});
