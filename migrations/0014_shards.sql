-- Sharded storage (worker/db/shards.ts). The same migrations run on the directory database (DB) and on
-- every shard (SHARD_0, SHARD_1, ...); the directory uses only the account tables and user_shards,
-- a shard only the per-user tables (and an anchor row per user in users, so the foreign keys and
-- ON DELETE CASCADE keep working).
--
-- user_shards (directory): which shard holds each user, and a move in progress.
CREATE TABLE `user_shards` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`shard` integer NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`target` integer,
	`moved_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_shards_shard` ON `user_shards` (`shard`);
--> statement-breakpoint
-- shard_fences (shards): users whose rows are being moved away or have left this shard. Every
-- write of a fenced user's rows here is refused with "user_moving" (the triggers below), so a
-- request that still routes the user here re-reads the directory and retries on the new shard.
-- The mover's own removal of the rows (deleting the users anchor, which cascades) is let through:
-- the anchor is gone by the time the cascaded deletes run.
CREATE TABLE `shard_fences` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `glucose_sources_fence_insert` BEFORE INSERT ON `glucose_sources` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `glucose_sources_fence_update` BEFORE UPDATE ON `glucose_sources` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `glucose_sources_fence_delete` BEFORE DELETE ON `glucose_sources` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `glucose_readings_fence_insert` BEFORE INSERT ON `glucose_readings` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `glucose_readings_fence_update` BEFORE UPDATE ON `glucose_readings` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `glucose_readings_fence_delete` BEFORE DELETE ON `glucose_readings` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `sleep_sessions_fence_insert` BEFORE INSERT ON `sleep_sessions` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `sleep_sessions_fence_update` BEFORE UPDATE ON `sleep_sessions` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `sleep_sessions_fence_delete` BEFORE DELETE ON `sleep_sessions` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `meals_fence_insert` BEFORE INSERT ON `meals` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `meals_fence_update` BEFORE UPDATE ON `meals` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `meals_fence_delete` BEFORE DELETE ON `meals` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `activities_fence_insert` BEFORE INSERT ON `activities` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `activities_fence_update` BEFORE UPDATE ON `activities` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `activities_fence_delete` BEFORE DELETE ON `activities` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insulin_doses_fence_insert` BEFORE INSERT ON `insulin_doses` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insulin_doses_fence_update` BEFORE UPDATE ON `insulin_doses` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insulin_doses_fence_delete` BEFORE DELETE ON `insulin_doses` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `medications_fence_insert` BEFORE INSERT ON `medications` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `medications_fence_update` BEFORE UPDATE ON `medications` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `medications_fence_delete` BEFORE DELETE ON `medications` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `hba1c_results_fence_insert` BEFORE INSERT ON `hba1c_results` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `hba1c_results_fence_update` BEFORE UPDATE ON `hba1c_results` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `hba1c_results_fence_delete` BEFORE DELETE ON `hba1c_results` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `blood_pressure_fence_insert` BEFORE INSERT ON `blood_pressure` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `blood_pressure_fence_update` BEFORE UPDATE ON `blood_pressure` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `blood_pressure_fence_delete` BEFORE DELETE ON `blood_pressure` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `body_metrics_fence_insert` BEFORE INSERT ON `body_metrics` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `body_metrics_fence_update` BEFORE UPDATE ON `body_metrics` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `body_metrics_fence_delete` BEFORE DELETE ON `body_metrics` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `notes_fence_insert` BEFORE INSERT ON `notes` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `notes_fence_update` BEFORE UPDATE ON `notes` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `notes_fence_delete` BEFORE DELETE ON `notes` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `alert_settings_fence_insert` BEFORE INSERT ON `alert_settings` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `alert_settings_fence_update` BEFORE UPDATE ON `alert_settings` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `alert_settings_fence_delete` BEFORE DELETE ON `alert_settings` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `alert_events_fence_insert` BEFORE INSERT ON `alert_events` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `alert_events_fence_update` BEFORE UPDATE ON `alert_events` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `alert_events_fence_delete` BEFORE DELETE ON `alert_events` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `daily_summaries_fence_insert` BEFORE INSERT ON `daily_summaries` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `daily_summaries_fence_update` BEFORE UPDATE ON `daily_summaries` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `daily_summaries_fence_delete` BEFORE DELETE ON `daily_summaries` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_jobs_fence_insert` BEFORE INSERT ON `insight_jobs` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_jobs_fence_update` BEFORE UPDATE ON `insight_jobs` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_jobs_fence_delete` BEFORE DELETE ON `insight_jobs` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_chunks_fence_insert` BEFORE INSERT ON `insight_chunks` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_chunks_fence_update` BEFORE UPDATE ON `insight_chunks` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_chunks_fence_delete` BEFORE DELETE ON `insight_chunks` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_results_fence_insert` BEFORE INSERT ON `insight_results` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_results_fence_update` BEFORE UPDATE ON `insight_results` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_results_fence_delete` BEFORE DELETE ON `insight_results` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `device_statuses_fence_insert` BEFORE INSERT ON `device_statuses` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `device_statuses_fence_update` BEFORE UPDATE ON `device_statuses` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `device_statuses_fence_delete` BEFORE DELETE ON `device_statuses` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `idempotency_keys_fence_insert` BEFORE INSERT ON `idempotency_keys` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `idempotency_keys_fence_update` BEFORE UPDATE ON `idempotency_keys` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `idempotency_keys_fence_delete` BEFORE DELETE ON `idempotency_keys` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_treatments_fence_insert` BEFORE INSERT ON `nightscout_treatments` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_treatments_fence_update` BEFORE UPDATE ON `nightscout_treatments` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_treatments_fence_delete` BEFORE DELETE ON `nightscout_treatments` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_entry_extras_fence_insert` BEFORE INSERT ON `nightscout_entry_extras` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_entry_extras_fence_update` BEFORE UPDATE ON `nightscout_entry_extras` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_entry_extras_fence_delete` BEFORE DELETE ON `nightscout_entry_extras` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_food_fence_insert` BEFORE INSERT ON `nightscout_food` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_food_fence_update` BEFORE UPDATE ON `nightscout_food` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_food_fence_delete` BEFORE DELETE ON `nightscout_food` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_profiles_fence_insert` BEFORE INSERT ON `nightscout_profiles` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_profiles_fence_update` BEFORE UPDATE ON `nightscout_profiles` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_profiles_fence_delete` BEFORE DELETE ON `nightscout_profiles` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `import_uploads_fence_insert` BEFORE INSERT ON `import_uploads` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `import_uploads_fence_update` BEFORE UPDATE ON `import_uploads` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `import_uploads_fence_delete` BEFORE DELETE ON `import_uploads` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `import_upload_parts_fence_insert` BEFORE INSERT ON `import_upload_parts` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `import_upload_parts_fence_update` BEFORE UPDATE ON `import_upload_parts` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `import_upload_parts_fence_delete` BEFORE DELETE ON `import_upload_parts` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `import_upload_state_fence_insert` BEFORE INSERT ON `import_upload_state` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `import_upload_state_fence_update` BEFORE UPDATE ON `import_upload_state` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `import_upload_state_fence_delete` BEFORE DELETE ON `import_upload_state` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `user_models_fence_insert` BEFORE INSERT ON `user_models` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `user_models_fence_update` BEFORE UPDATE ON `user_models` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `user_models_fence_delete` BEFORE DELETE ON `user_models` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_stages_fence_insert` BEFORE INSERT ON `insight_stages` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = (SELECT user_id FROM insight_jobs WHERE id = NEW.job_id)) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_stages_fence_update` BEFORE UPDATE ON `insight_stages` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = (SELECT user_id FROM insight_jobs WHERE id = OLD.job_id)) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `insight_stages_fence_delete` BEFORE DELETE ON `insight_stages` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = (SELECT user_id FROM insight_jobs WHERE id = OLD.job_id)) AND EXISTS (SELECT 1 FROM users WHERE id = (SELECT user_id FROM insight_jobs WHERE id = OLD.job_id)) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_entry_tombstones_fence_insert` BEFORE INSERT ON `nightscout_entry_tombstones` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_entry_tombstones_fence_update` BEFORE UPDATE ON `nightscout_entry_tombstones` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_entry_tombstones_fence_delete` BEFORE DELETE ON `nightscout_entry_tombstones` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_settings_fence_insert` BEFORE INSERT ON `nightscout_settings` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_settings_fence_update` BEFORE UPDATE ON `nightscout_settings` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_settings_fence_delete` BEFORE DELETE ON `nightscout_settings` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `bridges_fence_insert` BEFORE INSERT ON `bridges` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `bridges_fence_update` BEFORE UPDATE ON `bridges` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `bridges_fence_delete` BEFORE DELETE ON `bridges` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `users_fence_update` BEFORE UPDATE ON `users` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
