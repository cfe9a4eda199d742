/**
 * @module worker/db/schema-profiles
 * Nightscout treatment profiles (`/api/v1/profile`, worker/nightscout/profile-routes.ts). The SQL
 * is hand-written in migrations/0010_nightscout_profiles.sql and 0012_nightscout_v3.sql (keep them in step).
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { owner } from "./schema.ts";

/**
 * One Nightscout profile document (JSON, without `_id` and `created_at`, which have columns).
 * `startDate` is also a column, for "the profile in force at a time". A delete sets `isValid`
 * false and bumps `srvModified`, as Nightscout API v3 does, so that v3 history can be served.
 */
export const nightscoutProfiles = sqliteTable(
  "nightscout_profiles",
  {
    userId: owner(),
    /** 24 hex characters, as a Mongo ObjectId. */
    id: text("id").notNull(),
    startDate: integer("start_date").notNull(),
    doc: text("doc").notNull(),
    /** SHA-256 (hex) of the document as posted, to answer a retried POST with the stored copy. */
    docHash: text("doc_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    srvCreated: integer("srv_created").notNull(),
    srvModified: integer("srv_modified").notNull(),
    isValid: integer("is_valid", { mode: "boolean" }).notNull().default(true),
    /** API v3's identifier when one was sent or computed; otherwise `id` serves as it. */
    identifier: text("identifier"),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.id] }),
    index("nightscout_profiles_user_start").on(t.userId, t.startDate),
    index("nightscout_profiles_user_hash").on(t.userId, t.docHash),
    index("nightscout_profiles_user_modified").on(t.userId, t.srvModified),
    index("nightscout_profiles_user_identifier").on(t.userId, t.identifier),
  ],
);
