/**
 * @module worker/nightscout/v3/entries
 * API v3's `entries` over glucose_readings (+ nightscout_entry_ids), as v1 serves them
 * (worker/nightscout/entries-store.ts entryDoc). A reading's identifier is the one a client sent
 * (nightscout_entry_ids), else its v1 `_id` (a client's 24-hex `_id`, or the one derived from time and source),
 * so it is stable. Its srvCreated/srvModified are those API v3 stamped on its ids row, else its
 * date (Nightscout's fallbackDate for documents without them, lib/api3/generic/setup.js). A reading
 * deleted through v3 leaves a tombstone (nightscout_entry_tombstones) for history and 410.
 * Only `sgv` and `mbg` entries are stored (readings); `cal` is refused.
 */
// Nightscout's v1 documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { userD1 } from "../../db/shards.ts";
import { parseEntry } from "../entries.ts";
import { deleteEntries, ENTRY_COLUMNS, ENTRY_JOINS, entryDoc, METER_SUFFIX, upsertEntries, type EntryRow } from "../entries-store.ts";
import { parseReadingObjectId } from "../ids.ts";
import type { Collection, Column, Doc, RowQuery, Stored } from "./collection.ts";
import { V3Error } from "./respond.ts";

type Row = EntryRow & { srv_created: number | null; srv_modified: number | null };

const FROM = `SELECT ${ENTRY_COLUMNS}, x.srv_created, x.srv_modified ${ENTRY_JOINS}`;
const IDENTIFIER = `coalesce(x.identifier, x.client_id, printf('%012x%012x', r.time, r.source_id))`;
const SRV_MODIFIED = `max(r.time, coalesce(x.srv_modified, 0))`;
const TYPE = `(CASE WHEN s.name LIKE '% (meter)' THEN 'mbg' ELSE 'sgv' END)`;
const DEVICE = `(CASE WHEN s.name LIKE '% (meter)' THEN substr(s.name, 1, length(s.name) - ${METER_SUFFIX.length}) ELSE s.name END)`;

/** Fields of a v3 entry kept with the reading besides what v1 keeps. */
const V3_KEPT = ["app", "units", "utcOffset", "isReadOnly", "subject", "modifiedBy"];

function toStored(r: Row): Stored {
  const doc: Doc = entryDoc(r);
  delete doc._id;
  doc.identifier = r.identifier ?? r.client_id ?? doc.identifier ?? entryDoc({ ...r, client_id: null })._id;
  doc.srvCreated = r.srv_created ?? r.time;
  doc.srvModified = Math.max(r.time, r.srv_modified ?? 0);
  return { doc, key: [r.time, r.source_id], valid: true };
}

async function rows(c: Context<AppEnv>, q: RowQuery): Promise<Stored[]> {
  const res = await (await userD1(c)).prepare(`${FROM} WHERE r.user_id = ? ${q.where.map((w) => `AND ${w}`).join(" ")} ORDER BY ${q.order} LIMIT ${q.limit} OFFSET ${q.offset}`)
    .bind(c.get("user").id, ...q.params)
    .all<Row>();
  return res.results.map(toStored);
}

async function tombstone(c: Context<AppEnv>, identifier: string): Promise<Stored | null> {
  const t = await (await userD1(c)).prepare(`SELECT doc FROM nightscout_entry_tombstones WHERE user_id = ? AND identifier = ?`).bind(c.get("user").id, identifier).first<{ doc: string }>();
  return t ? { doc: JSON.parse(t.doc) as Doc, key: null, valid: false } : null;
}

/**
 * The reading a v3 identifier names, by `identifier` or by client `_id`. Two SELECTs rather than
 * one `identifier = ?2 OR client_id = ?2`: SQLite answers the OR by scanning the user's whole
 * primary-key range, while each half here is a search of its own (partial) index.
 */
export const ENTRY_BY_IDENTIFIER_SQL = `SELECT time, source_id FROM nightscout_entry_ids WHERE user_id = ?1 AND identifier = ?2
  UNION ALL SELECT time, source_id FROM nightscout_entry_ids WHERE user_id = ?1 AND client_id = lower(?2) LIMIT 1`;

async function findOne(c: Context<AppEnv>, identifier: string): Promise<Stored | null> {
  const userId = c.get("user").id;
  // A sent identifier or client `_id` (nightscout_entry_ids, indexed), else a derived `_id` names (time, source).
  const x = await (await userD1(c)).prepare(ENTRY_BY_IDENTIFIER_SQL).bind(userId, identifier).first<{ time: number; source_id: number }>();
  const key = x ? { time: x.time, sourceId: x.source_id } : parseReadingObjectId(identifier);
  if (key) {
    const found = (await rows(c, { where: ["r.time = ?", "r.source_id = ?"], params: [key.time, key.sourceId], order: "r.time", limit: 1, offset: 0, includeInvalid: false }))[0];
    if (found) return found;
  }
  return tombstone(c, identifier);
}

/** The reading a v3 entry describes (v1's parseEntry checks it); 400 naming the field otherwise. */
function toWrite(doc: Doc, now: number) {
  const parsed = parseEntry({ ...doc, _id: undefined }, 0, now);
  if (parsed.kind === "cal") throw new V3Error(400, "Bad or missing type field", [{ path: "type", message: 'must be "sgv" or "mbg" (calibrations are not stored)' }]);
  if (parsed.kind === "bad") {
    const fields = parsed.fields.map((f) => ({ path: f.path.replace(/^0\.?/, "") || "body", message: f.message }));
    throw new V3Error(400, `Bad or missing ${fields[0]!.path} field`, fields);
  }
  const w = parsed.write;
  const extra: Record<string, unknown> = { ...w.extra };
  for (const k of V3_KEPT) if (doc[k] !== undefined && doc[k] !== null && doc[k] !== 0) extra[k] = doc[k];
  w.extra = Object.keys(extra).length ? extra : null;
  w.identifier = String(doc.identifier);
  return w;
}

