/**
 * @module worker/db/schema-shards
 * Where each user's rows live (worker/db/shards.ts). The SQL, with the write-fence triggers of
 * every per-user table, is hand-written in migrations/0014_shards.sql (keep the two in step).
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { owner } from "./schema.ts";

/** Directory: the user's shard, and the target while a move runs. */
export const userShards = sqliteTable(
  "user_shards",
  {
    userId: owner().primaryKey(),
    /** Index of the SHARD_n binding holding the user's rows. */
    shard: integer("shard").notNull(),
    /**
     * `active`; `moving` while an operator move copies the rows to `target`; `adopting` while an
     * account stored before sharding is copied from the directory (worker/db/shard-adopt.ts).
     */
    state: text("state", { enum: ["active", "moving", "adopting"] }).notNull().default("active"),
    target: integer("target"),
    /** Epoch ms of the last completed move; while `adopting`, the adopter's last heartbeat. */
    movedAt: integer("moved_at"),
  },
  (t) => [index("user_shards_shard").on(t.shard)],
);

/** Shards: users whose writes this shard refuses ("user_moving") because they are moving or have left. */
export const shardFences = sqliteTable("shard_fences", {
  userId: integer("user_id").primaryKey(),
  createdAt: integer("created_at").notNull(),
});
