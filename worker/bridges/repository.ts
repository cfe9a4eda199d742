/**
 * @module worker/bridges/repository
 * D1 access for bridges (worker/db/schema-bridges.ts). Every function takes the user id first:
 * a bridge of another user is never found, changed or deleted.
 */
import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { bridges, type BridgeRow } from "../db/schema-bridges.ts";

export type { BridgeRow };

export interface NewBridge {
  id: string;
  kind: string;
  region: string | null;
  serverUrl: string | null;
  credentials: string;
  nextPollAt: number;
  backfillStatus: string | null;
}

export async function createBridge(db: Db, userId: number, b: NewBridge): Promise<BridgeRow> {
  const [row] = await db
    .insert(bridges)
    .values({ ...b, userId })
    .returning();
  return row!;
}

export function listBridges(db: Db, userId: number): Promise<BridgeRow[]> {
  return db.select().from(bridges).where(eq(bridges.userId, userId)).orderBy(asc(bridges.createdAt), asc(bridges.id));
}

export async function getBridge(db: Db, userId: number, id: string): Promise<BridgeRow | null> {
  const [row] = await db
    .select()
    .from(bridges)
    .where(and(eq(bridges.userId, userId), eq(bridges.id, id)))
    .limit(1);
  return row ?? null;
}

export type BridgeChanges = Partial<Pick<BridgeRow, "region" | "serverUrl" | "credentials" | "status" | "paused" | "lastSuccessAt" | "lastError" | "lastErrorAt" | "nextPollAt" | "failures" | "lastReadingAt" | "backfillStatus" | "backfillPhase" | "backfillCursor" | "backfillError">>;

/** The running counts a change may add to. */
type BridgeCount = "readingsImported" | "backfillImported" | "backfillTreatments" | "backfillDeviceStatuses" | "backfillProfiles";

export async function updateBridge(
  db: Db,
  userId: number,
  id: string,
  changes: BridgeChanges & { bumpCredentials?: boolean; add?: Partial<Record<BridgeCount, number>> },
  /** Only while the backfill's cursor is this (or not yet set): a page's progress is recorded once. */
  whileCursorAt?: number,
): Promise<BridgeRow | null> {
  const { bumpCredentials, add = {}, ...rest } = changes;
  const atCursor = whileCursorAt === undefined ? undefined : or(isNull(bridges.backfillCursor), eq(bridges.backfillCursor, whileCursorAt));
  const counts = Object.fromEntries(Object.entries(add).filter(([, n]) => n).map(([column, n]) => [column, sql`${bridges[column as BridgeCount]} + ${n}`]));
  const [row] = await db
    .update(bridges)
    .set({
      ...rest,
      ...(bumpCredentials ? { credentialsVersion: sql`${bridges.credentialsVersion} + 1` } : {}),
      ...counts,
      updatedAt: Date.now(),
    })
    .where(and(eq(bridges.userId, userId), eq(bridges.id, id), atCursor))
    .returning();
  return row ?? null;
}

export async function deleteBridge(db: Db, userId: number, id: string): Promise<boolean> {
  const rows = await db
    .delete(bridges)
    .where(and(eq(bridges.userId, userId), eq(bridges.id, id)))
    .returning({ id: bridges.id });
  return rows.length > 0;
}
