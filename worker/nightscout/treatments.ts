/**
 * @module worker/nightscout/treatments
 * `/api/v1/treatments` as lib/api/treatments/index.js and lib/server/treatments.js serve it.
 *
 * - POST (one or an array) and PUT (one or an array) upsert: a document is the same as a stored
 *   one by `identifier` (a UUID sent as `_id` becomes the identifier, UUID_HANDLING), else by its
 *   24-hex `_id`, else by created_at + eventType (upsertQueryFor); the newer document replaces the
 *   stored one and keeps its `_id`. An identical retry writes nothing.
 * - prepareData: `created_at` from `eventTime`, else as sent, else now, kept as UTC ISO 8601 with
 *   the sent offset in `utcOffset`; glucose, targetTop, targetBottom, carbs, insulin, duration,
 *   percent, absolute, relative, preBolus become numbers, empty/zero ones are dropped as Nightscout
 *   drops them; `preBolus` with carbs splits the carbs into a second treatment preBolus minutes
 *   later; Announcements get `isAnnouncement`. Unlike Nightscout, a created_at that is not a date
 *   or a numeric field that is not a number is refused naming the field instead of becoming now/NaN.
 * - Strings are purified (worker/nightscout/http.ts purify).
 * - Each treatment is also mapped onto GlucoLens records, linked to it (record_links) and
 *   replaced or removed with it: carbs → a meal, insulin → an insulin dose, eventType Exercise →
 *   an activity, Note/Announcement/Question → a note (text `notes`, tag the event type); any other
 *   treatment with notes and nothing else to map → a note "<eventType>: <notes>".
 * - GET lists newest first, `count` defaulting to 100 (1000 with a `find`), within Nightscout's
 *   default window; the user's GlucoLens notes (typed or imported) are listed as "Note" treatments
 *   with an `_id` of "ffffffff" + the note id in hex, so followers see them and can delete them.
 * - DELETE `/treatments/<_id>` (or `*` with `find`) and DELETE `/treatments?find[…]`.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import type { Context } from "hono";
import { Hono } from "hono";
import type { BatchItem } from "drizzle-orm/batch";
import { and, eq, inArray } from "drizzle-orm";
import { userDb, userD1 } from "../db/shards.ts";
import { notes as notesTable } from "../db/schema-notes.ts";
import type { AppEnv } from "../env.ts";
import { zodFields, type FieldError } from "../lib/errors.ts";
import { activityKind } from "../records/activities.ts";
import { recordKinds } from "../records/index.ts";
import { insulinKind } from "../records/insulin.ts";
import type { RecordKind } from "../records/kind.ts";
import { mealKind } from "../records/meals.ts";
import { noteKind } from "../records/notes.ts";
import { MAX_FUTURE_MS, MIN_TIME } from "../schemas/common.ts";
import { batchWrote, findByKeys, invalidateDocuments, listDocuments, served, upsertUntilStored, type StoredDoc } from "./documents-store.ts";
import { publishToSockets } from "./socketio-publish.ts";
import { batchAnswer, countOf, iso, notModified, parseDocTime, purify, readDocuments, utcOffsetOf, type ItemResult } from "./http.ts";
import { isObjectId, newObjectId } from "./ids.ts";
import { parseFind, translate, type CollectionSpec, type Condition } from "./query.ts";

const NO_EVENT = "<none>";

export const treatmentsSpec: CollectionSpec & { table: "nightscout_treatments" } = {
  table: "nightscout_treatments",
  fields: {
    created_at: { sql: "d.time", kind: "time" },
    eventType: { sql: "d.event_type", kind: "text" },
    identifier: { sql: "d.identifier", kind: "text" },
  },
  json: "d.doc",
  // lib/server/treatments.js query_for walker.
  regexFields: new Set(["notes", "eventType", "enteredBy"]),
  intFields: new Set(["insulin", "carbs", "glucose"]),
  dateFields: new Set(["created_at"]),
  timeSql: "d.time",
  id: (values) => ({ sql: values.map(() => "d.ns_id = ? OR d.identifier = ?").join(" OR ") || "0", params: values.flatMap((v) => [v.toLowerCase(), v]) }),
};

// ---------------------------------------------------------------------------------------------
// prepareData

const NUMERIC = ["glucose", "targetTop", "targetBottom", "carbs", "insulin", "duration", "percent", "absolute", "relative", "preBolus"] as const;

export interface Prepared {
  doc: Record<string, unknown>;
  time: number;
  eventType: string;
  identifier: string | null;
  clientId: string | null;
  records: { kind: RecordKind; row: Record<string, unknown> }[];
  /** The stored treatment (by `_id`) this one replaces, when the caller already knows it (API v3 deduplication). */
  replaces?: string;
}

