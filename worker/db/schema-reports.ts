/**
 * @module worker/db/schema-reports
 * Clinician report share links: a read-only link to one user's AGP report that expires, and the
 * log of every open. The SQL is hand-written in migrations/0011_report_shares.sql (keep the two
 * in step).
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, owner } from "./schema.ts";

/**
 * A share link. The token (256 random bits, shown once) is stored only as its SHA-256, so a
 * copy of the database opens no report. Revoking sets `revoked_at`; the row stays so the list
 * and the access log can still name it.
 */
export const reportShares = sqliteTable(
  "report_shares",
  {
    /** Random UUID: names the link in the list and in DELETE. */
    id: text("id").primaryKey(),
    userId: owner(),
    /** SHA-256 of the token (hex). */
    tokenHash: text("token_hash").notNull().unique(),
    /** Report period: 14, 30 or 90 complete local days before the day of each open. */
    days: integer("days").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [index("report_shares_user").on(t.userId, t.createdAt)],
);

/** Every request made with a share link (the report's owner reads it). */
export const reportShareAccessLog = sqliteTable(
  "report_share_access_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    shareId: text("share_id").notNull(),
    /** `agp` (JSON for the web page) or `agp.pdf`. */
    resource: text("resource").notNull(),
    status: integer("status").notNull(),
    time: integer("time").notNull(),
  },
  (t) => [index("report_share_access_log_user_share").on(t.userId, t.shareId, t.time)],
);
