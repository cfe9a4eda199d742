/**
 * What one uploaded Nightscout entry writes to D1, and that the lookups by `_id`, `identifier` and
 * `srvModified` still use their indexes. D1 bills every row written, index rows included
 * (developers.cloudflare.com/d1/platform/pricing: "Indexes will add an additional written row when
 * writes include the indexed column"). The fields a client sends besides the value are on the
 * reading's own row (glucose_readings.ns_extra), and the ids table's secondary indexes are partial,
 * so an entry with no `_id`, no `identifier` and no API v3 change (what xDrip+'s
 * NightscoutUploader.java doRESTUpload sends) writes one row: its reading.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ENTRY_BY_IDENTIFIER_SQL } from "../../worker/nightscout/v3/entries.ts";
import { client, MIN } from "./nightscout-client-helpers.ts";
import { register } from "./helpers.ts";
import { internalIdOf, shardBindings, userD1 } from "./shard-helpers.ts";
import { v3Client } from "./nightscout-v3-helpers.ts";

// The statement shapes of worker/repositories/readings.ts insertReadings and worker/nightscout/entries-store.ts.
const READING_INSERT = `INSERT OR IGNORE INTO glucose_readings (user_id, time, source_id, value_tenths, trend, flags, ns_extra) VALUES (?, ?, ?, ?, ?, ?, ?)`;
const IDS_INSERT = `INSERT INTO nightscout_entry_ids (user_id, time, source_id, client_id, identifier) VALUES (?, ?, ?, ?, ?)`;

async function userIdOf(email: string): Promise<number> {
  return (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email.toLowerCase()).first<{ id: number }>())!.id;
}

/** The plan on a shard, where the table's rows live (every shard has the same schema). */
async function plan(sql: string, ...params: unknown[]): Promise<string> {
  const rows = await shardBindings()[0]!.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
  return rows.results.map((r) => r.detail).join("\n");
}

