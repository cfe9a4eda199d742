/**
 * @module worker/nightscout/entries-store
 * Nightscout entries on top of glucose_readings, the one home of glucose values (analytics, live
 * alerts and the storage budget of ~24 bytes a reading depend on it; no JSON document per reading).
 *
 * - An entry is a reading: `device` is its source, `mbg` entries the source "<device> (meter)"
 *   (as the importers name meter readings), `type` follows from that.
 * - Its `_id` is derived from (time, source) (worker/nightscout/ids.ts). The other fields a client
 *   sent (noise/filtered/unfiltered/rssi/delta, a non-zero utcOffset) are JSON in the reading's
 *   `ns_extra`, so such an upload writes one row; what clients look a reading up by (its own
 *   24-hex `_id`, an `identifier`) is in nightscout_entry_ids, only for readings that have one.
 * - Nightscout's duplicate rule (lib/server/entries.js upsertQueryFor: sysTime + type, whichever
 *   device) decides: an entry at the time of a stored reading of its type updates that reading
 *   (value, trend; the source stays) instead of adding another.
 * - New readings go through worker/services/ingest.ts storeReadings, so the live monitor and the
 *   insights back-fill hear of them as of any upload. Each step is one statement per chunk of
 *   5,000 rows (rows travel as one JSON parameter: D1 binds at most 100), never one per item.
 */
