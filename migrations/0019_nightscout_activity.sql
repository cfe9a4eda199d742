-- Nightscout's activity collection (`/api/v1/activity`: heart rate, steps, activity level), a
-- document table shaped as nightscout_food, with the time index its date-window reads use.
CREATE TABLE `nightscout_activity` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`identifier` text,
	`time` integer NOT NULL,
	`doc` text NOT NULL,
	`ns_id` text DEFAULT '' NOT NULL,
	`srv_created` integer DEFAULT 0 NOT NULL,
	`srv_modified` integer DEFAULT 0 NOT NULL,
	`is_valid` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `nightscout_activity_user_ns_id` ON `nightscout_activity` (`user_id`,`ns_id`);--> statement-breakpoint
CREATE INDEX `nightscout_activity_user_time` ON `nightscout_activity` (`user_id`,`time`);--> statement-breakpoint
CREATE TRIGGER `nightscout_activity_fence_insert` BEFORE INSERT ON `nightscout_activity` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_activity_fence_update` BEFORE UPDATE ON `nightscout_activity` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_activity_fence_delete` BEFORE DELETE ON `nightscout_activity` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
