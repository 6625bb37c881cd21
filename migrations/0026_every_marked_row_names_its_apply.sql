-- The marker (tenantctl.apply_id) was checked at a statement's start (0015),
-- but the row triggers read it as each row is written (0004's stamp, 0016's
-- other_writes), and set_config() in a WHERE or RETURNING clause changes it
-- in the middle of a statement: unset at the start and set to an old apply
-- while the rows were written, the writer granted a Global administrator
-- that other_writes did not log, and the user's stamp kept naming that old
-- apply (helper-82).
--
-- Now a row written while the marker is set must be written in the
-- transaction of the apply it names, checked row by row (only an apply's
-- rows pay: about 0.7 s for 100,000); 0024 records the writes of a
-- transaction that recorded an apply under that apply, whatever the marker
-- says when the statement ends. So every row is either logged in other_writes
-- (no marker when it was written) or recorded with its transaction's apply.
-- Running this file again changes nothing.

-- 0015's check, now also for each row: its return is the row (a statement's
-- trigger ignores it).
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
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

DO $$
DECLARE
  written text;
BEGIN
  FOREACH written IN ARRAY ARRAY['users', 'user_roles', 'license_assignments', 'license_disabled_plans', 'subscriptions', 'credential_notifications'] LOOP
    EXECUTE format(
      $sql$CREATE OR REPLACE TRIGGER %I BEFORE INSERT OR UPDATE OR DELETE ON %I
             FOR EACH ROW WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') <> '')
             EXECUTE FUNCTION refuse_apply_marker_without_apply()$sql$,
      written || '_row_marker_names_apply', written);
  END LOOP;
END $$;
