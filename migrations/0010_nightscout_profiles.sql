-- Nightscout treatment profiles (worker/db/schema-profiles.ts), one row per profile document of
-- a user. `id` is the document's 24-hex `_id` (the client's when valid), unique within the user;
-- `doc_hash` (SHA-256 of the posted document) lets a retried POST without `_id` find the copy it
-- already stored. `srv_created`/`srv_modified`/`is_valid` follow Nightscout API v3 (a delete
-- keeps the row with is_valid = 0), so v3 can be served from this table.
CREATE TABLE `nightscout_profiles` (
	`user_id` integer NOT NULL,
	`id` text NOT NULL,
	`start_date` integer NOT NULL,
	`doc` text NOT NULL,
	`doc_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`srv_created` integer NOT NULL,
	`srv_modified` integer NOT NULL,
	`is_valid` integer DEFAULT true NOT NULL,
	PRIMARY KEY(`user_id`, `id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `nightscout_profiles_user_start` ON `nightscout_profiles` (`user_id`,`start_date`);--> statement-breakpoint
CREATE INDEX `nightscout_profiles_user_hash` ON `nightscout_profiles` (`user_id`,`doc_hash`);--> statement-breakpoint
CREATE INDEX `nightscout_profiles_user_modified` ON `nightscout_profiles` (`user_id`,`srv_modified`);