/** lib/server/treatments.js prepareData, plus the checks GlucoLens adds; one or two documents (preBolus). */
export function prepareTreatment(raw: unknown, i: number, now: number): { ok: true; docs: Prepared[] } | { ok: false; fields: FieldError[] } {
  const fields: FieldError[] = [];
  const at = (f: string) => `${i}.${f}`;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { ok: false, fields: [{ path: String(i), message: "must be an object" }] };
  const obj = purify({ ...(raw as Record<string, unknown>) });
  const sentAt = obj.eventTime ?? obj.created_at;
  const sentField = obj.eventTime !== undefined && obj.eventTime !== null ? "eventTime" : "created_at";
  let time = now;
  if (sentAt !== undefined && sentAt !== null && sentAt !== "") {
    const t = parseDocTime(sentAt);
    if (t === null) fields.push({ path: at(sentField), message: "must be an ISO 8601 date or epoch milliseconds" });
    else if (t < MIN_TIME) fields.push({ path: at(sentField), message: "must not be before 1990-01-01" });
    else if (t > now + MAX_FUTURE_MS) fields.push({ path: at(sentField), message: "must not be more than a day in the future" });
    else time = t;
  }
  obj.created_at = iso(time);
  obj.utcOffset = typeof obj.utcOffset === "number" ? obj.utcOffset : utcOffsetOf(sentAt);
  delete obj.eventTime;
  for (const f of NUMERIC) {
    const v = obj[f];
    if (v === undefined || v === null || v === "") {
      delete obj[f];
      continue;
    }
    const n = typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
    if (Number.isNaN(n)) fields.push({ path: at(f), message: "must be a number" });
    else obj[f] = n;
  }
  if (obj.eventType !== undefined && obj.eventType !== null && typeof obj.eventType !== "string") fields.push({ path: at("eventType"), message: "must be a string" });
  if (obj.notes !== undefined && obj.notes !== null && typeof obj.notes !== "string") fields.push({ path: at("notes"), message: "must be a string" });
  if (obj.enteredBy !== undefined && obj.enteredBy !== null && typeof obj.enteredBy !== "string") fields.push({ path: at("enteredBy"), message: "must be a string" });
  if (typeof obj.eventType === "string" && obj.eventType.length > 100) fields.push({ path: at("eventType"), message: "must be at most 100 characters" });
  if (fields.length) return { ok: false, fields };
  // deleteIfEmpty / deleteIfNaN / glucose.
  for (const f of ["targetTop", "targetBottom", "carbs", "insulin", "percent", "relative", "notes", "preBolus"]) if (!obj[f]) delete obj[f];
  if (obj.glucose === undefined || obj.glucose === 0) {
    delete obj.glucose;
    delete obj.glucoseType;
    delete obj.units;
  }
  if (obj.eventType === "Announcement") obj.isAnnouncement = true;
  const sentId = obj._id;
  delete obj._id;
  const clientId = isObjectId(sentId) ? sentId.toLowerCase() : null;
  let identifier = typeof obj.identifier === "string" && obj.identifier ? obj.identifier : null;
  if (!identifier && typeof sentId === "string" && sentId && !clientId) identifier = sentId;
  if (identifier) obj.identifier = identifier.slice(0, 200);

  const docs: Record<string, unknown>[] = [obj];
  if (obj.preBolus && obj.carbs) {
    // finishUpsert: the carbs move to a treatment preBolus minutes later.
    const carbs = obj.carbs;
    delete obj.carbs;
    const later = time + (obj.preBolus as number) * 60_000;
    const pb: Record<string, unknown> = { created_at: iso(later), eventType: obj.eventType, carbs, utcOffset: obj.utcOffset };
    if (obj.notes) pb.notes = obj.notes;
    docs.push(pb);
  }
  const out: Prepared[] = [];
  for (const doc of docs) {
    const t = Date.parse(doc.created_at as string);
    const records = [];
    for (const { kind, input } of mapTreatment(doc, t)) {
      const r = kind.input.safeParse(input);
      if (!r.success) {
        // Name the Nightscout field, not ours.
        for (const f of zodFields(r.error)) fields.push({ path: at(({ units: "insulin", end: "duration", text: "notes", "tags.0": "eventType", carbs: "carbs", type: "notes", description: "notes" } as Record<string, string>)[f.path] ?? f.path), message: f.message });
        continue;
      }
      records.push({ kind: kind as RecordKind, row: kind.toRow(r.data as never) });
    }
    out.push({ doc, time: t, eventType: typeof doc.eventType === "string" && doc.eventType ? doc.eventType : NO_EVENT, identifier: doc === obj ? identifier : null, clientId: doc === obj ? clientId : null, records });
  }
  if (fields.length) return { ok: false, fields };
  return { ok: true, docs: out };
}

