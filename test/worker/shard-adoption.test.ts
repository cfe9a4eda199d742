/**
 * Accounts stored before the sharded layout (worker/db/shard-adopt.ts, docs/storage.md): their rows
 * sit in the directory's copies of the per-user tables and they have no `user_shards` row. Each test
 * builds that state from an account registered on shard 0, whose ids lie below every other shard's
 * range like those of the single database before sharding (its rows copied to the directory with
 * their ids, its shard's anchor and placement removed), then checks that the account is adopted on its first
 * request, by the hourly cron and by the operator route: every row on the shard once with its id,
 * none left in the directory, the directory fenced against a Worker of the previous version, and a
 * failed copy undone.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { getDb } from "../../worker/db/client.ts";
import { adoptionTarget } from "../../worker/db/shard-adopt.ts";
import { copyUserRows, MOVED_TABLES } from "../../worker/db/shard-copy.ts";
import { SHARD_CACHE_MS } from "../../worker/db/shard-d1.ts";
import worker from "../../worker/index.ts";
import { HOURLY_CRON } from "../../worker/insights/pipeline/cron.ts";
import { api, expectFieldError, register, type Account } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";
import { internalIdOf, registerOnShard, shardBindings, shardEnv, shardIndexOf } from "./shard-helpers.ts";

const ADMIN = { authorization: `Bearer ${env.SHARD_ADMIN_SECRET}` };
const MIN = 60_000;
const PER_USER = MOVED_TABLES.filter((m) => m.table !== "users");

/** The user's rows per per-user table in one database (tables without rows left out). */
async function rowsIn(d1: D1Database, userId: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { table, where } of PER_USER) {
    const n = (await d1.prepare(`SELECT count(*) AS n FROM "${table}" WHERE ${where}`).bind(userId).first<{ n: number }>())!.n;
    if (n) out[table] = n;
  }
  return out;
}

/** Puts a registered account back into the state of one stored before sharding; answers its rows. */
async function storeBeforeSharding(a: Account): Promise<{ id: number; rows: Record<string, number> }> {
  const id = await internalIdOf(a.id);
  const shard = shardBindings()[await shardIndexOf(id)]!;
  const rows = await copyUserRows(getDb(shard), getDb(env.DB), id, PER_USER, { source: "shard", target: "directory" });
  await shard.prepare("DELETE FROM users WHERE id = ?").bind(id).run();
  await env.DB.prepare("DELETE FROM user_shards WHERE user_id = ?").bind(id).run();
  return { id, rows };
}

const nsId = (doc: Record<string, unknown>) => doc["_id"];

/** Waits out the Worker's cached user -> shard entries of the accounts' earlier requests. */
const forgetCachedShards = () => new Promise((r) => setTimeout(r, SHARD_CACHE_MS + 200));

/** An account on shard 0 with readings, a meal, a note, alert settings and a Nightscout treatment. */
async function accountWithHistory(readings: number) {
  const { account: a } = await registerOnShard((n) => n === 0);
  const base = Date.now() - (readings + 10) * 5 * MIN;
  const bulk = Array.from({ length: readings }, (_, i) => ({ time: base + i * 5 * MIN, value: 90 + (i % 60) }));
  expect((await api("/api/v1/glucose/bulk", { token: a.access, body: { readings: bulk } })).json.inserted).toBe(readings);
  const meal = await api("/api/v1/meals", { token: a.access, body: { time: new Date(base).toISOString(), carbs: 45 } });
  const note = await api("/api/v1/notes", { token: a.access, body: { time: new Date(base).toISOString(), text: "before sharding" } });
  expect((await api("/api/v1/alerts/settings", { method: "PUT", token: a.access, body: { unit: "mg/dL", urgent_high: { enabled: true, value: 250 } } })).status).toBe(200);
  const up = await uploader(a.access);
  const treatment = await ns(up.apiSecret, "/api/v1/treatments", { body: [{ eventType: "Correction Bolus", insulin: 1.5, created_at: new Date(base).toISOString() }] });
  expect(treatment.status).toBe(200);
  return { a, base, meal: meal.json.id as string, note: note.json.id as string, up };
}

