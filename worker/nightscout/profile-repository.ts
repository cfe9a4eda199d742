/**
 * @module worker/nightscout/profile-repository
 * D1 access for Nightscout profile documents. Every function takes the user id first and
 * filters on it: a profile `_id` names a document only within its owner's rows.
 */
import { and, desc, eq, gt, gte, lt, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { nightscoutProfiles } from "../db/schema-profiles.ts";

export interface StoredProfile {
  id: string;
  startDate: number;
  createdAt: number;
  srvCreated: number;
  srvModified: number;
  doc: Record<string, unknown>;
}

export interface NewProfile {
  id: string;
  startDate: number;
  createdAt: number;
  doc: Record<string, unknown>;
  docHash: string;
}

type Row = typeof nightscoutProfiles.$inferSelect;

const toStored = (r: Row): StoredProfile => ({
  id: r.id,
  startDate: r.startDate,
  createdAt: r.createdAt,
  srvCreated: r.srvCreated,
  srvModified: r.srvModified,
  doc: JSON.parse(r.doc) as Record<string, unknown>,
});

/** The user's valid profiles, newest `startDate` first (then newest `_id`, as Nightscout's `last`). */
export async function listProfiles(db: Db, userId: number, limit: number): Promise<StoredProfile[]> {
  const rows = await db
    .select()
    .from(nightscoutProfiles)
    .where(and(eq(nightscoutProfiles.userId, userId), eq(nightscoutProfiles.isValid, true)))
    .orderBy(desc(nightscoutProfiles.startDate), desc(nightscoutProfiles.id))
    .limit(limit);
  return rows.map(toStored);
}

/** The user's valid profiles whose `startDate` lies within the bounds (epoch ms, each optional), newest first. */
export async function listProfilesByStartDate(db: Db, userId: number, bounds: { gt?: number; gte?: number; lt?: number; lte?: number }, limit: number): Promise<StoredProfile[]> {
  const p = nightscoutProfiles;
  const rows = await db
    .select()
    .from(p)
    .where(
      and(
        eq(p.userId, userId),
        eq(p.isValid, true),
        bounds.gt === undefined ? undefined : gt(p.startDate, bounds.gt),
        bounds.gte === undefined ? undefined : gte(p.startDate, bounds.gte),
        bounds.lt === undefined ? undefined : lt(p.startDate, bounds.lt),
        bounds.lte === undefined ? undefined : lte(p.startDate, bounds.lte),
      ),
    )
    .orderBy(desc(p.startDate), desc(p.id))
    .limit(limit);
  return rows.map(toStored);
}

/**
 * The user's valid profiles with the same posted content as any of `docHashes` (a retried POST),
 * by hash, in one query: a batch may hold hundreds (json_each, as D1 binds at most 100 values).
 */
export async function findProfilesByHashes(db: Db, userId: number, docHashes: string[]): Promise<Map<string, StoredProfile>> {
  const found = new Map<string, StoredProfile>();
  if (!docHashes.length) return found;
  const p = nightscoutProfiles;
  const rows = await db
    .select()
    .from(p)
    .where(and(eq(p.userId, userId), eq(p.isValid, true), sql`${p.docHash} IN (SELECT value FROM json_each(${JSON.stringify(docHashes)}))`))
    .orderBy(p.id);
  for (const r of rows) if (!found.has(r.docHash)) found.set(r.docHash, toStored(r));
  return found;
}

/**
 * Stores the documents in one D1 batch (all or none), replacing any of the user's documents with
 * the same `_id` (also one deleted before: it becomes valid again, `srvCreated` kept).
 */
export async function upsertProfiles(db: Db, userId: number, profiles: NewProfile[]): Promise<StoredProfile[]> {
  if (!profiles.length) return [];
  const now = Date.now();
  const statements = profiles.map((p) => {
    const values = { startDate: p.startDate, doc: JSON.stringify(p.doc), docHash: p.docHash, createdAt: p.createdAt, srvModified: now, isValid: true };
    return db
      .insert(nightscoutProfiles)
      .values({ userId, id: p.id, srvCreated: now, ...values })
      .onConflictDoUpdate({ target: [nightscoutProfiles.userId, nightscoutProfiles.id], set: values })
      .returning();
  });
  const results = await db.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
  return results.map((rows) => toStored(rows[0]!));
}

/** Marks the user's profile deleted (kept for API v3 history); false when there was none. */
export async function deleteProfile(db: Db, userId: number, id: string): Promise<boolean> {
  const res = await db
    .update(nightscoutProfiles)
    .set({ isValid: false, srvModified: Date.now() })
    .where(and(eq(nightscoutProfiles.userId, userId), eq(nightscoutProfiles.id, id.toLowerCase()), eq(nightscoutProfiles.isValid, true)))
    .run();
  return res.meta.changes > 0;
}