const NOTE_EVENTS = new Set(["note", "announcement", "question"]);

function mapTreatment(t: Record<string, unknown>, time: number): { kind: RecordKind; input: Record<string, unknown> }[] {
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const source = str(t.enteredBy).trim() ? str(t.enteredBy).trim().slice(0, 64) : "nightscout";
  const out: { kind: RecordKind; input: Record<string, unknown> }[] = [];
  const eventType = str(t.eventType).trim();
  const event = eventType.toLowerCase();
  const notes = str(t.notes);
  const carbs = t.carbs as number | undefined;
  const insulin = t.insulin as number | undefined;
  const duration = t.duration as number | undefined;
  if (carbs !== undefined && carbs > 0) out.push({ kind: mealKind as RecordKind, input: { time, carbs, description: notes.slice(0, 500) || null, source } });
  if (insulin !== undefined && insulin > 0) out.push({ kind: insulinKind as RecordKind, input: { time, units: insulin, kind: /basal/.test(event) ? "basal" : "bolus", insulin: typeof t.insulinType === "string" ? t.insulinType.slice(0, 64) : null, source } });
  if (event === "exercise") {
    const minutes = duration !== undefined && duration > 0 ? duration : 30;
    out.push({ kind: activityKind as RecordKind, input: { start: time, end: time + Math.round(minutes * 60_000), type: notes.trim().slice(0, 64) || "exercise", source } });
  }
  const text = notes.trim();
  const tags = eventType ? [eventType.slice(0, 40)] : null;
  if (NOTE_EVENTS.has(event)) {
    if (text) out.push({ kind: noteKind as RecordKind, input: { time, text, tags, source } });
  } else if (!out.length && text) out.push({ kind: noteKind as RecordKind, input: { time, text: eventType ? `${eventType}: ${text}` : text, tags, source } });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Upsert

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A new treatment, only while no row holds its `_id` (?10), its identifier (?3) or, when it is
 * matched by them (?11 = 1), its created_at + eventType. One NOT EXISTS per key, so each is an
 * index lookup (an OR of them would scan the user's rows).
 */
export const INSERT_TREATMENT_SQL = `INSERT INTO nightscout_treatments (user_id, time, event_type, identifier, doc, record_kind, record_id, record_links, srv_created, srv_modified, ns_id)
  SELECT ?9, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?10
  WHERE NOT EXISTS (SELECT 1 FROM nightscout_treatments WHERE user_id = ?9 AND ns_id = ?10)
    AND NOT EXISTS (SELECT 1 FROM nightscout_treatments WHERE user_id = ?9 AND identifier = ?3)
    AND NOT EXISTS (SELECT 1 FROM nightscout_treatments WHERE ?11 = 1 AND user_id = ?9 AND time = ?1 AND event_type = ?2)`;

export async function upsertTreatments(c: Context<AppEnv>, prepared: Prepared[], now = Date.now()): Promise<Record<string, unknown>[]> {
  return upsertUntilStored(prepared, (items) => upsertTreatmentsOnce(c, items, now));
}

/** One round of upsertTreatments: null for the items whose conditional write lost to a concurrent request. */
async function upsertTreatmentsOnce(c: Context<AppEnv>, prepared: Prepared[], now: number): Promise<(Record<string, unknown> | null)[]> {
  if (!prepared.length) return [];
  const db = await userDb(c);
  const userId = c.get("user").id;
  const found = await findByKeys(c, "nightscout_treatments", {
    nsIds: prepared.flatMap((p) => [...(p.clientId ? [p.clientId] : []), ...(p.replaces ? [p.replaces] : [])]),
    identifiers: prepared.flatMap((p) => (p.identifier ? [p.identifier] : [])),
    pairs: prepared.map((p) => [p.time, p.eventType]),
    pairColumn: "d.event_type",
  });
  type Target = { stored: (StoredDoc & { isValid: boolean; srvModified: number }) | null; nsId: string; doc: Record<string, unknown>; p: Prepared; changed: boolean };
  const byKey = new Map<string, Target>();
  const keysOf = (p: Prepared) => [...(p.identifier ? [`i:${p.identifier}`] : []), ...(p.clientId ? [`n:${p.clientId}`] : []), `t:${p.time}:${p.eventType}`];
  for (const s of found) {
    const t: Target = { stored: s, nsId: s.nsId, doc: s.doc, p: null as unknown as Prepared, changed: false };
    for (const k of [...(s.identifier ? [`i:${s.identifier}`] : []), `n:${s.nsId}`, `t:${s.time}:${s.pair}`]) if (!byKey.has(k)) byKey.set(k, t);
  }
  const answer: Target[] = [];
  for (const p of prepared) {
    // upsertQueryFor: identifier, else _id, else created_at + eventType.
    const key = p.replaces ? `n:${p.replaces}` : p.identifier ? `i:${p.identifier}` : p.clientId ? `n:${p.clientId}` : `t:${p.time}:${p.eventType}`;
    let target = byKey.get(key);
    if (!target) {
      target = { stored: null, nsId: p.clientId ?? newObjectId(), doc: p.doc, p, changed: true };
    } else {
      const same = target.stored?.isValid && !target.changed && sameJson(target.stored.doc, p.doc);
      target.changed = target.changed || !same;
      target.doc = p.doc;
      target.p = p;
    }
    for (const k of keysOf(p)) byKey.set(k, target);
    answer.push(target);
  }
  const changed = [...new Set(answer)].filter((t) => t.changed);
  if (changed.length) {
    // 1. The records of the new versions, and the old versions' records removed.
    const recordStatements: BatchItem<"sqlite">[] = [];
    const owners: Target[] = [];
    for (const t of changed) {
      for (const [path, id] of t.stored?.recordLinks ?? []) {
        const kind = recordKinds.find((k) => k.path === path);
        if (kind) recordStatements.push(db.delete(kind.table).where(and(eq(kind.table.userId, userId), eq(kind.table.id, id))));
      }
    }
    const firstInsert = recordStatements.length;
    for (const t of changed) {
      for (const { kind, row } of t.p.records) {
        recordStatements.push(db.insert(kind.table).values({ ...row, userId }).returning({ id: kind.table.id }));
        owners.push(t);
      }
    }
    const links = new Map<Target, [string, number][]>();
    if (recordStatements.length) {
      const results = (await db.batch(recordStatements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]])) as unknown[];
      let j = 0;
      for (const t of changed) {
        for (const { kind } of t.p.records) {
          const rows = results[firstInsert + j] as { id: number }[];
          links.set(t, [...(links.get(t) ?? []), [kind.path, rows[0]!.id]]);
          j++;
        }
      }
    }
    // 2. The treatments themselves, in one batch.
    const d1 = await userD1(c);
    // Conditional, so that a concurrent request's write of the same document is not overwritten or
    // doubled: an update only of the version read (srv_modified), an insert only while no row holds
    // the key it was matched by (upsertQueryFor's identifier, _id, or created_at + eventType).
    const statements = changed.map((t) => {
      const l = links.get(t) ?? [];
      const args = [t.p.time, t.p.eventType, t.p.identifier ?? t.stored?.identifier ?? null, JSON.stringify(t.doc), l[0]?.[0] ?? null, l[0]?.[1] ?? null, l.length ? JSON.stringify(l) : null, now];
      const byPair = !t.p.replaces && !t.p.identifier && !t.p.clientId ? 1 : 0;
      return t.stored
        ? d1
            .prepare(`UPDATE nightscout_treatments SET time = ?1, event_type = ?2, identifier = ?3, doc = ?4, record_kind = ?5, record_id = ?6, record_links = ?7, srv_modified = ?8, is_valid = 1 WHERE user_id = ?9 AND id = ?10 AND srv_modified = ?11`)
            .bind(...args, userId, t.stored.rowId, t.stored.srvModified)
        : d1
            .prepare(INSERT_TREATMENT_SQL)
            .bind(...args, userId, t.nsId, byPair);
    });
    const wrote = await batchWrote(d1, statements);
    const lost = new Set(changed.filter((_, i) => !wrote[i]));
    // The records made for a lost write go again; the next round makes them for the stored version.
    if (lost.size) await removeLinkedRecords(c, [...lost].map((t) => links.get(t) ?? []));
    return answer.map((t) => (lost.has(t) ? null : { ...t.doc, _id: t.nsId }));
  }
  return answer.map((t) => ({ ...t.doc, _id: t.nsId }));
}

