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
import type { Db } from "./client.ts";
import { userShards } from "./schema-shards.ts";
import { idRangeStatements } from "./shard-accounts.ts";
import { forgetShard, SHARD_CACHE_MS } from "./shard-d1.ts";
import { directoryDb, shardCount, shardDbAt, type ShardEnv } from "./shards.ts";

/**
 * Every per-user table of a shard, parents first (insight chunks, stages and results reference
 * insight_jobs). `where` selects the user's rows with `?1` bound to the user id.
 */
export const MOVED_TABLES: readonly { table: string; where: string }[] = [
  { table: "users", where: "id = ?1" },
  { table: "glucose_sources", where: "user_id = ?1" },
  { table: "insight_jobs", where: "user_id = ?1" },
  ...[
    "glucose_readings",
    "nightscout_entry_extras",
    "nightscout_entry_tombstones",
    "sleep_sessions",
    "meals",
    "activities",
    "insulin_doses",
    "medications",
    "hba1c_results",
    "blood_pressure",
    "body_metrics",
    "notes",
    "alert_settings",
    "alert_events",
    "daily_summaries",
    "insight_chunks",
    "insight_results",
    "device_statuses",
    "idempotency_keys",
    "nightscout_treatments",
    "nightscout_food",
    "nightscout_profiles",
    "nightscout_settings",
    "bridges",
    "import_uploads",
    "import_upload_parts",
    "import_upload_state",
    "user_models",
  ].map((table) => ({ table, where: "user_id = ?1" })),
  { table: "insight_stages", where: "job_id IN (SELECT id FROM insight_jobs WHERE user_id = ?1)" },
];

/** Rows per read page, and the JSON bytes per insert statement (D1 values stay far below 2 MB). */
const PAGE_ROWS = 1_000;
const INSERT_BYTES = 512 * 1024;

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
    readonly code: "unknown_user" | "bad_target" | "already_there" | "busy" | "copy_mismatch",
  ) {
    super(message);
  }
}

async function columnsOf(db: Db, table: string): Promise<{ name: string; pk: number }[]> {
  return db.all<{ name: string; pk: number }>(sql.raw(`SELECT name, pk FROM pragma_table_info('${table}') ORDER BY cid`));
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Copies the user's rows of one table, page by page in primary-key order (some tables are
 * WITHOUT ROWID), with their ids and every column as stored.
 */
async function copyTable(source: Db, target: Db, table: string, where: string, userId: number): Promise<number> {
  const cols = await columnsOf(source, table);
  const names = cols.map((c) => c.name);
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  if (!pk.length) throw new Error(`${table} has no primary key to page by`);
  const pkIndex = pk.map((k) => names.indexOf(k.name));
  const list = names.map(quote).join(", ");
  const pkList = pk.map((k) => quote(k.name)).join(", ");
  const keyset = `(${pkList}) > (${pk.map((_, i) => `?${i + 2}`).join(", ")})`;
  const insert = `INSERT INTO ${quote(table)} (${list}) SELECT ${names.map((_, i) => `json_extract(value, '$[${i}]')`).join(", ")} FROM json_each(?1)`;
  const d1s = source.$client;
  const d1t = target.$client;
  let copied = 0;
  let last: unknown[] | null = null;
  for (;;) {
    const select: string = `SELECT ${list} FROM ${quote(table)} WHERE (${where})${last ? ` AND ${keyset}` : ""} ORDER BY ${pkList} LIMIT ${PAGE_ROWS}`;
    const page: unknown[][] = await d1s
      .prepare(select)
      .bind(userId, ...(last ?? []))
      .raw<unknown[]>();
    if (!page.length) return copied;
    const end: unknown[] = page[page.length - 1]!;
    last = pkIndex.map((i) => end[i]);
    const statements: D1PreparedStatement[] = [];
    let chunk: string[] = [];
    let bytes = 0;
    const flush = () => {
      if (chunk.length) statements.push(d1t.prepare(insert).bind(`[${chunk.join(",")}]`));
      chunk = [];
      bytes = 0;
    };
    for (const row of page) {
      const json = JSON.stringify(row);
      if (bytes + json.length > INSERT_BYTES) flush();
      chunk.push(json);
      bytes += json.length;
    }
    flush();
    await d1t.batch(statements);
    copied += page.length;
  }
}

async function countRows(db: Db, table: string, where: string, userId: number): Promise<number> {
  const row = await db.$client.prepare(`SELECT count(*) AS n FROM ${quote(table)} WHERE ${where}`).bind(userId).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Removes the user's rows from a shard (the anchor's cascade) and, optionally, its fence. */
async function clearUser(db: Db, userId: number, fence: "keep" | "drop"): Promise<void> {
  const d1 = db.$client;
  const stmts = [d1.prepare("DELETE FROM users WHERE id = ?").bind(userId)];
  if (fence === "drop") stmts.unshift(d1.prepare("DELETE FROM shard_fences WHERE user_id = ?").bind(userId));
  await d1.batch(stmts);
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
  const rows: Record<string, number> = {};
  try {
    await clearUser(target, userId, "drop");
    await target.$client.batch(idRangeStatements(target.$client, to));
    await source.run(sql`INSERT OR IGNORE INTO shard_fences (user_id, created_at) VALUES (${userId}, ${Date.now()})`);
    fencedAt = Date.now();
    for (const { table, where } of MOVED_TABLES) {
      const n = await copyTable(source, target, table, where, userId);
      const [a, b] = await Promise.all([countRows(source, table, where, userId), countRows(target, table, where, userId)]);
      if (a !== n || b !== n) throw new MoveError(`${table}: ${a} rows on shard ${from}, ${n} copied, ${b} on shard ${to}`, "copy_mismatch");
      if (n) rows[table] = n;
    }
    await dir.update(userShards).set({ shard: to, state: "active", target: null, movedAt: Date.now() }).where(eq(userShards.userId, userId));
  } catch (err) {
    // Back to where the user was: the target's partial copy goes, the source takes writes again.
    await clearUser(target, userId, "keep").catch(() => undefined);
    await source.run(sql`DELETE FROM shard_fences WHERE user_id = ${userId}`);
    await dir.update(userShards).set({ state: "active", target: null }).where(eq(userShards.userId, userId));
    throw err;
  }
  const fencedMs = Date.now() - fencedAt;
  forgetShard(userId);
  await new Promise((r) => setTimeout(r, options.settleMs ?? SHARD_CACHE_MS + 1_000));
  await clearUser(source, userId, "keep");
  return { userId, from, to, rows, fencedMs };
}
