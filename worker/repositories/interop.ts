/**
 * @module worker/repositories/interop
 * Data access for Nightscout compatibility and CGM webhooks: uploader secrets (hashes only),
 * webhook secrets and idempotency records (Nightscout's documents: worker/nightscout/). Every function
 * that reads a user's data takes the user id first and filters on it.
 */
import type { BatchItem } from "drizzle-orm/batch";
import { and, asc, eq, gte, inArray, isNull, lt, ne } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { userShards } from "../db/schema-shards.ts";
import { joinedPlacement, placementColumns, type Placement } from "../db/shards.ts";
import { idempotencyKeys, importUploadParts, importUploads, importUploadState, uploaderSecrets, webhookSecrets, type UploaderRole } from "../db/schema-interop.ts";
import { toHex } from "../lib/crypto.ts";
import type { AuthUser } from "../middleware/auth.ts";

const encoder = new TextEncoder();
export const digestHex = async (algorithm: "SHA-1" | "SHA-512", text: string) => toHex(await crypto.subtle.digest(algorithm, encoder.encode(text)));

// ---------------------------------------------------------------------------------------------
// Uploader secrets

export interface Uploader {
  id: number;
  name: string;
  role: UploaderRole;
  createdAt: number;
  lastUsedAt: number | null;
}

export async function createUploader(db: Db, userId: number, name: string, secret: string, role: UploaderRole = "admin"): Promise<Uploader> {
  const [sha1, sha512] = await Promise.all([digestHex("SHA-1", secret), digestHex("SHA-512", secret)]);
  const row = await db.insert(uploaderSecrets).values({ userId, name, sha1, sha512, role }).returning().get();
  return { id: row.id, name: row.name, role: row.role, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt };
}

export async function listUploaders(db: Db, userId: number): Promise<Uploader[]> {
  const rows = await db
    .select()
    .from(uploaderSecrets)
    .where(and(eq(uploaderSecrets.userId, userId), isNull(uploaderSecrets.revokedAt)))
    .orderBy(uploaderSecrets.id);
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt }));
}

/** An uploader of the user with its SHA-1 (what a Nightscout subject's token is derived from), while not revoked. */
export async function findUploaderDigest(db: Db, userId: number, id: number): Promise<{ id: number; sha1: string } | null> {
  const row = await db
    .select({ id: uploaderSecrets.id, sha1: uploaderSecrets.sha1 })
    .from(uploaderSecrets)
    .where(and(eq(uploaderSecrets.userId, userId), eq(uploaderSecrets.id, id), isNull(uploaderSecrets.revokedAt)))
    .get();
  return row ?? null;
}

/**
 * Stores a Nightscout subject made by the uploader `parentId`: its digests depend on its own id and
 * creation time (the token is derived from them), so the row is written first with the digests of
 * a throw-away secret, then given the token's.
 */
export async function createSubject(
  db: Db,
  userId: number,
  parentId: number,
  name: string,
  role: UploaderRole,
  tokenOf: (row: { id: number; createdAt: number }) => Promise<string>,
): Promise<Uploader & { token: string }> {
  const placeholder = crypto.randomUUID();
  const [sha1, sha512] = await Promise.all([digestHex("SHA-1", placeholder), digestHex("SHA-512", placeholder)]);
  const row = await db.insert(uploaderSecrets).values({ userId, name, sha1, sha512, role, parentId }).returning().get();
  const token = await tokenOf(row);
  const [tokenSha1, tokenSha512] = await Promise.all([digestHex("SHA-1", token), digestHex("SHA-512", token)]);
  await db.update(uploaderSecrets).set({ sha1: tokenSha1, sha512: tokenSha512 }).where(and(eq(uploaderSecrets.userId, userId), eq(uploaderSecrets.id, row.id)));
  return { id: row.id, name: row.name, role: row.role, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, token };
}

/** The user's active uploaders, by name, each with its maker's SHA-1 when it is a Nightscout subject. */
export async function listSubjects(db: Db, userId: number): Promise<(Uploader & { parentSha1: string | null })[]> {
  const parent = alias(uploaderSecrets, "parent");
  const rows = await db
    .select({ id: uploaderSecrets.id, name: uploaderSecrets.name, role: uploaderSecrets.role, createdAt: uploaderSecrets.createdAt, lastUsedAt: uploaderSecrets.lastUsedAt, parentSha1: parent.sha1 })
    .from(uploaderSecrets)
    .leftJoin(parent, and(eq(parent.id, uploaderSecrets.parentId), eq(parent.userId, uploaderSecrets.userId)))
    .where(and(eq(uploaderSecrets.userId, userId), isNull(uploaderSecrets.revokedAt)))
    .orderBy(uploaderSecrets.name, uploaderSecrets.id);
  return rows;
}