import type { Context } from "hono";
import { getDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { trendFromCode, trendToCode, type TrendDirection } from "../../vocabulary/trend.ts";
import { sourceIds, type NewReading } from "../repositories/readings.ts";
import { storeReadings } from "../services/ingest.ts";
import { readingObjectId } from "./ids.ts";
import { iso } from "./http.ts";
import { userD1 } from "../db/shards.ts";

export const METER_SUFFIX = " (meter)";
const CHUNK = 5_000;

export interface EntryWrite {
  reading: NewReading;
  type: "sgv" | "mbg";
  clientId: string | null;
  identifier: string | null;
  /** Extra fields to keep (noise, filtered, …), or null. */
  extra: Record<string, unknown> | null;
  /** API v3's server times for this write (worker/nightscout/v3/entries.ts). */
  serverTimes?: { created: number; modified: number };
}

export interface EntryRow {
  time: number;
  source_id: number;
  value_tenths: number;
  trend: number | null;
  name: string;
  client_id: string | null;
  identifier: string | null;
  extra: string | null;
}

/** The served Nightscout document of a stored reading; `sgv`/`mbg` always whole mg/dL. */
export function entryDoc(r: EntryRow): Record<string, unknown> {
  const meter = r.name.endsWith(METER_SUFFIX);
  const extra = r.extra ? (JSON.parse(r.extra) as Record<string, unknown>) : {};
  const value = Math.round(r.value_tenths / 10);
  const doc: Record<string, unknown> = {
    _id: r.client_id ?? readingObjectId(r.time, r.source_id),
    device: meter ? r.name.slice(0, -METER_SUFFIX.length) : r.name,
    date: r.time,
    dateString: iso(r.time),
    sysTime: iso(r.time),
    type: meter ? "mbg" : "sgv",
    utcOffset: 0,
    ...extra,
  };
  if (meter) doc.mbg = value;
  else {
    doc.sgv = value;
    doc.direction = trendFromCode(r.trend) ?? "NONE";
  }
  if (r.identifier) doc.identifier = r.identifier;
  return doc;
}

/** The columns of an {@link EntryRow}, with the tables of {@link ENTRY_JOINS}. */
export const ENTRY_COLUMNS = "r.time, r.source_id, r.value_tenths, r.trend, s.name, x.client_id, x.identifier, r.ns_extra AS extra";
/** The readings (`r`) with their source (`s`) and their Nightscout ids, if any (`x`). */
export const ENTRY_JOINS = `FROM glucose_readings r JOIN glucose_sources s ON s.id = r.source_id
  LEFT JOIN nightscout_entry_ids x ON x.user_id = r.user_id AND x.time = r.time AND x.source_id = r.source_id`;
/** SELECT list and joins shared by every entries read. */
export const ENTRY_FROM = `SELECT ${ENTRY_COLUMNS} ${ENTRY_JOINS}`;

/**
 * Upserts entries (already validated) and answers each one's stored document, in order.
 * Within the batch, a later entry with the same time and type replaces an earlier one (Mongo's
 * ordered bulk upsert does the same).
 */
export async function upsertEntries(c: Context<AppEnv>, writes: EntryWrite[]): Promise<Record<string, unknown>[]> {
  if (!writes.length) return [];
  const userId = c.get("user").id;
  const d1 = await userD1(c);
  const keyOf = (w: EntryWrite) => `${w.reading.time}:${w.type}`;
  const last = new Map<string, EntryWrite>();
  for (const w of writes) last.set(keyOf(w), w);
  const unique = [...last.values()];

  // Stored readings at those times, of either type and any source.
  const existing = new Map<string, { sourceId: number; name: string; tenths: number; trend: number | null; extra: string | null }>();
  const times = [...new Set(unique.map((w) => w.reading.time))];
  const findStmt = d1.prepare(`SELECT r.time, r.source_id, r.value_tenths, r.trend, r.ns_extra, s.name FROM glucose_readings r JOIN glucose_sources s ON s.id = r.source_id
    WHERE r.user_id = ?1 AND r.time IN (SELECT value FROM json_each(?2)) ORDER BY r.source_id`);
  const found = await d1.batch(chunks(times, CHUNK * 4).map((part) => findStmt.bind(userId, JSON.stringify(part))));
  for (const res of found) {
    for (const row of res.results as { time: number; source_id: number; value_tenths: number; trend: number | null; ns_extra: string | null; name: string }[]) {
      const key = `${row.time}:${row.name.endsWith(METER_SUFFIX) ? "mbg" : "sgv"}`;
      if (!existing.has(key)) existing.set(key, { sourceId: row.source_id, name: row.name, tenths: row.value_tenths, trend: row.trend, extra: row.ns_extra });
    }
  }

  const extraOf = (w: EntryWrite) => (w.extra ? JSON.stringify(w.extra) : null);
  const fresh = unique.filter((w) => !existing.has(keyOf(w)));
  // Only readings whose value, trend or extra fields changed are written again (a retry writes nothing).
  const updates = unique.filter((w) => {
    const e = existing.get(keyOf(w));
    const trend = trendToCode(w.reading.trend);
    const extra = extraOf(w);
    return e && (e.tenths !== Math.round(w.reading.value * 10) || (trend !== null && trend !== e.trend) || (extra !== null && extra !== e.extra));
  });
  await storeReadings(c, fresh.map((w) => ({ ...w.reading, nsExtra: extraOf(w) })));
  const ids = await sourceIds(getDb(d1), userId, fresh.map((w) => w.reading.source));
  const stored = new Map<string, { sourceId: number; name: string }>(existing);
  for (const w of fresh) stored.set(keyOf(w), { sourceId: ids.get(w.reading.source)!, name: w.reading.source });

  const statements: D1PreparedStatement[] = [];
  // One statement per changed reading, all in the batch below: an UPDATE … FROM json_each was
  // planned as a scan of the user's readings per JSON row (minutes for 10,000 readings).
  const update = d1.prepare(`UPDATE glucose_readings SET value_tenths = ?4, trend = coalesce(?5, trend), ns_extra = coalesce(?6, ns_extra) WHERE user_id = ?1 AND time = ?2 AND source_id = ?3`);
  for (const w of updates) statements.push(update.bind(userId, w.reading.time, stored.get(keyOf(w))!.sourceId, Math.round(w.reading.value * 10), trendToCode(w.reading.trend), extraOf(w)));
  // A new reading starts with no ids: any row left by a reading deleted elsewhere goes first.
  const freshKeys = fresh.map((w) => [w.reading.time, stored.get(keyOf(w))!.sourceId]);
  const orphans = d1.prepare(`DELETE FROM nightscout_entry_ids WHERE user_id = ?1 AND (time, source_id) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?2))`);
  for (const part of chunks(freshKeys, CHUNK)) statements.push(orphans.bind(userId, JSON.stringify(part)));
  // API v3's writes stamp their server times in the same row write. A v1 write leaves them as they
  // are, and an unchanged id is not written again (the upsert's WHERE): a retry writes no row here.
  const withIds = unique.filter((w) => w.clientId || w.identifier || w.serverTimes);
  const idsUpsert = d1.prepare(`INSERT INTO nightscout_entry_ids (user_id, time, source_id, client_id, identifier, srv_created, srv_modified)
    SELECT ?1, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'),
      json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]')
    FROM json_each(?2) AS j WHERE true
    ON CONFLICT (user_id, time, source_id) DO UPDATE SET client_id = coalesce(excluded.client_id, client_id), identifier = coalesce(excluded.identifier, identifier),
      srv_created = coalesce(excluded.srv_created, srv_created), srv_modified = coalesce(excluded.srv_modified, srv_modified)
      WHERE excluded.srv_modified IS NOT NULL OR coalesce(excluded.client_id, client_id) IS NOT client_id OR coalesce(excluded.identifier, identifier) IS NOT identifier`);
  for (const part of chunks(withIds, CHUNK)) {
    const rows = part.map((w) => [w.reading.time, stored.get(keyOf(w))!.sourceId, w.clientId, w.identifier, w.serverTimes?.created ?? null, w.serverTimes?.modified ?? null]);
    statements.push(idsUpsert.bind(userId, JSON.stringify(rows)));
  }
  if (statements.length) await d1.batch(statements);

  return writes.map((w) => {
    const s = stored.get(keyOf(last.get(keyOf(w))!))!;
    const winner = last.get(keyOf(w))!;
    return entryDoc({
      time: w.reading.time,
      source_id: s.sourceId,
      value_tenths: Math.round(winner.reading.value * 10),
      trend: trendToCode(winner.reading.trend),
      name: s.name,
      client_id: winner.clientId,
      identifier: winner.identifier,
      extra: winner.extra ? JSON.stringify(winner.extra) : null,
    });
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Deletes the readings matched by `where` (and their ids); answers how many. */
export async function deleteEntries(c: Context<AppEnv>, where: string[], params: unknown[], limit: number | null): Promise<number> {
  const userId = c.get("user").id;
  const d1 = await userD1(c);
  const keys = await d1
    .prepare(`SELECT r.time, r.source_id FROM glucose_readings r JOIN glucose_sources s ON s.id = r.source_id
      LEFT JOIN nightscout_entry_ids x ON x.user_id = r.user_id AND x.time = r.time AND x.source_id = r.source_id
      WHERE r.user_id = ? ${where.map((w) => `AND ${w}`).join(" ")} ORDER BY r.time DESC ${limit ? `LIMIT ${limit}` : ""}`)
    .bind(userId, ...params)
    .all<{ time: number; source_id: number }>();
  const rows = keys.results.map((k) => [k.time, k.source_id]);
  if (!rows.length) return 0;
  const statements: D1PreparedStatement[] = [];
  for (const part of chunks(rows, CHUNK)) {
    const json = JSON.stringify(part);
    statements.push(
      d1.prepare(`DELETE FROM glucose_readings WHERE user_id = ?1 AND (time, source_id) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?2))`).bind(userId, json),
      d1.prepare(`DELETE FROM nightscout_entry_ids WHERE user_id = ?1 AND (time, source_id) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?2))`).bind(userId, json),
    );
  }
  const results = await d1.batch(statements);
  return results.filter((_, i) => i % 2 === 0).reduce((n, r) => n + r.meta.changes, 0);
}

export type { TrendDirection };
