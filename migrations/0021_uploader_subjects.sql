-- A Nightscout subject (`/api/v2/authorization/subjects`) is an uploader secret made by another:
-- its token is derived from that one's SHA-1 as Nightscout derives a subject's access token.
ALTER TABLE `uploader_secrets` ADD `parent_id` integer;
