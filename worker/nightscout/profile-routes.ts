/**
 * @module worker/nightscout/profile-routes
 * Nightscout's profile API v1 (lib/api/profile/index.js, lib/server/profile.js) for AndroidAPS,
 * Loop, Trio/iAPS, nightscout-connect and the like, on the caller's own profiles:
 * - `GET /profile` (also `/profile/`, `/profile.json`; `?count=`, default 10): newest `startDate`
 *   first; with none stored, the default made from the user's settings (profile-default.ts).
 * - `GET /profile/current` (`.json`): the newest, or that default.
 * - `GET /profiles` (also `/profiles/`, `.json`): lib/api/profile `query_models`, the stored
 *   documents (no default) newest first, `?count=` (default 10) and `find[startDate][$gte|$gt|$lte|$lt]`
 *   (ISO 8601 or epoch ms), as Loop's NightscoutKit fetchProfiles asks; other `find` fields are 400.
 * - `POST /profile` (`.json`): one document or an array; a valid 24-hex `_id` is kept (and replaces
 *   the user's document with that `_id`), else one is made; a retried POST without `_id` answers
 *   the copy already stored. Answers the stored documents.
 * - `PUT /profile` (`.json`): one document, upserted by `_id` (made when missing).
 * - `DELETE /profile/:id`: `{}`; the document is kept as deleted (`isValid` false) for API v3.
 * A malformed `_id` is 400 (as Nightscout); any other invalid field 422 naming it; nothing is
 * stored unless every document of the request is valid.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid, zodFields, type FieldError } from "../lib/errors.ts";
import { toHex } from "../lib/crypto.ts";
import { iso } from "../schemas/common.ts";
import { userDb } from "../db/shards.ts";
import { activeProfiles } from "./profile-active.ts";
import { defaultProfileDocument } from "./profile-default.ts";
import { readBody } from "./http.ts";
import { findProfilesByHashes, deleteProfile, listProfiles, listProfilesByStartDate, upsertProfiles, type NewProfile, type StoredProfile } from "./profile-repository.ts";
import { OBJECT_ID, ProfileDocumentInput } from "./profile-schema.ts";
import { parseFind, parseQueryTime } from "./query.ts";
import { publishToSockets } from "./socketio-publish.ts";

export const profileRoutes = new Hono<AppEnv>();

// Loop uploads its stored settings history as up to 400 profiles per POST (LoopKit
// NightscoutService settingsDataLimit, NightscoutKit uploadProfiles); Nightscout has no limit.
const MAX_DOCUMENTS = 1000;
const MAX_COUNT = 1000;

/** A stored profile as Nightscout answers it. */
const profileOut = (p: StoredProfile) => ({ ...p.doc, _id: p.id, created_at: iso(p.createdAt), srvCreated: p.srvCreated, srvModified: p.srvModified });

/** A new ObjectId-like id: 4 bytes of seconds (as Mongo's), 8 random bytes. */
function newObjectId(): string {
  const random = crypto.getRandomValues(new Uint8Array(8));
  return Math.floor(Date.now() / 1000).toString(16).padStart(8, "0") + toHex(random.buffer);
}

async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

const badId = (path: string, id: unknown) =>
  new ApiError(400, "invalid_id", `Invalid _id format: must be a 24-character hex string or omitted, got ${JSON.stringify(id)}`.slice(0, 200), [{ path, message: "must be a 24-character hex string or omitted" }]);


/** Validates documents (paths prefixed with their index when the body was an array) and shapes them for storage. */
async function prepare(c: Context<AppEnv>, items: unknown[], indexed: boolean): Promise<(NewProfile & { hasClientId: boolean })[]> {
  const at = (i: number, path: string) => [indexed ? String(i) : "", path].filter(Boolean).join(".") || "body";
  items.forEach((item, i) => {
    const id = (item as Record<string, unknown> | null)?.["_id"];
    if (id !== undefined && id !== null && !(typeof id === "string" && OBJECT_ID.test(id))) throw badId(at(i, "_id"), id);
  });
  const fields: FieldError[] = [];
  const out: (NewProfile & { hasClientId: boolean })[] = [];
  const now = Date.now();
  for (const [i, item] of items.entries()) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      fields.push({ path: at(i, ""), message: "must be a profile document (an object)" });
      continue;
    }
    const parsed = ProfileDocumentInput.safeParse(item);
    if (!parsed.success) {
      fields.push(...zodFields(parsed.error, indexed ? String(i) : ""));
      continue;
    }
    const { _id, created_at, ...rest } = item as Record<string, unknown>;
    void created_at;
    const createdAt = parsed.data.created_at ?? now;
    const startDate = parsed.data.startDate ?? createdAt;
    const doc = { ...rest, startDate: rest["startDate"] ?? iso(startDate) };
    out.push({ id: typeof _id === "string" ? _id.toLowerCase() : "", hasClientId: typeof _id === "string", startDate, createdAt, doc, docHash: await sha256Hex(JSON.stringify(rest)) });
  }
  if (fields.length) throw invalid(fields);
  return out;
}

