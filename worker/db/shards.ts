/**
 * @module worker/db/shards
 * Sharded storage: one directory database and N shard databases.
 *
 * - The directory (binding `DB`) holds accounts and everything looked up without knowing the user
 *   first: users, sessions and tokens, login throttles, the outbox, uploader and webhook secrets,
 *   WebSocket tickets, caregiver sharing, push subscriptions, report share links, and
 *   `user_shards` (user -> shard).
 * - Each shard (bindings `SHARD_0`, `SHARD_1`, ...) holds every per-user table (readings, records,
 *   alerts, insights, Nightscout documents, imports, models, cloud bridges) plus an anchor copy of its users' rows
 *   in `users` (profile fields only, no password) so foreign keys, ON DELETE CASCADE and the joins
 *   on `users.unit`/`users.timezone` keep working.
 *
 * HOW A CALL SITE READS OR WRITES PER-USER TABLES
 *
 *   in a request with c.get("user") set:   const db = await userDb(c);        // drizzle
 *                                          const d1 = await userD1(c);        // raw prepare/batch
 *   elsewhere (Durable Object, queue, cron): const db = await shardDb(env, userId);
 *   account tables (the list above):       const db = directoryDb(env);      // = getDb(env.DB)
 *   every shard (cron sweeps):             for (const db of allShardDbs(env)) ...
 *
 * Never `getDb(env.DB)` for a per-user table: the directory's copies of those tables stay empty.
 * A new per-user table needs the three fence triggers of migrations/0014_shards.sql and a place in
 * MOVED_TABLES (worker/db/shard-copy.ts); a new account table goes to the directory.
 *
 * Requests read through the D1 Sessions API (worker/db/shard-session.ts): a bookmark carried per
 * client in `x-d1-bookmark` lets a read go to a replica while still seeing the client's own
 * writes. The directory, the Durable Objects and the queue consumer use the primary.
 */
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Db } from "./client.ts";
import { userShards } from "./schema-shards.ts";
import type { AppEnv } from "../env.ts";
import { adoptedShard } from "./shard-adopt.ts";
import { directoryDb } from "./shard-bindings.ts";
import { bookmarkShard, forgetShard, SHARD_CACHE_MS, shardBinding, ShardD1, shardCache, type ShardEnv, type ShardTarget } from "./shard-d1.ts";

export { shardBinding, type ShardEnv };
export { allShardDbs, directoryDb, shardBindings, shardCount, shardDbAt, shardForNewUser } from "./shard-bindings.ts";

// ---------------------------------------------------------------------------------------------
// Resolution: user -> shard (cached in the isolate, see worker/db/shard-d1.ts).

const cache = shardCache;
const CACHE_MAX = 20_000;
export { forgetShard, SHARD_CACHE_MS };

/**
 * The user's shard from the directory (a row is written at registration). An account stored before
 * sharding has none, or one in state `adopting`: it is adopted first (worker/db/shard-adopt.ts).
 * No account at all: shard 0, where its rows are missing like anywhere else.
 */
export async function resolveShard(env: ShardEnv, userId: number, fresh = false): Promise<number> {
  const now = Date.now();
  const known = cache.get(userId);
  if (known && known.until > now && !fresh) return known.shard;
  const row = await placement(env, userId);
  const shard = row && row.state !== "adopting" ? row.shard : ((await adoptedShard(env, userId)) ?? 0);
  remember(userId, shard, now);
  return shard;
}

function remember(userId: number, shard: number, now: number): void {
  cache.delete(userId);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(userId, { shard, until: now + SHARD_CACHE_MS });
}

/** A user's row of `user_shards`, as a directory read that joins it returns it (null: no row). */
export type Placement = { shard: number; state: "active" | "moving" | "adopting" } | null;

/** The columns a directory read selects when it LEFT JOINs `user_shards` to bring the route. */
export const placementColumns = { shard: userShards.shard, state: userShards.state };

/** The placement in a row read with {@link placementColumns} (both null: the user has no row). */
export function joinedPlacement(row: { shard: number | null; state: NonNullable<Placement>["state"] | null }): Placement {
  return row.shard === null || row.state === null ? null : { shard: row.shard, state: row.state };
}

/**
 * Remembers the route that a directory read made for another reason (the session check, an
 * uploader's credential) found by joining `user_shards`, exactly as {@link resolveShard} would
 * from its own read, so the request does not ask the directory a second time. An account without
 * a row, or still being adopted, is left to resolveShard.
 */
