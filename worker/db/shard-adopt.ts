/**
 * @module worker/db/shard-adopt
 * Adoption of accounts stored before the sharded layout (migration 0014): such an account has no
 * `user_shards` row, and its per-user rows sit in the directory's copies of the per-user tables,
 * which nothing else reads. Adoption puts them on a shard, once:
 *
 *  1. claim: a `user_shards` row in state `adopting`, whose `moved_at` is the claim's heartbeat
 *     (renewed after every copied page); requests for the user wait for it (resolveShard) instead
 *     of reading a half-filled shard, and a claim silent for CLAIM_STALE_MS may be taken over;
 *  2. the directory's copies are fenced (the triggers of 0014), so a Worker of the previous
 *     version still running during a deploy is refused when it writes them, never lost unseen;
 *  3. the target shard gets the anchor (profile fields, no password) and its id sequences lifted
 *     above the directory's, then every per-user table is copied with its ids and the counts are
 *     compared;
 *  4. one directory batch: the placement becomes `active` and the directory's copies are deleted;
 *     the fence stays.
 *
 * Target: with more than one shard, one of shards 1..N-1 (by id). Their ids start at n·10¹⁰
 * (SHARD_ID_RANGE) and the directory counted from 1 in one database, so a copied id can meet no
 * other row there. With a single shard it is shard 0, whose sequences are lifted above the
 * directory's at every placement (placeNewUser) too; a shard-0 row made before any lift that
 * holds a directory id makes the copy fail, which is undone and logged, and the account stays in
 * the directory until a second shard is bound.
 *
 * It runs on the account's first request (resolveShard), from the hourly cron for the rest
 * (adoptUnplaced) and from the operator route. A failure undoes itself and leaves the account as
 * it was, to be tried again.
 */
import { and, eq, sql } from "drizzle-orm";
import * as t from "./schema.ts";
import { userShards } from "./schema-shards.ts";
import { directoryDb, shardCount, shardDbAt } from "./shard-bindings.ts";
import { anchorValues, clearUser, copyUserRows, idAboveRange, MOVED_TABLES, placementStatements } from "./shard-copy.ts";
import type { ShardEnv } from "./shard-d1.ts";

/** A claim whose heartbeat is older than this may be taken over (its adopter has died). */
export const CLAIM_STALE_MS = 60_000;
/** How long a request waits for another request's adoption before answering 503 + Retry-After. */
const WAIT_MS = 25_000;

/** The shard an account from before sharding goes to (see the module comment). */
export function adoptionTarget(env: ShardEnv, userId: number): number {
  const n = shardCount(env);
  return n > 1 ? 1 + (userId % (n - 1)) : 0;
}

class LostClaim extends Error {}

/**
 * The shard of an account that may still be in the directory's tables: adopts it (or waits for a
 * running adoption) when it has no active placement. Null when there is no such account.
 */