async function postTreatments(c: Context<AppEnv>, put = false) {
  const { items, single } = await readDocuments(c);
  const now = Date.now();
  const prepared = items.map((raw, i) => prepareTreatment(raw, i, now));
  const stored = await upsertTreatments(c, prepared.flatMap((p) => (p.ok ? p.docs : [])));
  publishToSockets(c, { treatments: stored });
  let next = 0;
  const results: ItemResult[] = prepared.flatMap((p): ItemResult[] => (p.ok ? p.docs.map(() => ({ ok: true, doc: stored[next++]! })) : [{ ok: false, fields: p.fields }]));
  // treatments.save answers a PUT of one document with that document; `ok: 1` is what Spike's
  // NightscoutService.as onTestCredentialsComplete reads from it (Mongo's update result had it).
  if (put && single && results.length === 1 && results[0]!.ok) return c.json({ ...results[0]!.doc, n: 1, ok: 1 }, 200);
  return batchAnswer(c, results, single);
}

// ---------------------------------------------------------------------------------------------
// Reads and deletes

/** A GlucoLens note's `_id` as a treatment: "ffffffff" and the note id, 24 hex digits. */
const NOTE_PREFIX = "ffffffff";
const noteObjectId = (id: number) => NOTE_PREFIX + id.toString(16).padStart(16, "0");
const noteIdOf = (nsId: string) => (nsId.toLowerCase().startsWith(NOTE_PREFIX) && isObjectId(nsId) ? parseInt(nsId.slice(8), 16) : null);

