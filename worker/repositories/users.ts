/**
 * @module worker/repositories/users
 * Accounts. Functions that act on one account's data take its internal id first.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import * as t from "../db/schema.ts";
import type { PasswordHash } from "../lib/password.ts";
import type { GlucoseUnit } from "../../vocabulary/units.ts";

export interface UserRecord {
  id: number;
  publicId: string;
  email: string;
  name: string;
  timezone: string;
  unit: GlucoseUnit;
  password: PasswordHash;
  /** Whether the owner of `email` proved it; invitations to the address need that. */
  emailVerified: boolean;
}

type UserRow = typeof t.users.$inferSelect;

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  publicId: r.publicId,
  email: r.email,
  name: r.name,
  timezone: r.timezone,
  unit: r.unit,
  password: { hash: r.passwordHash, salt: r.passwordSalt, iterations: r.passwordIterations },
  emailVerified: r.emailVerifiedAt !== null,
});

/** The public shape of a user (what /auth/me answers). */
export const publicUser = (u: UserRecord) => ({
  id: u.publicId,
  email: u.email,
  email_verified: u.emailVerified,
  name: u.name,
  timezone: u.timezone,
  unit: u.unit,
});

/**
 * Most accounts one password login tries for an address. An address has one account unless
 * someone registered it again (each later account is unverifiable); the cap bounds the hashing
 * a login does whatever number of such registrations an attacker made.
 */
export const LOGIN_CANDIDATES = 4;

/**
 * The accounts registered with `email` that a password login tries, the verified one first,
 * then the oldest. The email is unique only among verified accounts (see db/schema.ts).
 */
export async function accountsByEmail(db: Db, email: string): Promise<UserRecord[]> {
  const rows = await db
    .select()
    .from(t.users)
    .where(eq(t.users.email, email))
    .orderBy(sql`${t.users.emailVerifiedAt} IS NULL`, asc(t.users.id))
    .limit(LOGIN_CANDIDATES);
  return rows.map(toUser);
}

/**
 * The account that owns `email`: the verified one, else the oldest account registered with it
 * (the only one that is ever sent a verification link). Magic links go to this account only.
 */
export async function ownerOfEmail(db: Db, email: string): Promise<UserRecord | null> {
  const row = await db
    .select()
    .from(t.users)
    .where(eq(t.users.email, email))
    .orderBy(sql`${t.users.emailVerifiedAt} IS NULL`, asc(t.users.id))
    .limit(1)
    .get();
  return row ? toUser(row) : null;
}

/**
 * Marks the account's address as verified when the account owns it: no other account holds it
 * verified and no older account was registered with it (the unique partial index
 * `users_email_verified` settles a race). Returns the account as it is afterwards, or null when
 * the account does not exist.
 */
export async function markEmailVerified(db: Db, userId: number): Promise<UserRecord | null> {
  const email = sql`(SELECT email FROM users WHERE id = ${userId})`;
  try {
    await db
      .update(t.users)
      .set({ emailVerifiedAt: Date.now() })
      .where(
        and(
          eq(t.users.id, userId),
          isNull(t.users.emailVerifiedAt),
          sql`NOT EXISTS (SELECT 1 FROM users AS o WHERE o.email = ${email} AND o.id <> ${userId} AND (o.email_verified_at IS NOT NULL OR o.id < ${userId}))`,
        ),
      );
  } catch (err) {
    // A concurrent verification of another account for the address won the unique index.
    if (!String(err).includes("UNIQUE")) throw err;
  }
  return findUser(db, userId);
}

/** Whether `user` is the account that owns its address (see {@link ownerOfEmail}). */
export async function ownsEmail(db: Db, user: UserRecord): Promise<boolean> {
  return (await ownerOfEmail(db, user.email))?.id === user.id;
}

export async function findUser(db: Db, userId: number): Promise<UserRecord | null> {
  const row = await db.select().from(t.users).where(eq(t.users.id, userId)).get();
  return row ? toUser(row) : null;
}

/**
 * Creates an unverified account, also for an address that already has one (such an account can
 * never be verified: see {@link markEmailVerified}).
 */
export async function createUser(
  db: Db,
  input: { email: string; name: string; timezone: string; unit: GlucoseUnit; password: PasswordHash },
): Promise<UserRecord> {
  const row = await db
    .insert(t.users)
    .values({
      publicId: crypto.randomUUID(),
      email: input.email,
      name: input.name,
      timezone: input.timezone,
      unit: input.unit,
      passwordHash: input.password.hash,
      passwordSalt: input.password.salt,
      passwordIterations: input.password.iterations,
    })
    .returning()
    .get();
  return toUser(row!);
}

export async function updateProfile(
  db: Db,
  userId: number,
  patch: { name?: string; timezone?: string; unit?: GlucoseUnit },
): Promise<UserRecord | null> {
  const row = await db
    .update(t.users)
    .set({ ...patch, updatedAt: Date.now() })
    .where(eq(t.users.id, userId))
    .returning()
    .get();
  return row ? toUser(row) : null;
}

export async function updatePassword(db: Db, userId: number, password: PasswordHash): Promise<void> {
  await db
    .update(t.users)
    .set({ passwordHash: password.hash, passwordSalt: password.salt, passwordIterations: password.iterations, updatedAt: Date.now() })
    .where(eq(t.users.id, userId));
}

/**
 * Deletes the account and every row it owns, in one D1 batch (all or nothing). The explicit
 * deletes do not rely on ON DELETE CASCADE alone, so the order is plain to read.
 */
export async function deleteUser(db: Db, userId: number): Promise<void> {
  const owned = [
    t.glucoseSources,
    t.sleepSessions,
    t.meals,
    t.activities,
    t.insulinDoses,
    t.medications,
    t.hba1cResults,
    t.bloodPressure,
    t.bodyMetrics,
    t.refreshTokens,
    t.magicLinks,
    t.emailVerifications,
    t.outbox,
  ] as const;
  // Throttle rows keyed by the email go too (before the user row they are found through), so no
  // trace of the address is left behind; but not while another account has the same address,
  // or registering and deleting an account would reset the address's login throttle.
  const email = sql`(SELECT ${t.users.email} FROM ${t.users} WHERE ${t.users.id} = ${userId})`;
  const shared = sql`EXISTS (SELECT 1 FROM users AS o WHERE o.email = ${email} AND o.id <> ${userId})`;
  await db.batch([
    db.delete(t.loginThrottle).where(sql`${t.loginThrottle.key} IN ('account:' || ${email}, 'magic:' || ${email}) AND NOT ${shared}`),
    db.delete(t.loginThrottle).where(sql`${t.loginThrottle.key} IN ('password:' || ${userId}, 'verify:' || ${userId})`),
    db.delete(t.glucoseReadings).where(eq(t.glucoseReadings.userId, userId)),
    ...owned.map((table) => db.delete(table).where(eq(table.userId, userId))),
    db.delete(t.users).where(eq(t.users.id, userId)),
  ]);
}
