/**
 * @module worker/db/schema
 * The D1 schema, source of truth for `drizzle-kit generate` (SQL lands in migrations/).
 *
 * Conventions: integer primary keys; times are epoch milliseconds (UTC) in INTEGER columns;
 * every user-owned table has `user_id` referencing users(id) ON DELETE CASCADE and an index
 * that starts with (user_id, time) so every query is a range scan within one user's rows.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { GLUCOSE_UNITS } from "../../vocabulary/units.ts";

/** Column helpers shared by every schema file (schema-insights.ts, schema-interop.ts). */
export const createdAt = () =>
  integer("created_at")
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);
const updatedAt = () =>
  integer("updated_at")
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);
/** `user_id` referencing users(id) ON DELETE CASCADE. */
export const owner = () =>
  integer("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" });

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Public identifier (UUID) used in tokens, URLs and the Durable Object name. */
    publicId: text("public_id").notNull().unique(),
    /**
     * Lower-cased. Unique only among verified accounts (`users_email_verified`): a registration of
     * an address that has an account makes a second account that can never be verified for it.
     */
    email: text("email").notNull(),
    /** When the owner of `email` proved it (verification link or magic link); null until then. */
    emailVerifiedAt: integer("email_verified_at"),
    name: text("name").notNull(),
    timezone: text("timezone").notNull(),
    unit: text("unit", { enum: GLUCOSE_UNITS }).notNull(),
    /** PBKDF2-SHA256 hash, salt (base64) and iteration count, so the cost can grow later. */
    passwordHash: text("password_hash").notNull(),
    passwordSalt: text("password_salt").notNull(),
    passwordIterations: integer("password_iterations").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("users_email").on(t.email),
    uniqueIndex("users_email_verified").on(t.email).where(sql`${t.emailVerifiedAt} IS NOT NULL`),
  ],
);

export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    /** All tokens descending from one login share a family; reuse of a rotated token revokes it. */
    familyId: text("family_id").notNull(),
    /** SHA-256 of the opaque token (hex); the token itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: integer("expires_at").notNull(),
    rotatedAt: integer("rotated_at"),
    revokedAt: integer("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [index("refresh_tokens_family").on(t.familyId), index("refresh_tokens_user").on(t.userId)],
);

export const magicLinks = sqliteTable(
  "magic_links",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: owner(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("magic_links_user").on(t.userId)],
);

/** Single-use links that prove the owner of `email` reads its mail (stored as SHA-256). */
export const emailVerifications = sqliteTable(
  "email_verifications",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: owner(),
    /** The address the link was sent to: a later change of the account's address voids it. */
    email: text("email").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("email_verifications_user").on(t.userId)],
);

/** Mail that would be sent when no SEND_EMAIL binding is configured (local runs and tests read it). */
export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("outbox_to").on(t.toAddress)],
);

/** Failed-login counters keyed by "account:<email>" or "ip:<address>" (fixed window). */
export const loginThrottle = sqliteTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStart: integer("window_start").notNull(),
  lockedUntil: integer("locked_until"),
});

/** Per-user dictionary of reading sources ("dexcom-g7", "xdrip", …) so readings store a small integer. */
export const glucoseSources = sqliteTable(
  "glucose_sources",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    name: text("name").notNull(),
  },
  (t) => [uniqueIndex("glucose_sources_user_name").on(t.userId, t.name)],
);

/**
 * CGM readings, the one table that grows by ~105,000 rows per user-year. Kept compact: the
 * migration declares it WITHOUT ROWID, so the primary key (user_id, time, source_id) is the
 * table itself (no rowid, no separate unique index), and the value is stored in tenths of mg/dL
 * (a 2-byte integer instead of an 8-byte REAL). The reading's public id is derived from
 * (time, source_id); see worker/repositories/readings.ts. drizzle-kit cannot express
 * WITHOUT ROWID, so the generated migration was edited by hand (see its header comment).
 */
export const glucoseReadings = sqliteTable(
  "glucose_readings",
  {
    userId: owner(),
    time: integer("time").notNull(),
    sourceId: integer("source_id").notNull(),
    valueTenths: integer("value_tenths").notNull(),
    /** Dexcom-style direction as a small code (worker/lib/trend.ts); NULL when unknown. */
    trend: integer("trend"),
    /** Bit flags: 1 = below the sensor's range ("Low"), 2 = above it ("High"). */
    flags: integer("flags"),
    /**
     * JSON of what a Nightscout client sent besides the value (noise, filtered, rssi, delta, …;
     * worker/nightscout/entries-store.ts), NULL for every other reading. On the reading's row so
     * that such an upload writes one row.
     */
    nsExtra: text("ns_extra"),
  },
  (t) => [primaryKey({ columns: [t.userId, t.time, t.sourceId] })],
);

export const sleepSessions = sqliteTable(
  "sleep_sessions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    start: integer("start").notNull(),
    end: integer("end").notNull(),
    quality: integer("quality"),
    awakenings: integer("awakenings"),
    deepMinutes: real("deep_minutes"),
    lightMinutes: real("light_minutes"),
    remMinutes: real("rem_minutes"),
    awakeMinutes: real("awake_minutes"),
    source: text("source"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("sleep_sessions_user_start").on(t.userId, t.start)],
);