/** Notes under Nightscout's names, for the time conditions that apply to them. */
const notesSpec: CollectionSpec = {
  fields: { created_at: { sql: "n.time", kind: "time" } },
  json: "NULL",
  regexFields: new Set(),
  intFields: new Set(),
  dateFields: new Set(["created_at"]),
  timeSql: "n.time",
  id: () => ({ sql: "0", params: [] }),
};

/** The user's notes that did not arrive as treatments, as "Note" treatments (newest first). */
async function nativeNotes(c: Context<AppEnv>, conditions: Condition[], count: number): Promise<Record<string, unknown>[]> {
  // Only time conditions and eventType "Note" can select them.
  if (conditions.some((x) => !["created_at", "eventType"].includes(x.field))) return [];
  const eventType = conditions.find((x) => x.field === "eventType");
  if (eventType && !(eventType.op === "$eq" && eventType.values[0] === "Note")) return [];
  const t = translate(conditions.filter((x) => x.field !== "eventType"), notesSpec, { defaultWindow: true });
  const rows = await (await userD1(c)).prepare(
    `SELECT n.id, n.time, n.text, n.tags, n.source FROM notes n WHERE n.user_id = ? ${t.where.map((w) => `AND ${w}`).join(" ")}
       AND NOT EXISTS (SELECT 1 FROM nightscout_treatments d, json_each(d.record_links) j
         WHERE d.user_id = n.user_id AND d.time = n.time AND json_extract(j.value, '$[0]') = 'notes' AND json_extract(j.value, '$[1]') = n.id)
     ORDER BY n.time DESC, n.id DESC LIMIT ${Math.min(count, 100_000)}`,
  )
    .bind(c.get("user").id, ...t.params)
    .all<{ id: number; time: number; text: string; tags: string | null; source: string | null }>();
  return rows.results.map((n) => {
    const tags = n.tags ? (JSON.parse(n.tags) as string[]) : [];
    return { _id: noteObjectId(n.id), eventType: "Note", created_at: iso(n.time), notes: n.text, enteredBy: n.source ?? "glucolens", ...(tags.length && { tags }) };
  });
}

