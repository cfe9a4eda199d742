-- A Nightscout site's history backfill goes on after the treatments to the device statuses and the
-- profiles (`backfill_phase` 'devicestatus', 'profiles'); these count what each stored.
ALTER TABLE `bridges` ADD `backfill_devicestatus` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `bridges` ADD `backfill_profiles` integer DEFAULT 0 NOT NULL;
