/**
 * What one uploaded Nightscout entry writes to D1, and that the lookups by `_id`, `identifier` and
 * `srvModified` still use their indexes. D1 bills every row written, index rows included
 * (developers.cloudflare.com/d1/platform/pricing: "Indexes will add an additional written row when
 * writes include the indexed column"). The extras table's three secondary indexes are partial
 * (migrations/0015_entry_extras_partial_indexes.sql), so an entry with no `_id`, no `identifier` and
 * no API v3 change (what xDrip+'s NightscoutUploader.java doRESTUpload sends) costs its table row only.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ENTRY_BY_IDENTIFIER_SQL } from "../../worker/nightscout/v3/entries.ts";
import { client, MIN } from "./nightscout-client-helpers.ts";
import { shardBindings, userD1 } from "./shard-helpers.ts";

const EXTRAS_INSERT = `INSERT INTO nightscout_entry_extras (user_id, time, source_id, client_id, identifier, extra) VALUES (?, ?, ?, ?, ?, ?)`;

async function userIdOf(email: string): Promise<number> {
  return (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email.toLowerCase()).first<{ id: number }>())!.id;
}

/** The plan on a shard, where the table's rows live (every shard has the same schema). */
async function plan(sql: string, ...params: unknown[]): Promise<string> {
  const rows = await shardBindings()[0]!.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
  return rows.results.map((r) => r.detail).join("\n");
}

describe("Nightscout entry extras: rows written and index use", () => {
  it("an xDrip+ entry (extra fields, no _id or identifier) writes one extras row and no index rows; an _id or identifier adds its index row", async () => {
    const { a, call } = await client();
    const userId = await userIdOf(a.email);
    const db = await userD1(userId);
    const t = Date.now() - 10 * MIN;
    // The fields NightscoutUploader.java doRESTUpload puts in each sgv record.
    const posted = await call("POST", "/api/v1/entries", [
      { device: "xDrip-DexcomG6", date: t, dateString: new Date(t).toISOString(), sgv: 120, delta: 1.5, direction: "Flat", type: "sgv", filtered: 120000, unfiltered: 121000, rssi: 100, noise: 1, sysTime: new Date(t).toISOString() },
    ]);
    expect(posted.status).toBe(200);
    const stored = await db.prepare("SELECT source_id, client_id, identifier, srv_modified, extra FROM nightscout_entry_extras WHERE user_id = ?").bind(userId).all<{ source_id: number; client_id: string | null; identifier: string | null; srv_modified: number | null; extra: string }>();
    expect(stored.results).toHaveLength(1);
    const row = stored.results[0]!;
    expect([row.client_id, row.identifier, row.srv_modified]).toEqual([null, null, null]);
    expect(JSON.parse(row.extra)).toMatchObject({ filtered: 120000, noise: 1 });

    // The same statement shape as worker/nightscout/entries-store.ts writes, at a free key.
    const plain = await db.prepare(EXTRAS_INSERT).bind(userId, t + MIN, row.source_id, null, null, row.extra).run();
    expect(plain.meta.rows_written).toBe(1);
    const withId = await db.prepare(EXTRAS_INSERT).bind(userId, t + 2 * MIN, row.source_id, "65a1b2c3d4e5f60718293a4b", null, row.extra).run();
    expect(withId.meta.rows_written).toBe(2);
    const withBoth = await db.prepare(EXTRAS_INSERT).bind(userId, t + 3 * MIN, row.source_id, "65a1b2c3d4e5f60718293a4c", "aaps-1", row.extra).run();
    expect(withBoth.meta.rows_written).toBe(3);
  });

  it("the lookups by _id (API v1), identifier or _id (API v3 read) and srvModified (v3 history) use the partial indexes", async () => {
    // worker/nightscout/v3/entries.ts findOne: a document by identifier, which may also be a client _id.
    const byIdentifier = await plan(ENTRY_BY_IDENTIFIER_SQL, 1, "x");
    expect(byIdentifier).toContain("INDEX nightscout_entry_extras_identifier");
    expect(byIdentifier).toContain("INDEX nightscout_entry_extras_client_id");
    // worker/nightscout/entries.ts: GET/DELETE /api/v1/entries/<_id>.
    expect(await plan("SELECT time FROM nightscout_entry_extras WHERE user_id = ? AND client_id = ?", 1, "65a1b2c3d4e5f60718293a4b")).toContain("nightscout_entry_extras_client_id");
    expect(await plan("SELECT time FROM nightscout_entry_extras WHERE user_id = ? AND srv_modified >= ?", 1, 0)).toContain("nightscout_entry_extras_modified");
  });
});
