/**
 * @module worker/nightscout/v3/documents
 * The document collections of API v3 over the tables API v1 already writes (treatments,
 * devicestatus, food, profile) and `nightscout_settings`: one row per document with its `_id`
 * (`ns_id`, or `id` for profiles), `identifier`, time, JSON, `srv_created`, `srv_modified` and
 * `is_valid`. A document's v3 identifier is its `identifier`, else its `_id`
 * (storage/mongoCollection/utils.js normalizeDoc), so documents written through v1 are served,
 * updated and deleted by v3 alike, and changes made through either show in v3 history.
 */
// Nightscout's v1 documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { userD1 } from "../../db/shards.ts";
import { iso, purify } from "../http.ts";
import { isObjectId, newObjectId } from "../ids.ts";
import type { Collection, ColName, Column, Doc, RowQuery, Stored } from "./collection.ts";

export interface Row {
  rowid: unknown;
  ns_id: string;
  identifier: string | null;
  time: number;
  doc: string;
  srv_created: number;
  srv_modified: number;
  is_valid: number;
}

/** Fields that are columns of every row, not part of the stored JSON. */
export const SERVER_FIELDS = ["identifier", "srvCreated", "srvModified", "isValid", "_id"];

export interface DocumentTable {
  name: ColName;
  table: string;
  /** The row key and the `_id` column (profiles: both `id`), and the time column, as SQL on `d`. */
  rowid: string;
  nsId: string;
  time: string;
  /** Columns written besides the shared ones (devicestatus: device; profiles: start_date, doc_hash). */
  extraWrite?: (doc: Doc, time: number) => Promise<Record<string, unknown>> | Record<string, unknown>;
  dedupFallbackFields: string[];
  /**
   * setup.js fallbackDateField (created_at; settings have none): lastModified.js answers the later
   * of the newest srvModified and the newest value of this field, so the time column counts too.
   */
  fallbackDate: boolean;
  /** Columns for filters beyond the shared ones. */
  extraColumns?: Record<string, Column>;
  /** The JSON stored for a v3 document (server fields removed). */
  toStoredJson?: (doc: Doc) => Doc;
  /** The served v3 document from the stored JSON and row. */
  fromRow?: (doc: Doc, row: Row) => Doc;
  /** Writes; the defaults suit the tables shaped like nightscout_food. */
  insert?: (c: Context<AppEnv>, doc: Doc, time: number, now: number) => Promise<void>;
  replace?: (c: Context<AppEnv>, stored: Stored, doc: Doc, time: number, now: number) => Promise<void>;
  markDeleted?: (c: Context<AppEnv>, stored: Stored, now: number, modifiedBy: string | null) => Promise<void>;
  deletePermanently?: (c: Context<AppEnv>, stored: Stored) => Promise<void>;
}

/** The time a v3 document is filed under: `date` (parsed by the operation), else created_at. */
export function timeOf(doc: Doc, now: number): number {
  if (typeof doc.date === "number") return doc.date;
  const t = typeof doc.created_at === "string" ? Date.parse(doc.created_at) : NaN;
  return Number.isFinite(t) ? t : now;
}

export const stripServerFields = (doc: Doc): Doc => Object.fromEntries(Object.entries(doc).filter(([k]) => !SERVER_FIELDS.includes(k) || k === "identifier"));