export function rememberPlacement(userId: number, row: Placement): void {
  if (row && row.state !== "adopting") remember(userId, row.shard, Date.now());
}

/** The user's route as this isolate remembers it, or null (for tests and diagnostics). */
export function rememberedShard(userId: number): number | null {
  const known = cache.get(userId);
  return known && known.until > Date.now() ? known.shard : null;
}

/** The directory's state of the user's placement, read from the primary (the writers' wait). */
export async function placement(env: ShardEnv, userId: number): Promise<Placement> {
  return (await directoryDb(env).select(placementColumns).from(userShards).where(eq(userShards.userId, userId)).get()) ?? null;
}

/** A drizzle client over a routed D1 (no relational schema: no code uses `db.query`, and building it costs CPU). */
function drizzleOver(d1: ShardD1): Db {
  return drizzle(d1 as unknown as D1Database) as unknown as Db;
}

export interface UserShard {
  db: Db;
  d1: D1Database;
  /** The shard the last statement ran on. */
  readonly shard: number;
  /** `<shard>:<D1 bookmark>` after the request's statements, for the `x-d1-bookmark` header; null without a session. */
  bookmark(): string | null;
}

function open(env: ShardEnv, userId: number, shard: number, target: ShardTarget): UserShard {
  const d1 = new ShardD1(env, userId, shard, target);
  let db: Db | null = null;
  return {
    // Built on first use: the most frequent statements (a reading's INSERT) go to `d1` directly.
    get db() {
      return (db ??= drizzleOver(d1));
    },
    d1: d1 as unknown as D1Database,
    get shard() {
      return d1.shard;
    },
    bookmark: () => d1.bookmark(),
  };
}

/** The user's shard on the primary, for code outside a request (Durable Object, queue, cron). */
export async function shardDb(env: ShardEnv, userId: number): Promise<Db> {
  return (await shardFor(env, userId)).db;
}

/**
 * The user's shard, routed to `target`. `seen` is a shard the client has already written to (its
 * bookmark's): a cached route elsewhere predates a move, so the directory is asked again.
 */
export async function shardFor(env: ShardEnv, userId: number, target: ShardTarget = { kind: "primary" }, seen: number | null = null): Promise<UserShard> {
  let shard = await resolveShard(env, userId);
  if (seen !== null && seen !== shard) shard = await resolveShard(env, userId, true);
  return open(env, userId, shard, target);
}

/** One routed handle per request and user (the request's D1 session lives in it). */
const perRequest = new WeakMap<Request, Map<number, Promise<UserShard>>>();

/**
 * The shard of the request's user (`c.get("user")`), read through a D1 session that starts at the
 * client's `x-d1-bookmark` (worker/middleware/d1-bookmark.ts answers the new one).
 */
export function userShard(c: Context<AppEnv>, userId: number = c.get("user").id): Promise<UserShard> {
  let byUser = perRequest.get(c.req.raw);
  if (!byUser) perRequest.set(c.req.raw, (byUser = new Map()));
  let found = byUser.get(userId);
  if (!found) {
    const bookmark = c.req.header("x-d1-bookmark") ?? null;
    found = shardFor(c.env, userId, { kind: "session", bookmark }, bookmarkShard(bookmark));
    found.catch(() => byUser.delete(userId));
    byUser.set(userId, found);
  }
  return found;
}

/**
 * Routes `userShard(c)` to the user's shard on the primary, for a minimal context built outside a
 * request (a Durable Object handing fetched documents to the Nightscout upserts): no client
 * bookmark to start a session from, and the upserts must see every earlier write.
 */
export function usePrimaryShard(c: Context<AppEnv>, userId: number): void {
  let byUser = perRequest.get(c.req.raw);
  if (!byUser) perRequest.set(c.req.raw, (byUser = new Map()));
  const found = shardFor(c.env, userId);
  found.catch(() => byUser.delete(userId));
  byUser.set(userId, found);
}

/** The handles this request opened (for the bookmark header). */
export function openedShards(c: Context<AppEnv>): Promise<UserShard>[] {
  return [...(perRequest.get(c.req.raw)?.values() ?? [])];
}

/** Drizzle over the request user's shard. */
export async function userDb(c: Context<AppEnv>, userId?: number): Promise<Db> {
  return (await userShard(c, userId)).db;
}

/** Raw D1 (prepare/batch) over the request user's shard. */
export async function userD1(c: Context<AppEnv>, userId?: number): Promise<D1Database> {
  return (await userShard(c, userId)).d1;
}
