/**
 * @module worker/nightscout/v3/operations
 * The generic operations of API v3 on any collection (lib/api3/generic/*): search, create (with
 * deduplication), read, update (PUT), patch, delete (soft, or `permanent=true`) and history.
 * Permissions are demanded as Nightscout does (`api:<col>:read|create|update|delete`; the
 * settings collection's search and history need `api:settings:admin`). A replace, and a patch
 * against the stored document, keep `endmills`, `durationInMilliseconds` and `duration` in step
 * (worker/nightscout/treatment-duration.ts) in every collection, as replace.js and
 * patch/operation.js do; a create without a duplicate stores the document as sent (insert.js).
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import type { FieldError } from "../../lib/errors.ts";
import { search, type Collection, type Doc, type Stored } from "./collection.ts";
import { calculateIdentifier } from "./identifier.ts";
import { MAX_LIMIT, parseDate, parseFilters, parseLimit, parseSkip, parseSort, projector } from "./params.ts";
import { MSG, sendJson, sendStatus, V3Error } from "./respond.ts";
import { render } from "./render.ts";
import { demandPermission } from "./security.ts";
import { publishStorageChange, publishToSockets } from "../socketio-publish.ts";
import { normalizeTreatmentDuration } from "../treatment-duration.ts";

const MIN_UTC_OFFSET = -1440;
const MAX_UTC_OFFSET = 1440;
const IMMUTABLE = ["identifier", "date", "utcOffset", "eventType", "device", "app", "srvCreated", "subject", "srvModified", "modifiedBy", "isValid"];

/**
 * The sockets hear of a v3 write (durable/socketio/): entries reach them as readings through the
 * live monitor and treatments as the delta their store publishes. Device statuses and profiles go
 * out here as a delta too, as stored (with `_id` and `identifier`): the main namespace's
 * `dataUpdate` and the storage socket both carry it, as insert.js's `data-received` and
 * `storage-socket-create` do. Food and settings have no place in `dataUpdate`: the storage socket
 * is told by identifier.
 */
async function published(c: Context<AppEnv>, col: Collection, identifier: string): Promise<void> {
  if (col.name === "devicestatus" || col.name === "profile") {
    const stored = await col.findOne(c, identifier);
    if (!stored) return;
    const doc = { ...stored.doc, _id: stored.nsId };
    publishToSockets(c, col.name === "devicestatus" ? { devicestatus: [doc] } : { profiles: [doc] });
  } else if (col.name === "food" || col.name === "settings") {
    publishStorageChange(c, col.name, "stored", [identifier]);
  }
}

const readPermission = (col: Collection) => `api:${col.name}:${col.name === "settings" ? "admin" : "read"}`;
const httpDate = (ms: number) => new Date(ms).toUTCString();
const floorSeconds = (ms: number) => ms - (ms % 1000);
const bad = (message: string, path: string, detail: string): never => {
  throw new V3Error(400, message, [{ path, message: detail }]);
};

