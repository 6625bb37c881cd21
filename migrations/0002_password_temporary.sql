-- Whether the user's password is still the temporary one tenantctl set (at
-- creation or on a reset). tenantctl sets it to true whenever it sets a
-- password; the directory sets it to false when the user chooses their own.
-- `drift` reports temporary passwords past password_expires_at.
--
-- Rows that exist before this migration get false: whether their users have
-- changed their password since is unknown, and an unknown is not reported.
ALTER TABLE users ADD COLUMN password_temporary boolean NOT NULL DEFAULT false;
