/**
 * Account deletion is final everywhere at once (docs/privacy.md): after `DELETE /auth/me` no
 * route, socket, queue message, alarm or Durable Object call accepts or keeps anything for the
 * account, and nothing is raised or pushed.
 *
 * The object's refusal follows the Durable Object pattern of durable/glucose-monitor.ts itself
 * (state read once in the constructor, checked in memory); the queue messages go through the real
 * consumer as workers-sdk's queues fixture does it (createMessageBatch + getQueueResult), and the
 * alarm through runDurableObjectAlarm (cloudflare:test).
 */
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { GlucoseMonitor } from "../../durable/glucose-monitor.ts";
import { ACCOUNT_GONE } from "../../worker/lib/errors.ts";
import { api, BASE, register, type Account } from "./helpers.ts";
import { shardBindings } from "./shard-helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";
import { Feed, monitorOf, postReading, settle } from "./monitor-helpers.ts";
import { deliver, pipelineEnv } from "./pipeline-helpers.ts";
import { samples } from "./record-samples.ts";
import { FollowerFeed, share } from "./sharing-helpers.ts";

async function hmacHex(secret: string, message: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return Array.from(new Uint8Array(sig), (b) => b.toString(16).padStart(2, "0")).join("");
}

const internalIdOf = async (a: Account) => (await env.DB.prepare("SELECT id FROM users WHERE public_id = ?").bind(a.id).first<{ id: number }>())!.id;

/** Every table and key of the object's storage that holds anything, besides its tombstone. */
async function monitorContents(a: Account) {
  return runInDurableObject(monitorOf(a), async (_o: GlucoseMonitor, state) => {
    const tables = [...state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")].map((r) => String(r.name));
    const rows: string[] = [];
    for (const t of tables) for (const r of state.storage.sql.exec(`SELECT * FROM "${t}"`)) rows.push(`${t}: ${JSON.stringify(r)}`);
    return { rows, kv: [...(await state.storage.list()).keys()], alarm: await state.storage.getAlarm() };
  });
}

/** Rows anywhere in D1 that name the internal id in a user column (the deletion test's full sweep is deletion.test.ts). */
async function rowsOf(userId: number) {
  let total = 0;
  for (const d1 of shardBindings()) total += await rowsIn(d1, userId);
  return total;
}

async function rowsIn(d1: D1Database, userId: number) {
  const n = await d1.prepare(
    "SELECT (SELECT count(*) FROM glucose_readings WHERE user_id = ?1) + (SELECT count(*) FROM alert_events WHERE user_id = ?1) + (SELECT count(*) FROM insight_jobs WHERE user_id = ?1) + (SELECT count(*) FROM daily_summaries WHERE user_id = ?1) AS n",
  )
    .bind(userId)
    .first<{ n: number }>();
  return n!.n;
}

const deleteAccount = async (a: Account) => {
  const res = await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: a.password } });
  expect(res.status, JSON.stringify(res.json)).toBe(204);
};

/** The message a call is refused with ("accepted" when it is not); awaited here so no rejection is left unhandled. */
async function refusal(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "accepted";
  } catch (err) {
    return (err as Error).message;
  }
}

const expect401 = (res: { status: number; json: any }, what: string) => {
  expect(res.status, `${what}: ${JSON.stringify(res.json)}`).toBe(401);
  expect(res.json.error.code, what).toBe("unauthorized");
};

