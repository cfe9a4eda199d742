/**
 * @module worker/nightscout/devicestatus
 * `/api/v1/devicestatus` as lib/api/devicestatus/index.js and lib/server/devicestatus.js serve it:
 * POST one or an array (stored as received, purified, created_at as sent or now, with its
 * utcOffset), GET newest first (`count` 10 by default, Nightscout's default window), DELETE by
 * `_id` or `find`. Nightscout inserts every POST; here a retry stores nothing twice: a document
 * is the same as a stored one by `identifier`, else by its 24-hex `_id`, else by created_at +
 * device, and then replaces it.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import type { FieldError } from "../lib/errors.ts";
import { MAX_FUTURE_MS, MIN_TIME } from "../schemas/common.ts";
import { batchWrote, findByKeys, invalidateDocuments, listDocuments, served, upsertUntilStored } from "./documents-store.ts";
import { publishToSockets } from "./socketio-publish.ts";
import { batchAnswer, countOf, iso, parseDocTime, purify, readDocuments, utcOffsetOf, type ItemResult } from "./http.ts";
import { demandObjectIdParam, demandObjectIds, isObjectId, newObjectId } from "./ids.ts";
import { parseFind, type CollectionSpec, type Condition } from "./query.ts";
import { userD1 } from "../db/shards.ts";

export const deviceStatusSpec: CollectionSpec & { table: "device_statuses" } = {
  table: "device_statuses",
  fields: {
    created_at: { sql: "d.time", kind: "time" },
    device: { sql: "d.device", kind: "text" },
    identifier: { sql: "d.identifier", kind: "text" },
  },
  json: "d.doc",
  regexFields: new Set(["device"]),
  intFields: new Set(),
  dateFields: new Set(["created_at"]),
  timeSql: "d.time",
  id: (values) => ({ sql: values.map(() => "d.ns_id = ? OR d.identifier = ?").join(" OR ") || "0", params: values.flatMap((v) => [v.toLowerCase(), v]) }),
};

interface Prepared {
  doc: Record<string, unknown>;
  time: number;
  device: string | null;
  identifier: string | null;
  clientId: string | null;
}

function prepare(raw: unknown, i: number, now: number): { ok: true; p: Prepared } | { ok: false; fields: FieldError[] } {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { ok: false, fields: [{ path: String(i), message: "must be an object" }] };
  const doc = purify({ ...(raw as Record<string, unknown>) });
  let time = now;
  if (doc.created_at !== undefined && doc.created_at !== null && doc.created_at !== "") {
    const t = parseDocTime(doc.created_at);
    if (t === null) return { ok: false, fields: [{ path: `${i}.created_at`, message: "must be an ISO 8601 date or epoch milliseconds" }] };
    if (t < MIN_TIME || t > now + MAX_FUTURE_MS) return { ok: false, fields: [{ path: `${i}.created_at`, message: "must be after 1990-01-01 and at most a day in the future" }] };
    time = t;
  }
  if (doc.device !== undefined && doc.device !== null && typeof doc.device !== "string") return { ok: false, fields: [{ path: `${i}.device`, message: "must be a string" }] };
  const offset = utcOffsetOf(doc.created_at);
  doc.created_at = iso(time);
  doc.utcOffset = offset;
  truncatePredictions(doc);
  const sentId = doc._id;
  delete doc._id;
  const clientId = isObjectId(sentId) ? sentId.toLowerCase() : null;
  const identifier = typeof doc.identifier === "string" && doc.identifier ? doc.identifier.slice(0, 200) : typeof sentId === "string" && sentId && !clientId ? sentId.slice(0, 200) : null;
  return { ok: true, p: { doc, time, device: typeof doc.device === "string" ? doc.device : null, identifier, clientId } };
}

/**
 * A new device status, only while no row holds its `_id` (?6), its identifier (?4) or, when it is
 * matched by them (?8 = 1), its created_at + device. One NOT EXISTS per key, each an index lookup.
 */
