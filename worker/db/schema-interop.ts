/**
 * @module worker/db/schema-interop
 * Tables of the interop work: Nightscout uploader secrets, Nightscout treatments, device status
 * and food documents, the ids of Nightscout entries, webhook secrets and idempotency records. The
 * SQL is hand-written in migrations/0003_interop.sql, 0009_nightscout_v1.sql,
 * 0012_nightscout_v3.sql, 0020_uploader_roles.sql, 0021_uploader_subjects.sql and
 * 0022_entry_extra_on_reading.sql (keep them in step).
 *
 * Glucose entries posted through the Nightscout API are not stored here: they become ordinary
 * readings (glucose_readings), so they reach analytics and the live monitor like native uploads.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, owner, users } from "./schema.ts";

/**
 * The columns every Nightscout document table shares (migrations/0009_nightscout_v1.sql): the
 * 24-hex `_id`, when the server created and last changed it, and whether it is still valid
 * (deleted documents stay, invalid, for API v3's history).
 */
const documentColumns = () => ({
  nsId: text("ns_id").notNull().default(""),
  srvCreated: integer("srv_created").notNull().default(0),
  srvModified: integer("srv_modified").notNull().default(0),
  isValid: integer("is_valid", { mode: "boolean" }).notNull().default(true),
});

/** Nightscout's default roles an uploader secret can hold (lib/authorization/storage.js defaultRoles). */
export const UPLOADER_ROLES = ["admin", "readable"] as const;
export type UploaderRole = (typeof UPLOADER_ROLES)[number];

/**
 * Nightscout uploader secrets. The secret itself is never stored: uploaders send the hex SHA-1
 * of it in the `api-secret` header (the lookup key), newer ones SHA-512.
 */
export const uploaderSecrets = sqliteTable(
  "uploader_secrets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    name: text("name").notNull(),
    sha1: text("sha1").notNull().unique(),
    sha512: text("sha512").notNull().unique(),
    /** Nightscout's role: `admin` (everything of the user's) or `readable` (reads only). */
    role: text("role", { enum: UPLOADER_ROLES }).notNull().default("admin"),
    /** A Nightscout subject's maker: its token is derived from that secret's SHA-1 (worker/nightscout/subjects.ts). */
    parentId: integer("parent_id"),
    revokedAt: integer("revoked_at"),
    lastUsedAt: integer("last_used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("uploader_secrets_user").on(t.userId)],
);

/**
 * Nightscout treatments as received (JSON), keyed for Nightscout's de-duplication: by
 * `identifier` when the uploader sends one, else by (created_at, eventType). The mapped
 * meal / insulin dose / activity lives in its own table; `record_kind`/`record_id` point to it.
 */
export const nightscoutTreatments = sqliteTable(
  "nightscout_treatments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    time: integer("time").notNull(),
    eventType: text("event_type").notNull(),
    identifier: text("identifier"),
    doc: text("doc").notNull(),
    recordKind: text("record_kind"),
    recordId: integer("record_id"),
    createdAt: createdAt(),
    ...documentColumns(),
    /** JSON `[[kind, id], …]`: every record the treatment was mapped onto (record_kind/record_id is the first). */
    recordLinks: text("record_links"),
  },
  (t) => [
    index("nightscout_treatments_user_time").on(t.userId, t.time),
    index("nightscout_treatments_user_event").on(t.userId, t.time, t.eventType),
    uniqueIndex("nightscout_treatments_user_identifier").on(t.userId, t.identifier),
    uniqueIndex("nightscout_treatments_user_ns_id").on(t.userId, t.nsId),
    index("nightscout_treatments_user_modified").on(t.userId, t.srvModified),
  ],
);

/** Nightscout device status documents (pump, loop, uploader battery) stored as received. */
export const deviceStatuses = sqliteTable(
  "device_statuses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    time: integer("time").notNull(),
    device: text("device"),
    doc: text("doc").notNull(),
    createdAt: createdAt(),
    ...documentColumns(),
    identifier: text("identifier"),
  },
  (t) => [
    index("device_statuses_user_time").on(t.userId, t.time),
    uniqueIndex("device_statuses_user_ns_id").on(t.userId, t.nsId),
    uniqueIndex("device_statuses_user_identifier").on(t.userId, t.identifier),
    index("device_statuses_user_modified").on(t.userId, t.srvModified),
  ],
);

/** Nightscout food database entries (`/api/v1/food`), stored as received. */
export const nightscoutFood = sqliteTable(
  "nightscout_food",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    identifier: text("identifier"),
    time: integer("time").notNull(),
    doc: text("doc").notNull(),
    ...documentColumns(),
  },
  (t) => [uniqueIndex("nightscout_food_user_ns_id").on(t.userId, t.nsId), uniqueIndex("nightscout_food_user_identifier").on(t.userId, t.identifier), index("nightscout_food_user_modified").on(t.userId, t.srvModified)],
);

/**
 * What Nightscout clients look a reading up by, kept only for readings that have any: the client's
 * own `_id`, an API v3 `identifier`, and the server times API v3 stamps when it creates or changes
 * a reading. Keyed like the reading in glucose_readings; the other fields a client sends are in
 * glucose_readings.ns_extra (migrations/0022_entry_extra_on_reading.sql).
 */