export async function revokeUploader(db: Db, userId: number, id: number): Promise<boolean> {
  const res = await db
    .update(uploaderSecrets)
    .set({ revokedAt: Date.now() })
    .where(and(eq(uploaderSecrets.userId, userId), eq(uploaderSecrets.id, id), isNull(uploaderSecrets.revokedAt)))
    .run();
  return res.meta.changes > 0;
}

/**
 * An uploader's owner and role, with the owner's row of `user_shards` joined in: the request
 * that presents the credential goes on to the user's shard, and the route comes with this read
 * instead of a second directory read (worker/db/shards.ts rememberPlacement).
 */
const OWNER_COLUMNS = {
  id: users.id,
  publicId: users.publicId,
  name: uploaderSecrets.name,
  role: uploaderSecrets.role,
  ...placementColumns,
};

function ownerOf(row: { id: number; publicId: string; name: string; role: UploaderRole } & Parameters<typeof joinedPlacement>[0]) {
  return { user: { id: row.id, publicId: row.publicId } satisfies AuthUser, name: row.name, role: row.role, placement: joinedPlacement(row) };
}

/**
 * The owner of an uploader credential: `digest` is the hex SHA-1 (40 chars) or SHA-512 (128 chars)
 * of the secret, as Nightscout clients send it. Case-insensitive, as Nightscout compares it.
 */
export async function findUploaderOwner(
  db: Db,
  digest: string,
): Promise<{ user: AuthUser; uploaderId: number; name: string; role: UploaderRole; lastUsedAt: number | null; placement: Placement } | null> {
  const d = digest.toLowerCase();
  const column = d.length === 40 ? uploaderSecrets.sha1 : d.length === 128 ? uploaderSecrets.sha512 : null;
  if (!column || !/^[0-9a-f]+$/.test(d)) return null;
  const row = await db
    .select({ ...OWNER_COLUMNS, uploaderId: uploaderSecrets.id, lastUsedAt: uploaderSecrets.lastUsedAt })
    .from(uploaderSecrets)
    .innerJoin(users, eq(users.id, uploaderSecrets.userId))
    .leftJoin(userShards, eq(userShards.userId, uploaderSecrets.userId))
    .where(and(eq(column, d), isNull(uploaderSecrets.revokedAt)))
    .get();
  return row ? { ...ownerOf(row), uploaderId: row.uploaderId, lastUsedAt: row.lastUsedAt } : null;
}

/** The owner of an uploader by its id, while it is not revoked (Nightscout JWTs name the uploader). */
export async function findUploaderById(db: Db, id: number): Promise<{ user: AuthUser; name: string; role: UploaderRole; placement: Placement } | null> {
  const row = await db
    .select(OWNER_COLUMNS)
    .from(uploaderSecrets)
    .innerJoin(users, eq(users.id, uploaderSecrets.userId))
    .leftJoin(userShards, eq(userShards.userId, uploaderSecrets.userId))
    .where(and(eq(uploaderSecrets.id, id), isNull(uploaderSecrets.revokedAt)))
    .get();
  return row ? ownerOf(row) : null;
}

/** Records that an uploader was used (the list shows it), at most once an hour per uploader. */
export async function touchUploader(db: Db, id: number, lastUsedAt: number | null): Promise<void> {
  const now = Date.now();
  if (lastUsedAt !== null && now - lastUsedAt < 3600_000) return;
  await db.update(uploaderSecrets).set({ lastUsedAt: now }).where(eq(uploaderSecrets.id, id));
}

// ---------------------------------------------------------------------------------------------
// Webhooks

export async function setWebhookSecret(db: Db, userId: number, secret: string): Promise<void> {
  await db
    .insert(webhookSecrets)
    .values({ userId, secret })
    .onConflictDoUpdate({ target: webhookSecrets.userId, set: { secret, createdAt: Date.now() } });
}

/**
 * The account a webhook delivery names (its public id), with its webhook secret (null: none set)
 * and its row of `user_shards`, in one directory read: the delivery is checked against the secret
 * and then goes on to the user's shard (worker/db/shards.ts rememberPlacement).
 */
export async function findWebhookSigner(db: Db, publicId: string): Promise<{ user: AuthUser; secret: string | null; placement: Placement } | null> {
  const row = await db
    .select({ id: users.id, publicId: users.publicId, secret: webhookSecrets.secret, ...placementColumns })
    .from(users)
    .leftJoin(webhookSecrets, eq(webhookSecrets.userId, users.id))
    .leftJoin(userShards, eq(userShards.userId, users.id))
    .where(eq(users.publicId, publicId))
    .get();
  if (!row) return null;
  return { user: { id: row.id, publicId: row.publicId }, secret: row.secret, placement: joinedPlacement(row) };
}

