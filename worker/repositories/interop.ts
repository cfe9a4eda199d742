/**
 * @module worker/repositories/interop
 * Data access for Nightscout compatibility and CGM webhooks: uploader secrets (hashes only),
 * treatments and device status documents, webhook secrets and idempotency records. Every function
 * that reads a user's data takes the user id first and filters on it.
 */
import { and, desc, eq, gt, gte, isNull, lt, lte, or, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { deviceStatuses, idempotencyKeys, nightscoutTreatments, uploaderSecrets, webhookSecrets } from "../db/schema-interop.ts";
import { toHex } from "../lib/crypto.ts";
import type { AuthUser } from "../middleware/auth.ts";

const encoder = new TextEncoder();
export const digestHex = async (algorithm: "SHA-1" | "SHA-512", text: string) => toHex(await crypto.subtle.digest(algorithm, encoder.encode(text)));

// ---------------------------------------------------------------------------------------------
// Uploader secrets

export interface Uploader {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export async function createUploader(db: Db, userId: number, name: string, secret: string): Promise<Uploader> {
  const [sha1, sha512] = await Promise.all([digestHex("SHA-1", secret), digestHex("SHA-512", secret)]);
  const row = await db.insert(uploaderSecrets).values({ userId, name, sha1, sha512 }).returning().get();
  return { id: row.id, name: row.name, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt };
}

export async function listUploaders(db: Db, userId: number): Promise<Uploader[]> {
  const rows = await db
    .select()
    .from(uploaderSecrets)
    .where(and(eq(uploaderSecrets.userId, userId), isNull(uploaderSecrets.revokedAt)))
    .orderBy(uploaderSecrets.id);
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt }));
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
 * The owner of an uploader credential: `digest` is the hex SHA-1 (40 chars) or SHA-512 (128 chars)
 * of the secret, as Nightscout clients send it. Case-insensitive, as Nightscout compares it.
 */
export async function findUploaderOwner(db: Db, digest: string): Promise<{ user: AuthUser; uploaderId: number; lastUsedAt: number | null } | null> {
  const d = digest.toLowerCase();
  const column = d.length === 40 ? uploaderSecrets.sha1 : d.length === 128 ? uploaderSecrets.sha512 : null;
  if (!column || !/^[0-9a-f]+$/.test(d)) return null;
  const row = await db
    .select({ id: users.id, publicId: users.publicId, uploaderId: uploaderSecrets.id, lastUsedAt: uploaderSecrets.lastUsedAt })
    .from(uploaderSecrets)
    .innerJoin(users, eq(users.id, uploaderSecrets.userId))
    .where(and(eq(column, d), isNull(uploaderSecrets.revokedAt)))
    .get();
  return row ? { user: { id: row.id, publicId: row.publicId }, uploaderId: row.uploaderId, lastUsedAt: row.lastUsedAt } : null;
}

/** Records that an uploader was used (the list shows it), at most once an hour per uploader. */
export async function touchUploader(db: Db, id: number, lastUsedAt: number | null): Promise<void> {
  const now = Date.now();
  if (lastUsedAt !== null && now - lastUsedAt < 3600_000) return;
  await db.update(uploaderSecrets).set({ lastUsedAt: now }).where(eq(uploaderSecrets.id, id));
}

// ---------------------------------------------------------------------------------------------
// Treatments and device status

export interface TimeFilter {
  gte?: number;
  lte?: number;
  gt?: number;
  lt?: number;
}

function timeWhere(column: typeof nightscoutTreatments.time | typeof deviceStatuses.time, f: TimeFilter): SQL[] {
  const out: SQL[] = [];
  if (f.gte !== undefined) out.push(gte(column, f.gte));
  if (f.lte !== undefined) out.push(lte(column, f.lte));
  if (f.gt !== undefined) out.push(gt(column, f.gt));
  if (f.lt !== undefined) out.push(lt(column, f.lt));
  return out;
}

