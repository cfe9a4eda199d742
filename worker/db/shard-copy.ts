/**
 * @module worker/db/shard-copy
 * Copying one user's rows from one database to another with their ids (worker/db/shard-move.ts
 * between shards, worker/db/shard-adopt.ts from the directory), and the id ranges that keep copied
 * ids apart from the ids a shard allocates itself.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";

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
    "nightscout_entry_ids",
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
    "nightscout_activity",
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

/**
 * Each shard allocates AUTOINCREMENT ids from its own range (shard n from n·10¹⁰), so a moved
 * user's ids never meet another's. 10¹⁰ rows per table and shard; with at most 100 shards every id
 * stays within 12 decimal digits, the widest a reading id's source part may have (`<time>-<source>`).
 */
export const SHARD_ID_RANGE = 10_000_000_000;

export type Profile = { id: number; publicId: string; email: string; name: string; timezone: string; unit: "mg/dL" | "mmol/L" };

/** The shard's copy of an account: profile fields only, never the password. */
export const anchorValues = (u: Profile) => ({
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

/**
 * The first of the user's AUTOINCREMENT ids at or above the end of shard `n`'s range, if any. SQLite
 * gives a new row the larger of the table's sequence and its largest id, plus one; such a row on
 * shard n would make it hand out ids of a higher shard's range, which that shard hands out too. So a
 * user holding one may not be placed on shard n (a move "down" after rows were made higher up).
 */
export async function idAboveRange(db: Db, userId: number, shard: number, tables: readonly { table: string; where: string }[]): Promise<{ table: string; id: number } | null> {
  const end = (shard + 1) * SHARD_ID_RANGE;
  const d1 = db.$client;
  const counted = new Set((await d1.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'").all<{ name: string }>()).results.map((r) => r.name));
  for (const { table, where } of tables) {
    if (!counted.has(table)) continue;
    const key = await d1.prepare("SELECT name FROM pragma_table_info(?1) WHERE pk = 1").bind(table).first<{ name: string }>();
    if (!key) continue;
    const row = await d1.prepare(`SELECT max(${quote(key.name)}) AS id FROM ${quote(table)} WHERE (${where})`).bind(userId).first<{ id: number | null }>();
    if (row?.id != null && row.id >= end) return { table, id: row.id };
  }
  return null;
}

/**
 * The id-range statements of a placement on shard `n` (idRangeStatements), and on shard 0, whose
 * range starts at 0 where the ids of accounts stored before sharding lie, its sequences lifted
 * above the directory's (never lowered), so those accounts' rows can be placed there with their
 * ids. Only directory ids within shard 0's range count: a higher one was copied in from another
 * shard's range.
 */
export async function placementStatements(d1: D1Database, shard: number, directory: D1Database): Promise<D1PreparedStatement[]> {
  if (shard !== 0) return idRangeStatements(d1, shard);
  const sequences = (await directory.prepare("SELECT name, seq FROM sqlite_sequence WHERE seq < ?1").bind(SHARD_ID_RANGE).all<{ name: string; seq: number }>()).results;
  return [...idRangeStatements(d1, shard), ...sequences.map((s) => d1.prepare("UPDATE sqlite_sequence SET seq = ?2 WHERE name = ?1 AND seq < ?2").bind(s.name, s.seq))];
}

async function columnsOf(db: Db, table: string): Promise<{ name: string; pk: number }[]> {
  return db.all<{ name: string; pk: number }>(sql.raw(`SELECT name, pk FROM pragma_table_info('${table}') ORDER BY cid`));
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Copies the user's rows of one table, page by page in primary-key order (some tables are
 * WITHOUT ROWID), with their ids and every column as stored.
 */
async function copyTable(source: Db, target: Db, table: string, where: string, userId: number, afterPage: () => Promise<void>): Promise<number> {
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
    await afterPage();
  }
}

async function countRows(db: Db, table: string, where: string, userId: number): Promise<number> {
  const row = await db.$client.prepare(`SELECT count(*) AS n FROM ${quote(table)} WHERE ${where}`).bind(userId).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Removes the user's rows from a shard (the anchor's cascade) and, optionally, its fence. */
export async function clearUser(db: Db, userId: number, fence: "keep" | "drop"): Promise<void> {
  const d1 = db.$client;
  const stmts = [d1.prepare("DELETE FROM users WHERE id = ?").bind(userId)];
  if (fence === "drop") stmts.unshift(d1.prepare("DELETE FROM shard_fences WHERE user_id = ?").bind(userId));
  await d1.batch(stmts);
}

/** A table's rows of the user differ in number between the source and the copy. */
export class CopyMismatch extends Error {}

/**
 * Copies every table of `tables` (parents first) and compares the counts on both sides after each;
 * `afterPage` runs after every page written (the adopter renews its claim there). Answers rows per table,
 * tables without rows left out.
 */
export async function copyUserRows(
  source: Db,
  target: Db,
  userId: number,
  tables: readonly { table: string; where: string }[],
  names: { source: string; target: string },
  afterPage: () => Promise<void> = async () => undefined,
): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const { table, where } of tables) {
    const n = await copyTable(source, target, table, where, userId, afterPage);
    const [a, b] = await Promise.all([countRows(source, table, where, userId), countRows(target, table, where, userId)]);
    if (a !== n || b !== n) throw new CopyMismatch(`${table}: ${a} rows on ${names.source}, ${n} copied, ${b} on ${names.target}`);
    if (n) rows[table] = n;
  }
  return rows;
}
