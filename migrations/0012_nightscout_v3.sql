-- Nightscout API v3 (hand-written; worker/db/schema-interop.ts and schema-profiles.ts are kept in
-- step). Readings have no server times of their own: as Nightscout does for documents without
-- them (lib/api3/generic/setup.js fallbackDate), a reading's srvModified is its date, unless API v3
-- created or changed it, which stamps srv_created/srv_modified on its extras row. A reading
-- deleted through API v3 leaves a tombstone (its last document) so that history can answer it
-- with isValid false. Profiles get an `identifier` column like the other document tables, and the
-- `settings` collection a document table of the same shape as nightscout_food.
ALTER TABLE `nightscout_entry_extras` ADD `srv_created` integer;--> statement-breakpoint
ALTER TABLE `nightscout_entry_extras` ADD `srv_modified` integer;--> statement-breakpoint
CREATE INDEX `nightscout_entry_extras_identifier` ON `nightscout_entry_extras` (`user_id`,`identifier`);--> statement-breakpoint
CREATE INDEX `nightscout_entry_extras_modified` ON `nightscout_entry_extras` (`user_id`,`srv_modified`);--> statement-breakpoint
CREATE TABLE `nightscout_entry_tombstones` (
	`user_id` integer NOT NULL,
	`identifier` text NOT NULL,
	`time` integer NOT NULL,
	`doc` text NOT NULL,
	`srv_modified` integer NOT NULL,
	PRIMARY KEY(`user_id`, `identifier`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `nightscout_entry_tombstones_modified` ON `nightscout_entry_tombstones` (`user_id`,`srv_modified`);--> statement-breakpoint
ALTER TABLE `nightscout_profiles` ADD `identifier` text;--> statement-breakpoint
CREATE INDEX `nightscout_profiles_user_identifier` ON `nightscout_profiles` (`user_id`,`identifier`);--> statement-breakpoint
CREATE TABLE `nightscout_settings` (
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
CREATE UNIQUE INDEX `nightscout_settings_user_ns_id` ON `nightscout_settings` (`user_id`,`ns_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `nightscout_settings_user_identifier` ON `nightscout_settings` (`user_id`,`identifier`);--> statement-breakpoint
CREATE INDEX `nightscout_settings_user_modified` ON `nightscout_settings` (`user_id`,`srv_modified`);
