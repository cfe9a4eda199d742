/**
 * @module worker/repositories/users
 * Accounts. Functions that act on one account's data take its internal id first.
 */
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import * as t from "../db/schema.ts";
import type { PasswordHash } from "../lib/password.ts";
import type { GlucoseUnit } from "../lib/units.ts";

export interface UserRecord {
  id: number;
  publicId: string;
  email: string;
  name: string;
  timezone: string;
  unit: GlucoseUnit;
  password: PasswordHash;
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
});

/** The public shape of a user (what /auth/me answers). */
export const publicUser = (u: UserRecord) => ({ id: u.publicId, email: u.email, name: u.name, timezone: u.timezone, unit: u.unit });

export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | null> {
  const row = await db.select().from(t.users).where(eq(t.users.email, email)).get();
  return row ? toUser(row) : null;
}

export async function findUser(db: Db, userId: number): Promise<UserRecord | null> {
  const row = await db.select().from(t.users).where(eq(t.users.id, userId)).get();
  return row ? toUser(row) : null;
}

/** Whether the account exists (one primary-key lookup). */
export async function accountExists(db: Db, userId: number): Promise<boolean> {
  return (await db.select({ id: t.users.id }).from(t.users).where(eq(t.users.id, userId)).get()) !== undefined;
}

/** Creates an account; returns null when the email is taken. */
export async function createUser(
  db: Db,
  input: { email: string; name: string; timezone: string; unit: GlucoseUnit; password: PasswordHash },
): Promise<UserRecord | null> {
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
    .onConflictDoNothing({ target: t.users.email })
    .returning()
    .get();
  return row ? toUser(row) : null;
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
    t.outbox,
  ] as const;
  // Login and magic-link throttle rows are keyed by the email: they go too (before the user row
  // they are found through), so no trace of the address is left behind.
  const email = sql`(SELECT ${t.users.email} FROM ${t.users} WHERE ${t.users.id} = ${userId})`;
  await db.batch([
    db.delete(t.loginThrottle).where(sql`${t.loginThrottle.key} IN ('account:' || ${email}, 'magic:' || ${email})`),
    db.delete(t.glucoseReadings).where(eq(t.glucoseReadings.userId, userId)),
    ...owned.map((table) => db.delete(table).where(eq(table.userId, userId))),
    db.delete(t.users).where(eq(t.users.id, userId)),
  ]);
}
