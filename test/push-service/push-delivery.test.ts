/**
 * Web Push end to end without the internet: a private `wrangler dev` (test/support/local-platform.ts)
 * raises alerts in the user's Durable Object, which pushes them to the local push service
 * (./server.ts). The service verifies VAPID and decrypts each message with the subscription's
 * private key; the tests assert the headers and the content, the notification actions, and
 * that a subscription answered with 410 Gone is removed.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlatform, type Platform } from "../support/local-platform.ts";
import { PushService, type TestSubscription } from "./server.ts";

const API_PORT = Number(process.env.PUSH_API_PORT ?? 8815);
const PUSH_PORT = Number(process.env.PUSH_SERVICE_PORT ?? 8817);
let platform: Platform;
let push: PushService;

beforeAll(async () => {
  // The push service listens on 127.0.0.1: endpoints there are allowed only with this development setting.
  [platform, push] = await Promise.all([startPlatform(API_PORT, "push-delivery", { PUSH_ALLOW_LOOPBACK_ENDPOINTS: "true" }), PushService.start(PUSH_PORT)]);
});
afterAll(async () => {
  await Promise.all([platform?.stop(), push?.stop()]);
});

let n = 0;
async function call(path: string, init: { token?: string; body?: unknown; method?: string } = {}) {
  const headers: Record<string, string> = { "cf-connecting-ip": `10.8.${n % 250}.${(n * 13) % 250}` };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const request = () => fetch(`${platform.url}${path}`, { method: init.method ?? (init.body === undefined ? "GET" : "POST"), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  // A kept-alive connection the server closed just as the request went out fails before any
  // answer ("other side closed", seen in a CI run): nothing was answered, so it is sent once more,
  // as a browser does.
  const res = await request().catch((err: unknown) => {
    console.warn(`connection error on ${path}: ${String((err as Error).cause ?? err)}; sending again`);
    return request();
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as any) : null };
}

async function account(name = "Pat") {
  n++;
  const email = `push-${n}-${Date.now()}@example.com`;
  const res = await call("/api/v1/auth/register", { body: { email, password: "correct horse battery", name, timezone: "UTC", unit: "mg/dL" } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { token: res.json.access_token as string, id: res.json.user.id as string, email };
}

async function subscribe(token: string): Promise<{ sub: TestSubscription; id: string }> {
  const sub = push.subscribe();
  const res = await call("/api/v1/push/subscriptions", { token, body: { endpoint: sub.endpoint, expirationTime: null, keys: sub.keys } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { sub, id: res.json.id };
}

/**
 * Confirms the account's address, as accepting an invitation needs: the verification link is
 * read from the private platform's outbox table (no SEND_EMAIL binding locally) with wrangler.
 */
async function verifyEmail(email: string) {
  const sql = `SELECT body FROM outbox WHERE to_address = '${email.replaceAll("'", "''")}' AND subject LIKE 'Confirm your%' ORDER BY id DESC LIMIT 1`;
  let token: string | undefined;
  for (let i = 0; i < 20 && !token; i++) {
    const out = spawnSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", platform.stateDir, "--json", "--command", sql], { encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } });
    const body: string | undefined = JSON.parse(out.stdout || "[]")[0]?.results?.[0]?.body;
    token = body ? /token=([^\s]+)/.exec(body)?.[1] : undefined;
    if (!token) await new Promise((r) => setTimeout(r, 250));
  }
  if (!token) throw new Error(`no verification mail for ${email}`);
  expect((await call("/api/v1/auth/verify-email", { body: { token: decodeURIComponent(token) } })).status).toBe(200);
}

const reading = (token: string, value: number, time = Date.now()) => call("/api/v1/glucose/readings", { token, body: { time, value, source: "cgm" } });

