CREATE TABLE `daily_summaries` (
	`user_id` integer NOT NULL,
	`date` text NOT NULL,
	`day_start` integer NOT NULL,
	`day_end` integer NOT NULL,
	`hours` real NOT NULL,
	`timezone` text NOT NULL,
	`readings` integer NOT NULL,
	`coverage_percent` real NOT NULL,
	`mean` real,
	`sd` real,
	`cv` real,
	`gmi` real,
	`min` real,
	`max` real,
	`below_54` real,
	`below_70` real,
	`in_range` real,
	`above_180` real,
	`above_250` real,
	`morning_mean` real,
	`sleep_hours` real,
	`sleep_quality` real,
	`awakenings` integer,
	`meals` integer NOT NULL,
	`carbs` real,
	`late_meals` integer NOT NULL,
	`last_meal_minute` integer,
	`exercise_minutes` real NOT NULL,
	`light_activity_minutes` real NOT NULL,
	`exercise_intensity` text,
	`steps` integer,
	`insulin_bolus` real,
	`insulin_basal` real,
	`insulin_total` real,
	`medications` integer NOT NULL,
	`first_medication_minute` integer,
	`aggregated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`user_id`, `date`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `insight_chunks` (
	`job_id` text NOT NULL,
	`stage` text NOT NULL,
	`part` integer NOT NULL,
	`user_id` integer NOT NULL,
	`result` text NOT NULL,
	`data` text,
	`cpu_ms` real NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`job_id`, `stage`, `part`),
	FOREIGN KEY (`job_id`) REFERENCES `insight_jobs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `insight_chunks_user` ON `insight_chunks` (`user_id`);--> statement-breakpoint
CREATE TABLE `insight_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`status` text NOT NULL,
	`stage` text NOT NULL,
	`trigger` text NOT NULL,
	`period_days` integer NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`timezone` text NOT NULL,
	`plan` text NOT NULL,
	`planned_chunks` integer NOT NULL,
	`done_chunks` integer DEFAULT 0 NOT NULL,
	`error` text,
	`last_chunk_error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `insight_jobs_user_created` ON `insight_jobs` (`user_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `insight_jobs_one_active` ON `insight_jobs` (`user_id`) WHERE "status" in ('queued', 'running');--> statement-breakpoint
CREATE TABLE `insight_results` (
	`job_id` text NOT NULL,
	`kind` text NOT NULL,
	`user_id` integer NOT NULL,
	`data` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`job_id`, `kind`),
	FOREIGN KEY (`job_id`) REFERENCES `insight_jobs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `insight_results_user_kind` ON `insight_results` (`user_id`,`kind`);--> statement-breakpoint
CREATE TABLE `insight_stages` (
	`job_id` text NOT NULL,
	`stage` text NOT NULL,
	`enqueued_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`job_id`, `stage`),
	FOREIGN KEY (`job_id`) REFERENCES `insight_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
