/**
 * @module worker/db/schema-bridges
 * Cloud follower bridges: one row per connection of a user to Dexcom Share, LibreLinkUp or a
 * Nightscout site. The SQL is hand-written in migrations/0013_bridges.sql (keep the two in step).
 * `credentials` is AES-GCM ciphertext (worker/bridges/crypto.ts), never returned by any route;
 * vendor session tokens are kept by the user's Durable Object only (durable/bridges/).
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, owner } from "./schema.ts";

/** A Nightscout site's history comes in this order, one collection after the other. */
export const BACKFILL_PHASES = ["entries", "treatments", "devicestatus", "profiles"] as const;
export type BackfillPhase = (typeof BACKFILL_PHASES)[number];

export const bridges = sqliteTable(
  "bridges",
  {
    /** Random UUID: names the bridge in the API. */
    id: text("id").primaryKey(),
    userId: owner(),
    /** dexcom-share | librelinkup | nightscout */
    kind: text("kind").notNull(),
    /** Dexcom: us | ous | jp; LibreLinkUp: the login region (us, eu, de, …); null for Nightscout. */
    region: text("region"),
    /** Nightscout site; for the vendors only in development (a local stand-in). */
    serverUrl: text("server_url"),
    credentials: text("credentials").notNull(),
    /** Bumped by every credential change: a login refused under older credentials is retried only then. */
    credentialsVersion: integer("credentials_version").notNull().default(1),
    /** pending | ok | backoff | login_refused */
    status: text("status").notNull().default("pending"),
    paused: integer("paused", { mode: "boolean" }).notNull().default(false),
    lastSuccessAt: integer("last_success_at"),
    lastError: text("last_error"),
    lastErrorAt: integer("last_error_at"),
    nextPollAt: integer("next_poll_at"),
    /** Vendor errors in a row (backoff). */
    failures: integer("failures").notNull().default(0),
    readingsImported: integer("readings_imported").notNull().default(0),
    /** Time of the newest reading the vendor has given (where the next poll starts). */
    lastReadingAt: integer("last_reading_at"),
    /** Nightscout history through the queue: running | done | failed (null for the vendors). */
    backfillStatus: text("backfill_status"),
    backfillImported: integer("backfill_imported").notNull().default(0),
    /** Which collection the backfill is in: entries (null) first, then treatments, device statuses, profiles. */
    backfillPhase: text("backfill_phase", { enum: BACKFILL_PHASES }),
    /** Documents of that collection older than this are still to be fetched (epoch ms). */
    backfillCursor: integer("backfill_cursor"),
    backfillTreatments: integer("backfill_treatments").notNull().default(0),
    backfillDeviceStatuses: integer("backfill_devicestatus").notNull().default(0),
    backfillProfiles: integer("backfill_profiles").notNull().default(0),
    backfillError: text("backfill_error"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull().default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index("bridges_user").on(t.userId, t.createdAt)],
);

export type BridgeRow = typeof bridges.$inferSelect;
