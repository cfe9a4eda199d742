/**
 * The /api/v1/alerts HTTP surface: alert rules (defaults, units, validation naming the field),
 * WebSocket tickets (single use, 60 s, 401 before the upgrade), the alert history (shape,
 * filters, paging) and acknowledge, with cross-user isolation of history and ack.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../worker/lib/crypto.ts";
import { api, expectFieldError, register } from "./helpers.ts";
import { Feed, historyUntil, postReading, streamRequest, ticketFor } from "./monitor-helpers.ts";

const DEFAULTS_MGDL = {
  unit: "mg/dL",
  urgent_low: { enabled: true, value: 55 },
  low: { enabled: true, value: 70 },
  high: { enabled: true, value: 180 },
  urgent_high: { enabled: true, value: 260 },
  falling_fast: { enabled: true, rate: 3 },
  rising_fast: { enabled: true, rate: 3 },
  predicted_low: { enabled: true, minutes: 20 },
  stale: { enabled: true, warning_minutes: 20, urgent_minutes: 40 },
  repeat_minutes: { default: 15, urgent_low: 5 },
};

describe("alert settings", () => {
  it("answers the defaults in the user's unit", async () => {
    const a = await register();
    expect((await api("/api/v1/alerts/settings", { token: a.access })).json).toEqual(DEFAULTS_MGDL);
    const m = await register({ unit: "mmol/L" });
    const res = await api("/api/v1/alerts/settings", { token: m.access });
    expect(res.json).toMatchObject({
      unit: "mmol/L",
      urgent_low: { value: 3.1 },
      low: { value: 3.9 },
      high: { value: 10 },
      urgent_high: { value: 14.4 },
      falling_fast: { rate: 0.17 },
    });
  });

  it("saves changed sections, keeps the others, and accepts another unit when told", async () => {
    const a = await register({ unit: "mmol/L" });
    const put = await api("/api/v1/alerts/settings", {
      method: "PUT",
      token: a.access,
      body: { low: { enabled: true, value: 4.2 }, high: { enabled: false, value: 11 }, falling_fast: { enabled: true, rate: 0.11 }, repeat_minutes: { default: 30, urgent_low: 10 } },
    });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    const got = (await api("/api/v1/alerts/settings", { token: a.access })).json;
    expect(got).toEqual(put.json);
    expect(got).toMatchObject({ low: { enabled: true, value: 4.2 }, high: { enabled: false, value: 11 }, falling_fast: { rate: 0.11 }, urgent_low: { value: 3.1 }, repeat_minutes: { default: 30, urgent_low: 10 } });

    // Values in mg/dL from a client that speaks mg/dL are converted; answers stay in mmol/L.
    const mg = await api("/api/v1/alerts/settings", { method: "PUT", token: a.access, body: { unit: "mg/dL", urgent_high: { enabled: true, value: 250 } } });
    expect(mg.status).toBe(200);
    expect(mg.json).toMatchObject({ unit: "mmol/L", urgent_high: { enabled: true, value: 13.9 } });
  });

  it.each([
    [{ urgent_low: { enabled: false, value: 55 } }, "urgent_low.enabled"],
    [{ urgent_low: { value: 20 } }, "urgent_low.value"],
    [{ low: { enabled: true, value: 40 } }, "low.value"],
    [{ low: { enabled: "yes", value: 70 } }, "low.enabled"],
    [{ low: { value: 70 } }, "low.enabled"],
    [{ high: { enabled: true, value: 60 } }, "high.value"],
    [{ high: { enabled: true, value: 150 }, low: { enabled: true, value: 150 } }, "high.value"],
    [{ urgent_high: { enabled: true, value: 170 } }, "urgent_high.value"],
    [{ urgent_low: { value: 75 } }, "urgent_low.value"],
    [{ falling_fast: { enabled: true, rate: 0.5 } }, "falling_fast.rate"],
    [{ rising_fast: { enabled: true, rate: "fast" } }, "rising_fast.rate"],
    [{ predicted_low: { enabled: true, minutes: 2 } }, "predicted_low.minutes"],
    [{ predicted_low: { enabled: true, minutes: 12.5 } }, "predicted_low.minutes"],
    [{ stale: { enabled: true, warning_minutes: 30, urgent_minutes: 30 } }, "stale.urgent_minutes"],
    [{ repeat_minutes: { default: 15, urgent_low: 30 } }, "repeat_minutes.urgent_low"],
    [{ unit: "mg" }, "unit"],
    [{ low: { enabled: true, value: 70, extra: 1 } }, "low"],
  ])("refuses %o naming %s", async (body, field) => {
    const a = await register();
    const res = await api("/api/v1/alerts/settings", { method: "PUT", token: a.access, body });
    expectFieldError(res, 422, field);
    expect((await api("/api/v1/alerts/settings", { token: a.access })).json).toEqual(DEFAULTS_MGDL);
  });

  it("names limits in the user's unit", async () => {
    const a = await register({ unit: "mmol/L" });
    const res = await api("/api/v1/alerts/settings", { method: "PUT", token: a.access, body: { low: { enabled: true, value: 1.5 } } });
    expectFieldError(res, 422, "low.value");
    expect(res.json.error.fields[0].message).toBe("must be between 2.8 mmol/L and 8.3 mmol/L");
  });

  it("needs a bearer token", async () => {
    expect((await api("/api/v1/alerts/settings")).status).toBe(401);
    expect((await api("/api/v1/alerts/settings", { method: "PUT", body: {} })).status).toBe(401);
    expect((await api("/api/v1/alerts")).status).toBe(401);
    expect((await api("/api/v1/alerts/ticket", { method: "POST" })).status).toBe(401);
    expect((await api("/api/v1/alerts/x/ack", { method: "POST" })).status).toBe(401);
  });
});

describe("WebSocket tickets", () => {
  it("opens the feed once, and refuses the same ticket again with 401 before the upgrade", async () => {
    const a = await register();
    const ticket = await ticketFor(a);
    const first = await streamRequest(ticket);
    expect(first.status).toBe(101);
    first.webSocket!.accept();
    const again = await streamRequest(ticket);
    expect(again.status).toBe(401);
    expect(again.webSocket).toBeNull();
    expect(await again.json()).toMatchObject({ error: { code: "unauthorized", message: "Invalid, expired or already used ticket", fields: [] } });
    first.webSocket!.close(1000, "done");
  });

  it("refuses a missing, unknown or expired ticket with 401, and a plain GET with 400", async () => {
    const a = await register();
    for (const res of [await streamRequest(""), await streamRequest("not-a-ticket")]) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
    const ticket = await ticketFor(a);
    await env.DB.prepare("UPDATE ws_tickets SET expires_at = ? WHERE token_hash = ?").bind(Date.now() - 1, await sha256Hex(ticket)).run();
    expect((await streamRequest(ticket)).status).toBe(401);

    const fresh = await ticketFor(a);
    const plain = await api(`/api/v1/alerts/stream?ticket=${fresh}`);
    expectFieldError(plain, 400, "upgrade");
    // The refused plain GET did not use the ticket up.
    const ok = await streamRequest(fresh);
    expect(ok.status).toBe(101);
    ok.webSocket!.accept();
    ok.webSocket!.close(1000, "done");
  });

  it("stores only a hash of the ticket, valid for 60 seconds", async () => {
    const a = await register();
    const res = await api("/api/v1/alerts/ticket", { method: "POST", token: a.access });
    expect(res.status).toBe(201);
    expect(res.json.url).toBe(`/api/v1/alerts/stream?ticket=${res.json.ticket}`);
    const row = await env.DB.prepare("SELECT token_hash, expires_at FROM ws_tickets WHERE token_hash = ?").bind(await sha256Hex(res.json.ticket)).first<{ token_hash: string; expires_at: number }>();
    expect(row!.expires_at).toBe(Date.parse(res.json.expires_at));
    expect(row!.expires_at - Date.now()).toBeGreaterThan(55_000);
    expect(row!.expires_at - Date.now()).toBeLessThanOrEqual(60_000);
    const raw = await env.DB.prepare("SELECT count(*) AS n FROM ws_tickets WHERE token_hash = ?").bind(res.json.ticket).first<{ n: number }>();
    expect(raw!.n).toBe(0);
  });
});

describe("alert history and acknowledge", () => {
  it("lists events with date filters and a cursor", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    await postReading(a, 62);
    await feed.next("alert");
    await postReading(a, 100);
    await feed.next("resolved");
    await postReading(a, 200);
    await feed.next("alert");
    const all = await historyUntil(a, (items) => items.length === 3);
    expect(all.map((e) => `${e.event} ${e.kind}`)).toEqual(["raised low", "resolved low", "raised high"]);
    for (const e of all) expect(Object.keys(e).sort()).toEqual(["alert_id", "event", "id", "kind", "level", "message", "time", "unit", "until", "value"]);

    const page1 = await api("/api/v1/alerts?limit=2", { token: a.access });
    expect(page1.json.items).toEqual(all.slice(0, 2));
    expect(page1.json.next_cursor).toEqual(expect.any(String));
    const page2 = await api(`/api/v1/alerts?limit=2&cursor=${page1.json.next_cursor}`, { token: a.access });
    expect(page2.json).toEqual({ items: all.slice(2), next_cursor: null });

    const t2 = Date.parse(all[2].time);
    expect((await api(`/api/v1/alerts?start=${t2}`, { token: a.access })).json.items).toEqual(all.slice(2));
    expect((await api(`/api/v1/alerts?end=${encodeURIComponent(all[2].time)}`, { token: a.access })).json.items).toEqual(all.filter((e) => Date.parse(e.time) < t2));
    expectFieldError(await api("/api/v1/alerts?cursor=zz!", { token: a.access }), 422, "cursor");
    expectFieldError(await api("/api/v1/alerts?start=yesterday", { token: a.access }), 422, "start");
    expectFieldError(await api("/api/v1/alerts?limit=5000", { token: a.access }), 422, "limit");
    feed.close();
  });

  it("acknowledges over HTTP: 200 twice, 409 once resolved, 404 for unknown ids", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    await postReading(a, 62);
    const { alert } = await feed.next("alert");

    const ack = await api(`/api/v1/alerts/${alert.id}/ack`, { method: "POST", token: a.access });
    expect(ack.status, JSON.stringify(ack.json)).toBe(200);
    expect(ack.json.alert).toMatchObject({ id: alert.id, acknowledged_at: expect.any(String) });
    expect((await feed.next("acknowledged")).alert.id).toBe(alert.id);
    const twice = await api(`/api/v1/alerts/${alert.id}/ack`, { method: "POST", token: a.access });
    expect(twice.status).toBe(200);
    expect(twice.json.alert.acknowledged_at).toBe(ack.json.alert.acknowledged_at);

    await postReading(a, 100);
    await feed.next("resolved");
    await historyUntil(a, (items) => items.some((e: { event: string }) => e.event === "resolved"));
    expectFieldError(await api(`/api/v1/alerts/${alert.id}/ack`, { method: "POST", token: a.access }), 409, "id");
    expect((await api("/api/v1/alerts/no-such-alert/ack", { method: "POST", token: a.access })).status).toBe(404);
    const events = await historyUntil(a, (items) => items.length === 3);
    expect(events.map((e) => e.event)).toEqual(["raised", "acknowledged", "resolved"]);
    feed.close();
  });

  it("keeps each user's history and alerts to that user", async () => {
    const a = await register();
    const b = await register();
    const feedA = await Feed.open(a);
    await postReading(a, 62);
    const { alert } = await feedA.next("alert");
    await historyUntil(a, (items) => items.length === 1);

    // B can neither see nor acknowledge A's alert, active or not.
    expect((await api("/api/v1/alerts", { token: b.access })).json).toEqual({ items: [], next_cursor: null });
    const res = await api(`/api/v1/alerts/${alert.id}/ack`, { method: "POST", token: b.access });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("not_found");
    expect((await api("/api/v1/alerts/state", { token: b.access })).json.active_alerts).toEqual([]);
    expect((await api("/api/v1/alerts/state", { token: a.access })).json.active_alerts[0].acknowledged_at).toBeNull();
    feedA.close();
  });
});

describe("OpenAPI", () => {
  it("documents the alert routes", async () => {
    const paths = Object.keys((await api("/openapi.json")).json.paths);
    for (const p of ["/api/v1/alerts", "/api/v1/alerts/settings", "/api/v1/alerts/ticket", "/api/v1/alerts/stream", "/api/v1/alerts/state", "/api/v1/alerts/snooze", "/api/v1/alerts/{id}/ack"]) {
      expect(paths).toContain(p);
    }
  });
});