export function documentCollection(t: DocumentTable): Collection {
  const identifierSql = `coalesce(d.identifier, ${t.nsId})`;
  const columns: Record<string, Column> = {
    identifier: { sql: identifierSql, kind: "text" },
    srvModified: { sql: "d.srv_modified", kind: "number" },
    srvCreated: { sql: "d.srv_created", kind: "number" },
    date: { sql: t.time, kind: "time" },
    created_at: { sql: t.time, kind: "time" },
    ...t.extraColumns,
  };
  const nsIdCol = t.nsId.replace(/^d\./, "");
  const timeCol = t.time.replace(/^d\./, "");
  const select = `SELECT ${t.rowid} AS rowid, ${t.nsId} AS ns_id, d.identifier, ${t.time} AS time, d.doc, d.srv_created, d.srv_modified, d.is_valid FROM ${t.table} d`;
  const toStored = (r: Row): Stored => {
    const json = JSON.parse(r.doc) as Doc;
    delete json._id;
    const base = t.fromRow ? t.fromRow(json, r) : json;
    const doc: Doc = { ...base, identifier: r.identifier ?? r.ns_id, srvCreated: r.srv_created || r.time, srvModified: r.srv_modified || r.time };
    if (!r.is_valid) doc.isValid = false;
    return { doc, key: r.rowid, nsId: r.ns_id, valid: r.is_valid === 1 };
  };
  const rows = async (c: Context<AppEnv>, q: RowQuery) => {
    const where = [...(q.includeInvalid ? [] : ["d.is_valid = 1"]), ...q.where];
    const res = await (await userD1(c)).prepare(`${select} WHERE d.user_id = ? ${where.map((w) => `AND ${w}`).join(" ")} ORDER BY ${q.order} LIMIT ${q.limit} OFFSET ${q.offset}`)
      .bind(c.get("user").id, ...q.params)
      .all<Row>();
    return res.results.map(toStored);
  };
  const storedJson = (doc: Doc) => JSON.stringify(purify(t.toStoredJson ? t.toStoredJson(doc) : stripServerFields(doc)));
  return {
    name: t.name,
    dedupFallbackFields: t.dedupFallbackFields,
    columns,
    timeSql: t.time,
    identifierSql,
    srvModifiedSql: "d.srv_modified",
    rows,
    async findOne(c, identifier) {
      // filterForOne: the identifier, or the `_id` of a document (a v1 one has no identifier).
      const found = await rows(c, { where: [`(d.identifier = ? OR ${t.nsId} = ?)`], params: [identifier, identifier.toLowerCase()], order: "d.identifier IS NULL", limit: 1, offset: 0, includeInvalid: true });
      return found[0] ?? null;
    },
    async findDuplicate(c, doc) {
      const identifier = doc.identifier as string;
      const found = await rows(c, { where: [`(d.identifier = ? OR (d.identifier IS NULL AND ${t.nsId} = ?))`], params: [identifier, isObjectId(identifier) ? identifier.toLowerCase() : ""], order: "1", limit: 1, offset: 0, includeInvalid: true });
      if (found[0]) return found[0];
      const fields = t.dedupFallbackFields;
      if (!fields.length || !fields.every((f) => doc[f] !== undefined && doc[f] !== null)) return null;
      // The fallback matches documents without an identifier only (utils.js identifyingFilter).
      const where = ["d.identifier IS NULL"];
      const params: unknown[] = [];
      for (const f of fields) {
        const column = columns[f];
        if (column?.kind === "time") {
          where.push(`${column.sql} = ?`);
          params.push(timeOf({ [f === "date" ? "date" : "created_at"]: doc[f] }, NaN));
        } else {
          where.push(`${column ? column.sql : `json_extract(d.doc, '$."${f}"')`} = ?`);
          params.push(doc[f]);
        }
      }
      return (await rows(c, { where, params, order: "1", limit: 1, offset: 0, includeInvalid: false }))[0] ?? null;
    },
    async insert(c, doc, now) {
      const time = timeOf(doc, now);
      if (t.insert) return t.insert(c, doc, time, now);
      const json = storedJson({ ...doc, created_at: doc.created_at ?? iso(time) });
      const extra = Object.entries((await t.extraWrite?.(doc, time)) ?? {});
      await (await userD1(c)).prepare(
        `INSERT INTO ${t.table} (user_id, ${nsIdCol}, identifier, ${timeCol}, doc, srv_created, srv_modified${extra.map(([k]) => `, ${k}`).join("")}) VALUES (?, ?, ?, ?, ?, ?, ?${extra.map(() => ", ?").join("")})`,
      )
        .bind(c.get("user").id, newObjectId(now), doc.identifier, time, json, now, now, ...extra.map(([, v]) => v))
        .run();
    },
    async replace(c, stored, doc, now) {
      const time = timeOf(doc, now);
      if (t.replace) return t.replace(c, stored, doc, time, now);
      const json = storedJson({ ...doc, created_at: doc.created_at ?? iso(time) });
      const extra = Object.entries((await t.extraWrite?.(doc, time)) ?? {});
      await (await userD1(c)).prepare(`UPDATE ${t.table} AS d SET identifier = ?, ${timeCol} = ?, doc = ?, srv_modified = ?, is_valid = 1${extra.map(([k]) => `, ${k} = ?`).join("")} WHERE d.user_id = ? AND ${t.rowid} = ?`)
        .bind(doc.identifier, time, json, now, ...extra.map(([, v]) => v), c.get("user").id, stored.key)
        .run();
    },
    async markDeleted(c, stored, now, modifiedBy) {
      if (t.markDeleted) return t.markDeleted(c, stored, now, modifiedBy);
      await (await userD1(c))
        .prepare(`UPDATE ${t.table} AS d SET is_valid = 0, srv_modified = ?1, doc = CASE WHEN ?2 IS NULL THEN d.doc ELSE json_set(d.doc, '$.modifiedBy', ?2) END WHERE d.user_id = ?3 AND ${t.rowid} = ?4`)
        .bind(now, modifiedBy, c.get("user").id, stored.key)
        .run();
    },
    async deletePermanently(c, stored) {
      if (t.deletePermanently) return t.deletePermanently(c, stored);
      await (await userD1(c)).prepare(`DELETE FROM ${t.table} AS d WHERE d.user_id = ? AND ${t.rowid} = ?`).bind(c.get("user").id, stored.key).run();
    },
    async history(c, since, inclusive, limit) {
      return rows(c, { where: [`d.srv_modified ${inclusive ? ">=" : ">"} ?`], params: [since], order: `d.srv_modified ASC, ${t.rowid} ASC`, limit, offset: 0, includeInvalid: true });
    },
    async lastModified(c) {
      // mongoCollection getLastModified over every document (deleted ones too), for srvModified and the fallback date.
      const newest = t.fallbackDate ? `max(coalesce(max(d.srv_modified), 0), coalesce(max(${t.time}), 0))` : "max(d.srv_modified)";
      const r = await (await userD1(c)).prepare(`SELECT ${newest} AS m FROM ${t.table} d WHERE d.user_id = ?`).bind(c.get("user").id).first<{ m: number | null }>();
      return r?.m || null;
    },
  };
}