export async function adoptedShard(env: ShardEnv, userId: number): Promise<number | null> {
  const dir = directoryDb(env);
  const deadline = Date.now() + WAIT_MS;
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    const placed = await dir.select().from(userShards).where(eq(userShards.userId, userId)).get();
    if (placed && placed.state !== "adopting") return placed.shard;
    const claim = placed ? await takeOver(env, userId, placed.movedAt ?? 0) : await claimNew(env, userId);
    if (claim === "no_account") return null;
    if (claim !== null) {
      try {
        return await adopt(env, userId, claim);
      } catch (err) {
        if (!(err instanceof LostClaim)) throw err;
      }
    }
    // Thrown as a transient D1 error (worker/lib/unavailable.ts): the client retries shortly.
    if (Date.now() + wait > deadline) throw new Error(`user_moving: account ${userId} is being moved onto its shard`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** Claims an unplaced account: the claim's time, "no_account", or null when another holds it. */
async function claimNew(env: ShardEnv, userId: number): Promise<number | "no_account" | null> {
  const dir = directoryDb(env);
  const user = await dir.select({ id: t.users.id }).from(t.users).where(eq(t.users.id, userId)).get();
  if (!user) return "no_account";
  const to = adoptionTarget(env, userId);
  const now = Date.now();
  const claimed = await dir
    .insert(userShards)
    .values({ userId, shard: to, state: "adopting", target: to, movedAt: now })
    .onConflictDoNothing()
    .returning({ userId: userShards.userId });
  return claimed.length ? now : null;
}

/** Takes over a claim whose heartbeat has stopped; null while it is alive or taken by another. */
async function takeOver(env: ShardEnv, userId: number, heartbeat: number): Promise<number | null> {
  const now = Date.now();
  if (now - heartbeat < CLAIM_STALE_MS) return null;
  const taken = await directoryDb(env)
    .update(userShards)
    .set({ movedAt: now })
    .where(and(eq(userShards.userId, userId), eq(userShards.state, "adopting"), eq(userShards.movedAt, heartbeat)))
    .returning({ userId: userShards.userId });
  return taken.length ? now : null;
}

/** True while the claim `?2` on user `?1` is still the adopter's own. */
const CLAIM_HELD = "EXISTS (SELECT 1 FROM user_shards WHERE user_id = ?1 AND state = 'adopting' AND moved_at = ?2)";

/** Copies the account onto its target under the claim; answers the target shard. */
async function adopt(env: ShardEnv, userId: number, claimedAt: number): Promise<number> {
  const dir = directoryDb(env);
  const d1 = env.DB;
  const to = adoptionTarget(env, userId);
  const target = shardDbAt(env, to);
  let claim = claimedAt;
  const heartbeat = async () => {
    const now = Math.max(Date.now(), claim + 1);
    const renewed = await dir
      .update(userShards)
      .set({ movedAt: now })
      .where(and(eq(userShards.userId, userId), eq(userShards.state, "adopting"), eq(userShards.movedAt, claim)))
      .returning({ userId: userShards.userId });
    if (!renewed.length) throw new LostClaim(`adoption of user ${userId} was taken over`);
    claim = now;
  };
  try {
    const profile = await dir.select().from(t.users).where(eq(t.users.id, userId)).get();
    if (!profile) throw new Error(`user ${userId} was deleted while being adopted`);
    await dir.run(sql`INSERT OR IGNORE INTO shard_fences (user_id, created_at) VALUES (${userId}, ${Date.now()})`);
    await clearUser(target, userId, "drop");
    await target.$client.batch(await placementStatements(target.$client, to, d1));
    const tables = MOVED_TABLES.filter((m) => m.table !== "users");
    const above = await idAboveRange(dir, userId, to, tables);
    if (above) throw new Error(`user ${userId} holds ${above.table} id ${above.id}, beyond shard ${to}'s id range`);
    await target.insert(t.users).values(anchorValues(profile));
    await copyUserRows(dir, target, userId, tables, { source: "the directory", target: `shard ${to}` }, heartbeat);
    // The fence refuses deleting a fenced user's rows while their users row exists: it comes down
    // for the deletes and goes up again, all in one transaction, and only if the claim is still ours.
    const statements = [
      d1.prepare(`DELETE FROM shard_fences WHERE user_id = ?1 AND ${CLAIM_HELD}`).bind(userId, claim),
      ...[...tables].reverse().map(({ table, where }) => d1.prepare(`DELETE FROM "${table}" WHERE (${where}) AND ${CLAIM_HELD}`).bind(userId, claim)),
      d1.prepare("INSERT OR IGNORE INTO shard_fences (user_id, created_at) VALUES (?1, ?2)").bind(userId, Date.now()),
      d1.prepare(`UPDATE user_shards SET state = 'active', target = NULL, moved_at = ?2 WHERE user_id = ?1 AND state = 'adopting' AND moved_at = ?2`).bind(userId, claim),
    ];
    const results = await d1.batch(statements);
    if (!results[results.length - 1]!.meta.changes) throw new LostClaim(`adoption of user ${userId} was taken over`);
    return to;
  } catch (err) {
    if (err instanceof LostClaim) throw err;
    // Undone only while the claim is ours: the target's partial copy, the fence, the claim.
    const still = await dir.select({ movedAt: userShards.movedAt }).from(userShards).where(eq(userShards.userId, userId)).get();
    if (still?.movedAt === claim) {
      await clearUser(target, userId, "keep").catch(() => undefined);
      await d1.batch([
        d1.prepare("DELETE FROM shard_fences WHERE user_id = ?1").bind(userId),
        d1.prepare("DELETE FROM user_shards WHERE user_id = ?1 AND state = 'adopting' AND moved_at = ?2").bind(userId, claim),
      ]);
    }
    throw err;
  }
}

/** Accounts of the directory not yet (fully) on a shard: no placement, or one still `adopting`. */
const UNPLACED = "FROM users WHERE id NOT IN (SELECT user_id FROM user_shards WHERE state != 'adopting')";

export async function unplacedCount(env: ShardEnv): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n ${UNPLACED}`).first<{ n: number }>())?.n ?? 0;
}

/** Adopts up to `limit` accounts with no placement (the cron's and the operator's sweep). */
export async function adoptUnplaced(env: ShardEnv, limit: number): Promise<{ adopted: number; failed: { userId: number; error: string }[]; remaining: number }> {
  const rows = (await env.DB.prepare(`SELECT id ${UNPLACED} ORDER BY id LIMIT ?1`).bind(limit).all<{ id: number }>()).results;
  let adopted = 0;
  const failed: { userId: number; error: string }[] = [];
  for (const { id } of rows) {
    try {
      if ((await adoptedShard(env, id)) !== null) adopted++;
    } catch (err) {
      failed.push({ userId: id, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { adopted, failed, remaining: await unplacedCount(env) };
}
