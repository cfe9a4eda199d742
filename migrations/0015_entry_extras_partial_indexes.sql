-- The three secondary indexes of nightscout_entry_extras hold only the rows that have the indexed
-- value. Most uploads (xDrip+ among them) send no _id or identifier and never go through API v3,
-- so full indexes wrote three index rows per reading for NULLs no query looks up (D1 bills index
-- rows as rows written). Every lookup compares the column with a value (`= ?`, `>= ?`), which
-- implies NOT NULL, so SQLite still uses these partial indexes for it.
DROP INDEX `nightscout_entry_extras_client_id`;--> statement-breakpoint
CREATE INDEX `nightscout_entry_extras_client_id` ON `nightscout_entry_extras` (`user_id`,`client_id`) WHERE `client_id` IS NOT NULL;--> statement-breakpoint
DROP INDEX `nightscout_entry_extras_identifier`;--> statement-breakpoint
CREATE INDEX `nightscout_entry_extras_identifier` ON `nightscout_entry_extras` (`user_id`,`identifier`) WHERE `identifier` IS NOT NULL;--> statement-breakpoint
DROP INDEX `nightscout_entry_extras_modified`;--> statement-breakpoint
CREATE INDEX `nightscout_entry_extras_modified` ON `nightscout_entry_extras` (`user_id`,`srv_modified`) WHERE `srv_modified` IS NOT NULL;
