-- What a Nightscout client sends with a reading besides its value (noise, filtered, unfiltered,
-- rssi, delta, …: every xDrip+ upload has them) moves onto the reading's own row, so such an upload
-- writes one row, not two (D1 bills each row written). Nothing looks readings up by these fields.
-- What is looked up (a client's `_id`, an API v3 `identifier`) and API v3's server times stay in
-- a side table, now named for what it holds, with a row only for readings that have one of them.
-- The new column is NULL for every other reading (one byte of record header each).
ALTER TABLE `glucose_readings` ADD `ns_extra` text;--> statement-breakpoint
-- Driven by the extras rows (each reading found by its primary key), not by a scan of every reading.
UPDATE `glucose_readings` SET `ns_extra` = (SELECT x.`extra` FROM `nightscout_entry_extras` AS x
    WHERE x.`user_id` = `glucose_readings`.`user_id` AND x.`time` = `glucose_readings`.`time` AND x.`source_id` = `glucose_readings`.`source_id`)
  WHERE (`user_id`, `time`, `source_id`) IN (SELECT `user_id`, `time`, `source_id` FROM `nightscout_entry_extras` WHERE `extra` IS NOT NULL);--> statement-breakpoint
CREATE TABLE `nightscout_entry_ids` (
	`user_id` integer NOT NULL,
	`time` integer NOT NULL,
	`source_id` integer NOT NULL,
	`client_id` text,
	`identifier` text,
	`srv_created` integer,
	`srv_modified` integer,
	PRIMARY KEY(`user_id`, `time`, `source_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `nightscout_entry_ids` (`user_id`, `time`, `source_id`, `client_id`, `identifier`, `srv_created`, `srv_modified`)
  SELECT `user_id`, `time`, `source_id`, `client_id`, `identifier`, `srv_created`, `srv_modified` FROM `nightscout_entry_extras`
  WHERE `client_id` IS NOT NULL OR `identifier` IS NOT NULL OR `srv_created` IS NOT NULL OR `srv_modified` IS NOT NULL;--> statement-breakpoint
DROP TABLE `nightscout_entry_extras`;--> statement-breakpoint
CREATE INDEX `nightscout_entry_ids_client_id` ON `nightscout_entry_ids` (`user_id`,`client_id`) WHERE `client_id` IS NOT NULL;--> statement-breakpoint
CREATE INDEX `nightscout_entry_ids_identifier` ON `nightscout_entry_ids` (`user_id`,`identifier`) WHERE `identifier` IS NOT NULL;--> statement-breakpoint
CREATE INDEX `nightscout_entry_ids_modified` ON `nightscout_entry_ids` (`user_id`,`srv_modified`) WHERE `srv_modified` IS NOT NULL;--> statement-breakpoint
CREATE TRIGGER `nightscout_entry_ids_fence_insert` BEFORE INSERT ON `nightscout_entry_ids` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = NEW.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_entry_ids_fence_update` BEFORE UPDATE ON `nightscout_entry_ids` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
--> statement-breakpoint
CREATE TRIGGER `nightscout_entry_ids_fence_delete` BEFORE DELETE ON `nightscout_entry_ids` WHEN EXISTS (SELECT 1 FROM shard_fences WHERE user_id = OLD.user_id) AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) BEGIN SELECT RAISE(ABORT, 'user_moving'); END;
