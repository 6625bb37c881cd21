-- The writer role could queue a credential by plain SQL, outside any apply:
-- for any recipients, naming any earlier apply (0025 checks the apply a row
-- names only under an apply's mark), and deliver sent it. other_writes kept
-- it, but the merge pipeline's login could still send a working password of
-- any account to any mailbox. Now a notification inserted without the apply
-- mark is refused unless the inserting role has the privileges of the
-- table's owner (init, the owner's psql, tests seeding one by hand: still
-- logged in other_writes). The embedded database runs as that owner.
--
-- The owner could also redirect a queued credential, UPDATE ... SET
-- recipients, and nothing recorded it (0016 logs only its deletes, 0025 its
-- inserts): now a change of what a notification is, to whom and for whom,
-- outside an apply is kept in other_writes too. deliver's own updates
-- (attempts, errors, delivery, the erased password) name none of these
-- columns and still cost nothing.
--
-- And a reset whose user's own mailbox is settings.adminEmail sends it no
-- copy: the row names the address withheld, for deliver to say so.
-- Running this file again changes nothing.

ALTER TABLE credential_notifications ADD COLUMN IF NOT EXISTS withheld_recipients text[] NOT NULL DEFAULT '{}';

CREATE OR REPLACE FUNCTION refuse_unmarked_credential() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  -- Not SECURITY DEFINER: current_user is the role that inserts (after SET ROLE, the role set).
  IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
    RAISE EXCEPTION 'refused: role % may queue a credential notification only in tenantctl apply, which marks its writes; queue one by resetting the user''s password (password.reset) and applying', current_user
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER credential_notifications_unmarked_only_by_owner BEFORE INSERT ON credential_notifications
  FOR EACH ROW WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION refuse_unmarked_credential();

CREATE OR REPLACE TRIGGER credential_notifications_log_other_update
  AFTER UPDATE OF apply_id, user_id, user_principal_name, recipients, withheld_recipients, reason, force_change ON credential_notifications
  FOR EACH ROW WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION log_other_write();

-- Here as well as in sql/roles.sql: apply writes the new column, where roles.sql ran.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer')
     AND has_column_privilege('tenantctl_writer', 'credential_notifications', 'recipients', 'INSERT') THEN
    GRANT INSERT (withheld_recipients) ON credential_notifications TO tenantctl_writer;
  END IF;
END $$;