describe("Web Push delivery", () => {
  it("pushes an urgent low, encrypted (aes128gcm) and VAPID-signed, with high urgency and a TTL", async () => {
    const user = await account();
    const { sub } = await subscribe(user.token);
    const vapidKey = (await call("/api/v1/push/vapid-public-key")).json.public_key;
    const now = Date.now();
    expect((await reading(user.token, 70, now - 10 * 60_000)).status).toBe(201);
    expect((await reading(user.token, 60, now - 5 * 60_000)).status).toBe(201);
    expect((await reading(user.token, 50, now)).status).toBe(201);

    // 60 mg/dL raised a low first; 50 raises the urgent low.
    await push.waitFor(() => push.messagesFor(sub).some((m) => m.payload?.alert?.kind === "urgent_low"));
    const msg = push.messagesFor(sub).find((m) => m.payload.alert.kind === "urgent_low");
    expect(push.messagesFor(sub).every((m) => m.problems.length === 0)).toBe(true);
    expect(msg!.problems).toEqual([]);
    expect(msg!.status).toBe(201);
    expect(msg!.headers).toMatchObject({ "content-encoding": "aes128gcm", "content-type": "application/octet-stream", urgency: "high", ttl: "3600" });
    expect(msg!.vapid).toMatchObject({ aud: push.origin, sub: "mailto:ops@glucolens.local", k: vapidKey });
    expect(msg!.payload).toMatchObject({
      v: 1,
      type: "alert",
      event: "raised",
      urgent: true,
      title: "Urgent low: 50 mg/dL ↘",
      person: { user_id: user.id, own: true },
      alert: { kind: "urgent_low", level: "urgent", value: 50, unit: "mg/dL", direction: "FortyFiveDown", repeat: 0 },
      actions: ["snooze", "acknowledge"],
      action: { path: "/api/v1/push/actions", token: expect.any(String) },
      url: "/",
    });
    expect(msg!.payload.body).toMatch(/^Urgent low: 50 mg\/dL/);
    // Every message gets a fresh key pair and salt: the same plaintext never encrypts the same way.
    expect(msg!.payload.tag).toBe(msg!.payload.alert.id);
  });

  it("notification actions: acknowledge and snooze with the payload's token; other tokens are refused", async () => {
    const user = await account();
    const { sub } = await subscribe(user.token);
    const now = Date.now();
    await reading(user.token, 75, now - 10 * 60_000);
    await reading(user.token, 68, now - 5 * 60_000);
    await reading(user.token, 62, now);
    await push.waitFor(() => push.messagesFor(sub).some((m) => m.payload?.alert?.kind === "low"));
    const p = push.messagesFor(sub).find((m) => m.payload.alert.kind === "low")!.payload;
    expect(p.urgent).toBe(false);
    expect(push.messagesFor(sub).find((m) => m.payload.alert.kind === "low")!.headers).toMatchObject({ urgency: "normal", ttl: "900" });
    const base = { subscription_id: p.action.subscription_id, user_id: user.id, alert_id: p.alert.id, kind: p.alert.kind, token: p.action.token };

    const forged = await call("/api/v1/push/actions", { body: { ...base, action: "acknowledge", alert_id: "another-alert" } });
    expect(forged.status).toBe(401);
    expect(forged.json.error.fields[0].path).toBe("token");
    const bad = await call("/api/v1/push/actions", { body: { ...base, action: "dance" } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields.map((f: any) => f.path)).toContain("action");

    const ack = await call("/api/v1/push/actions", { body: { ...base, action: "acknowledge" } });
    expect(ack.status, JSON.stringify(ack.json)).toBe(200);
    expect(ack.json.alert).toMatchObject({ id: p.alert.id, acknowledged_at: expect.any(String) });
    const snooze = await call("/api/v1/push/actions", { body: { ...base, action: "snooze" } });
    expect(snooze.status).toBe(200);
    expect(Date.parse(snooze.json.snoozed_until) - Date.now()).toBeGreaterThan(29 * 60_000);
    const state = await call("/api/v1/alerts/state", { token: user.token });
    expect(state.json.snoozes).toEqual([{ kind: "low", until: snooze.json.snoozed_until }]);

    // Deleting the subscription revokes its tokens.
    const list = await call("/api/v1/push/subscriptions", { token: user.token });
    expect((await call(`/api/v1/push/subscriptions/${list.json.items[0].id}`, { token: user.token, method: "DELETE" })).status).toBe(204);
    expect((await call("/api/v1/push/actions", { body: { ...base, action: "acknowledge" } })).status).toBe(401);
  });

  it("removes a subscription the push service answers 410 Gone, and keeps the others", async () => {
    const user = await account();
    const gone = await subscribe(user.token);
    const kept = await subscribe(user.token);
    push.answer(gone.sub, 410);
    const res = await call("/api/v1/push/test", { token: user.token, body: {} });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ sent: 1, expired: 1, failed: 0 });
    expect(push.messagesFor(gone.sub)).toHaveLength(1);
    expect(push.messagesFor(kept.sub)[0]!.payload).toMatchObject({ type: "test", title: "GlucoLens" });
    const list = await call("/api/v1/push/subscriptions", { token: user.token });
    expect(list.json.items.map((s: any) => s.id)).toEqual([kept.id]);
    expect(list.json.items[0].last_sent_at).toEqual(expect.any(String));
  });

  it("pushes to a caregiver by their own threshold, then escalates the unacknowledged urgent low to them", async () => {
    const owner = await account("Robin");
    const carer = await account("Sam");
    const inv = await call("/api/v1/sharing/invitations", { token: owner.token, body: { email: carer.email } });
    await verifyEmail(carer.email);
    expect((await call(`/api/v1/sharing/invitations/${inv.json.id}/accept`, { token: carer.token, body: {} })).status).toBe(200);
    expect((await call(`/api/v1/sharing/${inv.json.id}`, { token: carer.token, method: "PATCH", body: { low_threshold: 65 } })).status).toBe(200);
    expect((await call("/api/v1/sharing/settings", { token: owner.token, method: "PUT", body: { escalation_minutes: 1 } })).status).toBe(200);
    const own = await subscribe(owner.token);
    const theirs = await subscribe(carer.token);
    const now = Date.now();
    await reading(owner.token, 75, now - 10 * 60_000);
    await reading(owner.token, 68, now - 5 * 60_000);
    await push.waitFor(() => push.messagesFor(own.sub).some((m) => m.payload?.alert?.kind === "low"));
    await reading(owner.token, 50, now);
    await push.waitFor(() => push.messagesFor(theirs.sub).some((m) => m.payload?.alert?.kind === "urgent_low"));
    // 68 is low for the person but above the caregiver's 65: only the urgent low (50) reached the caregiver.
    expect(push.messagesFor(theirs.sub).map((m) => [m.payload.event, m.payload.alert.kind])).toEqual([["raised", "urgent_low"]]);
    expect(push.messagesFor(theirs.sub)[0]!.payload).toMatchObject({ title: expect.stringMatching(/^Robin: 50 mg\/dL [↓↘]$/), person: { user_id: owner.id, name: "Robin", own: false }, actions: ["acknowledge"], url: `/following/${owner.id}` });

    // Not acknowledged within the escalation time (1 minute here): the caregiver is alerted.
    await push.waitFor(() => push.messagesFor(theirs.sub).some((m) => m.payload?.event === "escalated"), 90_000);
    const esc = push.messagesFor(theirs.sub).find((m) => m.payload.event === "escalated")!;
    expect(esc.problems).toEqual([]);
    expect(esc.headers).toMatchObject({ urgency: "high", ttl: "3600" });
    expect(esc.payload).toMatchObject({ urgent: true, title: expect.stringMatching(/^Not acknowledged: Robin: 50 mg\/dL [↓↘]$/), alert: { kind: "urgent_low", value: 50 } });
    expect(push.messagesFor(own.sub).some((m) => m.payload.event === "escalated")).toBe(false);
    const history = await call("/api/v1/alerts", { token: owner.token });
    expect(history.json.items.filter((e: any) => e.event === "escalated")).toHaveLength(1);

    // The caregiver acknowledges from the notification; they cannot snooze the person's alerts.
    const p = esc.payload;
    const base = { subscription_id: p.action.subscription_id, user_id: owner.id, alert_id: p.alert.id, kind: p.alert.kind, token: p.action.token };
    const snooze = await call("/api/v1/push/actions", { body: { ...base, action: "snooze" } });
    expect(snooze.status).toBe(403);
    expect(snooze.json.error.fields[0].path).toBe("action");
    const ack = await call("/api/v1/push/actions", { body: { ...base, action: "acknowledge" } });
    expect(ack.status, JSON.stringify(ack.json)).toBe(200);
    expect(ack.json.alert.acknowledged_at).toEqual(expect.any(String));
    // Once the sharing ends, the caregiver's token no longer acts on the person's alerts.
    expect((await call(`/api/v1/sharing/${inv.json.id}`, { token: owner.token, method: "DELETE" })).status).toBe(204);
    expect((await call("/api/v1/push/actions", { body: { ...base, action: "acknowledge" } })).status).toBe(403);
  });

  // The object keeps who it pushes to for a minute (durable/push-recipients.ts); each change the
  // Worker makes tells it at once. Each test loads the copy with a first alert, changes the
  // recipients, and raises a second alert well within the minute.
  describe("who gets pushed follows each change at once", () => {
    async function following(threshold: number | null = null) {
      const owner = await account("Robin");
      const carer = await account("Sam");
      const inv = await call("/api/v1/sharing/invitations", { token: owner.token, body: { email: carer.email } });
      await verifyEmail(carer.email);
      expect((await call(`/api/v1/sharing/invitations/${inv.json.id}/accept`, { token: carer.token, body: {} })).status).toBe(200);
      // A null threshold is what the sharing starts with: setting it is a no-op that still answers 200.
      expect((await call(`/api/v1/sharing/${inv.json.id}`, { token: carer.token, method: "PATCH", body: { low_threshold: threshold } })).status).toBe(200);
      return { owner, carer, sharingId: inv.json.id as string };
    }
    /** A low (68), then, after `change`, an urgent low (50): the owner's own device sees both. */
    async function lowThenUrgent(ownerToken: string, own: TestSubscription, change: () => Promise<void>) {
      const now = Date.now();
      await reading(ownerToken, 75, now - 10 * 60_000);
      await reading(ownerToken, 68, now - 5 * 60_000);
      await push.waitFor(() => push.messagesFor(own).some((m) => m.payload?.alert?.kind === "low"));
      await change();
      await reading(ownerToken, 50, now);
      await push.waitFor(() => push.messagesFor(own).some((m) => m.payload?.alert?.kind === "urgent_low"));
    }
    const kinds = (sub: TestSubscription) => push.messagesFor(sub).map((m) => m.payload?.alert?.kind);

    it("a caregiver's new subscription gets the person's next alert", async () => {
      const { owner, carer } = await following(65);
      const own = await subscribe(owner.token);
      let theirs: TestSubscription | null = null;
      await lowThenUrgent(owner.token, own.sub, async () => {
        theirs = (await subscribe(carer.token)).sub;
      });
      await push.waitFor(() => kinds(theirs!).includes("urgent_low"));
      expect(kinds(theirs!)).toEqual(["urgent_low"]);
    });

    it("a caregiver's new threshold applies to the next alert", async () => {
      const { owner, carer, sharingId } = await following(null);
      const own = await subscribe(owner.token);
      const theirs = await subscribe(carer.token);
      await lowThenUrgent(owner.token, own.sub, async () => {
        expect((await call(`/api/v1/sharing/${sharingId}`, { token: carer.token, method: "PATCH", body: { low_threshold: 65 } })).status).toBe(200);
      });
      // Without a threshold the low (68) was not theirs; with 65 the urgent low (50) is.
      await push.waitFor(() => kinds(theirs.sub).includes("urgent_low"));
      expect(kinds(theirs.sub)).toEqual(["urgent_low"]);
    });

    it("a removed subscription gets nothing more", async () => {
      const owner = await account();
      const kept = await subscribe(owner.token);
      const removed = await subscribe(owner.token);
      await lowThenUrgent(owner.token, kept.sub, async () => {
        expect((await call(`/api/v1/push/subscriptions/${removed.id}`, { token: owner.token, method: "DELETE" })).status).toBe(204);
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(kinds(kept.sub)).toEqual(["low", "urgent_low"]);
      expect(kinds(removed.sub)).toEqual(["low"]);
    });

    it("an ended sharing stops the caregiver's pushes", async () => {
      const { owner, carer, sharingId } = await following(70);
      const own = await subscribe(owner.token);
      const theirs = await subscribe(carer.token);
      await lowThenUrgent(owner.token, own.sub, async () => {
        await push.waitFor(() => kinds(theirs.sub).includes("low"));
        expect((await call(`/api/v1/sharing/${sharingId}`, { token: owner.token, method: "DELETE" })).status).toBe(204);
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(kinds(theirs.sub)).toEqual(["low"]);
    });

    it("a subscription the push service reported gone is not sent to again", async () => {
      const owner = await account();
      const kept = await subscribe(owner.token);
      const gone = await subscribe(owner.token);
      push.answer(gone.sub, 410);
      await lowThenUrgent(owner.token, kept.sub, async () => {
        await push.waitFor(() => kinds(gone.sub).includes("low"));
        // The removal is the object's own, after the delivery; give it a moment to land.
        await new Promise((r) => setTimeout(r, 300));
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(kinds(gone.sub)).toEqual(["low"]);
    });
  });
});
