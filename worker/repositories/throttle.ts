/**
 * @module worker/repositories/throttle
 * Fixed-window failure counters in D1, for failed logins (per account and per client IP) and
 * magic-link requests. Always on, whatever the environment: brute force is never welcome.
 */
import { eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client.ts";
import { loginThrottle } from "../db/schema.ts";

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;

export interface ThrottleRule {
  key: string;
  limit: number;
}

/** Seconds until the first exhausted rule's window ends, or 0 when every rule still allows a try. */
export async function throttledFor(db: Db, rules: ThrottleRule[]): Promise<number> {
  const now = Date.now();
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, rules.map((r) => r.key)));
  let wait = 0;
  for (const row of rows) {
    const rule = rules.find((r) => r.key === row.key)!;
    const windowEnd = row.windowStart + THROTTLE_WINDOW_MS;
    if (windowEnd > now && row.failures >= rule.limit) wait = Math.max(wait, Math.ceil((windowEnd - now) / 1000));
  }
  return wait;
}

/** Counts one failure against each key (a new window starts when the old one has passed). */
export async function recordFailure(db: Db, keys: string[]): Promise<void> {
  const now = Date.now();
  const expired = sql`${loginThrottle.windowStart} <= ${now - THROTTLE_WINDOW_MS}`;
  const statements = keys.map((key) =>
      db
        .insert(loginThrottle)
        .values({ key, failures: 1, windowStart: now })
        .onConflictDoUpdate({
          target: loginThrottle.key,
          set: {
            failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
            windowStart: sql`CASE WHEN ${expired} THEN ${now} ELSE ${loginThrottle.windowStart} END`,
          },
        }),
  );
  await db.batch(statements as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
