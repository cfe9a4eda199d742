/**
 * @module worker/nightscout/documents-store
 * Nightscout's document collections (treatments, device status, food, activity), each a table of the same
 * shape (migrations/0009_nightscout_v1.sql): the document as stored JSON, its 24-hex `_id`
 * (`ns_id`), `identifier`, its time (created_at) in an indexed column, `srv_created`/`srv_modified`
 * and `is_valid`. A v1 DELETE marks documents invalid and stamps srv_modified rather than removing
 * the row, so that API v3's history (changes since srvModified, deletions included) can be served
 * from the same tables; every read here sees valid documents only.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { matchesInCode, translate, type CollectionSpec, type Condition } from "./query.ts";
import { userD1 } from "../db/shards.ts";
import { ApiError } from "../lib/errors.ts";

export type DocTable = "nightscout_treatments" | "device_statuses" | "nightscout_food" | "nightscout_activity";

export interface StoredDoc {
  rowId: number;
  nsId: string;
  identifier: string | null;
  time: number;
  doc: Record<string, unknown>;
  recordLinks: [string, number][];
}

interface DocRow {
  id: number;
  ns_id: string;
  identifier: string | null;
  time: number;
  doc: string;
  record_links?: string | null;
}

const toStored = (r: DocRow): StoredDoc => ({
  rowId: r.id,
  nsId: r.ns_id,
  identifier: r.identifier,
  time: r.time,
  doc: JSON.parse(r.doc) as Record<string, unknown>,
  recordLinks: r.record_links ? (JSON.parse(r.record_links) as [string, number][]) : [],
});

/** The document as served: the stored JSON with its `_id`. */
export const served = (s: StoredDoc): Record<string, unknown> => ({ ...s.doc, _id: s.nsId });

const linksCol = (table: DocTable) => (table === "nightscout_treatments" ? ", d.record_links" : "");

const PAGE = 1_000;

/** Valid documents matching `conditions`, newest first (then by row), at most `count`. */
export async function listDocuments(c: Context<AppEnv>, table: DocTable, spec: CollectionSpec, conditions: Condition[], count: number, opts: { defaultWindow: boolean; extraWhere?: string[] }): Promise<StoredDoc[]> {
  const t = translate(conditions, spec, { defaultWindow: opts.defaultWindow });
  const where = ["d.is_valid = 1", ...t.where, ...(opts.extraWhere ?? [])];
  const out: StoredDoc[] = [];
  let after: { time: number; id: number } | null = null;
  while (out.length < count) {
    const limit = t.inCode.length ? PAGE : Math.min(PAGE * 10, count - out.length);
    const keyset: string[] = after ? ["(d.time < ? OR (d.time = ? AND d.id < ?))"] : [];
    const rows: D1Result<DocRow> = await (await userD1(c)).prepare(
      `SELECT d.id, d.ns_id, d.identifier, d.time, d.doc${linksCol(table)} FROM ${table} d WHERE d.user_id = ? ${[...where, ...keyset].map((w) => `AND ${w}`).join(" ")} ORDER BY d.time DESC, d.id DESC LIMIT ${limit}`,
    )
      .bind(c.get("user").id, ...t.params, ...(after ? [after.time, after.time, after.id] : []))
      .all<DocRow>();
    for (const r of rows.results) {
      const s = toStored(r);
      if (matchesInCode(served(s), t.inCode)) out.push(s);
      if (out.length >= count) break;
    }
    if (rows.results.length < limit) break;
    const last: DocRow = rows.results.at(-1)!;
    after = { time: last.time, id: last.id };
  }
  return out;
}