export const nightscoutEntryIds = sqliteTable(
  "nightscout_entry_ids",
  {
    userId: owner(),
    time: integer("time").notNull(),
    sourceId: integer("source_id").notNull(),
    clientId: text("client_id"),
    identifier: text("identifier"),
    /** Set when API v3 created or changed the reading; otherwise its srvModified is its time. */
    srvCreated: integer("srv_created"),
    srvModified: integer("srv_modified"),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.time, t.sourceId] }),
    // Partial: only rows that carry the value (as migrations/0015_entry_extras_partial_indexes.sql made them).
    index("nightscout_entry_ids_client_id").on(t.userId, t.clientId).where(sql`${t.clientId} IS NOT NULL`),
    index("nightscout_entry_ids_identifier").on(t.userId, t.identifier).where(sql`${t.identifier} IS NOT NULL`),
    index("nightscout_entry_ids_modified").on(t.userId, t.srvModified).where(sql`${t.srvModified} IS NOT NULL`),
  ],
);

/**
 * A reading deleted through Nightscout API v3: its last document, so that v3 history answers it
 * with `isValid: false` and a read answers 410 (migrations/0012_nightscout_v3.sql).
 */
export const nightscoutEntryTombstones = sqliteTable(
  "nightscout_entry_tombstones",
  {
    userId: owner(),
    identifier: text("identifier").notNull(),
    time: integer("time").notNull(),
    doc: text("doc").notNull(),
    srvModified: integer("srv_modified").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.identifier] }), index("nightscout_entry_tombstones_modified").on(t.userId, t.srvModified)],
);

/** Nightscout's activity collection (`/api/v1/activity`: heart rate, steps, activity level), stored as received. */
export const nightscoutActivity = sqliteTable(
  "nightscout_activity",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    identifier: text("identifier"),
    time: integer("time").notNull(),
    doc: text("doc").notNull(),
    ...documentColumns(),
  },
  (t) => [uniqueIndex("nightscout_activity_user_ns_id").on(t.userId, t.nsId), index("nightscout_activity_user_time").on(t.userId, t.time)],
);

/** Nightscout API v3's `settings` collection: documents of the same shape as food. */
export const nightscoutSettings = sqliteTable(
  "nightscout_settings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    identifier: text("identifier"),
    time: integer("time").notNull(),
    doc: text("doc").notNull(),
    ...documentColumns(),
  },
  (t) => [uniqueIndex("nightscout_settings_user_ns_id").on(t.userId, t.nsId), uniqueIndex("nightscout_settings_user_identifier").on(t.userId, t.identifier), index("nightscout_settings_user_modified").on(t.userId, t.srvModified)],
);

/** One webhook signing secret per user (HMAC needs the secret itself, so it is stored). */
export const webhookSecrets = sqliteTable("webhook_secrets", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secret: text("secret").notNull(),
  createdAt: createdAt(),
});

/** First response to each webhook delivery's Idempotency-Key, replayed on retries (kept 24 h). */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    userId: owner(),
    key: text("key").notNull(),
    status: integer("status").notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

/**
 * A file import sent in parts (`POST /api/v1/imports?upload_id=…&part=…`), keyed by the
 * client's upload id within the user. Between two parts it holds what the next one needs: the
 * format and options chosen on part 0, the running totals, and the bytes not parsed yet (the
 * start of a UTF-8 character cut by the end of a part, or the head before the format is known).
 * The parser's own state lives in import_upload_state, each part's answer in import_upload_parts.
 */
export const importUploads = sqliteTable(
  "import_uploads",
  {
    userId: owner(),
    id: text("id").notNull(),
    /** The detected or named format; null while the first 4 KB have not arrived. */
    format: text("format"),
    /** JSON: the format/timezone/mapping query of part 0. */
    options: text("options").notNull(),
    nextPart: integer("next_part").notNull().default(0),
    done: integer("done", { mode: "boolean" }).notNull().default(false),
    /** JSON: the running totals (imported/duplicates per type, rejections). */
    totals: text("totals").notNull(),
    /** Base64 of the bytes kept for the next part. */
    carry: text("carry").notNull().default(""),
    expiresAt: integer("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.id] })],
);

/** Each received part's SHA-256 and answer, so that a retried part is answered again, not re-imported. */
export const importUploadParts = sqliteTable(
  "import_upload_parts",
  {
    userId: owner(),
    uploadId: text("upload_id").notNull(),
    part: integer("part").notNull(),
    sha256: text("sha256").notNull(),
    response: text("response").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.uploadId, t.part] })],
);

/**
 * The streaming parser's saved state after a part (interop/resume.ts), split into pieces of at
 * most 512 KiB so that no row nears D1's 2 MB limit (Apple Health keeps every sleep segment
 * until the end of the file).
 */
export const importUploadState = sqliteTable(
  "import_upload_state",
  {
    userId: owner(),
    uploadId: text("upload_id").notNull(),
    part: integer("part").notNull(),
    seq: integer("seq").notNull(),
    data: text("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.uploadId, t.part, t.seq] })],
);