export const meals = sqliteTable(
  "meals",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    time: integer("time").notNull(),
    carbs: real("carbs"),
    protein: real("protein"),
    fat: real("fat"),
    fibre: real("fibre"),
    calories: real("calories"),
    glycemicIndex: real("glycemic_index"),
    glycemicLoad: real("glycemic_load"),
    description: text("description"),
    /** JSON array of strings. */
    tags: text("tags"),
    source: text("source"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("meals_user_time").on(t.userId, t.time)],
);

export const activities = sqliteTable(
  "activities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    start: integer("start").notNull(),
    end: integer("end").notNull(),
    type: text("type").notNull(),
    intensity: text("intensity", { enum: ["low", "moderate", "high"] }),
    steps: integer("steps"),
    calories: real("calories"),
    avgHeartRate: real("avg_heart_rate"),
    source: text("source"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("activities_user_start").on(t.userId, t.start)],
);

export const insulinDoses = sqliteTable(
  "insulin_doses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    time: integer("time").notNull(),
    units: real("units").notNull(),
    kind: text("kind", { enum: ["rapid", "long", "basal", "bolus"] }).notNull(),
    insulin: text("insulin"),
    source: text("source"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("insulin_doses_user_time").on(t.userId, t.time)],
);

export const medications = sqliteTable(
  "medications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    time: integer("time").notNull(),
    name: text("name").notNull(),
    dose: real("dose"),
    unit: text("unit"),
    source: text("source"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("medications_user_time").on(t.userId, t.time)],
);

export const hba1cResults = sqliteTable(
  "hba1c_results",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    /** Midnight UTC of the test date (the API speaks YYYY-MM-DD). */
    date: integer("date").notNull(),
    percent: real("percent").notNull(),
    source: text("source"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("hba1c_results_user_date").on(t.userId, t.date)],
);

export const bloodPressure = sqliteTable(
  "blood_pressure",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    time: integer("time").notNull(),
    systolic: real("systolic").notNull(),
    diastolic: real("diastolic").notNull(),
    pulse: real("pulse"),
    source: text("source"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("blood_pressure_user_time").on(t.userId, t.time)],
);

export const bodyMetrics = sqliteTable(
  "body_metrics",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    time: integer("time").notNull(),
    weightKg: real("weight_kg"),
    bodyFatPercent: real("body_fat_percent"),
    waistCm: real("waist_cm"),
    source: text("source"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("body_metrics_user_time").on(t.userId, t.time)],
);

/**
 * Alert rules of one user (live monitor, durable/), stored in mg/dL and mg/dL per minute; the
 * API converts to and from the user's unit. No row means the defaults (worker/schemas/alert-rules.ts).
 * Urgent low has no enabled flag: it cannot be switched off.
 */
export const alertSettings = sqliteTable("alert_settings", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  urgentLow: real("urgent_low").notNull(),
  lowEnabled: integer("low_enabled", { mode: "boolean" }).notNull(),
  low: real("low").notNull(),
  highEnabled: integer("high_enabled", { mode: "boolean" }).notNull(),
  high: real("high").notNull(),
  urgentHighEnabled: integer("urgent_high_enabled", { mode: "boolean" }).notNull(),
  urgentHigh: real("urgent_high").notNull(),
  fallingFastEnabled: integer("falling_fast_enabled", { mode: "boolean" }).notNull(),
  fallingFastRate: real("falling_fast_rate").notNull(),
  risingFastEnabled: integer("rising_fast_enabled", { mode: "boolean" }).notNull(),
  risingFastRate: real("rising_fast_rate").notNull(),
  predictedLowEnabled: integer("predicted_low_enabled", { mode: "boolean" }).notNull(),
  predictedLowMinutes: integer("predicted_low_minutes").notNull(),
  staleEnabled: integer("stale_enabled", { mode: "boolean" }).notNull(),
  staleWarningMinutes: integer("stale_warning_minutes").notNull(),
  staleUrgentMinutes: integer("stale_urgent_minutes").notNull(),
  repeatMinutes: integer("repeat_minutes").notNull(),
  urgentLowRepeatMinutes: integer("urgent_low_repeat_minutes").notNull(),
  updatedAt: updatedAt(),
});

/**
 * History of the live monitor's alerts: one row per raised, repeated, snoozed, acknowledged or
 * resolved event, written by the user's Durable Object after the alert went out on the sockets.
 * `key` is generated by the object, so a write it retries after a lost reply is stored once.
 */
export const alertEvents = sqliteTable(
  "alert_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    key: text("key").notNull(),
    /** The alert this event belongs to; NULL for a snooze while no alert of the kind was active. */
    alertId: text("alert_id"),
    event: text("event", { enum: ["raised", "repeated", "snoozed", "acknowledged", "resolved", "escalated"] }).notNull(),
    kind: text("kind").notNull(),
    level: text("level", { enum: ["warning", "urgent"] }).notNull(),
    /** When the event happened (epoch ms). */
    time: integer("time").notNull(),
    /** mg/dL; NULL when no reading is involved. */
    value: real("value"),
    /** The sentence the user saw, in their unit at the time. */
    message: text("message").notNull(),
    /** For snoozes: the end of the snooze (epoch ms). */
    until: integer("until"),
    createdAt: createdAt(),
  },
  (t) => [
    index("alert_events_user_time").on(t.userId, t.time),
    index("alert_events_user_alert").on(t.userId, t.alertId),
    uniqueIndex("alert_events_user_key").on(t.userId, t.key),
  ],
);

/** Single-use tickets that open the alert WebSocket (60 s); only the SHA-256 of the ticket is stored. */
export const wsTickets = sqliteTable(
  "ws_tickets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: owner(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("ws_tickets_user").on(t.userId)],
);
