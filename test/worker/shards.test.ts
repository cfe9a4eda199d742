/**
 * Sharded storage (worker/db/shards.ts, shard-move.ts, shard-d1.ts; docs/storage.md): placement
 * at registration, isolation across shards, the online move of a user while readings and records
 * keep arriving, deletion and export across shards, the operator route's guard, and the D1
 * Sessions API bookmark (`withSession`/`getBookmark`, as documented in Cloudflare's
 * "Global read replication" page and typed in @cloudflare/workers-types `D1DatabaseSession`), and
 * the per-user tables of Nightscout API v3 and the cloud bridges: covered by the move's table list
 * and fence, moved with the user, and polled on the new shard.
 */
import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { MOVED_TABLES } from "../../worker/db/shard-copy.ts";
import { directoryDb, forgetShard, rememberedShard, rememberPlacement } from "../../worker/db/shards.ts";
import { familyIsLive } from "../../worker/repositories/sessions.ts";
import { api, expectFieldError, register, type Account } from "./helpers.ts";
import { uploader as createUploader } from "./interop-helpers.ts";
import { allDatabases, internalIdOf, registerOnShard, shardBindings, shardIndexOf } from "./shard-helpers.ts";

const ADMIN = { authorization: `Bearer ${env.SHARD_ADMIN_SECRET}` };
const MIN = 60_000;

async function placementOf(a: Account): Promise<{ id: number; shard: number }> {
  const id = await internalIdOf(a.id);
  return { id, shard: await shardIndexOf(id) };
}

async function count(d1: D1Database, table: string, userId: number): Promise<number> {
  return (await d1.prepare(`SELECT count(*) AS n FROM ${table} WHERE user_id = ?`).bind(userId).first<{ n: number }>())!.n;
}

describe("placement", () => {
  it("spreads new accounts over every shard, with an anchor row on that shard only", async () => {
    const accounts = await Promise.all(Array.from({ length: 6 }, () => register()));
    const placed = await Promise.all(accounts.map(placementOf));
    expect(new Set(placed.map((p) => p.shard)).size).toBe(shardBindings().length);
    for (const p of placed) {
      const anchors = [];
      for (const d1 of shardBindings()) anchors.push(await d1.prepare("SELECT password_hash FROM users WHERE id = ?").bind(p.id).first<{ password_hash: string }>());
      // The anchor on its shard (no password), nothing on the others.
      expect(anchors).toEqual(shardBindings().map((_, n) => (n === p.shard ? { password_hash: "" } : null)));
    }
  });

  it("keeps per-user rows on the user's shard and none in the directory; each user sees only their own", async () => {
    const [a, b] = [await register(), await register()];
    const [pa, pb] = [await placementOf(a), await placementOf(b)];
    expect(pa.shard).not.toBe(pb.shard);
    const base = Date.now() - 60 * MIN;
    expect((await api("/api/v1/glucose/readings", { token: a.access, body: { time: base, value: 111 } })).status).toBe(201);
    expect((await api("/api/v1/glucose/readings", { token: b.access, body: { time: base, value: 222 } })).status).toBe(201);
    expect(await count(shardBindings()[pa.shard]!, "glucose_readings", pa.id)).toBe(1);
    expect(await count(shardBindings()[pb.shard]!, "glucose_readings", pb.id)).toBe(1);
    expect(await count(env.DB, "glucose_readings", pa.id)).toBe(0);
    expect(await count(shardBindings()[pb.shard]!, "glucose_readings", pa.id)).toBe(0);
    const listA = await api(`/api/v1/glucose/readings?start=${base}&end=${base + 1}`, { token: a.access });
    expect(listA.json.items.map((r: { value: number }) => r.value)).toEqual([111]);
  });

  it("keeps the shard's profile copy in step with PATCH /auth/me (unit and zone drive per-user queries)", async () => {
    const a = await register();
    const { id, shard } = await placementOf(a);
    expect((await api("/api/v1/auth/me", { method: "PATCH", token: a.access, body: { unit: "mmol/L", timezone: "Asia/Kolkata" } })).status).toBe(200);
    const anchor = await shardBindings()[shard]!.prepare("SELECT unit, timezone FROM users WHERE id = ?").bind(id).first();
    expect(anchor).toEqual({ unit: "mmol/L", timezone: "Asia/Kolkata" });
    expect((await api("/api/v1/alerts/settings", { token: a.access })).json.unit).toBe("mmol/L");
  });
});