export interface NewTreatment {
  time: number;
  eventType: string;
  identifier: string | null;
  doc: Record<string, unknown>;
  recordKind: string | null;
  recordId: number | null;
}

export interface StoredTreatment {
  id: number;
  time: number;
  doc: Record<string, unknown>;
}

/** The stored treatment that `t` duplicates (same identifier, or same created_at and eventType), if any. */
export async function findDuplicateTreatment(db: Db, userId: number, t: { time: number; eventType: string; identifier: string | null }): Promise<StoredTreatment | null> {
  const same = and(eq(nightscoutTreatments.time, t.time), eq(nightscoutTreatments.eventType, t.eventType))!;
  const row = await db
    .select()
    .from(nightscoutTreatments)
    .where(and(eq(nightscoutTreatments.userId, userId), t.identifier ? or(eq(nightscoutTreatments.identifier, t.identifier), same) : same))
    .get();
  return row ? { id: row.id, time: row.time, doc: JSON.parse(row.doc) as Record<string, unknown> } : null;
}

export async function insertTreatment(db: Db, userId: number, t: NewTreatment): Promise<StoredTreatment> {
  const row = await db
    .insert(nightscoutTreatments)
    .values({ userId, time: t.time, eventType: t.eventType, identifier: t.identifier, doc: JSON.stringify(t.doc), recordKind: t.recordKind, recordId: t.recordId })
    .returning()
    .get();
  return { id: row.id, time: row.time, doc: t.doc };
}

export async function listTreatments(db: Db, userId: number, f: TimeFilter, count: number): Promise<StoredTreatment[]> {
  const rows = await db
    .select()
    .from(nightscoutTreatments)
    .where(and(eq(nightscoutTreatments.userId, userId), ...timeWhere(nightscoutTreatments.time, f)))
    .orderBy(desc(nightscoutTreatments.time), desc(nightscoutTreatments.id))
    .limit(count);
  return rows.map((r) => ({ id: r.id, time: r.time, doc: JSON.parse(r.doc) as Record<string, unknown> }));
}

export async function insertDeviceStatuses(db: Db, userId: number, docs: { time: number; device: string | null; doc: Record<string, unknown> }[]): Promise<StoredTreatment[]> {
  const out: StoredTreatment[] = [];
  for (const d of docs) {
    const row = await db.insert(deviceStatuses).values({ userId, time: d.time, device: d.device, doc: JSON.stringify(d.doc) }).returning().get();
    out.push({ id: row.id, time: row.time, doc: d.doc });
  }
  return out;
}

export async function listDeviceStatuses(db: Db, userId: number, f: TimeFilter, count: number): Promise<StoredTreatment[]> {
  const rows = await db
    .select()
    .from(deviceStatuses)
    .where(and(eq(deviceStatuses.userId, userId), ...timeWhere(deviceStatuses.time, f)))
    .orderBy(desc(deviceStatuses.time), desc(deviceStatuses.id))
    .limit(count);
  return rows.map((r) => ({ id: r.id, time: r.time, doc: JSON.parse(r.doc) as Record<string, unknown> }));
}

// ---------------------------------------------------------------------------------------------
// Webhooks

export async function setWebhookSecret(db: Db, userId: number, secret: string): Promise<void> {
  await db
    .insert(webhookSecrets)
    .values({ userId, secret })
    .onConflictDoUpdate({ target: webhookSecrets.userId, set: { secret, createdAt: Date.now() } });
}

export async function getWebhookSecret(db: Db, userId: number): Promise<string | null> {
  const row = await db.select({ secret: webhookSecrets.secret }).from(webhookSecrets).where(eq(webhookSecrets.userId, userId)).get();
  return row?.secret ?? null;
}

export async function findUserByPublicId(db: Db, publicId: string): Promise<AuthUser | null> {
  const row = await db.select({ id: users.id, publicId: users.publicId }).from(users).where(eq(users.publicId, publicId)).get();
  return row ?? null;
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
