CREATE TABLE `import_upload_parts` (
	`user_id` integer NOT NULL,
	`upload_id` text NOT NULL,
	`part` integer NOT NULL,
	`sha256` text NOT NULL,
	`response` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`user_id`, `upload_id`, `part`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `import_upload_state` (
	`user_id` integer NOT NULL,
	`upload_id` text NOT NULL,
	`part` integer NOT NULL,
	`seq` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`user_id`, `upload_id`, `part`, `seq`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `import_uploads` (
	`user_id` integer NOT NULL,
	`id` text NOT NULL,
	`format` text,
	`options` text NOT NULL,
	`next_part` integer DEFAULT 0 NOT NULL,
	`done` integer DEFAULT false NOT NULL,
	`totals` text NOT NULL,
	`carry` text DEFAULT '' NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`user_id`, `id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`time` integer NOT NULL,
	`text` text NOT NULL,
	`tags` text,
	`source` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notes_user_time` ON `notes` (`user_id`,`time`);