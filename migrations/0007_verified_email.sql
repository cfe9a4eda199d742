-- Verified email addresses. An address is unique only among verified accounts: registering an
-- address that already has an account creates a second, unverified account that can never be
-- verified for it (the address's owner is mailed instead), so registration answers the same
-- whether or not the address is known. Written by hand (drizzle-kit cannot express the partial
-- index); worker/db/schema.ts declares the same columns and indexes.
ALTER TABLE `users` ADD `email_verified_at` integer;--> statement-breakpoint
DROP INDEX `users_email_unique`;--> statement-breakpoint
CREATE INDEX `users_email` ON `users` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_verified` ON `users` (`email`) WHERE `email_verified_at` IS NOT NULL;--> statement-breakpoint
CREATE TABLE `email_verifications` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`email` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `email_verifications_user` ON `email_verifications` (`user_id`);
