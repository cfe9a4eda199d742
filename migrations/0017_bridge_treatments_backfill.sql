-- A Nightscout site's history backfill goes on from the entries to the treatments (boluses, carbs,
-- notes, site changes): `backfill_phase` says which collection the cursor belongs to (null is
-- entries, as before), `backfill_treatments` how many treatments it has stored.
ALTER TABLE `bridges` ADD `backfill_phase` text;--> statement-breakpoint
ALTER TABLE `bridges` ADD `backfill_treatments` integer DEFAULT 0 NOT NULL;
