/**
 * Direct database access for worker tests on the sharded layout (worker/db/shards.ts): the
 * directory is `env.DB`; a user's per-user rows are on the shard the directory names.
 */
import { env } from "cloudflare:test";
import { getDb, type Db } from "../../worker/db/client.ts";
import { register, type Account } from "./helpers.ts";

/** SHARD_0, SHARD_1, ... in index order. */
export function shardBindings(): D1Database[] {
  const record = env as unknown as Record<string, D1Database | undefined>;
  const found: D1Database[] = [];
  for (let n = 0; record[`SHARD_${n}`]; n++) found.push(record[`SHARD_${n}`]!);
  return found;
}

/** Every database: the directory first, then the shards. */
export function allDatabases(): { name: string; d1: D1Database }[] {
  return [{ name: "DB", d1: env.DB }, ...shardBindings().map((d1, n) => ({ name: `SHARD_${n}`, d1 }))];
}

export async function shardIndexOf(userId: number): Promise<number> {
  const row = await env.DB.prepare("SELECT shard FROM user_shards WHERE user_id = ?").bind(userId).first<{ shard: number }>();
  if (!row) throw new Error(`user ${userId} has no shard`);
  return row.shard;
}

/** The shard database holding the user's rows (by internal id). */
export async function userD1(userId: number): Promise<D1Database> {
  return shardBindings()[await shardIndexOf(userId)]!;
}

export async function internalIdOf(publicId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT id FROM users WHERE public_id = ?").bind(publicId).first<{ id: number }>();
  if (!row) throw new Error(`no user ${publicId}`);
  return row.id;
}

/** The shard database holding the user's rows (by public id). */
export async function userD1ByPublicId(publicId: string): Promise<D1Database> {
  return userD1(await internalIdOf(publicId));
}

/** The user's shard database (by address). */
export async function userD1ByEmail(email: string): Promise<D1Database> {
  const row = await env.DB.prepare("SELECT id FROM users WHERE email = ? ORDER BY id LIMIT 1").bind(email).first<{ id: number }>();
  if (!row) throw new Error(`no user ${email}`);
  return userD1(row.id);
}

/** Runs a write on every shard (for statements that select rows by their own ids, not by user). */
export async function runOnShards(query: string, ...values: unknown[]): Promise<number> {
  let changes = 0;
  for (const d1 of shardBindings()) changes += (await d1.prepare(query).bind(...values).run()).meta.changes;
  return changes;
}

/** The sum over every shard of a query's first row's `n`. */
export async function countOnShards(query: string, ...values: unknown[]): Promise<number> {
  let n = 0;
  for (const d1 of shardBindings()) n += (await d1.prepare(query).bind(...values).first<{ n: number }>())?.n ?? 0;
  return n;
}

/** Drizzle over the user's shard (the repositories' first argument). */
export async function userDb(userId: number): Promise<Db> {
  return getDb(await userD1(userId));
}

/** The directory and shard bindings, for code that takes an env (the pipeline's). */
export function shardEnv(): { DB: D1Database; SHARD_0: D1Database } {
  const out: Record<string, D1Database> = { DB: env.DB };
  shardBindings().forEach((d1, n) => (out[`SHARD_${n}`] = d1));
  return out as unknown as { DB: D1Database; SHARD_0: D1Database };
}

/**
 * Registers accounts until one is placed on a shard `wanted` accepts (placement goes by id, so at
 * most one try per shard). A move may only go to a shard whose id range holds every id of the user
 * (worker/db/shard-copy.ts idAboveRange), so tests that move pick where the account starts.
 */
export async function registerOnShard(wanted: (shard: number) => boolean): Promise<{ account: Account; id: number; shard: number }> {
  for (let tries = 0; tries <= shardBindings().length; tries++) {
    const account = await register();
    const id = await internalIdOf(account.id);
    const shard = await shardIndexOf(id);
    if (wanted(shard)) return { account, id, shard };
  }
  throw new Error("no registration landed on a wanted shard");
}