/** How many valid documents match (lib/server/aggregate.js; no default window). */
export async function countDocuments(c: Context<AppEnv>, spec: CollectionSpec & { table?: DocTable }, conditions: Condition[]): Promise<number> {
  const table = spec.table!;
  const t = translate(conditions, spec, { defaultWindow: false });
  if (t.inCode.length) return (await listDocuments(c, table, spec, conditions, Number.MAX_SAFE_INTEGER, { defaultWindow: false })).length;
  const row = await (await userD1(c)).prepare(`SELECT count(*) AS n FROM ${table} d WHERE d.user_id = ? AND d.is_valid = 1 ${t.where.map((w) => `AND ${w}`).join(" ")}`)
    .bind(c.get("user").id, ...t.params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Stored documents (valid or not) that any of the keys names: by `_id`, by identifier, or by a
 * (time, extra column value) pair (treatments: created_at + eventType). One query.
 */
export async function findByKeys(c: Context<AppEnv>, table: DocTable, keys: { nsIds: string[]; identifiers: string[]; pairs: [number, string][]; pairColumn?: string }): Promise<(StoredDoc & { isValid: boolean; pair: string | null; srvModified: number })[]> {
  if (!keys.nsIds.length && !keys.identifiers.length && !keys.pairs.length) return [];
  const pairCol = keys.pairColumn ?? "NULL";
  const rows = await (await userD1(c)).prepare(
    `SELECT d.id, d.ns_id, d.identifier, d.time, d.doc, d.is_valid, d.srv_modified, ${pairCol} AS pair${linksCol(table)} FROM ${table} d WHERE d.user_id = ?1 AND (
       d.ns_id IN (SELECT value FROM json_each(?2)) OR d.identifier IN (SELECT value FROM json_each(?3))
       OR (d.time, ${pairCol}) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?4)))`,
  )
    .bind(c.get("user").id, JSON.stringify(keys.nsIds), JSON.stringify(keys.identifiers), JSON.stringify(keys.pairs))
    .all<DocRow & { is_valid: number; pair: string | null; srv_modified: number }>();
  return rows.results.map((r) => ({ ...toStored(r), isValid: r.is_valid === 1, pair: r.pair, srvModified: r.srv_modified }));
}

/** Marks the matched valid documents invalid (a v1 DELETE); answers the rows, for linked records. */
export async function invalidateDocuments(c: Context<AppEnv>, table: DocTable, spec: CollectionSpec, conditions: Condition[]): Promise<StoredDoc[]> {
  const t = translate(conditions, spec, { defaultWindow: true });
  let ids: number[] | null = null;
  if (t.inCode.length) ids = (await listDocuments(c, table, spec, conditions, Number.MAX_SAFE_INTEGER, { defaultWindow: true })).map((s) => s.rowId);
  const res = await (await userD1(c)).prepare(
    `UPDATE ${table} AS d SET is_valid = 0, srv_modified = ? WHERE d.user_id = ? AND d.is_valid = 1 ${
      ids ? "AND d.id IN (SELECT value FROM json_each(?))" : t.where.map((w) => `AND ${w}`).join(" ")
    } RETURNING id, ns_id, identifier, time, doc${table === "nightscout_treatments" ? ", record_links" : ""}`,
  )
    .bind(Date.now(), c.get("user").id, ...(ids ? [JSON.stringify(ids)] : t.params))
    .all<DocRow>();
  return res.results.map(toStored);
}

/** Rounds of matching again before a document that keeps losing to concurrent writers is refused. */
const UPSERT_ROUNDS = 5;

/** A batch refused by a unique index (D1 rolls the whole batch back). */
const isUniqueViolation = (e: unknown) => e instanceof Error && /UNIQUE constraint failed/.test(e.message);

/**
 * Runs one upsert round's conditional writes in a batch and answers, per statement, whether it
 * wrote a row. All false when another request took an identifier or `_id` between the round's
 * read and this batch (a unique index refused it, and D1 rolled the whole batch back).
 */
export async function batchWrote(d1: D1Database, statements: D1PreparedStatement[]): Promise<boolean[]> {
  try {
    return (await d1.batch(statements)).map((r) => r.meta.changes > 0);
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    return statements.map(() => false);
  }
}

/**
 * Runs an upsert of `prepared` until every item is stored. Concurrent requests (an uploader's retry
 * while its first try is still in flight, AndroidAPS catching up) may each find nothing stored under
 * the same key; `once` writes conditionally in SQL and answers null for the items whose write lost,
 * which are then matched again against what the winner stored, as a later request would be: one
 * document, and no retry failing on the unique identifier (Nightscout's upsert in
 * lib/server/treatments.js is atomic in MongoDB per document).
 */
export async function upsertUntilStored<P>(prepared: P[], once: (items: P[]) => Promise<(Record<string, unknown> | null)[]>): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = new Array(prepared.length);
  let pending = prepared.map((_, i) => i);
  for (let round = 0; pending.length; round++) {
    if (round === UPSERT_ROUNDS) throw new ApiError(409, "conflict", "The document was changed by concurrent requests; send it again", [{ path: "_id", message: "changed by concurrent requests" }]);
    const answers = await once(pending.map((i) => prepared[i]!));
    const lost: number[] = [];
    answers.forEach((doc, j) => (doc ? (out[pending[j]!] = doc) : lost.push(pending[j]!)));
    pending = lost;
  }
  return out;
}
