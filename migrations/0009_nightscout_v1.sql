-- Nightscout API v1 in full (hand-written; worker/db/schema-interop.ts is kept in step).
-- Readings stay in glucose_readings; what a Nightscout client sent beyond the reading itself (its
-- own `_id`, `identifier`, noise/filtered/unfiltered/rssi, …) is kept only where sent, in a
-- compact side table keyed like the reading. Treatments, device status and food are documents
-- with a 24-hex `_id`, an `identifier`, server creation/modification times and a validity flag
-- (API v3's soft delete and history read the same columns).
CREATE TABLE `nightscout_entry_extras` (
	`user_id` integer NOT NULL,
	`time` integer NOT NULL,
	`source_id` integer NOT NULL,
	`client_id` text,
	`identifier` text,
	`extra` text,
	PRIMARY KEY(`user_id`, `time`, `source_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `nightscout_entry_extras_client_id` ON `nightscout_entry_extras` (`user_id`,`client_id`);--> statement-breakpoint
ALTER TABLE `nightscout_treatments` ADD `ns_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `nightscout_treatments` ADD `record_links` text;--> statement-breakpoint
ALTER TABLE `nightscout_treatments` ADD `srv_created` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `nightscout_treatments` ADD `srv_modified` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `nightscout_treatments` ADD `is_valid` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
UPDATE `nightscout_treatments` SET `ns_id` = printf('%08x%016x', `created_at` / 1000, `id`), `srv_created` = `created_at`, `srv_modified` = `created_at`,
	`record_links` = CASE WHEN `record_kind` IS NULL THEN NULL ELSE json_array(json_array(`record_kind`, `record_id`)) END;--> statement-breakpoint
DROP INDEX `nightscout_treatments_user_event`;--> statement-breakpoint
CREATE INDEX `nightscout_treatments_user_event` ON `nightscout_treatments` (`user_id`,`time`,`event_type`);--> statement-breakpoint
CREATE UNIQUE INDEX `nightscout_treatments_user_ns_id` ON `nightscout_treatments` (`user_id`,`ns_id`);--> statement-breakpoint
CREATE INDEX `nightscout_treatments_user_modified` ON `nightscout_treatments` (`user_id`,`srv_modified`);--> statement-breakpoint
ALTER TABLE `device_statuses` ADD `ns_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `device_statuses` ADD `identifier` text;--> statement-breakpoint
ALTER TABLE `device_statuses` ADD `srv_created` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `device_statuses` ADD `srv_modified` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `device_statuses` ADD `is_valid` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
UPDATE `device_statuses` SET `ns_id` = printf('%08x%016x', `created_at` / 1000, `id`), `srv_created` = `created_at`, `srv_modified` = `created_at`;--> statement-breakpoint
CREATE UNIQUE INDEX `device_statuses_user_ns_id` ON `device_statuses` (`user_id`,`ns_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `device_statuses_user_identifier` ON `device_statuses` (`user_id`,`identifier`);--> statement-breakpoint
CREATE INDEX `device_statuses_user_modified` ON `device_statuses` (`user_id`,`srv_modified`);--> statement-breakpoint
CREATE TABLE `nightscout_food` (
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
CREATE UNIQUE INDEX `nightscout_food_user_ns_id` ON `nightscout_food` (`user_id`,`ns_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `nightscout_food_user_identifier` ON `nightscout_food` (`user_id`,`identifier`);--> statement-breakpoint
CREATE INDEX `nightscout_food_user_modified` ON `nightscout_food` (`user_id`,`srv_modified`);
