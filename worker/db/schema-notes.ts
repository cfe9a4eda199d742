/**
 * @module worker/db/schema-notes
 * Free-text notes (`/api/v1/notes`): Nightscout "Note"/"Announcement" treatments, LibreView and
 * Clarity note rows, or typed by the user. The SQL is hand-written in migrations/0004_notes.sql.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, owner } from "./schema.ts";

export const notes = sqliteTable(
  "notes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: owner(),
    time: integer("time").notNull(),
    text: text("text").notNull(),
    /** JSON array of strings. */
    tags: text("tags"),
    source: text("source"),
    createdAt: createdAt(),
    // Same definition as schema.ts's (not exported there): the generic repository sets it on PATCH.
    updatedAt: integer("updated_at")
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index("notes_user_time").on(t.userId, t.time)],
);
