/**
 * @module durable/socketio/db-add
 * The de-duplication of a socket `dbAdd` before anything is inserted, as lib/server/websocket.js
 * processSingleDbAdd does it, through the REST API of the session's user:
 * - treatments: a document with the same `NSCLIENT_ID` (else the same `created_at` and
 *   `eventType`) is answered as it is; else one within 2 s with the same insulin, carbs, percent,
 *   absolute, duration and NSCLIENT_ID (those present; else the same eventType) gets the new
 *   `created_at` and is answered; else the document is new.
 * - devicestatus: the same `NSCLIENT_ID` (else the same `created_at`) is answered as it is.
 * - profile (AndroidAPS's v1 sync sends only dbAdd): the same `NSCLIENT_ID` (else the same
 *   `startDate`) is replaced by the new document under the stored `_id`.
 * Lookups by `NSCLIENT_ID` cover the REST API's default window for treatments and device statuses
 * (the last days) and the newest 100 profiles, where a client's re-sent document is; Nightscout
 * searches the whole collection.
 */
import type { NightscoutDoc } from "./nightscout-shapes.ts";

/** websocket.js dbAdd: maxtimediff. */
const SIMILAR_MS = 2_000;
const SIMILAR_FIELDS = ["insulin", "carbs", "percent", "absolute", "duration", "NSCLIENT_ID"] as const;

export interface DbAddStore {
  /** A GET of the REST API answering an array of documents. */
  get(path: string): Promise<NightscoutDoc[]>;
  /** PUT /api/v1/<collection> of one document with its `_id`; the stored document, or null if refused. */
  replace(collection: string, doc: NightscoutDoc): Promise<NightscoutDoc | null>;
}

const RECENT_PROFILES = 100;
const SIMILAR_CANDIDATES = 100;

const text = (v: unknown) => (typeof v === "number" || typeof v === "boolean" ? String(v) : typeof v === "string" ? v : null);

/** The REST path of one document at most of the collection matching these `find[...]` parameters. */
const findPath = (collection: string, find: Record<string, string>) => `/api/v1/${collection}.json?${new URLSearchParams({ ...find, count: "1" })}`;

/** The document this `dbAdd` is answered with instead of a new one, or null when it is new. */
export async function storedForDbAdd(store: DbAddStore, collection: string, doc: NightscoutDoc): Promise<NightscoutDoc | null> {
  const find = (q: Record<string, string>) => store.get(findPath(collection, q));
  const nsClientId = text(doc.NSCLIENT_ID);
  const createdAt = text(doc.created_at);
  if (collection === "treatments") {
    const exact: Record<string, string> | null = nsClientId ? { "find[NSCLIENT_ID]": nsClientId } : createdAt ? { "find[created_at]": createdAt, "find[eventType]": text(doc.eventType) ?? "" } : null;
    const [same] = exact ? await find(exact) : [];
    if (same) return same;
    const at = createdAt ? Date.parse(createdAt) : NaN;
    if (!Number.isFinite(at)) return null;
    // Compared in code, as Mongo compares them: the REST find parses insulin and carbs as integers.
    const window = await store.get(`/api/v1/${collection}.json?${new URLSearchParams({ "find[created_at][$gte]": new Date(at - SIMILAR_MS).toISOString(), "find[created_at][$lte]": new Date(at + SIMILAR_MS).toISOString(), count: String(SIMILAR_CANDIDATES) })}`);
    const fields = SIMILAR_FIELDS.filter((f) => Boolean(doc[f]));
    const near = window.find((d) => (fields.length ? fields.every((f) => d[f] === doc[f]) : d.eventType === doc.eventType));
    return near ? ((await store.replace(collection, { ...near, created_at: createdAt })) ?? near) : null;
  }
  if (collection === "devicestatus") {
    const exact: Record<string, string> | null = nsClientId ? { "find[NSCLIENT_ID]": nsClientId } : createdAt ? { "find[created_at]": createdAt } : null;
    return exact ? ((await find(exact))[0] ?? null) : null;
  }
  if (collection === "profile") {
    // /profile lists without a query; /profiles takes find[startDate] bounds (lib/api/profile).
    const startDate = text(doc.startDate);
    const [same] = nsClientId
      ? (await store.get(`/api/v1/profile.json?count=${RECENT_PROFILES}`)).filter((p) => p.NSCLIENT_ID === doc.NSCLIENT_ID)
      : startDate
        ? await store.get(`/api/v1/profiles.json?${new URLSearchParams({ "find[startDate][$gte]": startDate, "find[startDate][$lte]": startDate, count: "1" })}`)
        : [];
    return same ? store.replace(collection, { ...doc, _id: same["_id"] }) : null;
  }
  return null;
}