describe("Nightscout entries: rows written and index use", () => {
  it("an xDrip+ entry (extra fields, no _id or identifier) writes its reading row only; an _id or identifier adds an ids row and its index row", async () => {
    const { a, call } = await client();
    const userId = await userIdOf(a.email);
    const db = await userD1(userId);
    const t = Date.now() - 10 * MIN;
    // The fields NightscoutUploader.java doRESTUpload puts in each sgv record.
    const entry = { device: "xDrip-DexcomG6", date: t, dateString: new Date(t).toISOString(), sgv: 120, delta: 1.5, direction: "Flat", type: "sgv", filtered: 120000, unfiltered: 121000, rssi: 100, noise: 1, sysTime: new Date(t).toISOString() };
    expect((await call("POST", "/api/v1/entries", [entry])).status).toBe(200);
    const stored = await db.prepare("SELECT source_id, ns_extra FROM glucose_readings WHERE user_id = ? AND time = ?").bind(userId, t).all<{ source_id: number; ns_extra: string }>();
    expect(stored.results).toHaveLength(1);
    const row = stored.results[0]!;
    expect(JSON.parse(row.ns_extra)).toMatchObject({ filtered: 120000, unfiltered: 121000, rssi: 100, noise: 1, delta: 1.5 });
    expect((await db.prepare("SELECT count(*) AS n FROM nightscout_entry_ids WHERE user_id = ?").bind(userId).first<{ n: number }>())!.n).toBe(0);
    // Read back as sent.
    const [served] = (await call("GET", `/api/v1/entries.json?find[date]=${t}`)).json as Record<string, unknown>[];
    expect(served).toMatchObject({ sgv: 120, filtered: 120000, unfiltered: 121000, rssi: 100, noise: 1, delta: 1.5 });

    // The same statement shapes at free keys.
    expect((await db.prepare(READING_INSERT).bind(userId, t + MIN, row.source_id, 1200, 4, null, row.ns_extra).run()).meta.rows_written).toBe(1);
    expect((await db.prepare(IDS_INSERT).bind(userId, t + 2 * MIN, row.source_id, "65a1b2c3d4e5f60718293a4b", null).run()).meta.rows_written).toBe(2);
    expect((await db.prepare(IDS_INSERT).bind(userId, t + 3 * MIN, row.source_id, "65a1b2c3d4e5f60718293a4c", "aaps-1").run()).meta.rows_written).toBe(3);
  });

  it("a repeated upload keeps one reading and one ids row; a changed extra field updates the reading's row", async () => {
    const { a, call } = await client();
    const userId = await userIdOf(a.email);
    const db = await userD1(userId);
    const t = Date.now() - 10 * MIN;
    const entry = { _id: "65a1b2c3d4e5f60718293a4d", device: "xDrip-DexcomG6", date: t, sgv: 130, direction: "Flat", type: "sgv", noise: 1 };
    expect((await call("POST", "/api/v1/entries", [entry])).status).toBe(200);
    expect((await call("POST", "/api/v1/entries", [entry])).status).toBe(200);
    const rows = await db.prepare("SELECT ns_extra FROM glucose_readings WHERE user_id = ? AND time = ?").bind(userId, t).all<{ ns_extra: string }>();
    expect(rows.results.map((r) => r.ns_extra)).toEqual(['{"noise":1}']);
    const ids = await db.prepare("SELECT client_id FROM nightscout_entry_ids WHERE user_id = ?").bind(userId).all<{ client_id: string }>();
    expect(ids.results.map((r) => r.client_id)).toEqual(["65a1b2c3d4e5f60718293a4d"]);

    expect((await call("POST", "/api/v1/entries", [{ ...entry, noise: 3 }])).status).toBe(200);
    expect((await db.prepare("SELECT ns_extra FROM glucose_readings WHERE user_id = ? AND time = ?").bind(userId, t).first<{ ns_extra: string }>())!.ns_extra).toBe('{"noise":3}');
    const [served] = (await call("GET", "/api/v1/entries/65a1b2c3d4e5f60718293a4d.json")).json as Record<string, unknown>[];
    expect(served).toMatchObject({ _id: "65a1b2c3d4e5f60718293a4d", sgv: 130, noise: 3 });
  });

  // lib/api3/generic/update/replace.js keeps srvCreated and stamps srvModified; here both are
  // written with the entry's ids row in the upload's one batch.
  it("an API v3 entry's server times: srvCreated kept across a replace, srvModified moved, in one ids row", async () => {
    const c = await v3Client();
    const date = Date.now() - 20 * MIN;
    const doc = { identifier: "rows-v3-1", type: "sgv", sgv: 118, date, direction: "Flat", device: "AAPS", app: "AAPS", utcOffset: 0, units: "mg/dl" };
    const created = await c.call("/api/v3/entries", { body: doc });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    await new Promise((r) => setTimeout(r, 5));
    const replaced = await c.call("/api/v3/entries/rows-v3-1", { method: "PUT", body: { ...doc, sgv: 121 } });
    expect(replaced.status, JSON.stringify(replaced.json)).toBe(200);
    const read = (await c.call("/api/v3/entries/rows-v3-1")).json.result;
    expect(read).toMatchObject({ identifier: "rows-v3-1", sgv: 121, srvCreated: created.json.lastModified, srvModified: replaced.json.lastModified });
    expect(replaced.json.lastModified).toBeGreaterThan(created.json.lastModified);
  });

  it("migration 0022 moves stored extras onto their readings and keeps only ids and server times aside", async () => {
    const a = await register();
    const userId = await internalIdOf(a.id);
    const db = await userD1(userId);
    // The table as migrations 0009 and 0012 left it, holding rows for this user's readings.
    await db.exec("CREATE TABLE nightscout_entry_extras (user_id integer NOT NULL, time integer NOT NULL, source_id integer NOT NULL, client_id text, identifier text, extra text, srv_created integer, srv_modified integer, PRIMARY KEY(user_id, time, source_id)) WITHOUT ROWID");
    await db.prepare("INSERT INTO glucose_sources (user_id, name) VALUES (?, 'xDrip-DexcomG6')").bind(userId).run();
    const source = (await db.prepare("SELECT id FROM glucose_sources WHERE user_id = ?").bind(userId).first<{ id: number }>())!.id;
    const t = Date.now() - 60 * MIN;
    for (let i = 0; i < 4; i++) await db.prepare("INSERT INTO glucose_readings (user_id, time, source_id, value_tenths) VALUES (?, ?, ?, ?)").bind(userId, t + i * 5 * MIN, source, 1200 + i).run();
    await db.batch([
      db.prepare("INSERT INTO nightscout_entry_extras (user_id, time, source_id, extra) VALUES (?, ?, ?, '{\"noise\":1}')").bind(userId, t, source),
      db.prepare("INSERT INTO nightscout_entry_extras (user_id, time, source_id, client_id, extra) VALUES (?, ?, ?, '65a1b2c3d4e5f60718293a4e', '{\"rssi\":100}')").bind(userId, t + 5 * MIN, source),
      db.prepare("INSERT INTO nightscout_entry_extras (user_id, time, source_id, identifier, srv_created, srv_modified) VALUES (?, ?, ?, 'aaps-mig', ?, ?)").bind(userId, t + 10 * MIN, source, t + 11 * MIN, t + 12 * MIN),
    ]);
    // The migration's data statements as the file has them (its schema statements already ran).
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0022_"))!;
    const moves = migration.queries.filter((q) => /^\s*(?:--[^\n]*\n\s*)*(UPDATE `glucose_readings`|INSERT INTO `nightscout_entry_ids`|DROP TABLE `nightscout_entry_extras`)/.test(q));
    expect(moves).toHaveLength(3);
    for (const q of moves) await db.prepare(q).run();

    const readings = await db.prepare("SELECT time, ns_extra FROM glucose_readings WHERE user_id = ? ORDER BY time").bind(userId).all<{ time: number; ns_extra: string | null }>();
    expect(readings.results.map((r) => r.ns_extra)).toEqual(['{"noise":1}', '{"rssi":100}', null, null]);
    const ids = await db.prepare("SELECT time, client_id, identifier, srv_created, srv_modified FROM nightscout_entry_ids WHERE user_id = ? ORDER BY time").bind(userId).all();
    expect(ids.results).toEqual([
      { time: t + 5 * MIN, client_id: "65a1b2c3d4e5f60718293a4e", identifier: null, srv_created: null, srv_modified: null },
      { time: t + 10 * MIN, client_id: null, identifier: "aaps-mig", srv_created: t + 11 * MIN, srv_modified: t + 12 * MIN },
    ]);
    expect(await db.prepare("SELECT name FROM sqlite_master WHERE name = 'nightscout_entry_extras'").first()).toBeNull();
  });

  it("the lookups by _id (API v1), identifier or _id (API v3 read) and srvModified (v3 history) use the partial indexes", async () => {
    // worker/nightscout/v3/entries.ts findOne: a document by identifier, which may also be a client _id.
    const byIdentifier = await plan(ENTRY_BY_IDENTIFIER_SQL, 1, "x");
    expect(byIdentifier).toContain("INDEX nightscout_entry_ids_identifier");
    expect(byIdentifier).toContain("INDEX nightscout_entry_ids_client_id");
    // worker/nightscout/entries.ts: GET/DELETE /api/v1/entries/<_id>.
    expect(await plan("SELECT time FROM nightscout_entry_ids WHERE user_id = ? AND client_id = ?", 1, "65a1b2c3d4e5f60718293a4b")).toContain("nightscout_entry_ids_client_id");
    expect(await plan("SELECT time FROM nightscout_entry_ids WHERE user_id = ? AND srv_modified >= ?", 1, 0)).toContain("nightscout_entry_ids_modified");
  });
});
