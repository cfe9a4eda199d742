/**
 * @module worker/db/shard-bindings
 * The databases of the sharded storage by binding (worker/db/shards.ts explains the layout): the
 * directory, each shard by index, and the shard a new account goes to.
 */
import { getDb, type Db } from "./client.ts";
import { shardBinding, type ShardEnv } from "./shard-d1.ts";

/** The shard bindings in index order: SHARD_0, SHARD_1, ... (at least one). */
export function shardBindings(env: ShardEnv): D1Database[] {
  const found: D1Database[] = [];
  for (let n = 0; shardBinding(env, n); n++) found.push(shardBinding(env, n)!);
  if (!found.length) throw new Error("No shard database: wrangler.toml must bind SHARD_0 (and SHARD_1, ...) as D1 databases");
  // Id ranges (worker/db/shard-copy.ts SHARD_ID_RANGE) keep ids within 12 digits up to 100 shards.
  if (found.length > 100) throw new Error("At most 100 shards (SHARD_0..SHARD_99)");
  return found;
}

export function shardCount(env: ShardEnv): number {
  return shardBindings(env).length;
}

/** The directory database (accounts, credentials, sharing, the user -> shard map). */
export function directoryDb(env: ShardEnv): Db {
  return getDb(env.DB);
}

/** One shard's database, whatever users it holds (cron sweeps, the mover, backups). */
export function shardDbAt(env: ShardEnv, shard: number): Db {
  return getDb(shardBindings(env)[shard]!);
}

/** Every shard's database, in index order. */
export function allShardDbs(env: ShardEnv): Db[] {
  return shardBindings(env).map((d1) => getDb(d1));
}

/** The shard a new account goes to: by id, so consecutive registrations spread over all shards. */
export function shardForNewUser(env: ShardEnv, userId: number): number {
  return userId % shardCount(env);
}
