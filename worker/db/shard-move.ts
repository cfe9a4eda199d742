/**
 * @module worker/db/shard-move
 * Moves one user's rows from their shard to another while the user keeps uploading:
 *
 *  1. the directory marks the user `moving` (to the target);
 *  2. the target is cleared of any copy a failed move left, and its id ranges are set;
 *  3. the source's write fence goes up (`shard_fences`): from here on every write of the user's
 *     rows there is refused with "user_moving", and the writer (worker/db/shard-d1.ts) waits for
 *     the directory and runs the statement again on the new shard; nothing is refused to a client;
 *  4. every per-user table is copied, rows with their ids, and the counts are compared;
 *  5. the directory points at the target (`active`);
 *  6. after SHARD_CACHE_MS (isolates that still route reads to the source see complete data until
 *     then), the source's anchor row is deleted, which cascades to every copied row. The fence
 *     stays, so a request that still routes there is sent on.
 *
 * A failure before step 5 takes the fence down and leaves the user where they were. Copying is one
 * batch per table page, and the fence lasts as long as the copy (the tables are copied one after
 * another); writers wait for it up to 30 s.
 */
import { and, eq, sql } from "drizzle-orm";
import { userShards } from "./schema-shards.ts";
import { clearUser, CopyMismatch, copyUserRows, idAboveRange, idRangeStatements, MOVED_TABLES } from "./shard-copy.ts";
import { forgetShard, SHARD_CACHE_MS } from "./shard-d1.ts";
import { directoryDb, shardCount, shardDbAt, type ShardEnv } from "./shards.ts";

export interface MoveResult {
  userId: number;
  from: number;
  to: number;
  /** Rows copied per table (tables without rows left out). */
  rows: Record<string, number>;
  /** How long writers were fenced, ms. */
  fencedMs: number;
}

export class MoveError extends Error {
  constructor(
    message: string,
    readonly code: "unknown_user" | "bad_target" | "already_there" | "busy" | "copy_mismatch" | "ids_above_range",
  ) {
    super(message);
  }
}

export async function moveUser(env: ShardEnv, userId: number, to: number, options: { settleMs?: number } = {}): Promise<MoveResult> {
  if (!Number.isInteger(to) || to < 0 || to >= shardCount(env)) throw new MoveError(`No shard ${to} (there are ${shardCount(env)})`, "bad_target");
  const dir = directoryDb(env);
  const placed = await dir.select().from(userShards).where(eq(userShards.userId, userId)).get();
  if (!placed) throw new MoveError(`No user ${userId} in the directory`, "unknown_user");
  if (placed.state !== "active") throw new MoveError(`User ${userId} is already being moved`, "busy");
  const from = placed.shard;
  if (from === to) throw new MoveError(`User ${userId} is already on shard ${to}`, "already_there");
  const claimed = await dir
    .update(userShards)
    .set({ state: "moving", target: to })
    .where(and(eq(userShards.userId, userId), eq(userShards.shard, from), eq(userShards.state, "active")))
    .returning({ userId: userShards.userId });
  if (!claimed.length) throw new MoveError(`User ${userId} is already being moved`, "busy");

  const source = shardDbAt(env, from);
  const target = shardDbAt(env, to);
  let fencedAt = 0;
  let rows: Record<string, number> = {};
  try {
    await clearUser(target, userId, "drop");
    await target.$client.batch(idRangeStatements(target.$client, to));
    await source.run(sql`INSERT OR IGNORE INTO shard_fences (user_id, created_at) VALUES (${userId}, ${Date.now()})`);
    fencedAt = Date.now();
    const above = await idAboveRange(source, userId, to, MOVED_TABLES);
    if (above) {
      const message = `User ${userId} holds ${above.table} id ${above.id}, beyond shard ${to}'s id range: shard ${to} would then hand out ids of a higher shard's range`;
      throw new MoveError(message, "ids_above_range");
    }
    rows = await copyUserRows(source, target, userId, MOVED_TABLES, { source: `shard ${from}`, target: `shard ${to}` });
    await dir.update(userShards).set({ shard: to, state: "active", target: null, movedAt: Date.now() }).where(eq(userShards.userId, userId));
  } catch (err) {
    // Back to where the user was: the target's partial copy goes, the source takes writes again.
    await clearUser(target, userId, "keep").catch(() => undefined);
    await source.run(sql`DELETE FROM shard_fences WHERE user_id = ${userId}`);
    await dir.update(userShards).set({ state: "active", target: null }).where(eq(userShards.userId, userId));
    throw err instanceof CopyMismatch ? new MoveError(err.message, "copy_mismatch") : err;
  }
  const fencedMs = Date.now() - fencedAt;
  forgetShard(userId);
  await new Promise((r) => setTimeout(r, options.settleMs ?? SHARD_CACHE_MS + 1_000));
  await clearUser(source, userId, "keep");
  return { userId, from, to, rows, fencedMs };
}