export const INSERT_DEVICE_STATUS_SQL = `INSERT INTO device_statuses (user_id, time, device, identifier, doc, ns_id, srv_created, srv_modified)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7
  WHERE NOT EXISTS (SELECT 1 FROM device_statuses WHERE user_id = ?1 AND ns_id = ?6)
    AND NOT EXISTS (SELECT 1 FROM device_statuses WHERE user_id = ?1 AND identifier = ?4)
    AND NOT EXISTS (SELECT 1 FROM device_statuses WHERE ?8 = 1 AND user_id = ?1 AND time = ?2 AND coalesce(device, '') = coalesce(?3, ''))`;

const upsert = (c: Context<AppEnv>, prepared: Prepared[]) => upsertUntilStored(prepared, (items) => upsertOnce(c, items));

/** One round of upsert: null for the items whose conditional insert lost to a concurrent request. */
async function upsertOnce(c: Context<AppEnv>, prepared: Prepared[]): Promise<(Record<string, unknown> | null)[]> {
  if (!prepared.length) return [];
  const found = await findByKeys(c, "device_statuses", {
    nsIds: prepared.flatMap((p) => (p.clientId ? [p.clientId] : [])),
    identifiers: prepared.flatMap((p) => (p.identifier ? [p.identifier] : [])),
    pairs: prepared.map((p) => [p.time, p.device ?? ""]),
    pairColumn: "coalesce(d.device, '')",
  });
  // `insert`: the statement that creates the document, for the items answered with it.
  const byKey = new Map<string, { rowId: number | null; nsId: string; insert?: number }>();
  for (const s of found) {
    const t = { rowId: s.rowId, nsId: s.nsId };
    for (const k of [...(s.identifier ? [`i:${s.identifier}`] : []), `n:${s.nsId}`, `t:${s.time}:${s.pair}`]) if (!byKey.has(k)) byKey.set(k, t);
  }
  const storedDoc = new Map(found.map((s) => [s.rowId, s.isValid ? JSON.stringify(s.doc) : null]));
  const d1 = await userD1(c);
  const now = Date.now();
  const userId = c.get("user").id;
  const statements: D1PreparedStatement[] = [];
  const out: Record<string, unknown>[] = [];
  const answeredBy: (number | undefined)[] = [];
  for (const p of prepared) {
    const key = p.identifier ? `i:${p.identifier}` : p.clientId ? `n:${p.clientId}` : `t:${p.time}:${p.device ?? ""}`;
    const target = byKey.get(key);
    const json = JSON.stringify(p.doc);
    if (target?.rowId && storedDoc.get(target.rowId) === json) {
      out.push({ ...p.doc, _id: target.nsId });
      continue;
    }
    if (target?.rowId) {
      statements.push(d1.prepare(`UPDATE device_statuses SET time = ?1, device = ?2, identifier = coalesce(?3, identifier), doc = ?4, srv_modified = ?5, is_valid = 1 WHERE user_id = ?6 AND id = ?7`).bind(p.time, p.device, p.identifier, json, now, userId, target.rowId));
      storedDoc.set(target.rowId, json);
      out.push({ ...p.doc, _id: target.nsId });
      continue;
    }
    const nsId = target?.nsId ?? p.clientId ?? newObjectId(now);
    if (!target) {
      // Only while no row holds the key it was matched by (identifier, _id, else created_at + device):
      // a concurrent request may have stored it since the read.
      const byPair = !p.identifier && !p.clientId ? 1 : 0;
      statements.push(
        d1
          .prepare(INSERT_DEVICE_STATUS_SQL)
          .bind(userId, p.time, p.device, p.identifier, json, nsId, now, byPair),
      );
      const t = { rowId: null, nsId, insert: statements.length - 1 };
      for (const k of [...(p.identifier ? [`i:${p.identifier}`] : []), `n:${nsId}`, `t:${p.time}:${p.device ?? ""}`]) byKey.set(k, t);
    }
    answeredBy[out.length] = byKey.get(key)?.insert;
    out.push({ ...p.doc, _id: nsId });
  }
  if (!statements.length) return out;
  const wrote = await batchWrote(d1, statements);
  return out.map((doc, i) => (answeredBy[i] === undefined || wrote[answeredBy[i]!] ? doc : null));
}