describe("after DELETE /auth/me", () => {
  it("every route answers 401 to the account's token and credentials, storing and raising nothing", { timeout: 120_000 }, async () => {
    const a = await register();
    const userId = await internalIdOf(a);
    const up = await uploader(a.access);
    const hook = (await api("/api/v1/webhooks/secret", { method: "POST", token: a.access })).json;
    const feed = await Feed.open(a);
    await postReading(a, 120, Date.now() - 5 * 60_000);
    await feed.next("reading");
    // The token has been used (and so remembered as verified) before the deletion.
    expect((await api("/api/v1/glucose/readings", { token: a.access })).status).toBe(200);

    await deleteAccount(a);
    for (let i = 0; i < 100 && !feed.closed; i++) await settle(10);
    expect(feed.closed).toMatchObject({ code: 1000, reason: "account deleted" });

    const now = Date.now();
    const low = { time: now, value: 45, source: "cgm" };
    const tok = { token: a.access };
    expect401(await api("/api/v1/glucose/readings", { ...tok, body: low }), "single reading");
    expect401(await api("/api/v1/glucose/bulk", { ...tok, body: { items: [low, { ...low, time: now - 60_000 }] } }), "bulk");
    expect401(await api("/api/v1/glucose/bulk", { ...tok, body: { items: [{ time: "x" }] } }), "bulk of invalid items");
    expect401(await api("/api/v1/imports?format=nightscout", { ...tok, raw: JSON.stringify([{ type: "sgv", sgv: 45, date: now, device: "xDrip" }]) }), "import");
    expect401(await api("/api/v1/imports?format=nightscout&upload_id=upload-after-delete&part=0", { ...tok, raw: "[" }), "import part");
    expect401(await api("/api/v1/entries", { ...tok, body: [{ type: "sgv", sgv: 45, date: now, device: "xDrip" }] }), "Nightscout entries (bearer)");
    expect401(await ns(up.apiSecret, "/api/v1/entries", { body: [{ type: "sgv", sgv: 45, date: now, device: "xDrip" }] }), "Nightscout entries (api-secret)");
    expect401(await api("/api/v1/alerts/snooze", { ...tok, body: { kind: "urgent_low", minutes: 30 } }), "snooze");
    expect401(await api(`/api/v1/alerts/${crypto.randomUUID()}/ack`, { ...tok, method: "POST" }), "ack");
    expect401(await api("/api/v1/alerts/ticket", { ...tok, method: "POST" }), "ticket");
    expect401(await api("/api/v1/insights/trigger-analysis", { ...tok, body: {} }), "trigger-analysis");
    expect401(await api("/api/v1/glucose/readings", tok), "list readings");
    expect401(await api("/api/v1/export?format=json", tok), "export");
    expect401(await api("/api/v1/push/subscriptions", tok), "push subscriptions");
    expect401(await api("/api/v1/uploaders", { ...tok, body: { name: "again" } }), "new uploader");
    for (const s of samples) expect401(await api(`/api/v1/${s.path}`, { ...tok, body: s.valid }), `create ${s.path}`);

    const text = JSON.stringify({ readings: [{ time: new Date(now).toISOString(), value: 45, unit: "mg/dL" }] });
    const ts = String(Math.floor(now / 1000));
    const webhook = await SELF.fetch(`${BASE}/api/v1/webhooks/cgm/acme`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-glucolens-user": hook.user_id, "x-glucolens-timestamp": ts, "x-glucolens-signature": await hmacHex(hook.secret, `POST\n/api/v1/webhooks/cgm/acme\n${ts}\n${text}`) },
      body: text,
    });
    expect(webhook.status).toBe(401);

    await settle(300);
    expect(feed.all("alert")).toEqual([]);
    expect(await rowsOf(userId)).toBe(0);
    expect(await monitorContents(a)).toEqual({ rows: ["meta: {\"key\":\"deleted\",\"value\":\"true\"}"], kv: [], alarm: null });
  });

  it("the object refuses readings, snoozes, acks, state, rules and sockets sent to it directly", async () => {
    // As a Worker isolate that still holds the token as verified would reach it.
    const a = await register();
    await postReading(a, 150, Date.now() - 10 * 60_000);
    await deleteAccount(a);
    const stub = monitorOf(a);
    const owner = { userId: 1, publicId: a.id };
    const reading = [{ time: Date.now(), value: 45, source: "cgm", trend: null }];
    expect(await refusal(() => stub.ingest(owner, reading))).toBe(ACCOUNT_GONE);
    expect(await refusal(() => stub.snooze(owner, { kind: "urgent_low", minutes: 30 }))).toBe(ACCOUNT_GONE);
    expect(await refusal(() => stub.acknowledge(owner, "any"))).toBe(ACCOUNT_GONE);
    expect(await refusal(() => stub.state(owner))).toBe(ACCOUNT_GONE);
    expect(await refusal(() => stub.setEscalationMinutes(owner, 10))).toBe(ACCOUNT_GONE);
    const upgrade = await stub.fetch("https://monitor.internal/stream", { headers: { upgrade: "websocket", "x-glucolens-user-id": "1", "x-glucolens-public-id": a.id } });
    expect(upgrade.status).toBe(401);
    await upgrade.body?.cancel();
    // After eviction the new instance reads the tombstone and refuses as well.
    // (abort() ends the call it runs in, hence the catch; stubs made before it are broken by it.)
    await runInDurableObject(stub, (_o, state) => state.abort("evicted by the test")).catch(() => undefined);
    expect(await refusal(() => monitorOf(a).ingest(owner, reading))).toBe(ACCOUNT_GONE);
    expect((await monitorContents(a)).rows).toEqual(["meta: {\"key\":\"deleted\",\"value\":\"true\"}"]);
  });

  it("an alarm that fires afterwards raises and writes nothing, and is not set again", async () => {
    const a = await register();
    const userId = await internalIdOf(a);
    await postReading(a, 120);
    await deleteAccount(a);
    // An alarm left behind (set again by hand: deletion removed the object's own).
    await runInDurableObject(monitorOf(a), (_o, state) => state.storage.setAlarm(Date.now() + 3600_000));
    expect(await runDurableObjectAlarm(monitorOf(a))).toBe(true);
    expect(await monitorContents(a)).toEqual({ rows: ["meta: {\"key\":\"deleted\",\"value\":\"true\"}"], kv: [], alarm: null });
    expect(await rowsOf(userId)).toBe(0);
  });

  it("queue messages for the account are acknowledged and do nothing (no retry, no dead letter)", async () => {
    const a = await register();
    const userId = await internalIdOf(a);
    await deleteAccount(a);
    const { penv, queue } = pipelineEnv();
    const result = await deliver(penv, [
      { kind: "start", user_id: userId, trigger: "cron" },
      { kind: "aggregate", user_id: userId, days: ["2026-01-01"] },
      { kind: "chunk", user_id: userId, job_id: crypto.randomUUID(), stage: "prepare", part: 0 },
    ]);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(3);
    expect(queue.take()).toEqual([]);
    expect(await rowsOf(userId)).toBe(0);
  });

  it("closes the account's caregiver sockets on the feeds of the people it follows", async () => {
    const owner = await register({ name: "Robin" });
    const follower = await register({ name: "Sam" });
    await share(owner, follower);
    const feed = await FollowerFeed.open(follower, owner.id);
    await deleteAccount(follower);
    await feed.until(() => feed.closed !== null);
    await postReading(owner, 45);
    await settle(200);
    expect(feed.messages.filter((m) => m.type === "alert")).toEqual([]);
    // The followed person's own monitor is untouched.
    expect((await monitorOf(owner).state()).current).toMatchObject({ value: 45 });
  });
});