async function write(c: Context<AppEnv>, doc: Doc, now: number, created: number) {
  const w = toWrite(doc, now);
  await upsertEntries(c, [{ ...w, serverTimes: { created, modified: now } }]);
  await (await userD1(c)).prepare(`DELETE FROM nightscout_entry_tombstones WHERE user_id = ? AND identifier = ?`).bind(c.get("user").id, w.identifier).run();
}

async function remove(c: Context<AppEnv>, stored: Stored, now: number | null, modifiedBy: string | null = null) {
  if (!stored.key) {
    if (now === null) await (await userD1(c)).prepare(`DELETE FROM nightscout_entry_tombstones WHERE user_id = ? AND identifier = ?`).bind(c.get("user").id, stored.doc.identifier).run();
    return;
  }
  const [time, sourceId] = stored.key as [number, number];
  await deleteEntries(c, ["r.time = ?", "r.source_id = ?"], [time, sourceId], 1);
  if (now !== null) {
    const doc = { ...stored.doc, isValid: false, srvModified: now, ...(modifiedBy ? { modifiedBy } : {}) };
    await (await userD1(c)).prepare(`INSERT INTO nightscout_entry_tombstones (user_id, identifier, time, doc, srv_modified) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, identifier) DO UPDATE SET time = excluded.time, doc = excluded.doc, srv_modified = excluded.srv_modified`)
      .bind(c.get("user").id, stored.doc.identifier, time, JSON.stringify(doc), now)
      .run();
  }
}

const columns: Record<string, Column> = {
  identifier: { sql: IDENTIFIER, kind: "text" },
  date: { sql: "r.time", kind: "time" },
  srvModified: { sql: SRV_MODIFIED, kind: "number" },
  srvCreated: { sql: "coalesce(x.srv_created, r.time)", kind: "number" },
  type: { sql: TYPE, kind: "text" },
  device: { sql: DEVICE, kind: "text" },
};

export const entriesCollection: Collection = {
  name: "entries",
  dedupFallbackFields: ["date", "type"],
  columns,
  timeSql: "r.time",
  identifierSql: IDENTIFIER,
  srvModifiedSql: SRV_MODIFIED,
  rows,
  findOne,
  async findDuplicate(c, doc) {
    const byId = await findOne(c, String(doc.identifier));
    if (byId) return byId;
    if (typeof doc.date !== "number") return null;
    const type = doc.type ?? "sgv";
    // The fallback (date + type) matches readings without an identifier only (utils.js identifyingFilter).
    return (await rows(c, { where: ["r.time = ?", `${TYPE} = ?`, "x.identifier IS NULL"], params: [doc.date, type], order: "r.source_id", limit: 1, offset: 0, includeInvalid: false }))[0] ?? null;
  },
  insert: (c, doc, now) => write(c, doc, now, now),
  async replace(c, stored, doc, now) {
    if (stored.key) {
      const [time, sourceId] = stored.key as [number, number];
      // A reading moved in time or to another type is a new key: the old one goes.
      const w = toWrite(doc, now);
      const sameKey = w.reading.time === time && (w.type === "mbg") === (stored.doc.type === "mbg");
      if (!sameKey) await deleteEntries(c, ["r.time = ?", "r.source_id = ?"], [time, sourceId], 1);
    }
    await write(c, doc, now, stored.valid ? ((stored.doc.srvCreated as number | undefined) ?? now) : now);
  },
  markDeleted: (c, stored, now, modifiedBy) => remove(c, stored, now, modifiedBy),
  deletePermanently: (c, stored) => remove(c, stored, null),
  async history(c, since, inclusive, limit) {
    const op = inclusive ? ">=" : ">";
    const live = await rows(c, { where: [`(r.time ${op} ? OR x.srv_modified ${op} ?)`], params: [since, since], order: `${SRV_MODIFIED} ASC, r.time ASC`, limit, offset: 0, includeInvalid: true });
    const dead = await (await userD1(c)).prepare(`SELECT doc FROM nightscout_entry_tombstones WHERE user_id = ? AND srv_modified ${op} ? ORDER BY srv_modified LIMIT ${limit}`).bind(c.get("user").id, since).all<{ doc: string }>();
    const all = [...live, ...dead.results.map((t) => ({ doc: JSON.parse(t.doc) as Doc, key: null, valid: false }))];
    return all.sort((a, b) => (a.doc.srvModified as number) - (b.doc.srvModified as number)).slice(0, limit);
  },
  async lastModified(c) {
    const userId = c.get("user").id;
    const r = await (await userD1(c)).prepare(
      `SELECT max((SELECT max(time) FROM glucose_readings WHERE user_id = ?1), coalesce((SELECT max(srv_modified) FROM nightscout_entry_ids WHERE user_id = ?1), 0), coalesce((SELECT max(srv_modified) FROM nightscout_entry_tombstones WHERE user_id = ?1), 0)) AS m`,
    )
      .bind(userId)
      .first<{ m: number | null }>();
    return r?.m || null;
  },
};
