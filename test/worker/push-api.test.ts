/**
 * The push subscriptions API inside workerd: life cycle, the same endpoint stored
 * once, field validation naming each field, 401s, cross-user isolation, the VAPID public key,
 * action-token refusals and the OpenAPI entries. Delivery itself (encryption, VAPID, 410
 * removal) is tested against a local push service in test/push-service/.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { getDb } from "../../worker/db/client.ts";
import { pushRecipients } from "../../worker/push/repository.ts";
import { api, expectFieldError, register } from "./helpers.ts";
import { pair } from "./sharing-helpers.ts";

/** A syntactically valid browser subscription (a real P-256 point and a 16-byte secret). */
async function browserKeys() {
  const keyPair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", keyPair.publicKey)) as ArrayBuffer);
  const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return { p256dh: b64(raw), auth: b64(crypto.getRandomValues(new Uint8Array(16))) };
}

const endpoint = () => `https://push.example.com/send/${crypto.randomUUID()}`;

describe("push subscriptions", () => {
  it("stores, lists and removes a subscription; the same endpoint again is stored once", async () => {
    const a = await register();
    const keys = await browserKeys();
    const url = endpoint();
    const created = await api("/api/v1/push/subscriptions", { token: a.access, body: { endpoint: url, expirationTime: null, keys }, headers: { "user-agent": "Chromium test" } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json).toEqual({ id: expect.any(String), endpoint: url, user_agent: "Chromium test", created_at: expect.any(String), last_sent_at: null });
    const again = await api("/api/v1/push/subscriptions", { token: a.access, body: { endpoint: url, keys: await browserKeys() } });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(created.json.id);
    const list = await api("/api/v1/push/subscriptions", { token: a.access });
    expect(list.json.items.map((s: any) => s.id)).toEqual([created.json.id]);
    expect((await api(`/api/v1/push/subscriptions/${created.json.id}`, { token: a.access, method: "DELETE" })).status).toBe(204);
    expect((await api(`/api/v1/push/subscriptions/${created.json.id}`, { token: a.access, method: "DELETE" })).status).toBe(404);
    expect((await api("/api/v1/push/subscriptions", { token: a.access })).json.items).toEqual([]);
  });

  it("names the invalid field of every bad body and stores nothing", async () => {
    const a = await register();
    const keys = await browserKeys();
    const cases: [unknown, string][] = [
      [{ keys }, "endpoint"],
      [{ endpoint: "not a url", keys }, "endpoint"],
      [{ endpoint: "ftp://push.example.com/x", keys }, "endpoint"],
      [{ endpoint: "http://push.example.com/x", keys }, "endpoint"],
      [{ endpoint: `https://push.example.com/${"x".repeat(2100)}`, keys }, "endpoint"],
      [{ endpoint: endpoint() }, "keys"],
      [{ endpoint: endpoint(), keys: { ...keys, p256dh: "abc" } }, "keys.p256dh"],
      [{ endpoint: endpoint(), keys: { ...keys, p256dh: `${keys.p256dh}!` } }, "keys.p256dh"],
      [{ endpoint: endpoint(), keys: { ...keys, auth: "AAAA" } }, "keys.auth"],
      [{ endpoint: endpoint(), keys: { p256dh: keys.p256dh } }, "keys.auth"],
    ];
    for (const [body, field] of cases) expectFieldError(await api("/api/v1/push/subscriptions", { token: a.access, body }), 422, field);
    const malformed = await api("/api/v1/push/subscriptions", { token: a.access, raw: "{not json" });
    expect(malformed.status).toBe(400);
    expect((await api("/api/v1/push/subscriptions", { token: a.access })).json.items).toEqual([]);
  });

  it("needs a bearer token, except for the public key and the notification actions", async () => {
    expect((await api("/api/v1/push/subscriptions")).status).toBe(401);
    expect((await api("/api/v1/push/subscriptions", { body: { endpoint: endpoint(), keys: await browserKeys() } })).status).toBe(401);
    expect((await api("/api/v1/push/subscriptions/1", { method: "DELETE" })).status).toBe(401);
    expect((await api("/api/v1/push/test", { body: {} })).status).toBe(401);
    const key = await api("/api/v1/push/vapid-public-key");
    expect(key.status).toBe(200);
    expect(key.json.public_key).toMatch(/^B[A-Za-z0-9_-]{86}$/);
    // Actions check their own token instead: a made-up one is refused naming it.
    const action = await api("/api/v1/push/actions", { body: { action: "acknowledge", subscription_id: 1, user_id: "x", alert_id: "y", kind: "low", token: "forged" } });
    expectFieldError(action, 401, "token");
    expectFieldError(await api("/api/v1/push/actions", { body: { action: "acknowledge" } }), 422, "subscription_id");
  });

  it("one user can neither see nor remove another user's subscriptions", async () => {
    const a = await register();
    const b = await register();
    const mine = await api("/api/v1/push/subscriptions", { token: a.access, body: { endpoint: endpoint(), keys: await browserKeys() } });
    expect((await api("/api/v1/push/subscriptions", { token: b.access })).json.items).toEqual([]);
    expect((await api(`/api/v1/push/subscriptions/${mine.json.id}`, { token: b.access, method: "DELETE" })).status).toBe(404);
    expect((await api("/api/v1/push/subscriptions", { token: a.access })).json.items).toHaveLength(1);
    // The same browser may be subscribed by both accounts (a shared tablet): two rows, one each.
    const shared = endpoint();
    const keys = await browserKeys();
    expect((await api("/api/v1/push/subscriptions", { token: a.access, body: { endpoint: shared, keys } })).status).toBe(201);
    expect((await api("/api/v1/push/subscriptions", { token: b.access, body: { endpoint: shared, keys } })).status).toBe(201);
    expect((await api("/api/v1/push/subscriptions", { token: a.access })).json.items).toHaveLength(2);
    expect((await api("/api/v1/push/subscriptions", { token: b.access })).json.items).toHaveLength(1);
  });

  it("appears in /openapi.json", async () => {
    const doc = (await api("/openapi.json")).json;
    for (const path of ["/api/v1/push/subscriptions", "/api/v1/push/subscriptions/{id}", "/api/v1/push/vapid-public-key", "/api/v1/push/actions", "/api/v1/push/test"]) expect(Object.keys(doc.paths)).toContain(path);
  });

  // Regression: inside a D1 batch the join's duplicate column names shifted values between fields.
  it("finds the person's and each active follower's subscriptions with the follower's preferences", async () => {
    const { owner, follower, sharingId } = await pair();
    expect((await api(`/api/v1/sharing/${sharingId}`, { token: follower.access, method: "PATCH", body: { low_threshold: 65, quiet_hours: { start: "22:00", end: "06:30", timezone: "Europe/Berlin" } } })).status).toBe(200);
    const theirs = await api("/api/v1/push/subscriptions", { token: follower.access, body: { endpoint: endpoint(), keys: await browserKeys() } });
    const mine = await api("/api/v1/push/subscriptions", { token: owner.access, body: { endpoint: endpoint(), keys: await browserKeys() } });
    const ids = await env.DB.prepare("SELECT id, public_id FROM users WHERE public_id IN (?, ?)").bind(owner.id, follower.id).all<{ id: number; public_id: string }>();
    const idOf = (publicId: string) => ids.results.find((r) => r.public_id === publicId)!.id;
    const r = await pushRecipients(getDb(env.DB), idOf(owner.id));
    expect(r!.ownerName).toBe("Robin");
    expect(r!.own.map((s) => String(s.id))).toEqual([mine.json.id]);
    expect(r!.followers).toEqual([
      {
        prefs: { sharingId, followerId: idOf(follower.id), lowThreshold: 65, highThreshold: null, quietStart: 22 * 60, quietEnd: 6 * 60 + 30, quietTimezone: "Europe/Berlin" },
        subscriptions: [expect.objectContaining({ id: Number(theirs.json.id), userId: idOf(follower.id), endpoint: theirs.json.endpoint })],
      },
    ]);
  });
});