/** The JSON body as one document; 400 for none, an empty object, an array or bad JSON. */
async function readDoc(c: Context<AppEnv>): Promise<Doc> {
  let body: unknown;
  try {
    const text = await c.req.text();
    body = text.trim() ? JSON.parse(text) : null;
  } catch {
    return bad(MSG.BAD_REQUEST_BODY, "body", "is not valid JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return bad(MSG.BAD_REQUEST_BODY, "body", "must be one JSON document (an object)");
  if (!Object.keys(body).length) return bad(MSG.BAD_REQUEST_BODY, "body", "must not be empty");
  return body as Doc;
}

/** collection.js parseDate: `date` from date or created_at, utcOffset from its zone, created_at as ISO. */
function parseDocDate(doc: Doc): void {
  const d = parseDate(doc.date) ?? parseDate(doc.created_at);
  if (!d) return;
  doc.date = d.ms;
  if (doc.utcOffset === undefined) doc.utcOffset = d.offset;
  doc.created_at = new Date(d.ms).toISOString();
}

/** operationTools.js validateCommon (with isPatching: only the fields present). */
function validateCommon(doc: Doc, patching = false): void {
  if ((!patching || doc.date !== undefined) && (typeof doc.date !== "number" || doc.date <= 946_684_800_000)) bad(MSG.BAD_FIELD_DATE, "date", "must be epoch milliseconds after 2000-01-01 (or created_at an ISO 8601 date)");
  if ((!patching || doc.utcOffset !== undefined) && (typeof doc.utcOffset !== "number" || doc.utcOffset < MIN_UTC_OFFSET || doc.utcOffset > MAX_UTC_OFFSET)) bad(MSG.BAD_FIELD_UTC, "utcOffset", "must be minutes from -1440 to 1440");
  if ((!patching || doc.app !== undefined) && (typeof doc.app !== "string" || !doc.app.trim())) bad(MSG.BAD_FIELD_APP, "app", "must be a non-empty string naming the sending app");
}

/**
 * update/validate.js: a valid stored document's immutable fields may not change (a deleted one
 * may be changed freely; the identifier may change in deduplication). A field the stored document
 * does not have (a v1 document has no `date` or `app`) is not taken as changed. Unlike
 * Nightscout, a document found by the deduplication fallback (another uploader's copy, without
 * identifier: its device, utcOffset or app differ by nature) is replaced without this check, so
 * that AndroidAPS gets the deduplication answer rather than "cannot be modified".
 */
function validateImmutable(doc: Doc, stored: Stored, isDeduplication: boolean): void {
  if (stored.doc.isReadOnly === true || stored.doc.readOnly === true || stored.doc.readonly === true) throw new V3Error(422, MSG.READONLY_MODIFICATION, [{ path: "isReadOnly", message: "the stored document is read-only" }]);
  if (!stored.valid || (isDeduplication && stored.doc.identifier !== doc.identifier)) return;
  for (const field of IMMUTABLE) {
    if (field === "identifier" && isDeduplication) continue;
    const was = field === "isValid" ? (stored.doc.isValid ?? true) : stored.doc[field];
    if (doc[field] !== undefined && was !== undefined && doc[field] !== was) bad(MSG.IMMUTABLE_FIELD.replace("{0}", field), field, `cannot be modified by the client (stored: ${JSON.stringify(was)})`);
  }
}

function conditional(c: Context<AppEnv>, stored: Stored): void {
  const since = c.req.header("if-unmodified-since");
  if (since && floorSeconds(stored.doc.srvModified as number) > floorSeconds(Date.parse(since))) throw new V3Error(412, "Document was modified since If-Unmodified-Since", [{ path: "If-Unmodified-Since", message: "the document changed after this time" }]);
}

/**
 * insert.js and replace.js set `subject`, patch.js `modifiedBy`, to the name of the credential's
 * subject: here the uploader whose secret or JWT it is (a GlucoLens access token has none, as
 * Nightscout's API secret has none).
 */
function stamp(c: Context<AppEnv>, doc: Doc, field: "subject" | "modifiedBy"): void {
  const subject = c.get("nsSubject");
  if (subject) doc[field] = subject;
}

async function insert(c: Context<AppEnv>, col: Collection, doc: Doc) {
  demandPermission(c, `api:${col.name}:create`);
  if (typeof doc.identifier !== "string" || !doc.identifier.trim()) bad(MSG.BAD_FIELD_IDENTIFIER, "identifier", "must be a non-empty string");
  validateCommon(doc);
  stamp(c, doc, "subject");
  const now = Date.now();
  await col.insert(c, doc, now);
  await published(c, col, doc.identifier as string);
  c.header("Last-Modified", httpDate(now));
  c.header("Location", `/api/v3/${col.name}/${encodeURIComponent(doc.identifier as string)}`);
  return sendJson(c, 201, undefined, { identifier: doc.identifier, lastModified: now });
}

/** update/replace.js. */
async function replace(c: Context<AppEnv>, col: Collection, doc: Doc, stored: Stored, isDeduplication: boolean) {
  demandPermission(c, `api:${col.name}:update`);
  validateImmutable(doc, stored, isDeduplication);
  validateCommon(doc);
  stamp(c, doc, "subject");
  normalizeTreatmentDuration(doc);
  const now = Date.now();
  await col.replace(c, stored, doc, now);
  await published(c, col, doc.identifier as string);
  c.header("Last-Modified", httpDate(now));
  const fields: Record<string, unknown> = { lastModified: now };
  const storedId = stored.doc.identifier;
  if (storedId !== doc.identifier || isDeduplication) {
    c.header("Location", `/api/v3/${col.name}/${encodeURIComponent(doc.identifier as string)}`);
    fields.identifier = doc.identifier;
    fields.isDeduplication = true;
    if (storedId !== doc.identifier) fields.deduplicatedIdentifier = storedId;
  }
  return sendJson(c, 200, undefined, fields);
}

export async function createOp(c: Context<AppEnv>, col: Collection) {
  const doc = await readDoc(c);
  parseDocDate(doc);
  if (!doc.identifier) doc.identifier = await calculateIdentifier(doc);
  const existing = await col.findDuplicate(c, doc);
  return existing ? replace(c, col, doc, existing, true) : insert(c, col, doc);
}

export async function searchOp(c: Context<AppEnv>, col: Collection) {
  demandPermission(c, readPermission(col));
  const project = projector(c);
  const docs = await search(c, col, parseFilters(c), parseSort(c), parseLimit(c), parseSkip(c));
  return render(c, docs.map(project));
}

export async function readOp(c: Context<AppEnv>, col: Collection, identifier: string) {
  demandPermission(c, `api:${col.name}:read`);
  const stored = await col.findOne(c, identifier);
  if (!stored) return sendStatus(c, 404);
  if (!stored.valid) return sendStatus(c, 410);
  const modified = stored.doc.srvModified as number;
  c.header("Last-Modified", httpDate(modified));
  const since = c.req.header("if-modified-since");
  if (since && floorSeconds(modified) <= floorSeconds(Date.parse(since))) return c.body(null, 304);
  return render(c, projector(c)(stored.doc));
}

export async function updateOp(c: Context<AppEnv>, col: Collection, identifier: string) {
  const doc = await readDoc(c);
  parseDocDate(doc);
  if (!doc.identifier) doc.identifier = await calculateIdentifier(doc);
  const stored = await col.findOne(c, identifier);
  doc.identifier = identifier;
  if (!stored) return insert(c, col, doc);
  if (!stored.valid) return sendStatus(c, 410);
  conditional(c, stored);
  return replace(c, col, doc, stored, false);
}

export async function patchOp(c: Context<AppEnv>, col: Collection, identifier: string) {
  const patch = await readDoc(c);
  demandPermission(c, `api:${col.name}:update`);
  const stored = await col.findOne(c, identifier);
  if (!stored) return sendStatus(c, 404);
  if (!stored.valid) return sendStatus(c, 410);
  conditional(c, stored);
  validateImmutable(patch, stored, false);
  validateCommon(patch, true);
  normalizeTreatmentDuration(patch, stored.doc);
  const now = Date.now();
  const merged: Doc = { ...stored.doc, ...patch, identifier: stored.doc.identifier };
  stamp(c, merged, "modifiedBy");
  // A patched time moves created_at with it (collection.js parseDate is not run on a patch; the stored copy keeps both in step).
  if (patch.date !== undefined && patch.created_at === undefined) merged.created_at = new Date(patch.date as number).toISOString();
  await col.replace(c, stored, merged, now);
  await published(c, col, merged.identifier as string);
  c.header("Last-Modified", httpDate(now));
  return c.json({ status: 200 }, 200);
}

export async function deleteOp(c: Context<AppEnv>, col: Collection, identifier: string) {
  demandPermission(c, `api:${col.name}:delete`);
  const stored = await col.findOne(c, identifier);
  if (!stored) return sendStatus(c, 404);
  if (stored.doc.isReadOnly === true || stored.doc.readOnly === true || stored.doc.readonly === true) throw new V3Error(422, MSG.READONLY_MODIFICATION, [{ path: "isReadOnly", message: "the stored document is read-only" }]);
  if (c.req.query("permanent") === "true") await col.deletePermanently(c, stored);
  else await col.markDeleted(c, stored, Date.now(), c.get("nsSubject") ?? null);
  publishStorageChange(c, col.name, "deleted", [stored.doc.identifier as string]);
  return c.json({ status: 200 }, 200);
}

export async function historyOp(c: Context<AppEnv>, col: Collection, param: string | undefined) {
  demandPermission(c, readPermission(col));
  let since: number;
  let inclusive: boolean;
  const fields: FieldError[] = [];
  if (param !== undefined) {
    const d = parseDate(param);
    if (!d) fields.push({ path: "lastModified", message: "must be epoch milliseconds or an ISO 8601 date after 2000-01-01" });
    since = d?.ms ?? 0;
    inclusive = false;
  } else {
    const header = c.req.header("last-modified");
    const ms = header ? Date.parse(header) : NaN;
    if (!Number.isFinite(ms)) fields.push({ path: "Last-Modified", message: "the header (an HTTP date) or a /history/{lastModified} path is required" });
    since = floorSeconds(ms);
    inclusive = true;
  }
  if (fields.length) throw new V3Error(400, MSG.BAD_LAST_MODIFIED, fields);
  const limit = parseLimit(c);
  const project = projector(c);
  const docs = (await col.history(c, since, inclusive, Math.min(limit, MAX_LIMIT))).map((s) => s.doc);
  if (docs.length) {
    const max = Math.max(...docs.map((d) => d.srvModified as number));
    c.header("Last-Modified", httpDate(max));
    c.header("ETag", `W/"${max}"`);
  }
  return render(c, docs.map(project));
}
