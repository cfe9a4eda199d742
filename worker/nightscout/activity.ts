/**
 * @module worker/nightscout/activity
 * `/api/v1/activity` as lib/api/activity/index.js and lib/server/activity.js serve it: documents
 * such as `{created_at, heartrate, steps, activitylevel}` stored as received (purified) in
 * nightscout_activity.
 *
 * - GET lists newest first by `created_at`, with `find` and `count` (no count: all of them) within
 *   Nightscout's default window unless a date is named (query.js enforceDateFilter); Last-Modified
 *   is the newest `created_at`, and `If-Modified-Since` at or after it answers 304.
 * - POST (one or an array; an array answers an array, `[]` answers `[]`) upserts as create() does:
 *   a document with `_id` replaces the stored one of that `_id`, one without is the same as a stored
 *   document equal in every field, so a retry stores nothing twice. `created_at` defaults to now.
 * - PUT saves one document under its `_id` (a new one when it has none), as save() does.
 * - DELETE `/activity/<_id>` answers `{}`.
 * An `_id` that is not 24 hex digits is 400 "Invalid _id format" (objectid-validation.js). Unlike
 * Nightscout, a `created_at` that is no date, or an item that is no object, is refused naming it
 * (the other items of the batch are stored) instead of being stored where no date query finds it.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import type { Context } from "hono";
import { Hono } from "hono";
import { userD1 } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import type { FieldError } from "../lib/errors.ts";
import { findByKeys, invalidateDocuments, listDocuments, served } from "./documents-store.ts";
import { batchAnswer, countOf, iso, MAX_COUNT, notModified, parseDocTime, purify, readBody, readDocuments, type ItemResult } from "./http.ts";
import { demandObjectIdParam, demandObjectIds, newObjectId } from "./ids.ts";
import { parseFind, type CollectionSpec } from "./query.ts";

const TABLE = "nightscout_activity";

const activitySpec: CollectionSpec = {
  fields: { created_at: { sql: "d.time", kind: "time" } },
  json: "d.doc",
  regexFields: new Set(),
  intFields: new Set(),
  dateFields: new Set(["created_at"]),
  timeSql: "d.time",
  id: (values) => ({ sql: values.map(() => "d.ns_id = ?").join(" OR ") || "0", params: values.map((v) => v.toLowerCase()) }),
};

type Prepared = { doc: Record<string, unknown>; id: string | null; time: number; json: string };

/** One sent document, ready to store: purified, `created_at` defaulted, its time read; or the fields that are wrong. */
function prepare(raw: unknown, index: number, now: number): { ok: true; p: Prepared } | { ok: false; fields: FieldError[] } {
  const at = (field: string) => `${index}.${field}`;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { ok: false, fields: [{ path: String(index), message: "must be an object" }] };
  const doc = purify({ ...(raw as Record<string, unknown>) });
  const id = doc._id ? String(doc._id).toLowerCase() : null;
  delete doc._id;
  if (!Object.hasOwn(doc, "created_at")) doc.created_at = iso(now);
  const time = parseDocTime(doc.created_at);
  if (time === null) return { ok: false, fields: [{ path: at("created_at"), message: "must be an ISO 8601 date or epoch milliseconds" }] };
  return { ok: true, p: { doc, id, time, json: JSON.stringify(doc) } };
}

/**
 * Stores prepared documents: by `_id` when one is sent (replacing), else the same as a stored valid
 * document with the same time and content; answers each with its `_id`.
 */
async function store(c: Context<AppEnv>, items: Prepared[], now: number): Promise<Record<string, unknown>[]> {
  if (!items.length) return [];
  const d1 = await userD1(c);
  const userId = c.get("user").id;
  const sentIds = items.flatMap((p) => (p.id ? [p.id] : []));
  const byId = new Map((await findByKeys(c, TABLE, { nsIds: sentIds, identifiers: [], pairs: [] })).map((s) => [s.nsId, s.rowId]));
  const unnamed = items.filter((p) => !p.id);
  const byContent = new Map<string, string>();
  if (unnamed.length) {
    const rows = await d1
      .prepare(`SELECT ns_id, time, doc FROM ${TABLE} WHERE user_id = ?1 AND is_valid = 1 AND (time, doc) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?2))`)
      .bind(userId, JSON.stringify(unnamed.map((p) => [p.time, p.json])))
      .all<{ ns_id: string; time: number; doc: string }>();
    for (const r of rows.results) byContent.set(`${r.time}\n${r.doc}`, r.ns_id);
  }
  const statements: D1PreparedStatement[] = [];
  const answered = items.map((p) => {
    const existing = p.id ?? byContent.get(`${p.time}\n${p.json}`);
    const id = existing ?? newObjectId(now);
    // Two equal documents in one batch are one document, as the second replaceOne matches the first.
    if (!p.id) byContent.set(`${p.time}\n${p.json}`, id);
    const row = byId.get(id);
    statements.push(
      row
        ? d1.prepare(`UPDATE ${TABLE} SET doc = ?1, time = ?2, srv_modified = ?3, is_valid = 1 WHERE user_id = ?4 AND id = ?5`).bind(p.json, p.time, now, userId, row)
        : d1
            .prepare(`INSERT INTO ${TABLE} (user_id, ns_id, time, doc, srv_created, srv_modified) VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (user_id, ns_id) DO UPDATE SET doc = excluded.doc, time = excluded.time, srv_modified = excluded.srv_modified, is_valid = 1`)
            .bind(userId, id, p.time, p.json, now),
    );
    return { ...p.doc, _id: id };
  });
  await d1.batch(statements);
  return answered;
}

async function list(c: Context<AppEnv>) {
  const conditions = parseFind(new URL(c.req.url).searchParams);
  const docs = await listDocuments(c, TABLE, activitySpec, conditions, countOf(c, MAX_COUNT), { defaultWindow: true });
  const unchanged = notModified(c, docs.length ? Math.max(...docs.map((d) => d.time)) : null);
  return unchanged ?? c.json(docs.map(served), 200);
}

async function create(c: Context<AppEnv>) {
  const { items } = await readDocuments(c);
  demandObjectIds(items);
  const now = Date.now();
  const prepared = items.map((raw, i) => prepare(raw, i, now));
  const stored = await store(c, prepared.flatMap((r) => (r.ok ? [r.p] : [])), now);
  let next = 0;
  const results: ItemResult[] = prepared.map((r) => (r.ok ? { ok: true, doc: stored[next++]! } : r));
  // An array is answered as an array, a single document too (create() answers `docs`).
  return batchAnswer(c, results, false);
}

async function save(c: Context<AppEnv>) {
  const body = await readBody(c, {});
  demandObjectIds([body]);
  const now = Date.now();
  const prepared = prepare(body, 0, now);
  if (!prepared.ok) return batchAnswer(c, [prepared], true);
  // save() gives a document without `_id` a new one.
  prepared.p.id ??= newObjectId(now);
  const [doc] = await store(c, [prepared.p], now);
  return c.json(doc, 200);
}

export const activityRoutes = new Hono<AppEnv>();

for (const path of ["/activity", "/activity/", "/activity.json"]) {
  activityRoutes.get(path, list);
  activityRoutes.post(path, create);
  activityRoutes.put(path, save);
}
activityRoutes.delete("/activity/:id", async (c) => {
  const id = c.req.param("id").replace(/\.json$/, "");
  demandObjectIdParam(id);
  await invalidateDocuments(c, TABLE, activitySpec, [{ field: "_id", op: "$eq", values: [id], key: "_id" }]);
  return c.json({}, 200);
});
