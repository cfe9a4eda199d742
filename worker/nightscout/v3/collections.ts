/**
 * @module worker/nightscout/v3/collections
 * The six collections of API v3 (lib/api3/generic/setup.js), with their deduplication fallback
 * fields: devicestatus (created_at + device), entries (date + type), food (created_at), profile
 * (created_at), settings (none), treatments (created_at + eventType).
 *
 * Treatments are written through the v1 code (worker/nightscout/treatments.ts), so a v3
 * treatment is checked and mapped onto meals, insulin doses, activities and notes exactly as a
 * v1 one, and a v3 delete removes those records too.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { userD1 } from "../../db/shards.ts";
import { zodFields, type FieldError } from "../../lib/errors.ts";
import { iso } from "../http.ts";
import { ProfileDocumentInput } from "../profile-schema.ts";
import { publishToSockets } from "../socketio-publish.ts";
import { prepareTreatment, removeLinkedRecords, upsertTreatments, type Prepared } from "../treatments.ts";
import type { Collection, ColName, Doc } from "./collection.ts";
import { documentCollection, stripServerFields } from "./documents.ts";
import { entriesCollection } from "./entries.ts";
import { V3Error } from "./respond.ts";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The v1 preparation of a treatment; its field errors name the v3 field. */
function preparedTreatment(doc: Doc, now: number, replaces?: string): Prepared[] {
  const r = prepareTreatment(stripServerFields(doc), 0, now);
  if (!r.ok) {
    const fields: FieldError[] = r.fields.map((f) => ({ path: f.path.replace(/^0\.?/, "") || "body", message: f.message }));
    throw new V3Error(400, `Bad or missing ${fields[0]?.path ?? "body"} field`, fields);
  }
  if (replaces) r.docs[0]!.replaces = replaces;
  return r.docs;
}

async function invalidateTreatment(c: Context<AppEnv>, rowid: unknown, now: number | null, modifiedBy: string | null = null) {
  const sql =
    now === null
      ? `DELETE FROM nightscout_treatments WHERE user_id = ?1 AND id = ?2 RETURNING record_links`
      : `UPDATE nightscout_treatments SET is_valid = 0, srv_modified = ${Number(now)}, doc = CASE WHEN ?3 IS NULL THEN doc ELSE json_set(doc, '$.modifiedBy', ?3) END WHERE user_id = ?1 AND id = ?2 RETURNING record_links`;
  const res = await (await userD1(c))
    .prepare(sql)
    .bind(...[c.get("user").id, rowid, ...(now === null ? [] : [modifiedBy])])
    .all<{ record_links: string | null }>();
  await removeLinkedRecords(c, res.results.map((r) => (r.record_links ? (JSON.parse(r.record_links) as [string, number][]) : [])));
}

const treatments = documentCollection({
  name: "treatments",
  table: "nightscout_treatments",
  rowid: "d.id",
  nsId: "d.ns_id",
  time: "d.time",
  dedupFallbackFields: ["created_at", "eventType"],
  fallbackDate: true,
  extraColumns: { eventType: { sql: "d.event_type", kind: "text" } },
  // As a v1 POST: socket.io clients (NSClient v1, followers) get the treatment as a delta.
  insert: async (c, doc, _time, now) => publishToSockets(c, { treatments: await upsertTreatments(c, preparedTreatment(doc, now), now) }),
  replace: async (c, stored, doc, _time, now) => {
    const written = await upsertTreatments(c, preparedTreatment(doc, now, stored.nsId), now);
    // update/replace.js stamps srvModified on every replace; the v1 upsert leaves a document it
    // finds unchanged as it was, so a re-sent identical treatment gets its srvModified here.
    await (await userD1(c)).prepare(`UPDATE nightscout_treatments SET srv_modified = ? WHERE user_id = ? AND id = ? AND srv_modified IS NOT ?`).bind(now, c.get("user").id, stored.key, now).run();
    publishToSockets(c, { treatments: written });
  },
  markDeleted: (c, stored, now, modifiedBy) => invalidateTreatment(c, stored.key, now, modifiedBy),
  deletePermanently: (c, stored) => invalidateTreatment(c, stored.key, null),
});

const devicestatus = documentCollection({
  name: "devicestatus",
  table: "device_statuses",
  rowid: "d.id",
  nsId: "d.ns_id",
  time: "d.time",
  dedupFallbackFields: ["created_at", "device"],
  fallbackDate: true,
  extraColumns: { device: { sql: "d.device", kind: "text" } },
  extraWrite: (doc) => ({ device: typeof doc.device === "string" ? doc.device : null }),
});

const food = documentCollection({ name: "food", table: "nightscout_food", rowid: "d.id", nsId: "d.ns_id", time: "d.time", dedupFallbackFields: ["created_at"], fallbackDate: true });

const settings = documentCollection({ name: "settings", table: "nightscout_settings", rowid: "d.id", nsId: "d.ns_id", time: "d.time", dedupFallbackFields: [], fallbackDate: false });

/** Profiles keep created_at in a column (worker/nightscout/profile-routes.ts), and startDate for v1's order; checked as v1 checks them. */
const profile = documentCollection({
  name: "profile",
  table: "nightscout_profiles",
  rowid: "d.id",
  nsId: "d.id",
  time: "d.created_at",
  dedupFallbackFields: ["created_at"],
  fallbackDate: true,
  toStoredJson: (doc) => {
    const out = stripServerFields(doc);
    delete out.created_at;
    return out;
  },
  fromRow: (doc, row) => ({ ...doc, created_at: iso(row.time) }),
  extraWrite: async (doc, time) => {
    // The checks of /api/v1/profile (profile-schema.ts), each failure naming its field.
    const parsed = ProfileDocumentInput.safeParse(stripServerFields(doc));
    if (!parsed.success) {
      const fields = zodFields(parsed.error);
      throw new V3Error(400, `Bad or missing ${fields[0]!.path} field`, fields);
    }
    const start = typeof doc.startDate === "string" ? Date.parse(doc.startDate) : NaN;
    const rest = stripServerFields(doc);
    delete rest.created_at;
    return { start_date: Number.isFinite(start) ? start : time, doc_hash: await sha256Hex(JSON.stringify(rest)) };
  },
});

export const COLLECTIONS: Record<ColName, Collection> = { devicestatus, entries: entriesCollection, food, profile, settings, treatments };
export const COLLECTION_NAMES = Object.keys(COLLECTIONS) as ColName[];