/** How long a delivery's first response is replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export async function findIdempotent(db: Db, userId: number, key: string): Promise<{ status: number; body: string } | null> {
  const row = await db
    .select({ status: idempotencyKeys.status, body: idempotencyKeys.body })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), gte(idempotencyKeys.createdAt, Date.now() - IDEMPOTENCY_TTL_MS)))
    .get();
  return row ?? null;
}

export async function saveIdempotent(db: Db, userId: number, key: string, status: number, body: string): Promise<void> {
  await db
    .insert(idempotencyKeys)
    .values({ userId, key, status, body })
    .onConflictDoUpdate({ target: [idempotencyKeys.userId, idempotencyKeys.key], set: { status, body, createdAt: Date.now() } });
}

// ---------------------------------------------------------------------------------------------
// Imports sent in parts (worker/imports/parts.ts)

/** An upload is forgotten this long after its latest part. */
export const UPLOAD_TTL_MS = 24 * 3600 * 1000;
/** Parser state is stored in pieces of this many characters (D1 rows stay far below 2 MB). */
const STATE_PIECE = 512 * 1024;

export type StoredUpload = typeof importUploads.$inferSelect;

export interface UploadProgress {
  format: string | null;
  options: string;
  nextPart: number;
  done: boolean;
  totals: string;
  carry: string;
}

export async function findUpload(db: Db, userId: number, id: string): Promise<StoredUpload | null> {
  return (await db.select().from(importUploads).where(and(eq(importUploads.userId, userId), eq(importUploads.id, id))).get()) ?? null;
}

export async function findUploadPart(db: Db, userId: number, id: string, part: number): Promise<{ sha256: string; response: string } | null> {
  const row = await db
    .select({ sha256: importUploadParts.sha256, response: importUploadParts.response })
    .from(importUploadParts)
    .where(and(eq(importUploadParts.userId, userId), eq(importUploadParts.uploadId, id), eq(importUploadParts.part, part)))
    .get();
  return row ?? null;
}

/** The parser state saved after `part`, or null when none was (the format was not known yet). */
export async function loadUploadState(db: Db, userId: number, id: string, part: number): Promise<string | null> {
  const rows = await db
    .select({ data: importUploadState.data })
    .from(importUploadState)
    .where(and(eq(importUploadState.userId, userId), eq(importUploadState.uploadId, id), eq(importUploadState.part, part)))
    .orderBy(asc(importUploadState.seq));
  return rows.length ? rows.map((r) => r.data).join("") : null;
}

/**
 * Records a processed part in one batch: the upload's progress (inserted on part 0), the part's
 * answer and the parser state after it (replacing the previous part's). The part's primary key
 * makes a concurrent second copy of the same part fail as a whole; the caller then replays.
 */
export async function saveUploadPart(db: Db, userId: number, id: string, part: number, progress: UploadProgress, sha256: string, response: string, state: string | null): Promise<void> {
  const expiresAt = Date.now() + UPLOAD_TTL_MS;
  const statements: BatchItem<"sqlite">[] = [
    part === 0
      ? db.insert(importUploads).values({ userId, id, ...progress, expiresAt })
      : db
          .update(importUploads)
          .set({ ...progress, expiresAt })
          .where(and(eq(importUploads.userId, userId), eq(importUploads.id, id), eq(importUploads.nextPart, part))),
    db.insert(importUploadParts).values({ userId, uploadId: id, part, sha256, response }),
    db.delete(importUploadState).where(and(eq(importUploadState.userId, userId), eq(importUploadState.uploadId, id), ne(importUploadState.part, part))),
  ];
  const pieces = state === null ? [] : Array.from({ length: Math.ceil(state.length / STATE_PIECE) }, (_, seq) => state.slice(seq * STATE_PIECE, (seq + 1) * STATE_PIECE));
  pieces.forEach((data, seq) => statements.push(db.insert(importUploadState).values({ userId, uploadId: id, part, seq, data })));
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}

/** Removes uploads of the user that expired before `now` (or the one named), with their parts and state. */
export async function deleteUploads(db: Db, userId: number, opts: { id?: string; expiredBefore?: number }): Promise<void> {
  const ids = opts.id !== undefined ? [opts.id] : (await db.select({ id: importUploads.id }).from(importUploads).where(and(eq(importUploads.userId, userId), lt(importUploads.expiresAt, opts.expiredBefore ?? 0))).limit(50)).map((r) => r.id);
  if (!ids.length) return;
  await db.batch([
    db.delete(importUploadState).where(and(eq(importUploadState.userId, userId), inArray(importUploadState.uploadId, ids))),
    db.delete(importUploadParts).where(and(eq(importUploadParts.userId, userId), inArray(importUploadParts.uploadId, ids))),
    db.delete(importUploads).where(and(eq(importUploads.userId, userId), inArray(importUploads.id, ids))),
  ]);
}
