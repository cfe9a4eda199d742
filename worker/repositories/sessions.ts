/**
 * @module worker/repositories/sessions
 * Refresh tokens (opaque, stored as SHA-256, rotated on every use, grouped in families) and
 * single-use magic-link tokens.
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import * as t from "../db/schema.ts";
import { userShards } from "../db/schema-shards.ts";
import { joinedPlacement, placementColumns, type Placement } from "../db/shards.ts";
import { sessionEnded, sessionsOfUserEnded } from "../lib/live-sessions.ts";

export const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;
export const MAGIC_LINK_TTL_MS = 15 * 60 * 1000;
export const EMAIL_VERIFICATION_TTL_MS = 48 * 3600 * 1000;

export async function insertRefreshToken(db: Db, userId: number, familyId: string, tokenHash: string): Promise<void> {
  await db.insert(t.refreshTokens).values({ userId, familyId, tokenHash, expiresAt: Date.now() + REFRESH_TTL_MS });
}

export type RotateResult = { ok: true; userId: number; familyId: string } | { ok: false; reason: "unknown" | "expired" | "reused" };

/**
 * Marks a refresh token as used. A token that was already rotated (or revoked) is a sign of
 * theft: the whole family is revoked, so neither the thief nor the victim can go on with it.
 * The conditional UPDATE makes two concurrent uses of one token race safely: only one wins.
 */
export async function rotateRefreshToken(db: Db, tokenHash: string): Promise<RotateResult> {
  const now = Date.now();
  const claimed = await db
    .update(t.refreshTokens)
    .set({ rotatedAt: now })
    .where(and(eq(t.refreshTokens.tokenHash, tokenHash), isNull(t.refreshTokens.rotatedAt), isNull(t.refreshTokens.revokedAt)))
    .returning()
    .get();
  if (claimed) {
    if (claimed.expiresAt <= now) return { ok: false, reason: "expired" };
    return { ok: true, userId: claimed.userId, familyId: claimed.familyId };
  }
  const existing = await db.select().from(t.refreshTokens).where(eq(t.refreshTokens.tokenHash, tokenHash)).get();
  if (!existing) return { ok: false, reason: "unknown" };
  await revokeFamily(db, existing.familyId);
  return { ok: false, reason: "reused" };
}

export async function revokeFamily(db: Db, familyId: string): Promise<void> {
  sessionEnded(familyId);
  await db
    .update(t.refreshTokens)
    .set({ revokedAt: Date.now() })
    .where(and(eq(t.refreshTokens.familyId, familyId), isNull(t.refreshTokens.revokedAt)));
}

export async function familyOfToken(db: Db, tokenHash: string): Promise<string | null> {
  const row = await db.select({ familyId: t.refreshTokens.familyId }).from(t.refreshTokens).where(eq(t.refreshTokens.tokenHash, tokenHash)).get();
  return row?.familyId ?? null;
}

/**
 * Whether a session (refresh-token family) still has a token that was not revoked: logout,
 * password change, reuse of a rotated token and account deletion all end it. A live session's
 * answer carries the user's row of `user_shards`, joined in the same statement, so that an
 * authenticated request whose route is not remembered asks the directory once instead of twice
 * (worker/db/shards.ts rememberPlacement).
 */
export async function familyIsLive(db: Db, familyId: string, userId: number): Promise<{ live: boolean; placement: Placement }> {
  const row = await db
    .select({ id: t.refreshTokens.id, ...placementColumns })
    .from(t.refreshTokens)
    .leftJoin(userShards, eq(userShards.userId, t.refreshTokens.userId))
    .where(and(eq(t.refreshTokens.familyId, familyId), eq(t.refreshTokens.userId, userId), isNull(t.refreshTokens.revokedAt)))
    .limit(1)
    .get();
  if (!row) return { live: false, placement: null };
  return { live: true, placement: joinedPlacement(row) };
}

export async function revokeAllForUser(db: Db, userId: number): Promise<void> {
  sessionsOfUserEnded(userId);
  await db
    .update(t.refreshTokens)
    .set({ revokedAt: Date.now() })
    .where(and(eq(t.refreshTokens.userId, userId), isNull(t.refreshTokens.revokedAt)));
}

export async function insertMagicLink(db: Db, userId: number, tokenHash: string): Promise<void> {
  await db.insert(t.magicLinks).values({ userId, tokenHash, expiresAt: Date.now() + MAGIC_LINK_TTL_MS });
}

/** Consumes a magic-link token once; returns the user id, or null if unknown, used or expired. */
export async function consumeMagicLink(db: Db, tokenHash: string): Promise<number | null> {
  const now = Date.now();
  const row = await db
    .update(t.magicLinks)
    .set({ usedAt: now })
    .where(and(eq(t.magicLinks.tokenHash, tokenHash), isNull(t.magicLinks.usedAt), gt(t.magicLinks.expiresAt, now)))
    .returning({ userId: t.magicLinks.userId })
    .get();
  return row?.userId ?? null;
}

/** Voids every magic link of the user not used yet (password change). */
export async function voidMagicLinks(db: Db, userId: number): Promise<void> {
  await db
    .update(t.magicLinks)
    .set({ usedAt: Date.now() })
    .where(and(eq(t.magicLinks.userId, userId), isNull(t.magicLinks.usedAt)));
}

export async function insertEmailVerification(db: Db, userId: number, email: string, tokenHash: string): Promise<void> {
  await db.insert(t.emailVerifications).values({ userId, email, tokenHash, expiresAt: Date.now() + EMAIL_VERIFICATION_TTL_MS });
}

/**
 * Consumes an email-verification token once; returns its account, or null if the token is
 * unknown, used or expired, or was sent to another address than the account's.
 */
export async function consumeEmailVerification(db: Db, tokenHash: string): Promise<number | null> {
  const now = Date.now();
  const row = await db
    .update(t.emailVerifications)
    .set({ usedAt: now })
    .where(
      and(
        eq(t.emailVerifications.tokenHash, tokenHash),
        isNull(t.emailVerifications.usedAt),
        gt(t.emailVerifications.expiresAt, now),
        sql`${t.emailVerifications.email} = (SELECT email FROM users WHERE id = ${t.emailVerifications.userId})`,
      ),
    )
    .returning({ userId: t.emailVerifications.userId })
    .get();
  return row?.userId ?? null;
}

export async function insertOutboxMail(db: Db, mail: { userId: number | null; to: string; subject: string; body: string }): Promise<void> {
  await db.insert(t.outbox).values({ userId: mail.userId, toAddress: mail.to, subject: mail.subject, body: mail.body });
}
