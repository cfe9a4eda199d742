-- The directory keeps a write fence (shard_fences) for every account adopted from before the
-- sharded layout (worker/db/shard-adopt.ts), so a Worker of the previous version, still running
-- during a deploy, is refused when it writes the directory's stale copies of per-user tables. The
-- account's own row in the directory must stay writable (profile, password, verification), so the
-- update fence of `users` now holds only where `user_shards` has no row for the user: on every
-- shard (the table is filled in the directory only), as before.
DROP TRIGGER `users_fence_update`;--> statement-breakpoint
CREATE TRIGGER `users_fence_update` BEFORE UPDATE ON `users` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.id) AND NOT EXISTS (SELECT 1 FROM user_shards WHERE user_id = OLD.id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