/** Stores what is new; a document without `_id` whose content is already stored answers that copy. */
async function store(c: Context<AppEnv>, docs: (NewProfile & { hasClientId: boolean })[]): Promise<StoredProfile[]> {
  const db = await userDb(c);
  const userId = c.get("user").id;
  const answers: (StoredProfile | number)[] = [];
  const toWrite: NewProfile[] = [];
  const seen = new Map<string, number>();
  const stored = await findProfilesByHashes(db, userId, docs.flatMap((d) => (d.hasClientId ? [] : [d.docHash])));
  for (const d of docs) {
    if (!d.hasClientId) {
      const earlier = seen.get(d.docHash);
      if (earlier !== undefined) {
        answers.push(earlier);
        continue;
      }
      const existing = stored.get(d.docHash);
      if (existing) {
        answers.push(existing);
        continue;
      }
      d.id = newObjectId();
      seen.set(d.docHash, toWrite.length);
    }
    answers.push(toWrite.length);
    toWrite.push(d);
  }
  const written = await upsertProfiles(db, userId, toWrite);
  return answers.map((a) => (typeof a === "number" ? written[a]! : a));
}

const listRoute = async (c: Context<AppEnv>) => {
  const count = profileCount(c);
  const stored = await listProfiles(await userDb(c), c.get("user").id, count);
  return c.json(stored.length ? stored.map(profileOut) : [await defaultDocument(c)], 200);
};

/** `count` as the profile routes take it (default 10, up to MAX_COUNT). */
function profileCount(c: Context<AppEnv>): number {
  const raw = c.req.query("count");
  const count = raw === undefined ? 10 : Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) throw invalid([{ path: "count", message: `must be a whole number from 1 to ${MAX_COUNT}` }]);
  return count;
}

const BOUND_OPS = { $gt: "gt", $gte: "gte", $lt: "lt", $lte: "lte" } as const;

const queryRoute = async (c: Context<AppEnv>) => {
  const count = profileCount(c);
  const bounds: { gt?: number; gte?: number; lt?: number; lte?: number } = {};
  const fields: FieldError[] = [];
  for (const cond of parseFind(new URL(c.req.url).searchParams)) {
    const op = cond.op in BOUND_OPS ? BOUND_OPS[cond.op as keyof typeof BOUND_OPS] : null;
    const t = cond.values.length === 1 ? parseQueryTime(cond.values[0]!) : null;
    if (cond.field !== "startDate" || !op) fields.push({ path: cond.key, message: "only find[startDate][$gte|$gt|$lte|$lt] can be asked here" });
    else if (t === null) fields.push({ path: cond.key, message: "must be an ISO 8601 date or epoch milliseconds" });
    else bounds[op] = t;
  }
  if (fields.length) throw invalid(fields);
  const stored = await listProfilesByStartDate(await userDb(c), c.get("user").id, bounds, count);
  return c.json(stored.map(profileOut), 200);
};

async function defaultDocument(c: Context<AppEnv>) {
  const active = await activeProfiles(await userDb(c), c.get("user"));
  if (!active) throw new ApiError(401, "unauthorized", "Account no longer exists");
  return defaultProfileDocument(c.get("user").publicId, { ...active.config, timezone: active.config.forecast.timezone });
}

const currentRoute = async (c: Context<AppEnv>) => {
  const [latest] = await listProfiles(await userDb(c), c.get("user").id, 1);
  return c.json(latest ? profileOut(latest) : await defaultDocument(c), 200);
};

const postRoute = async (c: Context<AppEnv>) => {
  const body = await readBody(c, null);
  const items = Array.isArray(body) ? body : [body];
  if (items.length > MAX_DOCUMENTS) throw invalid([{ path: "body", message: `at most ${MAX_DOCUMENTS} documents per request` }]);
  const stored = (await store(c, await prepare(c, items, Array.isArray(body)))).map(profileOut);
  // As Nightscout's data-received: socket.io clients get the profiles as a delta.
  publishToSockets(c, { profiles: stored });
  return c.json(stored, 200);
};

const putRoute = async (c: Context<AppEnv>) => {
  const body = await readBody(c, null);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid([{ path: "body", message: "must be one profile document (an object)" }]);
  const [doc] = await prepare(c, [body], false);
  if (!doc!.hasClientId) doc!.id = newObjectId();
  const [stored] = await upsertProfiles(await userDb(c), c.get("user").id, [doc!]);
  publishToSockets(c, { profiles: [profileOut(stored!)] });
  return c.json(profileOut(stored!), 200);
};

for (const path of ["/profile", "/profile/", "/profile.json"]) {
  profileRoutes.get(path, listRoute);
  profileRoutes.post(path, postRoute);
  profileRoutes.put(path, putRoute);
}
for (const path of ["/profiles", "/profiles/", "/profiles.json"]) profileRoutes.get(path, queryRoute);
profileRoutes.get("/profile/current", currentRoute);
profileRoutes.get("/profile/current.json", currentRoute);
profileRoutes.delete("/profile/:id", async (c) => {
  const id = c.req.param("id");
  if (!OBJECT_ID.test(id)) throw badId("id", id);
  await deleteProfile(await userDb(c), c.get("user").id, id);
  return c.json({}, 200);
});

/**
 * Stores profile documents fetched from another Nightscout site (a bridge), as a POST would: by
 * their source `_id`, so fetching them again stores nothing twice. Invalid ones are skipped.
 */
export async function importProfiles(c: Context<AppEnv>, items: unknown[]): Promise<number> {
  const valid = items.filter((item) => {
    const id = (item as Record<string, unknown> | null)?.["_id"];
    return typeof item === "object" && item !== null && !Array.isArray(item) && (id === undefined || id === null || (typeof id === "string" && OBJECT_ID.test(id))) && ProfileDocumentInput.safeParse(item).success;
  });
  if (!valid.length) return 0;
  return (await store(c, await prepare(c, valid, true))).length;
}
