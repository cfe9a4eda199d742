-- An uploader secret's Nightscout role (lib/authorization/storage.js defaultRoles): `admin` ('*',
-- every secret so far) or `readable` ('*:*:read'), for follower apps that should never write.
ALTER TABLE `uploader_secrets` ADD `role` text DEFAULT 'admin' NOT NULL;
