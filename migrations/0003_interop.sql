CREATE TABLE `device_statuses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`time` integer NOT NULL,
	`device` text,
	`doc` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_statuses_user_time` ON `device_statuses` (`user_id`,`time`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`user_id` integer NOT NULL,
	`key` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`user_id`, `key`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `nightscout_treatments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`time` integer NOT NULL,
	`event_type` text NOT NULL,
	`identifier` text,
	`doc` text NOT NULL,
	`record_kind` text,
	`record_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `nightscout_treatments_user_time` ON `nightscout_treatments` (`user_id`,`time`);--> statement-breakpoint
CREATE UNIQUE INDEX `nightscout_treatments_user_event` ON `nightscout_treatments` (`user_id`,`time`,`event_type`);--> statement-breakpoint
CREATE UNIQUE INDEX `nightscout_treatments_user_identifier` ON `nightscout_treatments` (`user_id`,`identifier`);--> statement-breakpoint
CREATE TABLE `uploader_secrets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`sha1` text NOT NULL,
	`sha512` text NOT NULL,
	`revoked_at` integer,
	`last_used_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uploader_secrets_sha1_unique` ON `uploader_secrets` (`sha1`);--> statement-breakpoint
CREATE UNIQUE INDEX `uploader_secrets_sha512_unique` ON `uploader_secrets` (`sha512`);--> statement-breakpoint
CREATE INDEX `uploader_secrets_user` ON `uploader_secrets` (`user_id`);--> statement-breakpoint
CREATE TABLE `webhook_secrets` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
