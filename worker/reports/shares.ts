/**
 * @module worker/reports/shares
 * Report share links in D1. Functions that act for the owner take the user id first and touch
 * only that user's rows; a link is resolved from its token alone (by hash) for the shared routes.
 */
import { and, count, desc, eq, isNull, max, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { reportShareAccessLog, reportShares } from "../db/schema-reports.ts";
import { users } from "../db/schema.ts";

export type ReportShare = typeof reportShares.$inferSelect;

export interface ReportShareWithUse extends ReportShare {
  opens: number;
  lastOpenedAt: number | null;
}

export async function createShare(db: Db, userId: number, input: { tokenHash: string; days: number; expiresAt: number }): Promise<ReportShare> {
  return db
    .insert(reportShares)
    .values({ id: crypto.randomUUID(), userId, tokenHash: input.tokenHash, days: input.days, expiresAt: input.expiresAt })
    .returning()
    .get();
}

/** The user's links, newest first, with how often each was opened (successful opens only). */
export async function listShares(db: Db, userId: number): Promise<ReportShareWithUse[]> {
  const opens = db
    .select({ shareId: reportShareAccessLog.shareId, opens: count().as("opens"), lastOpenedAt: max(reportShareAccessLog.time).as("last_opened_at") })
    .from(reportShareAccessLog)
    .where(and(eq(reportShareAccessLog.userId, userId), sql`${reportShareAccessLog.status} < 400`))
    .groupBy(reportShareAccessLog.shareId)
    .as("opens");
  const rows = await db
    .select({ share: reportShares, opens: opens.opens, lastOpenedAt: opens.lastOpenedAt })
    .from(reportShares)
    .leftJoin(opens, eq(opens.shareId, reportShares.id))
    .where(eq(reportShares.userId, userId))
    .orderBy(desc(reportShares.createdAt), desc(reportShares.id));
  return rows.map((r) => ({ ...r.share, opens: r.opens ?? 0, lastOpenedAt: r.lastOpenedAt ?? null }));
}

/** Revokes one of the user's links; null when it is not theirs or already revoked. */
export async function revokeShare(db: Db, userId: number, id: string, now = Date.now()): Promise<ReportShare | null> {
  const row = await db
    .update(reportShares)
    .set({ revokedAt: now })
    .where(and(eq(reportShares.id, id), eq(reportShares.userId, userId), isNull(reportShares.revokedAt)))
    .returning()
    .get();
  return row ?? null;
}

/** The link behind a token hash with its owner's name, unit and time zone, or null. */
export async function findShareByTokenHash(db: Db, tokenHash: string) {
  const row = await db
    .select({ share: reportShares, owner: { publicId: users.publicId, name: users.name, unit: users.unit, timezone: users.timezone } })
    .from(reportShares)
    .innerJoin(users, eq(users.id, reportShares.userId))
    .where(eq(reportShares.tokenHash, tokenHash))
    .get();
  return row ?? null;
}

export async function logShareAccess(db: Db, userId: number, entry: { shareId: string; resource: string; status: number; time: number }): Promise<void> {
  await db.insert(reportShareAccessLog).values({ userId, ...entry });
}

/** One page of a link's access log, newest first (`before`: an id from the previous page). */
export async function listShareAccess(db: Db, userId: number, shareId: string, opts: { limit: number; before?: number }) {
  const rows = await db
    .select()
    .from(reportShareAccessLog)
    .where(
      and(
        eq(reportShareAccessLog.userId, userId),
        eq(reportShareAccessLog.shareId, shareId),
        opts.before === undefined ? undefined : sql`${reportShareAccessLog.id} < ${opts.before}`,
      ),
    )
    .orderBy(desc(reportShareAccessLog.id))
    .limit(opts.limit + 1);
  return { items: rows.slice(0, opts.limit), more: rows.length > opts.limit };
}

export async function findShare(db: Db, userId: number, id: string): Promise<ReportShare | null> {
  return (await db.select().from(reportShares).where(and(eq(reportShares.id, id), eq(reportShares.userId, userId))).get()) ?? null;
}