async function listTreatments(c: Context<AppEnv>) {
  const conditions = parseFind(new URL(c.req.url).searchParams);
  const count = countOf(c, conditions.length ? 1000 : 100);
  const stored = (await listDocuments(c, "nightscout_treatments", treatmentsSpec, conditions, count, { defaultWindow: true })).map(served);
  const notes = await nativeNotes(c, conditions, count);
  const all = [...stored, ...notes].sort((a, b) => Date.parse(b.created_at as string) - Date.parse(a.created_at as string)).slice(0, count);
  // serveTreatments: Last-Modified is the newest created_at of the answer.
  const newest = all.length ? Date.parse(all[0]!.created_at as string) : null;
  return notModified(c, newest) ?? c.json(all, 200);
}

/** Removes the meals, insulin doses, activities and notes that removed treatments were mapped onto. */
export async function removeLinkedRecords(c: Context<AppEnv>, links: [string, number][][]) {
  const db = await userDb(c);
  const userId = c.get("user").id;
  const statements: BatchItem<"sqlite">[] = [];
  for (const kind of recordKinds) {
    const ids = links.flatMap((l) => l.filter(([path]) => path === kind.path).map(([, id]) => id));
    if (ids.length) statements.push(db.delete(kind.table).where(and(eq(kind.table.userId, userId), inArray(kind.table.id, ids))));
  }
  if (statements.length) await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}

async function removeTreatments(c: Context<AppEnv>, conditions: Condition[]) {
  const db = await userDb(c);
  const userId = c.get("user").id;
  const idCond = conditions.find((x) => x.field === "_id" && x.op === "$eq");
  const noteId = idCond ? noteIdOf(idCond.values[0]!) : null;
  if (noteId !== null) {
    const res = await db.delete(notesTable).where(and(eq(notesTable.userId, userId), eq(notesTable.id, noteId))).run();
    const n = res.meta.changes;
    return c.json({ acknowledged: true, deletedCount: n, n, ok: 1 }, 200);
  }
  const removed = await invalidateDocuments(c, "nightscout_treatments", treatmentsSpec, conditions);
  await removeLinkedRecords(c, removed.map((s) => s.recordLinks));
  const n = removed.length;
  return c.json({ acknowledged: true, deletedCount: n, n, ok: 1 }, 200);
}

export const treatmentRoutes = new Hono<AppEnv>();

for (const path of ["/treatments", "/treatments/", "/treatments.json"]) {
  treatmentRoutes.get(path, listTreatments);
  treatmentRoutes.post(path, (c) => postTreatments(c));
  // lib/api/treatments/index.js api.put: treatments.save, the same upsert.
  treatmentRoutes.put(path, (c) => postTreatments(c, true));
  treatmentRoutes.delete(path, (c) => removeTreatments(c, parseFind(new URL(c.req.url).searchParams)));
}
treatmentRoutes.delete("/treatments/:id", (c) => {
  const id = c.req.param("id").replace(/\.json$/, "");
  const conditions = parseFind(new URL(c.req.url).searchParams).filter((x) => x.field !== "_id");
  if (id !== "*") conditions.push({ field: "_id", op: "$eq", values: [id], key: "_id" });
  return removeTreatments(c, conditions);
});
treatmentRoutes.get("/treatments/:spec", listTreatments);

/**
 * Stores treatments fetched from another Nightscout site (a bridge) through the same upsert as a
 * POST: a document keeps its source `_id`, so fetching it again updates it in place. Documents
 * that do not validate are skipped. Answers how many were stored or updated.
 */
export async function importTreatments(c: Context<AppEnv>, items: unknown[]): Promise<number> {
  const now = Date.now();
  const prepared = items.map((raw, i) => prepareTreatment(raw, i, now)).flatMap((p) => (p.ok ? p.docs : []));
  return (await upsertTreatments(c, prepared)).length;
}
