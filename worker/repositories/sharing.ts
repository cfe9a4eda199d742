/**
 * @module worker/repositories/sharing
 * Caregiver sharing in D1: invitations and the sharings they become, follower preferences, the
 * access log, follower WebSocket tickets and the escalation setting. Functions take the acting
 * user's id first; a sharing is only ever visible to its two sides.
 */
import { and, desc, eq, getTableColumns, gt, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import * as t from "../db/schema.ts";
import { careSettings, followerAccessLog, followTickets, sharings } from "../db/schema-sharing.ts";

export type SharingRow = typeof sharings.$inferSelect;

/** Minutes an urgent low may stay unacknowledged before the caregivers are alerted, unless set. */
export const DEFAULT_ESCALATION_MINUTES = 10;

/** A sharing as one side sees it, with the other side's name and email. */
export interface SharingView {
  sharing: SharingRow;
  role: "owner" | "follower";
  ownerPublicId: string;
  ownerName: string;
  ownerEmail: string;
  followerPublicId: string | null;
  followerName: string | null;
}

/** Stores an invitation; null when this address already has an open (pending or active) sharing from the user. */
export async function createInvitation(db: Db, userId: number, email: string): Promise<SharingRow | null> {
  const open = await db
    .select({ id: sharings.id })
    .from(sharings)
    .where(and(eq(sharings.userId, userId), eq(sharings.email, email), ne(sharings.status, "ended")))
    .get();
  if (open) return null;
  return db.insert(sharings).values({ id: crypto.randomUUID(), userId, email, status: "pending" }).returning().get();
}

/**
 * Accepts an invitation addressed to the follower's address, once they have verified it. One
 * conditional UPDATE: of two concurrent accepts only one wins, and a used or ended invitation
 * is never revived. Returns the sharing, or the reason it cannot be accepted.
 */
export async function acceptInvitation(
  db: Db,
  follower: { id: number; email: string; emailVerified: boolean },
  id: string,
): Promise<{ ok: true; sharing: SharingRow } | { ok: false; reason: "not_found" | "not_pending" | "own" | "unverified" }> {
  const { id: followerId, email } = follower;
  const row = await db.select().from(sharings).where(eq(sharings.id, id)).get();
  // Invitations to another address are not this user's business: 404, as if absent.
  if (!row || row.email !== email) return { ok: false, reason: "not_found" };
  if (row.userId === followerId) return { ok: false, reason: "own" };
  if (!follower.emailVerified) return { ok: false, reason: "unverified" };
  const updated = await db
    .update(sharings)
    .set({ status: "active", followerId, acceptedAt: Date.now() })
    .where(and(eq(sharings.id, id), eq(sharings.status, "pending"), eq(sharings.email, email)))
    .returning()
    .get();
  return updated ? { ok: true, sharing: updated } : { ok: false, reason: "not_pending" };
}

// Two aliases of users in one join confuse drizzle's result type (both are "users"), so the
// follower's fields come from correlated subqueries.
const viewColumns = {
  ...getTableColumns(sharings),
  ownerPublicId: t.users.publicId,
  ownerName: t.users.name,
  ownerEmail: t.users.email,
  followerPublicId: sql<string | null>`(SELECT f.public_id FROM users f WHERE f.id = ${sharings.followerId})`,
  followerName: sql<string | null>`(SELECT f.name FROM users f WHERE f.id = ${sharings.followerId})`,
};

/**
 * Every open sharing of the user from both sides: the people they share with (pending
 * invitations too) and the people they follow, plus invitations addressed to `invitedEmail`:
 * the user's address once verified, null before (invitations are shown to the address's
 * proven owner only).
 */
export async function listSharings(db: Db, userId: number, invitedEmail: string | null): Promise<SharingView[]> {
  const invited = invitedEmail === null ? undefined : and(eq(sharings.status, "pending"), eq(sharings.email, invitedEmail));
  const rows = await db
    .select(viewColumns)
    .from(sharings)
    .innerJoin(t.users, eq(t.users.id, sharings.userId))
    .where(and(ne(sharings.status, "ended"), or(eq(sharings.userId, userId), eq(sharings.followerId, userId), invited)))
    .orderBy(sharings.createdAt, sharings.id);
  return rows.map(({ ownerPublicId, ownerName, ownerEmail, followerPublicId, followerName, ...sharing }) => ({
    sharing,
    role: sharing.userId === userId ? "owner" : "follower",
    ownerPublicId,
    ownerName,
    ownerEmail,
    followerPublicId,
    followerName,
  }));
}

/** Ends a sharing from either side; returns it as it was, or null when the user is neither side (or it had ended). */
export async function endSharing(db: Db, userId: number, id: string): Promise<SharingRow | null> {
  const row = await db
    .update(sharings)
    .set({ status: "ended", endedAt: Date.now() })
    .where(and(eq(sharings.id, id), ne(sharings.status, "ended"), or(eq(sharings.userId, userId), eq(sharings.followerId, userId))))
    .returning()
    .get();
  return row ?? null;
}

/** The followed person behind `publicId`, when `followerId` has an active sharing from them. */
export async function findFollowedByPublicId(db: Db, followerId: number, publicId: string): Promise<{ id: number; publicId: string; sharingId: string } | null> {
  const row = await db
    .select({ id: t.users.id, publicId: t.users.publicId, sharingId: sharings.id })
    .from(sharings)
    .innerJoin(t.users, eq(t.users.id, sharings.userId))
    .where(and(eq(t.users.publicId, publicId), eq(sharings.followerId, followerId), eq(sharings.status, "active")))
    .get();
  return row ?? null;
}

export interface FollowerPrefsInput {
  lowThreshold?: number | null;
  highThreshold?: number | null;
  quietStart?: number | null;
  quietEnd?: number | null;
  quietTimezone?: string | null;
}

/** A follower changes their own preferences on an active sharing; null when it is not theirs. */
export async function updateFollowerPrefs(db: Db, followerId: number, id: string, prefs: FollowerPrefsInput): Promise<SharingRow | null> {
  if (!Object.keys(prefs).length) {
    return (await db.select().from(sharings).where(and(eq(sharings.id, id), eq(sharings.followerId, followerId), eq(sharings.status, "active"))).get()) ?? null;
  }
  const row = await db
    .update(sharings)
    .set(prefs)
    .where(and(eq(sharings.id, id), eq(sharings.followerId, followerId), eq(sharings.status, "active")))
    .returning()
    .get();
  return row ?? null;
}

// ---------------------------------------------------------------------------------------------
// Access log

export interface AccessEntry {
  followerId: number;
  sharingId: string;
  method: string;
  path: string;
  status: number;
  time: number;
}

export async function logAccess(db: Db, userId: number, e: AccessEntry): Promise<void> {
  await db.insert(followerAccessLog).values({ userId, ...e });
}

/** One page of the accesses to the user's data, newest first. */
export async function listAccessLog(db: Db, userId: number, q: { limit: number; before?: number }) {
  const l = followerAccessLog;
  const rows = await db
    .select({ id: l.id, sharingId: l.sharingId, method: l.method, path: l.path, status: l.status, time: l.time, followerPublicId: t.users.publicId, followerName: t.users.name })
    .from(l)
    .innerJoin(t.users, eq(t.users.id, l.followerId))
    .where(and(eq(l.userId, userId), q.before === undefined ? undefined : lt(l.id, q.before)))
    .orderBy(desc(l.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  return { items: more ? rows.slice(0, q.limit) : rows, more };
}

// ---------------------------------------------------------------------------------------------
// Follower WebSocket tickets

export async function insertFollowTicket(db: Db, followerId: number, ownerId: number, tokenHash: string, expiresAt: number): Promise<void> {
  const f = followTickets;
  await db.batch([
    db.delete(f).where(and(eq(f.followerId, followerId), or(lte(f.expiresAt, Date.now()), sql`${f.usedAt} IS NOT NULL`))),
    db.insert(f).values({ userId: ownerId, followerId, tokenHash, expiresAt }),
  ]);
}

/**
 * Uses a follower ticket up, and only while the sharing is still active (it may have ended in
 * the 60 s since the ticket was issued). Returns the followed person and the follower.
 */
export async function consumeFollowTicket(db: Db, tokenHash: string): Promise<{ owner: { userId: number; publicId: string }; followerId: number } | null> {
  const f = followTickets;
  const now = Date.now();
  const row = await db
    .update(f)
    .set({ usedAt: now })
    .where(and(eq(f.tokenHash, tokenHash), isNull(f.usedAt), gt(f.expiresAt, now)))
    .returning({ userId: f.userId, followerId: f.followerId })
    .get();
  if (!row) return null;
  const live = await db
    .select({ publicId: t.users.publicId })
    .from(sharings)
    .innerJoin(t.users, eq(t.users.id, sharings.userId))
    .where(and(eq(sharings.userId, row.userId), eq(sharings.followerId, row.followerId), eq(sharings.status, "active")))
    .get();
  return live ? { owner: { userId: row.userId, publicId: live.publicId }, followerId: row.followerId } : null;
}

// ---------------------------------------------------------------------------------------------
// Escalation setting

export async function getEscalationMinutes(db: Db, userId: number): Promise<number> {
  const row = await db.select({ m: careSettings.escalationMinutes }).from(careSettings).where(eq(careSettings.userId, userId)).get();
  return row?.m ?? DEFAULT_ESCALATION_MINUTES;
}

export async function saveEscalationMinutes(db: Db, userId: number, minutes: number): Promise<void> {
  const now = Date.now();
  await db.insert(careSettings).values({ userId, escalationMinutes: minutes, updatedAt: now }).onConflictDoUpdate({ target: careSettings.userId, set: { escalationMinutes: minutes, updatedAt: now } });
}

/** The public ids of the people `followerId` follows (active sharings): their objects hold the follower's sockets. */
export async function followedPublicIds(db: Db, followerId: number): Promise<string[]> {
  const rows = await db
    .select({ publicId: t.users.publicId })
    .from(sharings)
    .innerJoin(t.users, eq(t.users.id, sharings.userId))
    .where(and(eq(sharings.followerId, followerId), eq(sharings.status, "active")));
  return rows.map((r) => r.publicId);
}


