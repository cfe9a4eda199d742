/**
 * @module worker/db/schema-sharing
 * Tables for Web Push subscriptions, caregiver sharing (invitations and the sharings
 * they become), the log of every access by a follower, follower WebSocket tickets and the
 * per-user escalation setting. The SQL is hand-written in migrations/0006_push_sharing.sql
 * (keep the two in step).
 */
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, owner, users } from "./schema.ts";

/**
 * A browser's push subscription (RFC 8030 endpoint plus the RFC 8291 keys). One browser may be
 * subscribed by several accounts (a family tablet), so the endpoint is unique per user only.
 */
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    endpoint: text("endpoint").notNull(),
    /** The browser's P-256 public key (base64url, 65 bytes uncompressed). */
    p256dh: text("p256dh").notNull(),
    /** The 16-byte authentication secret (base64url). */
    auth: text("auth").notNull(),
    userAgent: text("user_agent"),
    lastSentAt: integer("last_sent_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("push_subscriptions_user_endpoint").on(t.userId, t.endpoint)],
);

/**
 * A caregiver sharing: created as an invitation to an email address (`pending`), accepted by the
 * account with that email (`active`, `follower_id` set), ended by either side (`ended`). The
 * follower's own alert preferences for this person live on the row.
 */
export const sharings = sqliteTable(
  "sharings",
  {
    /** Random UUID: it appears in the invitation link. */
    id: text("id").primaryKey(),
    /** The person whose data is shared. */
    userId: owner(),
    /** Lower-cased invited address. */
    email: text("email").notNull(),
    followerId: integer("follower_id").references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "active", "ended"] }).notNull(),
    /** Follower's push thresholds (mg/dL): lows at or below, highs at or above; NULL: the owner's alerts as they are. */
    lowThreshold: real("low_threshold"),
    highThreshold: real("high_threshold"),
    /** Follower's quiet hours, minutes after local midnight in `quiet_timezone`; only urgent alerts get through. */
    quietStart: integer("quiet_start"),
    quietEnd: integer("quiet_end"),
    quietTimezone: text("quiet_timezone"),
    createdAt: createdAt(),
    acceptedAt: integer("accepted_at"),
    endedAt: integer("ended_at"),
  },
  (t) => [index("sharings_user").on(t.userId, t.status), index("sharings_follower").on(t.followerId, t.status), index("sharings_email").on(t.email, t.status)],
);

/** Every request a follower made on a followed person's data (visible to that person). */
export const followerAccessLog = sqliteTable(
  "follower_access_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The followed person. */
    userId: owner(),
    followerId: integer("follower_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sharingId: text("sharing_id").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status").notNull(),
    time: integer("time").notNull(),
  },
  (t) => [index("follower_access_log_user_time").on(t.userId, t.time)],
);

/** Single-use tickets for a follower's live feed of a followed person (60 s, stored as SHA-256). */
export const followTickets = sqliteTable(
  "follow_tickets",
  {
    tokenHash: text("token_hash").primaryKey(),
    /** The followed person. */
    userId: owner(),
    followerId: integer("follower_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("follow_tickets_user").on(t.userId)],
);

/** How long an urgent low may stay unacknowledged before the caregivers are alerted. */
export const careSettings = sqliteTable("care_settings", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  escalationMinutes: integer("escalation_minutes").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
