/**
 * @module worker/nightscout/food
 * `/api/v1/food` as lib/api/food/index.js and lib/server/food.js serve it: GET all, `/quickpicks`
 * (type quickpick, not hidden, by position), `/regular` (type food); POST (create) and PUT (save)
 * of one or an array, where an `_id` that is not 24 hex digits is 400 naming it
 * (objectid-validation.js); DELETE `/food/<_id>` answers `{}`. Documents are stored as received
 * (purified) in nightscout_food with their `_id`; a POST with a stored `_id` replaces it.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { findByKeys, invalidateDocuments, listDocuments, served } from "./documents-store.ts";
import { iso, purify, readDocuments } from "./http.ts";
import { demandObjectIdParam, demandObjectIds, newObjectId } from "./ids.ts";
import type { CollectionSpec } from "./query.ts";
import { userD1 } from "../db/shards.ts";
import { publishStorageChange } from "./socketio-publish.ts";

const foodSpec: CollectionSpec = {
  fields: { created_at: { sql: "d.time", kind: "time" } },
  json: "d.doc",
  regexFields: new Set(["name", "category", "subcategory"]),
  intFields: new Set(),
  dateFields: new Set(["created_at"]),
  timeSql: "d.time",
  id: (values) => ({ sql: values.map(() => "d.ns_id = ?").join(" OR ") || "0", params: values.map((v) => v.toLowerCase()) }),
};

const ALL = 100_000;

async function list(c: Context<AppEnv>, where: (d: Record<string, unknown>) => boolean, sort?: (a: Record<string, unknown>, b: Record<string, unknown>) => number) {
  const docs = (await listDocuments(c, "nightscout_food", foodSpec, [], ALL, { defaultWindow: false })).map(served).filter(where);
  return c.json(sort ? docs.sort(sort) : docs, 200);
}

async function save(c: Context<AppEnv>) {
  const { items } = await readDocuments(c);
  const badAt = items.findIndex((d) => !d || typeof d !== "object" || Array.isArray(d));
  if (badAt !== -1) throw new ApiError(400, "bad_request", "Each food must be an object", [{ path: String(badAt), message: "must be an object" }]);
  demandObjectIds(items);
  const now = Date.now();
  const docs = items.map((raw) => purify({ ...(raw as Record<string, unknown>) }));
  const ids = docs.map((d) => (d._id ? String(d._id).toLowerCase() : newObjectId(now)));
  const found = await findByKeys(c, "nightscout_food", { nsIds: ids, identifiers: [], pairs: [] });
  const rows = new Map(found.map((s) => [s.nsId, s.rowId]));
  const d1 = await userD1(c);
  const userId = c.get("user").id;
  const statements = docs.map((d, i) => {
    delete d._id;
    if (!d.created_at) d.created_at = iso(now);
    const time = Number.isFinite(Date.parse(String(d.created_at))) ? Date.parse(String(d.created_at)) : now;
    const json = JSON.stringify(d);
    const row = rows.get(ids[i]!);
    return row
      ? d1.prepare("UPDATE nightscout_food SET doc = ?1, time = ?2, srv_modified = ?3, is_valid = 1 WHERE user_id = ?4 AND id = ?5").bind(json, time, now, userId, row)
      : d1.prepare("INSERT INTO nightscout_food (user_id, ns_id, time, doc, srv_created, srv_modified) VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (user_id, ns_id) DO UPDATE SET doc = excluded.doc, time = excluded.time, srv_modified = excluded.srv_modified, is_valid = 1").bind(userId, ids[i], time, json, now);
  });
  if (statements.length) await d1.batch(statements);
  // A food without identifier is known to API v3 by its `_id`.
  publishStorageChange(c, "food", "stored", ids);
  return c.json(docs.map((d, i) => ({ ...d, _id: ids[i] })), 200);
}

export const foodRoutes = new Hono<AppEnv>();

for (const path of ["/food", "/food/", "/food.json"]) {
  foodRoutes.get(path, (c) => list(c, () => true));
  foodRoutes.post(path, save);
  foodRoutes.put(path, save);
}
foodRoutes.get("/food/quickpicks", (c) => list(c, (d) => d.type === "quickpick" && String(d.hidden) === "false", (a, b) => Number(a.position ?? 0) - Number(b.position ?? 0)));
foodRoutes.get("/food/regular", (c) => list(c, (d) => d.type === "food"));
foodRoutes.delete("/food/:id", async (c) => {
  const id = c.req.param("id");
  demandObjectIdParam(id);
  await invalidateDocuments(c, "nightscout_food", foodSpec, [{ field: "_id", op: "$eq", values: [id], key: "_id" }]);
  return c.json({}, 200);
});
