-- An apply marks its transaction as tenantctl's own with
-- `set_config('tenantctl.apply_id', id, true)` (migration 0004), and the
-- attribution triggers then leave the rows it writes to the apply's stamp.
-- Any role may set that variable: the merge pipeline's writer could set it,
-- grant a Global administrator with plain SQL and leave no trace at all (no
-- apply recorded, no `outside tenantctl` stamp; drift named the last real
-- apply and its actor as the one who made the change).
--
-- A write to the directory (users, their roles, licences and disabled plans)
-- or to the seats now refuses a marker that does not name an apply recorded
-- in the same transaction: a row of applies this transaction inserted (its
-- xmin is this transaction's id). So every write is either an apply's, with
-- its row in the audit trail (with the database role that wrote it), or
-- stamped as made outside tenantctl. One check per statement, not per row.
-- SECURITY DEFINER: it reads applies whatever the writing role may read.
-- Running this file again changes nothing (OR REPLACE), as for 0011-0014.

CREATE OR REPLACE FUNCTION refuse_apply_marker_without_apply() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  marker text := current_setting('tenantctl.apply_id', true);
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM applies
     WHERE id = CASE WHEN marker ~ '^[0-9]{1,18}$' THEN marker::bigint END
       AND xmin = pg_current_xact_id()::xid) THEN
    RAISE EXCEPTION 'refused: tenantctl.apply_id is set to "%", which names no apply recorded in this transaction; only tenantctl apply marks its writes as its own (write without it, and the change is stamped as made outside tenantctl)', left(marker, 40)
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END $$;

-- The same statement-level trigger on each table an apply writes.
DO $$
DECLARE
  written text;
BEGIN
  FOREACH written IN ARRAY ARRAY['users', 'user_roles', 'license_assignments', 'license_disabled_plans', 'subscriptions'] LOOP
    EXECUTE format(
      $sql$CREATE OR REPLACE TRIGGER %I BEFORE INSERT OR UPDATE OR DELETE ON %I
             FOR EACH STATEMENT WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') <> '')
             EXECUTE FUNCTION refuse_apply_marker_without_apply()$sql$,
      written || '_apply_marker_names_apply', written);
  END LOOP;
END $$;
