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
import { anchorValues, placementStatements, type Profile } from "./shard-copy.ts";

/** Places a new account on a shard: the anchor row there first, then the directory's map row. */
export async function placeNewUser(env: ShardEnv, user: Profile): Promise<number> {
  const shard = shardForNewUser(env, user.id);
  const db = shardDbAt(env, shard);
  await db.$client.batch(await placementStatements(db.$client, shard, env.DB));
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