/** lib/server/env.js: PREDICTIONS_MAX_SIZE's default (5-minute steps over a day). */
const PREDICTIONS_MAX = 288;
const PREDICTION_TYPES = ["IOB", "COB", "UAM", "ZT"];

/** lib/server/devicestatus.js truncatePredictions: OpenAPS's predBGs (suggested and enacted) cut to PREDICTIONS_MAX each. */
function truncatePredictions(doc: Record<string, unknown>): void {
  const openaps = doc.openaps as Record<string, { predBGs?: Record<string, unknown> } | undefined> | undefined;
  if (!openaps || typeof openaps !== "object") return;
  for (const part of [openaps.suggested, openaps.enacted]) {
    const predBGs = part && typeof part === "object" ? part.predBGs : undefined;
    if (!predBGs || typeof predBGs !== "object") continue;
    for (const type of PREDICTION_TYPES) {
      const series = predBGs[type];
      if (Array.isArray(series) && series.length > PREDICTIONS_MAX) predBGs[type] = series.slice(0, PREDICTIONS_MAX);
    }
  }
}

async function postStatuses(c: Context<AppEnv>) {
  const { items, single } = await readDocuments(c);
  demandObjectIds(items);
  const now = Date.now();
  const prepared = items.map((raw, i) => prepare(raw, i, now));
  const stored = await upsert(c, prepared.flatMap((p) => (p.ok ? [p.p] : [])));
  publishToSockets(c, { devicestatus: stored });
  let next = 0;
  const results: ItemResult[] = prepared.map((p) => (p.ok ? { ok: true, doc: stored[next++]! } : { ok: false, fields: p.fields }));
  return batchAnswer(c, results, single);
}

async function listStatuses(c: Context<AppEnv>) {
  const conditions = parseFind(new URL(c.req.url).searchParams);
  const docs = await listDocuments(c, "device_statuses", deviceStatusSpec, conditions, countOf(c, 10), { defaultWindow: true });
  return c.json(docs.map(served), 200);
}

async function removeStatuses(c: Context<AppEnv>, conditions: Condition[]) {
  const n = (await invalidateDocuments(c, "device_statuses", deviceStatusSpec, conditions)).length;
  return c.json({ acknowledged: true, deletedCount: n, n, ok: 1 }, 200);
}

export const deviceStatusRoutes = new Hono<AppEnv>();

for (const path of ["/devicestatus", "/devicestatus/", "/devicestatus.json"]) {
  deviceStatusRoutes.get(path, listStatuses);
  deviceStatusRoutes.post(path, postStatuses);
  deviceStatusRoutes.delete(path, (c) => removeStatuses(c, parseFind(new URL(c.req.url).searchParams)));
}
deviceStatusRoutes.delete("/devicestatus/:id", (c) => {
  const id = c.req.param("id").replace(/\.json$/, "");
  demandObjectIdParam(id, true);
  const conditions = parseFind(new URL(c.req.url).searchParams).filter((x) => x.field !== "_id");
  if (id !== "*") conditions.push({ field: "_id", op: "$eq", values: [id], key: "_id" });
  return removeStatuses(c, conditions);
});

/** Stores device statuses fetched from another Nightscout site (a bridge), as a POST would; invalid ones are skipped. */
export async function importDeviceStatuses(c: Context<AppEnv>, items: unknown[]): Promise<number> {
  const now = Date.now();
  return (await upsert(c, items.map((raw, i) => prepare(raw, i, now)).flatMap((p) => (p.ok ? [p.p] : [])))).length;
}
