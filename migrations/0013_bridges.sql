-- Cloud follower bridges (Dexcom Share, LibreLinkUp, a Nightscout site) polled by the user's
-- Durable Object (worker/db/schema-bridges.ts; durable/bridges/). Credentials are AES-GCM
-- ciphertext (worker/bridges/crypto.ts); session tokens live only in the Durable Object.
CREATE TABLE `bridges` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`region` text,
	`server_url` text,
	`credentials` text NOT NULL,
	`credentials_version` integer DEFAULT 1 NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`paused` integer DEFAULT 0 NOT NULL,
	`last_success_at` integer,
	`last_error` text,
	`last_error_at` integer,
	`next_poll_at` integer,
	`failures` integer DEFAULT 0 NOT NULL,
	`readings_imported` integer DEFAULT 0 NOT NULL,
	`last_reading_at` integer,
	`backfill_status` text,
	`backfill_imported` integer DEFAULT 0 NOT NULL,
	`backfill_cursor` integer,
	`backfill_error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `bridges_user` ON `bridges` (`user_id`,`created_at`);