describe("online move", () => {
  it("moves a user while readings and records keep arriving: every sent reading and record once on the target, none left on the source", async () => {
    const last = shardBindings().length - 1;
    const { account: a, id, shard: from } = await registerOnShard((n) => n < last);
    const to = from + 1;
    const base = Date.now() - 6 * 60 * MIN;
    // History before the move: 300 readings, a meal.
    const history = Array.from({ length: 300 }, (_, i) => ({ time: base + i * MIN, value: 100 + (i % 50) }));
    expect((await api("/api/v1/glucose/bulk", { token: a.access, body: { readings: history } })).json.inserted).toBe(300);
    const meal = await api("/api/v1/meals", { token: a.access, body: { time: new Date(base).toISOString(), carbs: 40 } });
    expect(meal.status).toBe(201);

    // The uploader: one reading per request, plus a note every tenth, until the move has answered
    // and a few more after it.
    const sent: number[] = [];
    const notes: string[] = [];
    const statuses: number[] = [];
    let moved = false;
    let after = 0;
    const uploader = (async () => {
      for (let i = 0; after < 5; i++) {
        if (moved) after++;
        const time = base + (300 + i) * MIN;
        const res = await api("/api/v1/glucose/readings", { token: a.access, body: { time, value: 150 } });
        statuses.push(res.status);
        if (res.status === 201) sent.push(time);
        if (i % 10 === 0) {
          const note = await api("/api/v1/notes", { token: a.access, body: { time: new Date(time).toISOString(), text: `note ${i}` } });
          statuses.push(note.status);
          if (note.status === 201) notes.push(note.json.id);
        }
      }
    })();
    // Let the uploader get going, then move.
    while (sent.length < 5) await new Promise((r) => setTimeout(r, 5));
    const sentBefore = sent.length;
    const move = await api("/admin/shards/move", { headers: ADMIN, body: { user_id: a.id, to, settle_ms: 300 } });
    moved = true;
    console.log(`move: ${JSON.stringify(move.json)}; ${sent.length - sentBefore} readings uploaded while it ran`);
    await uploader;
    expect(move.status, JSON.stringify(move.json)).toBe(200);
    expect(move.json).toMatchObject({ from, to, rows: { users: 1, meals: 1 } });

    // Never refused: every upload answered 201 (held while fenced, never 503).
    expect(statuses.every((s) => s === 201), JSON.stringify(statuses)).toBe(true);
    expect(await shardIndexOf(id)).toBe(to);
    const target = shardBindings()[to]!;
    const source = shardBindings()[from]!;
    const times = (await target.prepare("SELECT time FROM glucose_readings WHERE user_id = ? ORDER BY time").bind(id).all<{ time: number }>()).results.map((r) => r.time);
    expect(times).toEqual([...history.map((h) => h.time), ...sent].sort((x, y) => x - y));
    const noteIds = (await target.prepare("SELECT id FROM notes WHERE user_id = ? ORDER BY id").bind(id).all<{ id: number }>()).results.map((r) => String(r.id));
    expect(noteIds).toEqual([...notes].sort((x, y) => Number(x) - Number(y)));
    expect((await api(`/api/v1/meals/${meal.json.id}`, { token: a.access })).json.carbs).toBe(40);
    // Nothing of the user left on the source but its fence.
    for (const table of ["users", "glucose_readings", "glucose_sources", "notes", "meals"]) {
      const where = table === "users" ? "id" : "user_id";
      expect((await source.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where} = ?`).bind(id).first<{ n: number }>())!.n, table).toBe(0);
    }
    expect(await source.prepare("SELECT user_id FROM shard_fences WHERE user_id = ?").bind(id).first()).toEqual({ user_id: id });
    // The API reads the target: the whole series, no gap and no double.
    // Up to the last reading sent: a slow move lets the uploader run past the present (a minute a request).
    const list = await api(`/api/v1/glucose/readings?start=${base}&end=${times[times.length - 1]! + 1}&limit=1000`, { token: a.access });
    expect(list.json.items).toHaveLength(times.length);
  });

  it("moves a user back to a shard it left (the old fence comes down) and keeps their ids; refuses a shard below their ids' range", async () => {
    const { account: a } = await registerOnShard((n) => n === 0);
    const note = await api("/api/v1/notes", { token: a.access, body: { time: new Date(Date.now() - MIN).toISOString(), text: "kept" } });
    expect((await api("/admin/shards/move", { headers: ADMIN, body: { user_id: a.id, to: 2, settle_ms: 0 } })).status).toBe(200);
    expect((await api("/admin/shards/move", { headers: ADMIN, body: { user_id: a.id, to: 0, settle_ms: 0 } })).status).toBe(200);
    expect((await api(`/api/v1/notes/${note.json.id}`, { token: a.access })).json.text).toBe("kept");
    expect((await api("/api/v1/notes", { token: a.access, body: { time: new Date().toISOString(), text: "after" } })).status).toBe(201);
    // A note made on shard 1 has an id of shard 1's range: shard 0 would go on counting from it,
    // into ids shard 1 hands out too, so the move back is refused and the user stays where they are.
    expect((await api("/admin/shards/move", { headers: ADMIN, body: { user_id: a.id, to: 1, settle_ms: 0 } })).status).toBe(200);
    expect((await api("/api/v1/notes", { token: a.access, body: { time: new Date().toISOString(), text: "on shard 1" } })).status).toBe(201);
    const down = await api("/admin/shards/move", { headers: ADMIN, body: { user_id: a.id, to: 0, settle_ms: 0 } });
    expectFieldError(down, 409, "to");
    expect(down.json.error.code).toBe("ids_above_range");
    expect(await shardIndexOf(await internalIdOf(a.id))).toBe(1);
    expect((await api("/api/v1/notes", { token: a.access })).json.items.map((n: { text: string }) => n.text).sort()).toEqual(["after", "kept", "on shard 1"]);
    expect((await api("/api/v1/notes", { token: a.access, body: { time: new Date().toISOString(), text: "still writable" } })).status).toBe(201);
  });

  it("guards the operator route: 404 without the secret, field errors, 409 for the same shard", async () => {
    const a = await register();
    const { shard } = await placementOf(a);
    expect((await api("/admin/shards/move", { body: { user_id: a.id, to: 0 } })).status).toBe(404);
    expect((await api("/admin/shards/move", { headers: { authorization: "Bearer wrong" }, body: { user_id: a.id, to: 0 } })).status).toBe(404);
    expect((await api("/admin/shards/move", { token: a.access, body: { user_id: a.id, to: 0 } })).status).toBe(404);
    expectFieldError(await api("/admin/shards/move", { headers: ADMIN, body: { user_id: a.id, to: "one" } }), 422, "to");
    expectFieldError(await api("/admin/shards/move", { headers: ADMIN, body: { to: 1 } }), 422, "user_id");
    expectFieldError(await api("/admin/shards/move", { headers: ADMIN, body: { user_id: a.id, to: 99 } }), 409, "to");
    expectFieldError(await api("/admin/shards/move", { headers: ADMIN, body: { user_id: a.id, to: shard } }), 409, "to");
    expect((await api("/admin/shards/move", { headers: ADMIN, body: { user_id: crypto.randomUUID(), to: 0 } })).status).toBe(404);
    const overview = await api("/admin/shards", { headers: ADMIN });
    expect(overview.json.shards).toBe(shardBindings().length);
  });
});

describe("deletion and export across shards", () => {
  it("account deletion after a move leaves no row of the user in the directory or any shard", async () => {
    const { account: a, id, shard } = await registerOnShard((n) => n < shardBindings().length - 1);
    const base = Date.now() - 30 * MIN;
    await api("/api/v1/glucose/readings", { token: a.access, body: { time: base, value: 120 } });
    await api("/api/v1/meals", { token: a.access, body: { time: new Date(base).toISOString(), carbs: 20 } });
    expect((await api("/admin/shards/move", { headers: ADMIN, body: { user_id: a.id, to: shard + 1, settle_ms: 0 } })).status).toBe(200);
    expect((await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: a.password } })).status).toBe(204);
    for (const { name, d1 } of allDatabases()) {
      const tables = (await d1.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'").all<{ name: string }>()).results;
      for (const { name: table } of tables) {
        if (table === "shard_fences") continue; // a fence holds only the id, so stale routes are sent on
        const cols = (await d1.prepare("SELECT name FROM pragma_table_info(?)").bind(table).all<{ name: string }>()).results.map((c) => c.name);
        const key = table === "users" ? "id" : cols.includes("user_id") ? "user_id" : null;
        if (!key) continue;
        const n = (await d1.prepare(`SELECT count(*) AS n FROM "${table}" WHERE ${key} = ?`).bind(id).first<{ n: number }>())!.n;
        expect(n, `${name}.${table}`).toBe(0);
      }
    }
  });

  it("exports each user's data from their own shard", async () => {
    const [a, b] = [await register(), await register()];
    expect((await placementOf(a)).shard).not.toBe((await placementOf(b)).shard);
    const base = Date.now() - 30 * MIN;
    await api("/api/v1/glucose/readings", { token: a.access, body: { time: base, value: 131 } });
    await api("/api/v1/glucose/readings", { token: b.access, body: { time: base, value: 242 } });
    const ea = await api("/api/v1/export?format=json", { token: a.access });
    const eb = await api("/api/v1/export?format=json", { token: b.access });
    expect(ea.json.glucose.map((g: { value: number }) => g.value)).toEqual([131]);
    expect(eb.json.glucose.map((g: { value: number }) => g.value)).toEqual([242]);
  });
});

describe("D1 Sessions API", () => {
  it("answers a bookmark of the user's shard and accepts it back (read your own writes)", async () => {
    const a = await register();
    const { shard } = await placementOf(a);
    const time = Date.now() - 10 * MIN;
    const created = await api("/api/v1/glucose/readings", { token: a.access, body: { time, value: 140 } });
    const bookmark = created.headers.get("x-d1-bookmark");
    expect(bookmark).toMatch(new RegExp(`^${shard}:.+`));
    const read = await api(`/api/v1/glucose/readings?start=${time}&end=${time + 1}`, { token: a.access, headers: { "x-d1-bookmark": bookmark! } });
    expect(read.json.items.map((r: { value: number }) => r.value)).toEqual([140]);
    expect(read.headers.get("x-d1-bookmark")).toMatch(new RegExp(`^${shard}:.+`));
  });

  it("ignores a bookmark of another shard or a malformed one (starts at the primary)", async () => {
    const a = await register();
    const { shard } = await placementOf(a);
    const time = Date.now() - 10 * MIN;
    await api("/api/v1/glucose/readings", { token: a.access, body: { time, value: 141 } });
    for (const header of [`${(shard + 1) % 3}:00000000-00000000-00000000-00000000000000000000000000000000`, "garbage", `${shard}:`]) {
      const read = await api(`/api/v1/glucose/readings?start=${time}&end=${time + 1}`, { token: a.access, headers: { "x-d1-bookmark": header } });
      expect(read.status, header).toBe(200);
      expect(read.json.items.map((r: { value: number }) => r.value)).toEqual([141]);
    }
  });

  it("asks the directory again when a bookmark names a shard other than the remembered route (a move seen by another isolate)", async () => {
    const a = await register();
    const { id, shard } = await placementOf(a);
    const elsewhere = (shard + 1) % shardBindings().length;
    const time = Date.now() - 10 * MIN;
    await api("/api/v1/glucose/readings", { token: a.access, body: { time, value: 142 } });
    // The user now lives on `elsewhere` with another value at that time, as if an operator had
    // moved them through another isolate: this isolate still remembers the old route.
    const anchor = (await shardBindings()[shard]!.prepare("SELECT * FROM users WHERE id = ?").bind(id).first<Record<string, unknown>>())!;
    const columns = Object.keys(anchor);
    const target = shardBindings()[elsewhere]!;
    await target.prepare(`INSERT INTO users (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).bind(...columns.map((k) => anchor[k])).run();
    await target.prepare("INSERT INTO glucose_sources (user_id, name) VALUES (?, 'moved')").bind(id).run();
    await target.prepare("INSERT INTO glucose_readings (user_id, time, source_id, value_tenths) SELECT ?1, ?2, id, 1570 FROM glucose_sources WHERE user_id = ?1").bind(id, time).run();
    await env.DB.prepare("UPDATE user_shards SET shard = ? WHERE user_id = ?").bind(elsewhere, id).run();

    const read = await api(`/api/v1/glucose/readings?start=${time}&end=${time + 1}`, { token: a.access, headers: { "x-d1-bookmark": `${elsewhere}:` } });
    expect(read.json.items.map((r: { value: number }) => r.value)).toEqual([157]);
    expect(read.headers.get("x-d1-bookmark")).toMatch(new RegExp(`^${elsewhere}:.+`));
  });
});

describe("the route comes with the credential's own directory read", () => {
  // An uploader every 5 minutes finds both the session and the route forgotten (each is
  // remembered 30 s): the session check (worker/repositories/sessions.ts familyIsLive) and the
  // uploader lookup (worker/repositories/interop.ts findUploaderOwner) join `user_shards`, so the
  // request asks the directory once. GET /api/v1/auth/me and Nightscout's verifyauth read the
  // directory only, so a route remembered after them came from the credential's read.
  it("a bearer session check remembers the user's shard", async () => {
    const a = await register();
    const { id, shard } = await placementOf(a);
    forgetShard(id);
    expect(rememberedShard(id)).toBeNull();
    expect((await api("/api/v1/auth/me", { token: a.access })).status).toBe(200);
    expect(rememberedShard(id)).toBe(shard);
  });

  it("an uploader's api-secret and its Nightscout JWT remember the owner's shard", async () => {
    const a = await register();
    const { id, shard } = await placementOf(a);
    const up = await createUploader(a.access);
    forgetShard(id);
    const verified = await api("/api/v1/verifyauth", { headers: { "api-secret": up.apiSecret } });
    expect(verified.json.message.message).toBe("OK");
    expect(rememberedShard(id)).toBe(shard);

    const jwt = (await api(`/api/v2/authorization/request/${up.secret}`)).json.token as string;
    forgetShard(id);
    expect((await api("/api/v1/verifyauth", { headers: { authorization: `Bearer ${jwt}` } })).json.message.message).toBe("OK");
    expect(rememberedShard(id)).toBe(shard);
  });

  it("reads the placement as resolveShard does: a move in progress routes to the source, an adoption is left to resolveShard", async () => {
    const a = await register();
    const { id, shard } = await placementOf(a);
    expect(await familyIsLive(directoryDb(env), "no-such-session", id)).toEqual({ live: false, placement: null });
    const family = (await env.DB.prepare("SELECT family_id FROM refresh_tokens WHERE user_id = ?").bind(id).first<{ family_id: string }>())!.family_id;
    expect(await familyIsLive(directoryDb(env), family, id)).toEqual({ live: true, placement: { shard, state: "active" } });

    forgetShard(id);
    rememberPlacement(id, { shard, state: "moving" });
    expect(rememberedShard(id)).toBe(shard);
    forgetShard(id);
    rememberPlacement(id, { shard, state: "adopting" });
    expect(rememberedShard(id)).toBeNull();
    rememberPlacement(id, null);
    expect(rememberedShard(id)).toBeNull();
  });
});

/**
 * The directory's account tables (worker/db/shards.ts header, docs/storage.md): they exist on every
 * shard too (one migrations folder) but stay empty there, so the move leaves them out.
 */
const ACCOUNT_TABLES = [
  "refresh_tokens",
  "magic_links",
  "email_verifications",
  "outbox",
  "uploader_secrets",
  "webhook_secrets",
  "ws_tickets",
  "care_settings",
  "sharings",
  "follow_tickets",
  "follower_access_log",
  "push_subscriptions",
  "report_shares",
  "report_share_access_log",
  "user_shards",
];

describe("Nightscout API v3 and cloud bridges on the sharded layout", () => {
  it("MOVED_TABLES and the fence triggers cover every table of a shard that refers to a user, but the account tables", async () => {
    const shard = shardBindings()[0]!;
    const tables = (await shard.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'").all<{ name: string }>()).results.map((r) => r.name);
    const moved = MOVED_TABLES.map((m) => m.table);
    const perUser: string[] = [];
    for (const table of tables) {
      const parents = (await shard.prepare('SELECT "table" AS parent FROM pragma_foreign_key_list(?)').bind(table).all<{ parent: string }>()).results.map((r) => r.parent);
      if (parents.includes("users") || parents.some((p) => moved.includes(p) && p !== "users")) perUser.push(table);
    }
    expect(perUser).toEqual(expect.arrayContaining(["nightscout_entry_tombstones", "nightscout_settings", "bridges"]));
    expect(perUser.filter((t) => !moved.includes(t) && !ACCOUNT_TABLES.includes(t))).toEqual([]);
    // Each moved table (but the anchor, whose only guard is on update) refuses a fenced user's insert, update and delete.
    const triggers = new Set((await shard.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all<{ name: string }>()).results.map((r) => r.name));
    const missing = moved.filter((t) => t !== "users").flatMap((t) => ["insert", "update", "delete"].map((op) => `${t}_fence_${op}`)).filter((name) => !triggers.has(name));
    expect(missing).toEqual([]);
  });

  // The v3 calls follow cgm-remote-monitor lib/api3 (generic/create, delete, history operations);
  // the Dexcom Share stand-in speaks the protocol of test/worker/bridge-standins/dexcom-share.ts.
  it("moves v3 settings, an entry's tombstone and server times, and a bridge with the user; the bridge then polls on the new shard", { timeout: 60_000 }, async () => {
    const standins = inject("bridgeStandins");
    const { account: a, id, shard: from } = await registerOnShard((n) => n < shardBindings().length - 1);
    const to = from + 1;
    const { secret } = await createUploader(a.access, "AndroidAPS");
    const jwt = (await api(`/api/v2/authorization/request/${secret}`)).json.token as string;
    const v3 = (path: string, init: { method?: string; body?: unknown } = {}) => api(path, { ...init, headers: { authorization: `Bearer ${jwt}` } });
    const date = Date.now() - 20 * MIN;
    expect((await v3("/api/v3/settings", { body: { identifier: "move-settings", date, app: "AAPS", key: "kept" } })).status).toBe(201);
    expect((await v3("/api/v3/entries", { body: { identifier: "move-kept", type: "sgv", sgv: 111, date, direction: "Flat", device: "AAPS", app: "AAPS", utcOffset: 0, units: "mg/dl" } })).status).toBe(201);
    expect((await v3("/api/v3/entries", { body: { identifier: "move-gone", type: "sgv", sgv: 122, date: date + MIN, direction: "Flat", device: "AAPS", app: "AAPS", utcOffset: 0, units: "mg/dl" } })).status).toBe(201);
    expect((await v3("/api/v3/entries/move-gone", { method: "DELETE" })).status).toBe(200);
    const keptBefore = (await v3("/api/v3/entries/move-kept")).json.result;

    const username = `share-move-${crypto.randomUUID().slice(0, 8)}`;
    const control = (body: Record<string, unknown>) => fetch(`${standins.dexcom}/__control`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, ...body }) });
    await control({ password: "pw", readings: [{ time: Date.now() - 3 * MIN, value: 140, trend: "Flat" }] });
    const bridge = await api("/api/v1/bridges", { token: a.access, body: { kind: "dexcom-share", username, password: "pw", server_url: standins.dexcom } });
    expect(bridge.status, JSON.stringify(bridge.json)).toBe(201);
    expect((await api(`/api/v1/bridges/${bridge.json.id}/poll`, { method: "POST", token: a.access })).json.bridge.status).toBe("ok");

    const move = await api("/admin/shards/move", { headers: ADMIN, body: { user_id: a.id, to, settle_ms: 0 } });
    expect(move.status, JSON.stringify(move.json)).toBe(200);
    expect(move.json.rows).toMatchObject({ nightscout_settings: 1, nightscout_entry_tombstones: 1, bridges: 1 });
    const [source, target] = [shardBindings()[from]!, shardBindings()[to]!];
    for (const table of ["nightscout_settings", "nightscout_entry_tombstones", "nightscout_entry_ids", "bridges"]) {
      expect(await count(source, table, id), `source ${table}`).toBe(0);
      expect(await count(target, table, id), `target ${table}`).toBeGreaterThan(0);
    }

    // Served from the target as before the move: the settings, the kept entry with its server times, the tombstone.
    expect((await v3("/api/v3/settings")).json.result).toEqual([expect.objectContaining({ identifier: "move-settings", key: "kept" })]);
    expect((await v3("/api/v3/entries/move-kept")).json.result).toEqual(keptBefore);
    expect((await v3("/api/v3/entries/move-gone")).status).toBe(410);
    expect((await v3(`/api/v3/entries/history/${date - 1}`)).json.result).toEqual(expect.arrayContaining([expect.objectContaining({ identifier: "move-gone", isValid: false })]));
    // The bridge row (credentials and all) is found on the target by the user's monitor, and its next reading lands there.
    await control({ readings: [{ time: Date.now() - MIN, value: 155, trend: "Flat" }] });
    const polled = await api(`/api/v1/bridges/${bridge.json.id}/poll`, { method: "POST", token: a.access });
    expect(polled.json.bridge, JSON.stringify(polled.json)).toMatchObject({ status: "ok", readings_imported: 2 });
    expect((await target.prepare("SELECT count(*) AS n FROM glucose_readings WHERE user_id = ? AND value_tenths = 1550").bind(id).first<{ n: number }>())!.n).toBe(1);
    expect(await count(source, "glucose_readings", id)).toBe(0);
  });
});