describe("accounts stored before sharding", () => {
  it("are adopted on their first request: every row on the shard with its id, none left in the directory, the directory fenced", { timeout: 60_000 }, async () => {
    const { a, base, meal, note, up } = await accountWithHistory(300);
    const readingsBefore = (await api(`/api/v1/glucose/readings?start=${base}&end=${Date.now()}&limit=1000`, { token: a.access })).json.items;
    const entriesBefore = (await ns(up.apiSecret, "/api/v1/entries.json?count=20")).json.map(nsId);
    const treatmentsBefore = (await ns(up.apiSecret, "/api/v1/treatments.json")).json.map(nsId);
    const { id, rows } = await storeBeforeSharding(a);
    expect(rows).toMatchObject({ glucose_readings: 300, meals: 1, notes: 1, alert_settings: 1, nightscout_treatments: 1 });
    expect(await rowsIn(env.DB, id)).toEqual(rows);
    await forgetCachedShards();

    // The first request adopts, and answers what the account had.
    const readings = await api(`/api/v1/glucose/readings?start=${base}&end=${Date.now()}&limit=1000`, { token: a.access });
    expect(readings.status, JSON.stringify(readings.json)).toBe(200);
    expect(readings.json.items).toEqual(readingsBefore);
    const to = await shardIndexOf(id);
    expect(to).toBe(adoptionTarget(shardEnv(), id));
    expect(to).toBeGreaterThan(0);
    expect(await env.DB.prepare("SELECT state, target FROM user_shards WHERE user_id = ?").bind(id).first()).toEqual({ state: "active", target: null });
    expect(await rowsIn(shardBindings()[to]!, id)).toEqual(rows);
    expect(await rowsIn(env.DB, id)).toEqual({});
    // The same ids: records by id, Nightscout _ids.
    expect((await api(`/api/v1/meals/${meal}`, { token: a.access })).json.carbs).toBe(45);
    expect((await api(`/api/v1/notes/${note}`, { token: a.access })).json.text).toBe("before sharding");
    expect((await ns(up.apiSecret, "/api/v1/entries.json?count=20")).json.map(nsId)).toEqual(entriesBefore);
    expect((await ns(up.apiSecret, "/api/v1/treatments.json")).json.map(nsId)).toEqual(treatmentsBefore);
    expect((await api("/api/v1/alerts/settings", { token: a.access })).json.urgent_high).toMatchObject({ enabled: true, value: 250 });
    // The shard's anchor carries no password; the directory's account still logs in and changes.
    expect(await shardBindings()[to]!.prepare("SELECT password_hash FROM users WHERE id = ?").bind(id).first()).toEqual({ password_hash: "" });
    expect((await api("/api/v1/auth/login", { body: { email: a.email, password: a.password } })).status).toBe(200);
    expect((await api("/api/v1/auth/me", { method: "PATCH", token: a.access, body: { timezone: "Asia/Tokyo" } })).status).toBe(200);
    // New writes land on the shard.
    expect((await api("/api/v1/glucose/readings", { token: a.access, body: { time: Date.now() - MIN, value: 133 } })).status).toBe(201);
    expect((await rowsIn(shardBindings()[to]!, id)).glucose_readings).toBe(301);
    // A Worker of the previous version writing the directory's copy is refused, not lost unseen.
    const stale = env.DB.prepare("INSERT INTO glucose_readings (user_id, time, source_id, value_tenths) VALUES (?, ?, 1, 1000)").bind(id, Date.now());
    await expect(stale.run()).rejects.toThrow(/user_moving/);
  });

  it("are adopted once when many requests arrive together", { timeout: 60_000 }, async () => {
    const { a, base } = await accountWithHistory(120);
    const { id, rows } = await storeBeforeSharding(a);
    await forgetCachedShards();
    const answers = await Promise.all(Array.from({ length: 8 }, () => api(`/api/v1/glucose/readings?start=${base}&end=${Date.now()}&limit=1000`, { token: a.access })));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(answers.map((r) => r.json.items.length)).toEqual(Array(8).fill(120));
    const to = await shardIndexOf(id);
    expect(await rowsIn(shardBindings()[to]!, id)).toEqual(rows);
    const elsewhere = await Promise.all(shardBindings().map((d1, n) => (n === to ? {} : rowsIn(d1, id))));
    expect(elsewhere).toEqual(shardBindings().map(() => ({})));
  });

  it("are adopted by the hourly cron", { timeout: 60_000 }, async () => {
    const { a } = await accountWithHistory(40);
    const { id, rows } = await storeBeforeSharding(a);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: HOURLY_CRON, scheduledTime: Date.now() }), env as unknown as Env, ctx);
    await waitOnExecutionContext(ctx);
    const to = await shardIndexOf(id);
    expect(await rowsIn(shardBindings()[to]!, id)).toEqual(rows);
    expect(await rowsIn(env.DB, id)).toEqual({});
  });

  it("are adopted by the operator route, which checks its input", { timeout: 60_000 }, async () => {
    const accounts = [await accountWithHistory(30), await accountWithHistory(30)];
    const legacy = [];
    for (const { a } of accounts) legacy.push(await storeBeforeSharding(a));
    expect((await api("/admin/shards/adopt", { body: {} })).status).toBe(404);
    expectFieldError(await api("/admin/shards/adopt", { headers: ADMIN, body: { limit: "all" } }), 422, "limit");
    expectFieldError(await api("/admin/shards/adopt", { headers: ADMIN, body: { limit: 0 } }), 422, "limit");
    expectFieldError(await api("/admin/shards/adopt", { headers: ADMIN, raw: "{nope" }), 400, "body");
    expectFieldError(await api("/admin/shards/adopt", { headers: ADMIN, raw: "[1]" }), 400, "body");
    expect((await api("/admin/shards", { headers: ADMIN })).json.unplaced).toBeGreaterThanOrEqual(2);
    const adopted = await api("/admin/shards/adopt", { headers: ADMIN, body: { limit: 1000 } });
    expect(adopted.status, JSON.stringify(adopted.json)).toBe(200);
    expect(adopted.json).toMatchObject({ failed: [], remaining: 0 });
    expect(adopted.json.adopted).toBeGreaterThanOrEqual(2);
    for (const { id, rows } of legacy) expect(await rowsIn(shardBindings()[await shardIndexOf(id)]!, id)).toEqual(rows);
    expect((await api("/admin/shards", { headers: ADMIN })).json.unplaced).toBe(0);
  });

  it("undo a failed copy and leave the account as it was, to be adopted once the cause is gone", { timeout: 60_000 }, async () => {
    const { a, note } = await accountWithHistory(20);
    const { id, rows } = await storeBeforeSharding(a);
    // A row of another account on the target shard holding the same note id makes the copy fail.
    const to = adoptionTarget(shardEnv(), id);
    let other: number | null = null;
    while (other === null) {
      const b = await internalIdOf((await register()).id);
      if ((await shardIndexOf(b)) === to) other = b;
    }
    const target = shardBindings()[to]!;
    await target.prepare("INSERT INTO notes (id, user_id, time, text) VALUES (?, ?, ?, 'in the way')").bind(Number(note), other, Date.now()).run();
    await forgetCachedShards();

    const failed = await api("/api/v1/notes", { token: a.access });
    expect(failed.status).toBe(500);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM user_shards WHERE user_id = ?").bind(id).first()).toEqual({ n: 0 });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM shard_fences WHERE user_id = ?").bind(id).first()).toEqual({ n: 0 });
    expect(await rowsIn(env.DB, id)).toEqual(rows);
    expect(await rowsIn(target, id)).toEqual({});
    expect(await target.prepare("SELECT count(*) AS n FROM users WHERE id = ?").bind(id).first()).toEqual({ n: 0 });

    await target.prepare("DELETE FROM notes WHERE id = ? AND user_id = ?").bind(Number(note), other).run();
    const notes = await api("/api/v1/notes", { token: a.access });
    expect(notes.status, JSON.stringify(notes.json)).toBe(200);
    expect(notes.json.items.map((n: { id: string }) => n.id)).toEqual([note]);
    expect(await rowsIn(target, id)).toEqual(rows);
  });
});
