/**
 * Caregivers inside workerd: invitations by email and their acceptance (by the
 * invited address's verified owner only), listing and
 * ending from either side, a follower reading exactly the shared person's data under
 * /api/v1/following/{user_id}/… and nothing else, 405 for every write there (nothing stored),
 * the access log, follower preferences, and ending a sharing cutting access and live sockets.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, expectFieldError, register, verifyEmail } from "./helpers.ts";
import { MIN, postReading } from "./monitor-helpers.ts";
import { FollowerFeed, outboxFor, pair, share } from "./sharing-helpers.ts";

describe("invitations", () => {
  it("mails a link; only the invited address accepts, once; both sides list it", async () => {
    const owner = await register({ name: "Robin" });
    const follower = await register({ name: "Sam" });
    const stranger = await register();
    const inv = await api("/api/v1/sharing/invitations", { token: owner.access, body: { email: follower.email.toUpperCase() } });
    expect(inv.status, JSON.stringify(inv.json)).toBe(201);
    expect(inv.json).toMatchObject({ id: expect.any(String), status: "pending", role: "owner", email: follower.email, owner: { user_id: owner.id, name: "Robin" }, follower: null, accepted_at: null });
    const [mail] = await outboxFor(follower.email);
    expect(mail!.subject).toContain("Robin");
    expect(mail!.body).toContain(`/sharing/accept/${inv.json.id}`);

    // Not before the invited account has verified the address (email-verification.test.ts).
    expect((await api("/api/v1/sharing", { token: follower.access })).json.items).toEqual([]);
    expectFieldError(await api(`/api/v1/sharing/invitations/${inv.json.id}/accept`, { token: follower.access, method: "POST" }), 403, "email");
    await verifyEmail(follower);
    // The invitation is visible to the invited account before accepting, not to others.
    expect((await api("/api/v1/sharing", { token: follower.access })).json.items).toMatchObject([{ id: inv.json.id, role: "follower", status: "pending" }]);
    expect((await api("/api/v1/sharing", { token: stranger.access })).json.items).toEqual([]);
    expect((await api(`/api/v1/sharing/invitations/${inv.json.id}/accept`, { token: stranger.access, method: "POST" })).status).toBe(404);
    expect((await api(`/api/v1/sharing/invitations/${inv.json.id}/accept`, { token: owner.access, method: "POST" })).status).toBe(404);

    const ok = await api(`/api/v1/sharing/invitations/${inv.json.id}/accept`, { token: follower.access, method: "POST" });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ status: "active", role: "follower", follower: { user_id: follower.id, name: "Sam" }, accepted_at: expect.any(String), preferences: { low_threshold: null, high_threshold: null, quiet_hours: null } });
    expectFieldError(await api(`/api/v1/sharing/invitations/${inv.json.id}/accept`, { token: follower.access, method: "POST" }), 409, "id");
    expect((await api("/api/v1/sharing", { token: owner.access })).json.items).toMatchObject([{ id: inv.json.id, role: "owner", status: "active", preferences: null }]);
    expect((await api("/api/v1/following", { token: follower.access })).json.items).toEqual([{ user_id: owner.id, name: "Robin", sharing_id: inv.json.id }]);
  });

  it("refuses bad invitations naming the field", async () => {
    const owner = await register();
    const other = await register();
    expectFieldError(await api("/api/v1/sharing/invitations", { token: owner.access, body: {} }), 422, "email");
    expectFieldError(await api("/api/v1/sharing/invitations", { token: owner.access, body: { email: "not-an-email" } }), 422, "email");
    expectFieldError(await api("/api/v1/sharing/invitations", { token: owner.access, body: { email: owner.email } }), 422, "email");
    expectFieldError(await api("/api/v1/sharing/invitations", { token: owner.access, body: { email: other.email, extra: 1 } }), 422);
    expect((await api("/api/v1/sharing/invitations", { token: owner.access, raw: "{" })).status).toBe(400);
    expect((await api("/api/v1/sharing/invitations", { body: { email: other.email } })).status).toBe(401);
    expect((await api("/api/v1/sharing/invitations", { token: owner.access, body: { email: other.email } })).status).toBe(201);
    expectFieldError(await api("/api/v1/sharing/invitations", { token: owner.access, body: { email: other.email } }), 409, "email");
    expectFieldError(await api("/api/v1/sharing/invitations/not-a-uuid/accept", { token: other.access, method: "POST" }), 422, "param.id");
    expect((await api("/api/v1/sharing", { token: owner.access })).json.items).toHaveLength(1);
  });
});

describe("following", () => {
  it("reads exactly the shared person's data through the same read routes", async () => {
    const { owner, follower } = await pair();
    const now = Date.now();
    await postReading(owner, 140, now - 10 * MIN);
    await postReading(owner, 150, now - 5 * MIN);
    await postReading(follower, 99, now);
    expect((await api("/api/v1/meals", { token: owner.access, body: { time: now - MIN, carbs: 40 } })).status).toBe(201);

    const base = `/api/v1/following/${owner.id}`;
    const readings = await api(`${base}/glucose/readings`, { token: follower.access });
    expect(readings.status, JSON.stringify(readings.json)).toBe(200);
    expect(readings.json.items.map((r: any) => r.value).sort()).toEqual([140, 150]);
    const meals = await api(`${base}/meals`, { token: follower.access });
    expect(meals.json.items).toMatchObject([{ carbs: 40 }]);
    expect((await api(`${base}/sleep`, { token: follower.access })).json.items).toEqual([]);
    for (const path of [`/glucose/series?start=${now - 3600_000}&end=${now + MIN}`, "/alerts", "/alerts/state", "/alerts/settings", "/insights/daily", "/insights/agp"]) {
      const res = await api(`${base}${path}`, { token: follower.access });
      expect(res.status, `${path}: ${JSON.stringify(res.json)}`).toBe(200);
    }
    expect((await api(`${base}/alerts/state`, { token: follower.access })).json.current.value).toBe(150);
    // Validation still answers with the envelope, naming the field.
    expectFieldError(await api(`${base}/glucose/readings?limit=0`, { token: follower.access }), 422, "limit");

    // The follower's own data is unchanged by following, and the owner cannot read the follower's.
    expect((await api("/api/v1/glucose/readings", { token: follower.access })).json.items.map((r: any) => r.value)).toEqual([99]);
    expect((await api(`/api/v1/following/${follower.id}/glucose/readings`, { token: owner.access })).status).toBe(404);
  });

  it("refuses every write with 405 and stores nothing", async () => {
    const { owner, follower } = await pair();
    await postReading(owner, 120, Date.now() - MIN);
    const own = await api("/api/v1/glucose/readings", { token: owner.access });
    const readingId = own.json.items[0].id;
    const base = `/api/v1/following/${owner.id}`;
    const writes: [string, string, unknown?][] = [
      ["POST", "/glucose/readings", { time: Date.now(), value: 100 }],
      ["POST", "/glucose/bulk", { readings: [{ time: Date.now(), value: 100 }] }],
      ["PATCH", `/glucose/readings/${readingId}`, { value: 300 }],
      ["DELETE", `/glucose/readings/${readingId}`],
      ["DELETE", "/glucose/readings?start=0&end=9999999999999"],
      ["POST", "/meals", { time: Date.now(), carbs: 10 }],
      ["PATCH", "/meals/1", { carbs: 10 }],
      ["DELETE", "/meals/1"],
      ["POST", "/sleep/bulk", { items: [] }],
      ["PUT", "/alerts/settings", { low: { enabled: false } }],
      ["POST", "/alerts/snooze", { kind: "low", minutes: 30 }],
      ["POST", "/alerts/1/ack"],
      ["POST", "/insights/trigger-analysis", {}],
      ["PUT", "/glucose/readings", {}],
    ];
    for (const [method, path, body] of writes) {
      const res = await api(`${base}${path}`, { token: follower.access, method, body });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toBe("GET");
      expect(res.json.error).toMatchObject({ code: "method_not_allowed", fields: [{ path: "method" }] });
    }
    const after = await api("/api/v1/glucose/readings", { token: owner.access });
    expect(after.json.items).toEqual(own.json.items);
    expect((await api("/api/v1/meals", { token: owner.access })).json.items).toEqual([]);
    expect((await api("/api/v1/alerts/settings", { token: owner.access })).json.low.enabled).toBe(true);
  });

  it("records every access, visible to the person only", async () => {
    const { owner, follower } = await pair();
    await api(`/api/v1/following/${owner.id}/glucose/readings`, { token: follower.access });
    await api(`/api/v1/following/${owner.id}/meals`, { token: follower.access, body: { time: Date.now(), carbs: 1 } });
    let log: any;
    for (let i = 0; i < 50; i++) {
      log = await api("/api/v1/sharing/access-log", { token: owner.access });
      if (log.json.items.length >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(log.json.items).toMatchObject([
      { follower: { user_id: follower.id, name: "Sam" }, method: "POST", path: `/api/v1/following/${owner.id}/meals`, status: 405 },
      { follower: { user_id: follower.id }, method: "GET", path: `/api/v1/following/${owner.id}/glucose/readings`, status: 200 },
    ]);
    expect((await api("/api/v1/sharing/access-log", { token: follower.access })).json.items).toEqual([]);
    expectFieldError(await api("/api/v1/sharing/access-log?cursor=abc", { token: owner.access }), 422, "cursor");
  });

  it("a stranger, or a follower of someone else, gets 404 and no data", async () => {
    const { owner } = await pair();
    const stranger = await register();
    expect((await api(`/api/v1/following/${owner.id}/glucose/readings`, { token: stranger.access })).status).toBe(404);
    expect((await api(`/api/v1/following/${owner.id}/alerts/ticket`, { token: stranger.access, method: "POST" })).status).toBe(404);
    expect((await api(`/api/v1/following/${owner.id}/glucose/readings`)).status).toBe(401);
  });

  it("follower preferences: validated, stored in the follower's unit, only by the follower", async () => {
    const { owner, follower, sharingId } = await pair();
    const set = await api(`/api/v1/sharing/${sharingId}`, { token: follower.access, method: "PATCH", body: { low_threshold: 4, high_threshold: 15, unit: "mmol/L", quiet_hours: { start: "22:00", end: "07:00", timezone: "Europe/Berlin" } } });
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    expect(set.json.preferences).toEqual({ low_threshold: 72.1, high_threshold: 270.3, unit: "mg/dL", quiet_hours: { start: "22:00", end: "07:00", timezone: "Europe/Berlin" } });
    expectFieldError(await api(`/api/v1/sharing/${sharingId}`, { token: follower.access, method: "PATCH", body: { low_threshold: 5 } }), 422, "low_threshold");
    expectFieldError(await api(`/api/v1/sharing/${sharingId}`, { token: follower.access, method: "PATCH", body: { high_threshold: 60 } }), 422, "high_threshold");
    expectFieldError(await api(`/api/v1/sharing/${sharingId}`, { token: follower.access, method: "PATCH", body: { quiet_hours: { start: "25:00", end: "07:00", timezone: "UTC" } } }), 422, "quiet_hours.start");
    expectFieldError(await api(`/api/v1/sharing/${sharingId}`, { token: follower.access, method: "PATCH", body: { quiet_hours: { start: "22:00", end: "07:00", timezone: "Mars/Olympus" } } }), 422, "quiet_hours.timezone");
    expectFieldError(await api(`/api/v1/sharing/${sharingId}`, { token: follower.access, method: "PATCH", body: { low_threshold: 80, high_threshold: 70 } }), 422, "high_threshold");
    // The refused pair stored nothing.
    expect((await api("/api/v1/sharing", { token: follower.access })).json.items[0].preferences.low_threshold).toBe(72.1);
    expect((await api(`/api/v1/sharing/${sharingId}`, { token: owner.access, method: "PATCH", body: { low_threshold: 70 } })).status).toBe(404);
  });
});

describe("ending a sharing", () => {
  it("cuts access at once, closes the follower's live sockets and keeps the owner's", async () => {
    const { owner, follower, sharingId } = await pair();
    const feed = await FollowerFeed.open(follower, owner.id);
    expect(feed.messages[0].state.current).toBeNull();
    await postReading(owner, 60, Date.now());
    await feed.until(() => feed.messages.some((m) => m.type === "alert" && m.alert.kind === "low"));
    // The follower's feed is read-only.
    const alertId = feed.messages.find((m) => m.type === "alert").alert.id;
    feed.ws.send(JSON.stringify({ type: "ack", id: alertId }));
    await feed.until(() => feed.messages.some((m) => m.type === "error" && m.code === "read_only"));
    expect((await api("/api/v1/alerts/state", { token: owner.access })).json.active_alerts[0].acknowledged_at).toBeNull();

    const ownTicket = await api("/api/v1/alerts/ticket", { token: owner.access, method: "POST" });
    const ownRes = await SELF.fetch(`${BASE}${ownTicket.json.url}`, { headers: { upgrade: "websocket" } });
    ownRes.webSocket!.accept();
    let ownClosed = false;
    ownRes.webSocket!.addEventListener("close", () => {
      ownClosed = true;
    });

    expect((await api(`/api/v1/sharing/${sharingId}`, { token: owner.access, method: "DELETE" })).status).toBe(204);
    await feed.until(() => feed.closed !== null);
    expect(feed.closed).toEqual({ code: 4403, reason: "sharing ended" });
    expect((await api(`/api/v1/following/${owner.id}/glucose/readings`, { token: follower.access })).status).toBe(404);
    expect((await api(`/api/v1/following/${owner.id}/alerts/ticket`, { token: follower.access, method: "POST" })).status).toBe(404);
    expect((await api("/api/v1/following", { token: follower.access })).json.items).toEqual([]);
    expect((await api(`/api/v1/sharing/${sharingId}`, { token: owner.access, method: "DELETE" })).status).toBe(404);
    expect(ownClosed).toBe(false);
    ownRes.webSocket!.close(1000, "done");
  });

  it("the follower can end it too, and a ticket issued before the end no longer opens the feed", async () => {
    const { owner, follower, sharingId } = await pair();
    const t = await api(`/api/v1/following/${owner.id}/alerts/ticket`, { token: follower.access, method: "POST" });
    expect((await api(`/api/v1/sharing/${sharingId}`, { token: follower.access, method: "DELETE" })).status).toBe(204);
    const res = await SELF.fetch(`${BASE}${t.json.url}`, { headers: { upgrade: "websocket" } });
    expect(res.status).toBe(401);
    await res.text();
    expect((await api(`/api/v1/following/${owner.id}/meals`, { token: follower.access })).status).toBe(404);
    // Invited again, the same person can follow again.
    await share(owner, follower);
    expect((await api(`/api/v1/following/${owner.id}/meals`, { token: follower.access })).status).toBe(200);
  });
});
