-- An uploader secret's Nightscout role (lib/authorization/storage.js defaultRoles): `admin` ('*',
-- every secret so far) or `readable` ('*:*:read'), for follower apps that should never write.
ALTER TABLE `uploader_secrets` ADD `role` text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
-- A Nightscout subject (`/api/v2/authorization/subjects`) is an uploader secret made by another:
-- its token is derived from that one's SHA-1 as Nightscout derives a subject's access token.
ALTER TABLE `uploader_secrets` ADD `parent_id` integer;
