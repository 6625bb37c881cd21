-- A purged account's name is kept in former_names (migration 0031), so that
-- an account created under it later is recorded as one created under a name
-- another account had (migration 0034), with where its first password went.
--
-- Before, only renames left a name behind. Revoke Pieter's Billing
-- administrator (not privileged), delete him (one user, under the deletion
-- threshold), wait out the recycle bin's 30 days, declare pieter.bakker@
-- again with a pull request author's notify: that plan purges the expired row
-- and creates a new account whose first password goes to the author, with no
-- approval. The later grant of Billing administrator to pieter.bakker@ showed
-- its approver the name that held the role before, and nothing else.
--
-- renamed_to is '' for a purged name: the account has no name any more. The
-- plan's read of former_names joins users, so a purged account's rows name
-- nobody there; only 0034's creation trigger reads them, by name. A statement
-- trigger: a purge of thousands of expired accounts adds its rows at once.
-- Purges by SQL are kept too: whoever freed the name, a new account under it
-- is not the one an approver knew. Running this file again changes nothing.

CREATE OR REPLACE FUNCTION record_purged_names() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO former_names (user_id, user_principal_name, renamed_to)
  SELECT p.id, p.user_principal_name, '' FROM purged p;
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER users_record_purged_names
  AFTER DELETE ON users
  REFERENCING OLD TABLE AS purged
  FOR EACH STATEMENT EXECUTE FUNCTION record_purged_names();

-- 0034 looks up each new account's name here: with every purge kept, by an
-- index rather than a scan of the table per account created.
CREATE INDEX IF NOT EXISTS former_names_name ON former_names (lower(user_principal_name));

-- And where a reset's password came from. Revoke Pieter's role, reset his
-- password with `fromEnv: XDG_RUNTIME_DIR` (/run/user/1001 on many runners,
-- known to the pull request's author) and his notify left alone, grant the
-- role back: the grant's warning said the reset's temporary password was sent
-- to it-desk@, which reads as the help desk's own reset. Apply now keeps the
-- fromEnv variable with the notification it queues (null: generated; '': a
-- name written like a password, never stored), and 0034's trigger copies it
-- beside the recipients. A later change of the way in empties the recipients
-- (0034), and the variable is shown only with them.
ALTER TABLE credential_notifications ADD COLUMN IF NOT EXISTS password_from text;
ALTER TABLE unapproved_ways_in ADD COLUMN IF NOT EXISTS password_from text;

CREATE OR REPLACE FUNCTION record_unapproved_reset_recipients() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE unapproved_ways_in w SET recipients = q.recipients, password_from = q.password_from
    FROM queued q
   WHERE w.user_id = q.user_id AND w.way IN ('created', 'password') AND w.apply_id = q.apply_id AND w.changed_at = now();
  RETURN NULL;
END $$;

-- As migration 0032: no role may fire these from a trigger of its own.
REVOKE ALL ON FUNCTION record_purged_names() FROM PUBLIC;
REVOKE ALL ON FUNCTION record_unapproved_reset_recipients() FROM PUBLIC;

-- Here as well as in sql/roles.sql: apply writes the new column, where roles.sql ran.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer')
     AND has_column_privilege('tenantctl_writer', 'credential_notifications', 'recipients', 'INSERT') THEN
    GRANT INSERT (password_from) ON credential_notifications TO tenantctl_writer;
  END IF;
END $$;
