/**
 * @module worker/db/shard-accounts
 * An account's presence on its shard: placed at registration (the anchor row in the shard's
 * `users`, then the directory's `user_shards` row), profile fields kept in step, removed on
 * account deletion. The anchor carries the profile fields per-user queries join on (unit, time
 * zone, name, address), never the password.
 */
import { eq } from "drizzle-orm";
import * as t from "./schema.ts";
import { userShards } from "./schema-shards.ts";
import { allShardDbs, directoryDb, resolveShard, shardDb, shardDbAt, shardForNewUser } from "./shards.ts";
import type { ShardEnv } from "./shards.ts";

/**
 * Each shard allocates AUTOINCREMENT ids from its own range (shard n from n·10¹⁰), so a moved
 * user's ids never meet another's. 10¹⁰ rows per table and shard; with at most 100 shards every id
 * stays within 12 decimal digits, the widest a reading id's source part may have (`<time>-<source>`).
 */
export const SHARD_ID_RANGE = 10_000_000_000;

type Profile = { id: number; publicId: string; email: string; name: string; timezone: string; unit: "mg/dL" | "mmol/L" };

const anchorValues = (u: Profile) => ({
  id: u.id,
  publicId: u.publicId,
  email: u.email,
  name: u.name,
  timezone: u.timezone,
  unit: u.unit,
  passwordHash: "",
  passwordSalt: "",
  passwordIterations: 0,
});

/**
 * Statements that lift every AUTOINCREMENT sequence of shard `n` to the start of its id range
 * (idempotent; run with every placement so a new shard or table is covered).
 */
export function idRangeStatements(d1: D1Database, shard: number): D1PreparedStatement[] {
  const start = shard * SHARD_ID_RANGE;
  return [
    d1.prepare("UPDATE sqlite_sequence SET seq = ?1 WHERE seq < ?1").bind(start),
    d1
      .prepare("INSERT INTO sqlite_sequence (name, seq) SELECT name, ?1 FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%' AND name NOT IN (SELECT name FROM sqlite_sequence)")
      .bind(start),
  ];
}

/** Places a new account on a shard: the anchor row there first, then the directory's map row. */
export async function placeNewUser(env: ShardEnv, user: Profile): Promise<number> {
  const shard = shardForNewUser(env, user.id);
  const db = shardDbAt(env, shard);
  await db.$client.batch(idRangeStatements(db.$client, shard));
  await db.insert(t.users).values(anchorValues(user)).onConflictDoNothing();
  await directoryDb(env).insert(userShards).values({ userId: user.id, shard }).onConflictDoNothing();
  return shard;
}

/** Copies the profile fields of the directory's row to the shard's anchor (after PATCH /auth/me). */
export async function mirrorProfile(env: ShardEnv, user: Profile): Promise<void> {
  const db = await shardDb(env, user.id);
  await db
    .update(t.users)
    .set({ email: user.email, name: user.name, timezone: user.timezone, unit: user.unit, updatedAt: Date.now() })
    .where(eq(t.users.id, user.id));
}

/**
 * Removes the user's rows from every shard (the anchor's ON DELETE CASCADE takes every per-user
 * table; a half-finished move may have left a copy on a second shard), before the directory's
 * account is deleted.
 */
export async function deleteShardRows(env: ShardEnv, userId: number): Promise<void> {
  await resolveShard(env, userId, true);
  await Promise.all(allShardDbs(env).map((db) => db.delete(t.users).where(eq(t.users.id, userId))));
}
