CREATE TABLE `alert_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`key` text NOT NULL,
	`alert_id` text,
	`event` text NOT NULL,
	`kind` text NOT NULL,
	`level` text NOT NULL,
	`time` integer NOT NULL,
	`value` real,
	`message` text NOT NULL,
	`until` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_events_user_time` ON `alert_events` (`user_id`,`time`);--> statement-breakpoint
CREATE INDEX `alert_events_user_alert` ON `alert_events` (`user_id`,`alert_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `alert_events_user_key` ON `alert_events` (`user_id`,`key`);--> statement-breakpoint
CREATE TABLE `alert_settings` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`urgent_low` real NOT NULL,
	`low_enabled` integer NOT NULL,
	`low` real NOT NULL,
	`high_enabled` integer NOT NULL,
	`high` real NOT NULL,
	`urgent_high_enabled` integer NOT NULL,
	`urgent_high` real NOT NULL,
	`falling_fast_enabled` integer NOT NULL,
	`falling_fast_rate` real NOT NULL,
	`rising_fast_enabled` integer NOT NULL,
	`rising_fast_rate` real NOT NULL,
	`predicted_low_enabled` integer NOT NULL,
	`predicted_low_minutes` integer NOT NULL,
	`stale_enabled` integer NOT NULL,
	`stale_warning_minutes` integer NOT NULL,
	`stale_urgent_minutes` integer NOT NULL,
	`repeat_minutes` integer NOT NULL,
	`urgent_low_repeat_minutes` integer NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `ws_tickets` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ws_tickets_user` ON `ws_tickets` (`user_id`);