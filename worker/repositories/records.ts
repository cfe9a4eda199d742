/**
 * @module worker/repositories/records
 * Generic data access for every lifestyle record kind (worker/records/). Every function takes the
 * user id first and every query filters on it, so no caller can reach another user's rows.
 */
import { and, eq, gt, gte, lt, lte, or, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { RecordKind } from "../records/kind.ts";

export type Row = Record<string, unknown> & { id: number };

/** D1 binds at most 100 parameters per statement. */
const D1_MAX_PARAMS = 100;

/** Two records are the same when every stored field is equal (a retried upload, a double submit). */
const sameContent = (keys: string[], a: Record<string, unknown>, b: Record<string, unknown>) => keys.every((k) => (a[k] ?? null) === (b[k] ?? null));

/**
 * Inserts records, skipping any identical to one already stored (or earlier in the same call).
 * One D1 batch, so a failure stores nothing. Returns the stored rows and the number of duplicates.
 */
export async function insertRecords(db: Db, userId: number, kind: RecordKind, values: Record<string, unknown>[]): Promise<{ inserted: Row[]; duplicates: number }> {
  if (!values.length) return { inserted: [], duplicates: 0 };
  const timeKey = kind.timeColumn.name;
  const times = values.map((v) => v[timeKey] as number);
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  const existing = (await db
    .select()
    .from(kind.table)
    .where(and(eq(kind.table.userId, userId), gte(kind.timeColumn, lo), lte(kind.timeColumn, hi)))) as Row[];
  const keys = Object.keys(values[0]!);
  const seen = new Map<number, Record<string, unknown>[]>();
  for (const row of existing) {
    const t = row[timeKey] as number;
    seen.set(t, [...(seen.get(t) ?? []), row]);
  }
  const fresh: Record<string, unknown>[] = [];
  for (const v of values) {
    const t = v[timeKey] as number;
    const same = seen.get(t) ?? [];
    if (same.some((s) => sameContent(keys, s, v))) continue;
    seen.set(t, [...same, v]);
    fresh.push({ ...v, userId });
  }
  if (!fresh.length) return { inserted: [], duplicates: values.length };
  const perStatement = Math.max(1, Math.floor(D1_MAX_PARAMS / (keys.length + 1)));
  const statements = [];
  for (let i = 0; i < fresh.length; i += perStatement) {
    statements.push(db.insert(kind.table).values(fresh.slice(i, i + perStatement)).returning());
  }
  const [first, ...rest] = statements;
  const results = (await db.batch([first!, ...rest])) as unknown as Row[][];
  return { inserted: results.flat(), duplicates: values.length - fresh.length };
}

export interface RecordQuery {
  start?: number;
  end?: number;
  limit: number;
  after?: { time: number; id: number };
}

/** One page of records ordered by their time column, then id. */
export async function listRecords(db: Db, userId: number, kind: RecordKind, q: RecordQuery): Promise<{ items: Row[]; more: boolean }> {
  const t = kind.timeColumn;
  const where: SQL[] = [eq(kind.table.userId, userId)];
  if (q.start !== undefined) where.push(gte(t, q.start));
  if (q.end !== undefined) where.push(lt(t, q.end));
  if (q.after) where.push(or(gt(t, q.after.time), and(eq(t, q.after.time), gt(kind.table.id, q.after.id)))!);
  const rows = (await db
    .select()
    .from(kind.table)
    .where(and(...where))
    .orderBy(t, kind.table.id)
    .limit(q.limit + 1)) as Row[];
  const more = rows.length > q.limit;
  return { items: more ? rows.slice(0, q.limit) : rows, more };
}

export async function getRecord(db: Db, userId: number, kind: RecordKind, id: number): Promise<Row | null> {
  const row = await db
    .select()
    .from(kind.table)
    .where(and(eq(kind.table.userId, userId), eq(kind.table.id, id)))
    .get();
  return (row as Row | undefined) ?? null;
}

export async function updateRecord(db: Db, userId: number, kind: RecordKind, id: number, values: Record<string, unknown>): Promise<Row | null> {
  const row = await db
    .update(kind.table)
    .set({ ...values, updatedAt: Date.now() })
    .where(and(eq(kind.table.userId, userId), eq(kind.table.id, id)))
    .returning()
    .get();
  return (row as Row | undefined) ?? null;
}

export async function deleteRecord(db: Db, userId: number, kind: RecordKind, id: number): Promise<boolean> {
  const res = await db
    .delete(kind.table)
    .where(and(eq(kind.table.userId, userId), eq(kind.table.id, id)))
    .run();
  return res.meta.changes > 0;
}
